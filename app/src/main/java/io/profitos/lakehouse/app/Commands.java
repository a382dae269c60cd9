package io.profitos.lakehouse.app;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.quality.ExpectationSuite;
import io.profitos.lakehouse.quality.QualityTools;
import io.profitos.lakehouse.quality.SuiteCatalog;
import io.profitos.lakehouse.quality.ValidationResult;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.spark.SparkSessions;
import io.profitos.lakehouse.core.table.TableCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/** The CLI's commands. Each returns an exit code or throws {@link LakehouseException}. */
final class Commands {
  static final Set<String> COMMON = Set.of("env", "conf-dir", "conf");

  private Commands() {}

  static int dispatch(String[] args, PrintStream out) {
    String command = args.length == 0 ? "help" : args[0];
    return switch (command) {
      case "help", "--help", "-h" -> {
        out.print(Help.MAIN);
        yield 0;
      }
      case "jobs" -> jobs(CliArgs.parse(args, COMMON, Set.of()), out);
      case "run" -> run(CliArgs.parse(args, union(COMMON, Set.of("run-date", "from", "to")), Set.of("full-refresh", "dry-run")), out);
      case "status" -> OperatorCommands.status(CliArgs.parse(args, union(COMMON, Set.of("run-date")), Set.of()), out);
      case "config" -> OperatorCommands.config(CliArgs.parse(args, COMMON, Set.of()), out);
      case "lineage" -> OperatorCommands.lineage(CliArgs.parse(args, union(COMMON, Set.of("version")), Set.of("all")), out);
      case "demo-data" -> {
        requireDemoModule();
        yield DemoCommands.demoData(CliArgs.parse(args, union(COMMON, Set.of("scale", "seed", "out", "as-of", "from", "through")), Set.of()), out);
      }
      case "demo" -> {
        requireDemoModule();
        yield DemoCommands.demo(CliArgs.parse(args, union(COMMON, Set.of("scale", "seed", "run-date")), Set.of()), out);
      }
      case "bench" -> {
        requireDemoModule();
        yield DemoCommands.bench(CliArgs.parse(args, union(COMMON, Set.of("scale", "seed", "work", "repeat", "clients", "trials", "run", "layers")), Set.of()), out);
      }
      case "maintain" -> maintain(CliArgs.parse(args, COMMON, Set.of()), out);
      case "privacy" -> privacy(CliArgs.parse(args, union(COMMON, Set.of("email", "workspace")), Set.of("dry-run")), out);
      case "ml" -> MlCommands.ml(args, out);
      case "decisions" -> DecisionCommands.decisions(args, out);
      case "alerts" -> AlertCommands.alerts(args, out);
      case "quality" -> quality(CliArgs.parse(args, union(COMMON, Set.of("suite", "table", "path", "format", "run-date", "out", "days")),
          Set.of()), out);
      case "catalog" -> catalog(CliArgs.parse(args, union(COMMON, Set.of("out")), Set.of()), out);
      case "sql-server" -> sqlServer(CliArgs.parse(args, union(COMMON, Set.of("port", "host")), Set.of()), out);
      case "storage" -> StorageCommands.storage(CliArgs.parse(args, COMMON, Set.of()), out);
      case "airflow" -> airflow(CliArgs.parse(args, union(COMMON, Set.of("out")), Set.of()), out);
      default -> throw LakehouseException.usage("Unknown command '" + command + "'. Commands: jobs, run, status, lineage, config, maintain, privacy, ml, decisions, alerts, demo-data, demo, bench, quality, catalog, sql-server, storage, airflow. See 'lakehouse --help'.");
    };
  }

  private static int catalog(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.CATALOG);
      return 0;
    }
    if (!a.positional.equals(List.of("docs"))) {
      throw LakehouseException.usage("'lakehouse catalog' takes 'docs': 'lakehouse catalog docs [--out DIR]'.");
    }
    return io.profitos.lakehouse.app.sql.CatalogDocs.write(settings(a), Path.of(a.option("out", "catalog-docs")), out);
  }

  private static int sqlServer(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.SQL_SERVER);
      return 0;
    }
    if (a.positional.equals(List.of("hash-password"))) {
      char[] password = readPassword(out);
      out.println(io.profitos.lakehouse.app.sql.PasswordHash.create(password));
      java.util.Arrays.fill(password, '\0');
      return 0;
    }
    if (!a.positional.isEmpty()) {
      throw LakehouseException.usage("'lakehouse sql-server' takes no argument but 'hash-password': see 'lakehouse sql-server --help'.");
    }
    String port = a.option("port", null);
    if (port != null) {
      if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        throw LakehouseException.usage("--port " + port + " is not a TCP port: give a number from 1 to 65535.");
      }
      a.conf.put("lakehouse.sql-server.port", port);
    }
    String host = a.option("host", null);
    if (host != null) {
      a.conf.put("lakehouse.sql-server.host", "\"" + host + "\"");
    }
    return io.profitos.lakehouse.app.sql.SqlServer.serve(settings(a), out);
  }

  /** One password from the terminal without echo, else the first line of standard input. */
  private static char[] readPassword(PrintStream out) {
    java.io.Console console = System.console();
    char[] password;
    if (console != null) {
      password = console.readPassword("Password: ");
    } else {
      try {
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
        password = line == null ? null : line.toCharArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (password == null || password.length == 0) {
      throw LakehouseException.usage("No password given: type it when asked, or pipe it on standard input.");
    }
    return password;
  }

  /** The demo generator is left out of the spark-submit jar: say so instead of failing on a missing class. */
  private static void requireDemoModule() {
    try {
      Class.forName("io.profitos.lakehouse.demo.DemoDataGenerator", false, Commands.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw LakehouseException.usage("The demo generator is not part of this jar (the spark-submit jar leaves it out): run "
          + "'bin/lakehouse demo' or 'bin/lakehouse demo-data' from a checkout, then upload the landing zone.");
    }
  }

  private static int jobs(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.JOBS);
      return 0;
    }
    noPositional(a);
    LakehouseSettings settings = settings(a);
    JobRegistry registry = JobRegistry.discover(settings);
    for (LakehouseJob job : registry.all()) {
      out.printf(Locale.ROOT, "%-45s %s%n", job.name(), job.description());
    }
    out.println();
    out.println("Layers: " + String.join(", ", registry.layers()) + " (run one with 'lakehouse run <layer>', or 'lakehouse run all').");
    return 0;
  }

  private static int run(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.RUN);
      return 0;
    }
    if (a.positional.size() != 1) {
      throw LakehouseException.usage("'lakehouse run' takes one job, layer or group (or several separated by commas), e.g. "
          + "'lakehouse run bronze'. See 'lakehouse run --help'.");
    }
    LakehouseSettings settings = settings(a);
    List<LocalDate> dates = runDates(a);
    List<LakehouseJob> jobs = JobRegistry.discover(settings).resolve(a.positional.get(0));
    String appName = "lakehouse run " + a.positional.get(0);
    if (a.flag("dry-run")) {
      return OperatorCommands.dryRun(settings, jobs, dates, a.flag("full-refresh"), out);
    }
    return runJobs(settings, appName, jobs, dates, a.flag("full-refresh"), out);
  }

  /** The business dates of a run: {@code --run-date D} (default today, UTC), or every date from {@code --from} to {@code --to}. */
  static List<LocalDate> runDates(CliArgs a) {
    String from = a.option("from", null);
    String to = a.option("to", null);
    if (from == null && to == null) {
      return List.of(runDate(a));
    }
    if (from == null || to == null || a.option("run-date", null) != null) {
      throw LakehouseException.usage("A backfill takes both --from D1 and --to D2 (and no --run-date), e.g. "
          + "'lakehouse run all --from 2026-11-01 --to 2026-11-20'.");
    }
    LocalDate first = parseDate(from, "--from");
    LocalDate last = parseDate(to, "--to");
    if (last.isBefore(first)) {
      throw LakehouseException.usage("--to " + last + " is before --from " + first + ": give the range oldest date first.");
    }
    if (java.time.temporal.ChronoUnit.DAYS.between(first, last) >= 3660) {
      throw LakehouseException.usage("A backfill covers at most ten years of dates (" + first + " to " + last + " is longer): split it.");
    }
    return first.datesUntil(last.plusDays(1)).toList();
  }

  private static int maintain(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.MAINTAIN);
      return 0;
    }
    noPositional(a);
    LakehouseSettings settings = settings(a);
    Config conf = settings.config().getConfig("lakehouse.maintenance");
    java.time.Duration retention = conf.getDuration("retention");
    int above = conf.getInt("compact-above-files");
    try (WarehouseLease lease = lease(settings, "lakehouse maintain", UUID.randomUUID().toString())) {
      return maintain(settings, conf, retention, above, out);
    }
  }

  private static int maintain(LakehouseSettings settings, Config conf, java.time.Duration retention, int above, PrintStream out) {
    return withSpark(settings, "lakehouse maintain", spark -> {
      io.profitos.lakehouse.core.table.TableMaintenance maintenance = new io.profitos.lakehouse.core.table.TableMaintenance(spark,
          retention, above);
      io.profitos.lakehouse.core.table.RowRetention rows = io.profitos.lakehouse.core.table.RowRetention.from(settings.config());
      java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
      List<String> tables = io.profitos.lakehouse.core.table.DeltaTables.tablesUnder(spark, settings.warehouse());
      out.printf(Locale.ROOT, "Maintaining %d tables under %s: deleting rows past their table's retention (%d rules), compacting "
          + "tables with more than %d files, vacuuming files older than %s that no version inside it needs ...%n", tables.size(),
          settings.warehouse(), rows.rules().size(), above, conf.getString("retention"));
      out.printf(Locale.ROOT, "%-48s %16s %20s %14s%n", "table", "files (current)", "files stored", "rows deleted");
      long removed = 0;
      int compacted = 0;
      long purged = 0;
      long expired = 0;
      // Row retention first (its deletes are what the vacuum then removes), table by table.
      Map<String, Long> deletedRows = new java.util.HashMap<>();
      for (String t : tables) {
        String relative = relativeToWarehouse(settings, t);
        // Retention rules name <layer>.<table>; the staging of blocked outputs is never a rule's table.
        deletedRows.put(t, relative.split("/").length == 2 ? rows.apply(spark, t, relative.replace('/', '.'), today) : 0L);
      }
      List<io.profitos.lakehouse.core.table.TableMaintenance.Result> results = maintenance.maintainAll(tables,
          settings.config().getInt("lakehouse.runner.parallelism"));
      for (int i = 0; i < tables.size(); i++) {
        String t = tables.get(i);
        String relative = relativeToWarehouse(settings, t);
        long deleted = deletedRows.get(t);
        io.profitos.lakehouse.core.table.TableMaintenance.Result r = results.get(i);
        out.printf(Locale.ROOT, "%-48s %16s %20s %14s%n", relative, r.filesBefore() + " -> " + r.filesAfter(),
            r.storedBefore() + " -> " + r.storedAfter(), rows.ruleFor(relative.replace('/', '.')).isPresent() ? deleted : "-");
        removed += Math.max(0, r.storedBefore() - r.storedAfter());
        compacted += r.compacted() ? 1 : 0;
        purged += r.purged();
        expired += deleted;
      }
      out.printf(Locale.ROOT, "%d rows deleted past their table's retention, %d tables compacted, %d files rewritten without the rows "
          + "their deletion vectors marked, %d files deleted past the retention.%n", expired, compacted, purged, removed);
      return 0;
    });
  }

  private static int privacy(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.PRIVACY);
      return 0;
    }
    if (!a.positional.equals(List.of("forget"))) {
      throw LakehouseException.usage("'lakehouse privacy' takes 'forget': 'lakehouse privacy forget --email ADDRESS' or "
          + "'lakehouse privacy forget --workspace ID'.");
    }
    String email = a.option("email", null);
    String workspace = a.option("workspace", null);
    if ((email == null) == (workspace == null)) {
      throw LakehouseException.usage("'lakehouse privacy forget' takes one subject: --email ADDRESS or --workspace ID.");
    }
    String subject = email != null ? "email" : "workspace";
    String value = email != null ? email.strip() : workspace.strip();
    if (value.isEmpty() || (email != null && !value.matches("[^@\\s]+@[^@\\s]+"))) {
      throw LakehouseException.usage("--" + subject + " takes " + (email != null ? "an email address (name@domain)" : "a workspace id")
          + ": the value given is " + (value.isEmpty() ? "empty" : "not one") + ".");
    }
    LakehouseSettings settings = settings(a);
    PrivacyForget forget = PrivacyForget.from(settings.config());
    String hash = io.profitos.lakehouse.silver.ConformTransforms.keyedHashOf(io.profitos.lakehouse.silver.PiiKey.resolve(settings), value);
    boolean dryRun = a.flag("dry-run");
    try (WarehouseLease lease = lease(settings, "lakehouse privacy forget", UUID.randomUUID().toString())) {
      return withSpark(settings, "lakehouse privacy forget", spark -> {
        List<PrivacyForget.Table> tables = io.profitos.lakehouse.core.table.DeltaTables.tablesUnder(spark, settings.warehouse()).stream()
            .map(t -> new PrivacyForget.Table(t, PrivacyForget.tableName(settings.warehouse(), t),
                spark.read().format("delta").load(t).schema()))
            .toList();
        out.printf(Locale.ROOT, "%s one %s's rows in %d tables under %s (the value is not printed) ...%n",
            dryRun ? "Counting (dry run)" : "Forgetting", subject, tables.size(), settings.warehouse());
        for (String column : forget.unmatched(tables)) {
          out.printf(Locale.ROOT, "WARNING: lakehouse.privacy names %s, which that table does not have: a typo or a changed schema? "
              + "Rows holding the subject there are not found.%n", column);
        }
        PrivacyForget.Result result = forget.forget(spark, tables, subject, value, hash, dryRun);
        out.printf(Locale.ROOT, "Keys followed in %d rounds: %s%n", result.rounds(), result.keys().isEmpty() ? "none"
            : String.join(", ", result.keys().entrySet().stream().map(e -> e.getValue().size() + " " + e.getKey()).toList()));
        out.printf(Locale.ROOT, "%-56s %14s %18s%n", "table", dryRun ? "rows to delete" : "rows deleted", dryRun ? "" : "files stored");
        io.profitos.lakehouse.core.table.TableMaintenance vacuum = new io.profitos.lakehouse.core.table.TableMaintenance(spark,
            java.time.Duration.ZERO, Integer.MAX_VALUE);
        long tablesWithRows = 0;
        // Every table that could hold the subject is vacuumed, not only those with rows now: a version before a
        // stopped earlier run's delete still has them.
        List<io.profitos.lakehouse.core.table.TableMaintenance.Result> vacuumed = dryRun ? List.of()
            : vacuum.maintainAll(result.erased().stream().map(PrivacyForget.Erased::location).toList(),
                settings.config().getInt("lakehouse.runner.parallelism"));
        for (int i = 0; i < result.erased().size(); i++) {
          PrivacyForget.Erased e = result.erased().get(i);
          String stored = dryRun ? "" : vacuumed.get(i).storedBefore() + " -> " + vacuumed.get(i).storedAfter();
          if (e.rows() > 0 || e.nulled() > 0) {
            tablesWithRows++;
            out.printf(Locale.ROOT, "%-56s %14d %18s%s%n", relativeToWarehouse(settings, e.location()), e.rows(), stored,
                e.nulled() > 0 ? "  (" + e.nulled() + " rows kept, their reference to the subject set to null)" : "");
          }
        }
        if (tablesWithRows == 0) {
          out.printf(Locale.ROOT, "No table holds a row of this %s%s.%n", subject, dryRun ? "" : " (the tables that could were vacuumed)");
        } else if (dryRun) {
          out.printf(Locale.ROOT, "%d rows in %d tables would be deleted, %d would lose their reference to the subject (dry run: "
              + "nothing changed).%n", result.rows(), tablesWithRows, result.nulled());
        } else {
          out.printf(Locale.ROOT, "%d rows deleted and %d references set to null in %d tables; the %d tables that could hold them are rewritten and vacuumed with no "
              + "retention, so no version of them before this one can be read. Run silver and gold next: their aggregates are "
              + "recomputed without the rows. Not touched: the landing zone's extracts (expire them at the source and with the "
              + "landing bucket's lifecycle rule), trained models (until their next training), and the column statistics of "
              + "earlier commits in the tables' logs (until delta.logRetentionDuration).%n",
              result.rows(), result.nulled(), tablesWithRows, result.erased().size());
        }
        return 0;
      });
    }
  }

  private static int airflow(CliArgs a, PrintStream out) {
    if (a.help || a.positional.size() != 1 || !"export".equals(a.positional.get(0))) {
      out.print(Help.AIRFLOW);
      return a.help ? 0 : LakehouseException.EXIT_USAGE;
    }
    LakehouseSettings settings = settings(a);
    String json = AirflowExport.export(settings, JobRegistry.discover(settings), modelNames(a, settings));
    String file = a.option("out", null);
    if (file == null) {
      out.print(json);
      return 0;
    }
    try {
      Files.writeString(Path.of(file), json, java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw LakehouseException.usage("Cannot write " + file + ": " + e.getMessage());
    }
    out.println("Wrote the Airflow schedules to " + file + ".");
    return 0;
  }

  /** The models with a file under the configuration's models folder (conf/models/<name>.conf). */
  static Set<String> modelNames(CliArgs a, LakehouseSettings settings) {
    Path confDir = confDir(a);
    if (confDir == null) {
      throw LakehouseException.usage("The Airflow export reads the model files of a configuration folder: run it from a checkout "
          + "(./conf) or pass --conf-dir DIR.");
    }
    Path dir = confDir.resolve(settings.config().getString("lakehouse.ml.models-dir"));
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".conf"))
          .map(n -> n.substring(0, n.length() - ".conf".length())).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    } catch (java.io.IOException e) {
      throw LakehouseException.usage("Cannot list the model files in " + dir + ": " + e.getMessage());
    }
  }

  private static int quality(CliArgs a, PrintStream out) {
    if (a.help || a.positional.isEmpty()) {
      out.print(Help.QUALITY);
      return a.help ? 0 : LakehouseException.EXIT_USAGE;
    }
    String tool = a.positional.get(0);
    LakehouseSettings settings = settings(a);
    LocalDate runDate = runDate(a);
    switch (tool) {
      case "validate" -> {
        if (a.positional.size() != 1 || a.option("suite", null) == null
            || (a.option("table", null) == null) == (a.option("path", null) == null)) {
          throw LakehouseException.usage("'lakehouse quality validate' takes --suite FILE and one of --table LAYER.TABLE or --path PATH. "
              + "See 'lakehouse quality --help'.");
        }
        ExpectationSuite suite = SuiteCatalog.from(settings.config()).load(Path.of(a.option("suite", null)));
        TableName table = a.option("table", null) == null ? null : TableName.parse(a.option("table", null));
        ValidationResult result = withSpark(settings, "lakehouse quality validate", spark -> {
          Dataset<Row> data = table != null
              ? QualityTools.read(spark, new TableCatalog(settings.warehouse()).location(table), "delta")
              : QualityTools.read(spark, a.option("path", null), a.option("format", "delta"));
          return QualityTools.validate(spark, settings, suite, data, table, table != null ? table.toString() : a.option("path", null), runDate);
        });
        String json = result.toJson();
        out.println(json);
        writeOut(a, json);
        return result.blocking().isEmpty() ? 0 : LakehouseException.EXIT_QUALITY_GATE;
      }
      case "suggest" -> {
        if (a.positional.size() != 2) {
          throw LakehouseException.usage("'lakehouse quality suggest' takes one table, e.g. 'lakehouse quality suggest silver.customers'.");
        }
        TableName table = TableName.parse(a.positional.get(1));
        String json = withSpark(settings, "lakehouse quality suggest", spark -> QualityTools.suggest(
            QualityTools.read(spark, new TableCatalog(settings.warehouse()).location(table), "delta"), table.toString()));
        out.println(json);
        writeOut(a, json);
        return 0;
      }
      case "report" -> {
        int days = (int) parseLong(a.option("days", "7"), "--days");
        if (days < 1) {
          throw LakehouseException.usage("--days must be at least 1.");
        }
        return withSpark(settings, "lakehouse quality report", spark -> {
          List<Map<String, Object>> report = QualityTools.report(spark, settings, runDate, days, java.time.Instant.now());
          out.printf(Locale.ROOT, "Data quality, %d days to %s%n%n", days, runDate);
          out.printf(Locale.ROOT, "%-36s %-22s %10s %6s %10s %7s %9s%n", "source", "last sync", "min since", "days", "avg rows",
              "failed", "null rate");
          for (Map<String, Object> r : report) {
            out.printf(Locale.ROOT, "%-36s %-22s %10s %6s %10s %7s %9s%n", r.get("source"),
                r.get("last_sync") == null ? "never" : String.valueOf(r.get("last_sync")).replace('T', ' ').replaceAll("\\.\\d+Z$", "Z"),
                r.get("minutes_since_sync") == null ? "" : r.get("minutes_since_sync"), r.get("days_with_data"), r.get("avg_daily_rows"),
                r.get("failed_runs"), r.get("avg_null_rate") == null ? "" : r.get("avg_null_rate"));
          }
          String file = QualityTools.writeReport(spark, settings, runDate, days, QualityTools.csv(report));
          out.println();
          out.println("Written to " + file);
          return 0;
        });
      }
      default -> throw LakehouseException.usage("Unknown quality tool '" + tool + "': use validate, suggest or report. See 'lakehouse quality --help'.");
    }
  }

  static void writeOut(CliArgs a, String text) {
    String file = a.option("out", null);
    if (file != null) {
      try {
        Files.writeString(Path.of(file), text + "\n");
      } catch (java.io.IOException e) {
        throw LakehouseException.usage("Cannot write " + file + ": " + e.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A table's location as the operator reads it in a report: its folder under the warehouse ({@code gold/fact_mrr_monthly}). */
  static String relativeToWarehouse(LakehouseSettings settings, String location) {
    return location.substring(settings.warehouse().length()).replaceFirst("^/+", "");
  }

  static LakehouseSettings settings(CliArgs a) {
    String env = a.option("env", System.getenv().getOrDefault("LAKEHOUSE_ENV", "local"));
    Path confDir = confDir(a);
    Config config = ConfigLoader.load(confDir, env, a.conf);
    Path home = confDir == null ? Path.of("").toAbsolutePath() : confDir.toAbsolutePath().getParent();
    return LakehouseSettings.from(config, home);
  }

  /** --conf-dir, else $LAKEHOUSE_CONF_DIR, else ./conf if present, else the conf/ inside the jar. */
  static Path confDir(CliArgs a) {
    String explicit = a.option("conf-dir", System.getenv("LAKEHOUSE_CONF_DIR"));
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    Path local = Path.of("conf");
    return Files.isRegularFile(local.resolve("application.conf")) ? local : null;
  }

  static String logHint() {
    String dir = System.getProperty("lakehouse.log.dir");
    return dir == null ? "the driver log" : dir + "/lakehouse.log";
  }

  /** Runs the jobs in one Spark session, prints the summary, and returns the run's exit code. */
  static int runJobs(LakehouseSettings settings, String appName, List<LakehouseJob> jobs, LocalDate runDate,
      boolean fullRefresh, PrintStream out) {
    return runJobs(settings, appName, jobs, List.of(runDate), fullRefresh, out);
  }

  /**
   * Runs the jobs for each business date in order, in one Spark session and under one warehouse lease, printing a
   * summary per date. A backfill stops at the first date whose run does not succeed (the dates after it build on it)
   * and says how to resume. {@code fullRefresh} applies to the first date; the dates after it run incrementally.
   */
  static int runJobs(LakehouseSettings settings, String appName, List<LakehouseJob> jobs, List<LocalDate> dates,
      boolean fullRefresh, PrintStream out) {
    String runId = UUID.randomUUID().toString();
    try (WarehouseLease lease = lease(settings, appName, runId)) {
      return withSpark(settings, appName, spark -> {
        int exit = LakehouseException.EXIT_OK;
        for (int i = 0; i < dates.size(); i++) {
          LocalDate date = dates.get(i);
          if (dates.size() > 1) {
            out.printf(Locale.ROOT, "%n== run date %s (%d of %d) ==%n", date, i + 1, dates.size());
          }
          JobRunner.Outcome outcome = new JobRunner(new JobContext(spark, settings, new TableCatalog(settings.warehouse()),
              i == 0 ? runId : UUID.randomUUID().toString(), date, fullRefresh && i == 0, Clock.systemUTC())).run(jobs);
          Summary.print(outcome, settings, out);
          exit = outcome.exitCode();
          if (exit != LakehouseException.EXIT_OK && i < dates.size() - 1) {
            out.printf(Locale.ROOT, "Backfill stopped at %s (exit %d): the %d later date(s) were not run. Fix the cause, then resume "
                + "with --from %s --to %s.%n", date, exit, dates.size() - 1 - i, date, dates.get(dates.size() - 1));
            return exit;
          }
        }
        if (dates.size() > 1) {
          out.printf(Locale.ROOT, "Backfilled %d dates, %s to %s.%n", dates.size(), dates.get(0), dates.get(dates.size() - 1));
        }
        return exit;
      });
    }
  }

  /**
   * The warehouse lease for a writing command (see {@link WarehouseLease}), after the object-store check of an s3a
   * warehouse or landing zone (a wrong endpoint or a missing bucket fails here, before anything else).
   */
  static WarehouseLease lease(LakehouseSettings settings, String command, String runId) {
    StorageCommands.preflight(settings);
    return WarehouseLease.acquire(WarehouseLease.storeFor(settings), WarehouseLease.Settings.of(settings), Clock.systemUTC(),
        command, runId);
  }

  /** Runs {@code body} in a Spark session, stopped afterwards unless it existed before (an embedding application's, a test's). */
  static <T> T withSpark(LakehouseSettings settings, String appName, java.util.function.Function<SparkSession, T> body) {
    boolean existed = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.create(settings, appName);
    try {
      return body.apply(spark);
    } finally {
      if (!existed) {
        spark.stop();
      }
    }
  }

  /** A local folder from a configured location; demo data is written to local disk. */
  static Path localPath(String location, String key) {
    if (location.startsWith("file:")) {
      return Path.of(java.net.URI.create(location.startsWith("file://") ? location : "file://" + location.substring(5)));
    }
    if (!location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      return Path.of(location);
    }
    throw LakehouseException.usage(key + " is " + location + ", not a local folder: demo data is generated on local disk. "
        + "Pass --out DIR (and upload it), or run with --env local.");
  }

  static LocalDate runDate(CliArgs a) {
    String value = a.option("run-date", null);
    return value == null ? LocalDate.now(ZoneOffset.UTC) : parseDate(value, "--run-date");
  }

  static LocalDate parseDate(String value, String option) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw LakehouseException.usage(option + " takes a date YYYY-MM-DD (got '" + value + "').");
    }
  }

  static double parseDouble(String value, String option) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw LakehouseException.usage(option + " takes a number (got '" + value + "').");
    }
  }

  static long parseLong(String value, String option) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw LakehouseException.usage(option + " takes a whole number (got '" + value + "').");
    }
  }

  static void noPositional(CliArgs a) {
    if (!a.positional.isEmpty()) {
      throw LakehouseException.usage("Unexpected argument '" + a.positional.get(0) + "' for '" + a.command + "'. See 'lakehouse " + a.command + " --help'.");
    }
  }

  static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return all;
  }
}

package io.profitos.lakehouse.app;

import com.typesafe.config.Config;
import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoManifest;
import io.profitos.lakehouse.demo.DemoSpec;
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
      case "run" -> run(CliArgs.parse(args, union(COMMON, Set.of("run-date")), Set.of("full-refresh")), out);
      case "demo-data" -> demoData(CliArgs.parse(args, union(COMMON, Set.of("scale", "seed", "out", "as-of", "from", "through")), Set.of()), out);
      case "demo" -> demo(CliArgs.parse(args, union(COMMON, Set.of("scale", "seed", "run-date")), Set.of()), out);
      case "bench" -> bench(CliArgs.parse(args, union(COMMON, Set.of("scale", "seed", "work", "repeat")), Set.of()), out);
      case "quality" -> quality(CliArgs.parse(args, union(COMMON, Set.of("suite", "table", "path", "format", "run-date", "out", "days")),
          Set.of()), out);
      default -> throw LakehouseException.usage("Unknown command '" + command + "'. Commands: jobs, run, demo-data, demo, bench, quality. See 'lakehouse --help'.");
    };
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
      throw LakehouseException.usage("'lakehouse run' takes one job or layer, e.g. 'lakehouse run bronze'. See 'lakehouse run --help'.");
    }
    LakehouseSettings settings = settings(a);
    LocalDate runDate = runDate(a);
    List<LakehouseJob> jobs = JobRegistry.discover(settings).resolve(a.positional.get(0));
    return runJobs(settings, "lakehouse run " + a.positional.get(0), jobs, runDate, a.flag("full-refresh"), out);
  }

  private static int demoData(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.DEMO_DATA);
      return 0;
    }
    noPositional(a);
    LakehouseSettings settings = settings(a);
    DemoSpec spec = demoSpec(a, settings, a.options.containsKey("out") ? Path.of(a.option("out", null)) : localPath(settings.landing(), "lakehouse.landing"));
    DemoManifest manifest = generate(spec, out);
    out.printf(Locale.ROOT, "Landing zone written to %s (%d streams, %d files, %,d records, MRR at %s: $%,.2f).%n",
        spec.out().toAbsolutePath(), manifest.streams().size(),
        manifest.streams().values().stream().mapToLong(DemoManifest.StreamStats::files).sum(),
        manifest.streams().values().stream().mapToLong(DemoManifest.StreamStats::bronzeRows).sum(),
        manifest.asOf(), manifest.truth().mrrUsdAtAsOf());
    return 0;
  }

  private static int demo(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.DEMO);
      return 0;
    }
    noPositional(a);
    LakehouseSettings settings = settings(a);
    Path landing = localPath(settings.landing(), "lakehouse.landing");
    if (!Files.exists(landing.resolve(DemoManifest.FILE_NAME))) {
      out.println("No landing zone at " + landing + ": generating the demo landing zone first.");
      generate(demoSpec(a, settings, landing), out);
    } else {
      out.println("Using the landing zone at " + landing + " (delete it to generate a new one).");
    }
    JobRegistry registry = JobRegistry.discover(settings);
    List<LakehouseJob> jobs = registry.all();
    out.println("Running " + jobs.size() + " jobs of the layers " + String.join(", ", registry.layers()) + " ...");
    LocalDate runDate = runDate(a);
    return runJobs(settings, "lakehouse demo", jobs, runDate, false, out);
  }

  private static int bench(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.BENCH);
      return 0;
    }
    if (a.positional.size() != 1 || !List.of("bronze", "silver", "gold").contains(a.positional.get(0))) {
      throw LakehouseException.usage("'lakehouse bench' takes a layer with a benchmark: bronze, silver or gold. See 'lakehouse bench --help'.");
    }
    String layer = a.positional.get(0);
    if (layer.equals("gold")) {
      List<Double> scales = new java.util.ArrayList<>();
      for (String part : a.option("scale", "1").split(",")) {
        scales.add(parseDouble(part.trim(), "--scale"));
      }
      LakehouseSettings gs = settings(a);
      long gseed = parseLong(a.option("seed", String.valueOf(gs.config().getLong("lakehouse.demo.seed"))), "--seed");
      Path gwork = a.options.containsKey("work") ? Path.of(a.option("work", null))
          : localPath(gs.warehouse(), "lakehouse.warehouse").resolveSibling("bench");
      return withSpark(gs, "lakehouse bench gold", spark -> new GoldBenchmark(spark, gs, gwork, scales, gseed, out).run());
    }
    LakehouseSettings settings = settings(a);
    double scale = parseDouble(a.option("scale", "1"), "--scale");
    long seed = parseLong(a.option("seed", String.valueOf(settings.config().getLong("lakehouse.demo.seed"))), "--seed");
    int repeat = (int) parseLong(a.option("repeat", "2"), "--repeat");
    Path work = a.options.containsKey("work") ? Path.of(a.option("work", null))
        : localPath(settings.warehouse(), "lakehouse.warehouse").resolveSibling("bench");
    return withSpark(settings, "lakehouse bench " + layer, spark -> layer.equals("bronze")
        ? new BronzeBenchmark(spark, settings, work, scale, seed, repeat, out).run()
        : new SilverBenchmark(spark, settings, work, scale, seed, out).run());
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

  private static void writeOut(CliArgs a, String text) {
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
  private static int runJobs(LakehouseSettings settings, String appName, List<LakehouseJob> jobs, LocalDate runDate,
      boolean fullRefresh, PrintStream out) {
    JobRunner.Outcome outcome = withSpark(settings, appName, spark -> new JobRunner(new JobContext(spark, settings,
        new TableCatalog(settings.warehouse()), UUID.randomUUID().toString(), runDate, fullRefresh, Clock.systemUTC())).run(jobs));
    Summary.print(outcome, settings, out);
    return outcome.exitCode();
  }

  private static <T> T withSpark(LakehouseSettings settings, String appName, java.util.function.Function<SparkSession, T> body) {
    SparkSession spark = SparkSessions.create(settings, appName);
    try {
      return body.apply(spark);
    } finally {
      spark.stop();
    }
  }

  private static DemoSpec demoSpec(CliArgs a, LakehouseSettings settings, Path out) {
    Config demo = settings.config().getConfig("lakehouse.demo");
    double scale = parseDouble(a.option("scale", demo.getString("scale")), "--scale");
    long seed = parseLong(a.option("seed", demo.getString("seed")), "--seed");
    LocalDate asOf = parseDate(a.option("as-of", demo.getString("as-of")), "--as-of");
    LocalDate from = a.options.containsKey("from") ? parseDate(a.option("from", null), "--from") : null;
    LocalDate through = a.options.containsKey("through") ? parseDate(a.option("through", null), "--through") : null;
    try {
      return new DemoSpec(scale, seed, out, asOf, demo.getInt("daily-days"), demo.getInt("events-days"), from, through);
    } catch (IllegalArgumentException e) {
      throw LakehouseException.usage("Invalid demo-data option: " + e.getMessage() + ".");
    }
  }

  private static DemoManifest generate(DemoSpec spec, PrintStream out) {
    long t0 = System.nanoTime();
    try {
      DemoManifest manifest = DemoDataGenerator.generate(spec);
      out.printf(Locale.ROOT, "Generated the demo landing zone (scale %s, seed %d) in %.1f s.%n", spec.scale(), spec.seed(),
          (System.nanoTime() - t0) / 1e9);
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the demo landing zone to " + spec.out() + ": " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw LakehouseException.usage(e.getMessage() + " Use another --out folder or delete the old one.");
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

  private static LocalDate runDate(CliArgs a) {
    String value = a.option("run-date", null);
    return value == null ? LocalDate.now(ZoneOffset.UTC) : parseDate(value, "--run-date");
  }

  private static LocalDate parseDate(String value, String option) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw LakehouseException.usage(option + " takes a date YYYY-MM-DD (got '" + value + "').");
    }
  }

  private static double parseDouble(String value, String option) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw LakehouseException.usage(option + " takes a number (got '" + value + "').");
    }
  }

  private static long parseLong(String value, String option) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw LakehouseException.usage(option + " takes a whole number (got '" + value + "').");
    }
  }

  private static void noPositional(CliArgs a) {
    if (!a.positional.isEmpty()) {
      throw LakehouseException.usage("Unexpected argument '" + a.positional.get(0) + "' for '" + a.command + "'. See 'lakehouse " + a.command + " --help'.");
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return all;
  }
}

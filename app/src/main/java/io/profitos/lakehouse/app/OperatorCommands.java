package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.config.StreamSpec;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRunRecorder;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.LineageRecorder;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The on-call commands: {@code status}, {@code config show}, {@code lineage} and {@code run --dry-run}. They read the
 * warehouse and write nothing, so they take no lease.
 */
final class OperatorCommands {
  private OperatorCommands() {}

  // ------------------------------------------------------------------------------------------- config show

  /** Keys whose values are secrets: masked by {@code config show} (the names of the variables holding them are not). */
  static final Pattern SECRET = Pattern.compile("(?i).*(secret|password|passwd|token|credential|hash-key|access\\.key"
      + "|secret\\.key|private-key|api-key)[^.]*\"?$");
  static final String MASK = "********";

  static int config(CliArgs a, PrintStream out) {
    if (a.help || a.positional.size() != 1 || !"show".equals(a.positional.get(0))) {
      out.print(Help.CONFIG);
      return a.help ? 0 : LakehouseException.EXIT_USAGE;
    }
    LakehouseSettings settings = Commands.settings(a);
    out.println("# lakehouse.env = " + settings.env() + "; warehouse " + settings.warehouse() + "; landing " + settings.landing());
    out.println("# secrets are masked as " + MASK);
    out.println(render(settings.config()));
    return 0;
  }

  /** The {@code lakehouse} section as HOCON, every secret value replaced by {@link #MASK}. */
  static String render(Config config) {
    Config masked = config.getConfig("lakehouse").atKey("lakehouse");
    for (Map.Entry<String, ConfigValue> e : config.getConfig("lakehouse").entrySet()) {
      String key = e.getKey();
      Object value = e.getValue().unwrapped();
      if (isSecret(key) && value != null && !String.valueOf(value).isEmpty()) {
        masked = masked.withValue("lakehouse." + key, ConfigValueFactory.fromAnyRef(MASK));
      }
    }
    return masked.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false)
        .setFormatted(true));
  }

  static boolean isSecret(String key) {
    return !key.endsWith("-env") && SECRET.matcher(key).matches();
  }

  // ------------------------------------------------------------------------------------------- status

  static int status(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.STATUS);
      return 0;
    }
    Commands.noPositional(a);
    LakehouseSettings settings = Commands.settings(a);
    LocalDate at = Commands.runDate(a);
    StorageCommands.preflight(settings);
    out.println("Warehouse " + settings.warehouse() + " (env " + settings.env() + ")");
    try (WarehouseLease.Store store = WarehouseLease.storeFor(settings)) {
      out.println("Lease: " + WarehouseLease.current(store).map(h -> h.heldAt(java.time.Instant.now())
          ? "held by " + h.describe()
          : "free (last: " + h.command() + " by " + h.holder() + ", started " + h.startedAt()
              + (h.releasedAt() != null ? ", released " + h.releasedAt() : ", lapsed " + h.expiresAt() + " without release") + ")")
          .orElse("free (never taken)"));
    }
    return Commands.withSpark(settings, "lakehouse status", spark -> {
      TableCatalog catalog = new TableCatalog(settings.warehouse());
      lastRuns(spark, catalog, out);
      freshness(spark, settings, catalog, at, out);
      gates(spark, catalog, out);
      exceptions(spark, catalog, out);
      return 0;
    });
  }

  private static Dataset<Row> table(SparkSession spark, TableCatalog catalog, TableName table) {
    String path = catalog.location(table);
    return DeltaTable.isDeltaTable(spark, path) ? spark.read().format("delta").load(path) : null;
  }

  private static void lastRuns(SparkSession spark, TableCatalog catalog, PrintStream out) {
    out.println();
    out.println("Last run per layer (ops.job_runs):");
    Dataset<Row> runs = table(spark, catalog, JobRunRecorder.JOB_RUNS);
    if (runs == null) {
      out.println("  no run recorded yet: run 'lakehouse run all'.");
      return;
    }
    // The newest run of each layer (by its last job's end), then the statuses of that run's jobs: two small results.
    List<Row> newest = runs.groupBy("layer").agg(org.apache.spark.sql.functions.max_by(col("run_id"), col("ended_at")).as("run_id"))
        .collectAsList();
    Map<String, String> newestRun = new HashMap<>();
    newest.forEach(r -> newestRun.put(r.getString(0), r.getString(1)));
    List<Row> grouped = runs.where(col("run_id").isin(newestRun.values().toArray()))
        .groupBy("layer", "run_id", "run_date", "status").agg(org.apache.spark.sql.functions.max("ended_at"), count("*"))
        .collectAsList();
    out.printf(Locale.ROOT, "  %-8s %-10s %-20s %-38s %s%n", "layer", "run date", "ended (UTC)", "run id", "jobs by status");
    for (String layer : io.profitos.lakehouse.core.job.JobRegistry.LAYER_ORDER) {
      if (!newestRun.containsKey(layer)) {
        continue;
      }
      Map<String, Long> byStatus = new TreeMap<>();
      String runDate = "";
      java.sql.Timestamp ended = null;
      for (Row r : grouped) {
        if (r.getString(0).equals(layer) && r.getString(1).equals(newestRun.get(layer))) {
          byStatus.merge(r.getString(3), r.getLong(5), Long::sum);
          runDate = String.valueOf(r.getDate(2));
          ended = ended == null || r.getTimestamp(4).after(ended) ? r.getTimestamp(4) : ended;
        }
      }
      StringBuilder s = new StringBuilder();
      byStatus.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
      boolean bad = byStatus.keySet().stream().anyMatch(k -> !k.equals("succeeded") && !k.equals("skipped"));
      out.printf(Locale.ROOT, "  %-8s %-10s %-20s %-38s %s%s%n", layer, runDate, utc(ended), newestRun.get(layer), s,
          bad ? "   <- look at ops.job_runs.error" : "");
    }
  }

  /** A timestamp as {@code 2026-11-20 07:03:12Z}. */
  private static String utc(java.sql.Timestamp t) {
    return t == null ? "" : t.toInstant().toString().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z");
  }

  private static void freshness(SparkSession spark, LakehouseSettings settings, TableCatalog catalog, LocalDate at, PrintStream out) {
    out.println();
    out.println("Freshness per source at " + at + " (newest extract landed, ops.ingested_files):");
    Dataset<Row> files = table(spark, catalog, TableName.of("ops", "ingested_files"));
    Map<String, Row> newest = new HashMap<>();
    if (files != null) {
      for (Row r : files.where(col("status").isin("landed", "partial", "empty")).groupBy("source", "stream")
          .agg(org.apache.spark.sql.functions.max("extract_date"), org.apache.spark.sql.functions.max("recorded_at"))
          .collectAsList()) {
        newest.put(r.getString(0) + "/" + r.getString(1), r);
      }
    }
    out.printf(Locale.ROOT, "  %-40s %-12s %-22s %8s  %s%n", "stream", "newest", "landed at (UTC)", "age", "");
    int stale = 0;
    for (StreamSpec spec : settings.streams()) {
      Row r = newest.get(spec.id());
      if (r == null) {
        out.printf(Locale.ROOT, "  %-40s %-12s %-22s %8s  %s%n", spec.id(), "never", "", "", "no delivery landed yet");
        continue;
      }
      LocalDate extract = r.getDate(2).toLocalDate();
      long days = ChronoUnit.DAYS.between(extract, at);
      boolean late = days * 86_400L > spec.maxAge().toSeconds();
      stale += late ? 1 : 0;
      out.printf(Locale.ROOT, "  %-40s %-12s %-22s %7dd  %s%n", spec.id(), extract, utc(r.getTimestamp(3)), days, late ? "STALE (max age " + human(spec.maxAge()) + ")" : "ok");
    }
    if (stale > 0) {
      out.println("  " + stale + " stream(s) stale: the next bronze run fails with exit 3 for them until they deliver.");
    }
  }

  private static String human(java.time.Duration d) {
    return d.toHours() % 24 == 0 ? d.toDays() + " days" : d.toHours() + " hours";
  }

  private static void gates(SparkSession spark, TableCatalog catalog, PrintStream out) {
    out.println();
    out.println("Quality gates (each table's newest check, quality.check_results):");
    Dataset<Row> results = table(spark, catalog, TableName.of("quality", "check_results"));
    if (results == null) {
      out.println("  no check recorded yet.");
      return;
    }
    // The rows of each table's newest check (a few per table), collected once: the tables and the failures both come from them.
    Dataset<Row> newest = results.groupBy(col("table_name").as("newest_table"))
        .agg(org.apache.spark.sql.functions.max("checked_at").as("newest_checked_at"));
    List<Row> checked = results.join(newest, col("table_name").equalTo(col("newest_table")).and(col("checked_at").equalTo(col("newest_checked_at"))))
        .select(col("table_name"), col("expectation"), col("severity"), col("unexpected_percent"), col("published"),
            col("overridden"), col("success"))
        .orderBy(col("severity"), col("table_name"), col("expectation")).collectAsList();
    long tables = checked.stream().map(r -> r.getString(0)).distinct().count();
    List<Row> bad = checked.stream().filter(r -> Boolean.FALSE.equals(r.get(6))).toList();
    if (bad.isEmpty()) {
      out.println("  all " + tables + " tables passed their newest check.");
      return;
    }
    for (Row r : bad) {
      out.printf(Locale.ROOT, "  %-8s %-34s %-50s %s%s%s%n", r.getString(2), r.getString(0), r.getString(1),
          r.isNullAt(3) ? "" : String.format(Locale.ROOT, "%.2f%% unexpected", r.getDouble(3)),
          Boolean.TRUE.equals(r.get(5)) ? ", overridden" : "", Boolean.FALSE.equals(r.get(4)) ? ", NOT PUBLISHED" : "");
    }
    out.println("  " + bad.size() + " failed or warned expectation(s) in the newest checks of " + tables + " tables.");
  }

  private static void exceptions(SparkSession spark, TableCatalog catalog, PrintStream out) {
    out.println();
    out.println("Open KPI exceptions (gold.kpi_exceptions):");
    Dataset<Row> ex = table(spark, catalog, TableName.of("gold", "kpi_exceptions"));
    if (ex == null) {
      out.println("  none recorded yet (gold has not run).");
      return;
    }
    List<Row> rows = ex.select("status", "severity", "metric", "period", "breakdown_value", "value", "threshold", "owner", "action")
        .orderBy(col("status").desc(), col("period").desc(), col("metric")).collectAsList();
    long red = rows.stream().filter(r -> "red".equals(r.getString(0))).count();
    out.printf(Locale.ROOT, "  %d open: %d red, %d amber.%n", rows.size(), red, rows.size() - red);
    int shown = 0;
    for (Row r : rows) {
      if (shown++ == 10) {
        out.println("  ... (query gold.kpi_exceptions for the rest)");
        break;
      }
      out.printf(Locale.ROOT, "  %-5s %-8s %-28s %-10s %-22s value %s threshold %s  owner %s: %s%n", r.getString(0), r.getString(1),
          r.getString(2), r.get(3), r.isNullAt(4) ? "" : r.getString(4), r.isNullAt(5) ? "-" : fmt(r.getDouble(5)),
          r.isNullAt(6) ? "-" : fmt(r.getDouble(6)), r.getString(7), r.getString(8));
    }
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  // ------------------------------------------------------------------------------------------- lineage

  static int lineage(CliArgs a, PrintStream out) {
    if (a.help || a.positional.size() != 1) {
      out.print(Help.LINEAGE);
      return a.help ? 0 : LakehouseException.EXIT_USAGE;
    }
    LakehouseSettings settings = Commands.settings(a);
    String what = a.positional.get(0);
    TableName start;
    if (what.contains(".")) {
      start = TableName.parse(what);
    } else {
      String key = "lakehouse.gold.metrics." + what;
      if (!settings.config().hasPath(key + ".table")) {
        throw LakehouseException.usage("'" + what + "' is neither a table (layer.table) nor a metric of lakehouse.gold.metrics "
            + "(conf/metrics.conf). Example: 'lakehouse lineage gold.fact_mrr_monthly' or 'lakehouse lineage mrr'.");
      }
      start = TableName.parse(settings.config().getString(key + ".table"));
      out.println("Metric " + what + " is column " + settings.config().getString(key + ".column") + " of " + start + ".");
    }
    Long version = a.option("version", null) == null ? null : Commands.parseLong(a.option("version", null), "--version");
    int limit = a.flag("all") ? Integer.MAX_VALUE : 10;
    StorageCommands.preflight(settings);
    return Commands.withSpark(settings, "lakehouse lineage", spark -> {
      Dataset<Row> table = table(spark, new TableCatalog(settings.warehouse()), LineageRecorder.LINEAGE);
      if (table == null) {
        throw LakehouseException.usage("No lineage recorded under " + settings.warehouse() + " yet (ops.lineage): run the "
            + "jobs first ('lakehouse run all').");
      }
      Dataset<Row> rows = table.select("table", "version", "job", "run_id", "run_date", "input_kind", "input", "input_version");
      LineageGraph graph = new LineageGraph(t -> rows.where(col("table").equalTo(t)).collectAsList());
      if (!graph.has(start.toString())) {
        throw LakehouseException.usage("ops.lineage has no version of " + start + ": no recorded run committed it (its job has "
            + "not run since lineage is recorded, or the name is wrong; 'lakehouse jobs' lists the tables).");
      }
      graph.print(start.toString(), version, limit, out);
      return 0;
    });
  }

  /**
   * ops.lineage, read table by table as the walk reaches each (the rows of the tables on the path only, never the whole
   * history): per table, its recorded versions and their inputs.
   */
  static final class LineageGraph {
    private record Input(String kind, String name, Long version) {}

    private record Made(long version, String job, String runId, String runDate, List<Input> inputs) {}

    private final java.util.function.Function<String, List<Row>> rowsOf;
    private final Map<String, TreeMap<Long, Made>> byTable = new HashMap<>();

    /** {@code rowsOf}: the ops.lineage rows of one table (columns table, version, job, run_id, run_date, input_kind, input, input_version). */
    LineageGraph(java.util.function.Function<String, List<Row>> rowsOf) {
      this.rowsOf = rowsOf;
    }

    private TreeMap<Long, Made> versions(String table) {
      return byTable.computeIfAbsent(table, t -> {
        TreeMap<Long, Made> versions = new TreeMap<>();
        for (Row r : rowsOf.apply(t)) {
          Made m = versions.computeIfAbsent(r.getLong(1), v -> new Made(v, r.getString(2), r.getString(3), String.valueOf(r.get(4)),
              new ArrayList<>()));
          if (!r.isNullAt(6)) {
            m.inputs().add(new Input(r.getString(5), r.getString(6), r.isNullAt(7) ? null : r.getLong(7)));
          }
        }
        return versions;
      });
    }

    boolean has(String table) {
      return !versions(table).isEmpty();
    }

    void print(String table, Long version, int fileLimit, PrintStream out) {
      walk(table, version, 0, new HashSet<>(), fileLimit, out);
    }

    private void walk(String table, Long version, int depth, Set<String> seen, int fileLimit, PrintStream out) {
      String pad = "  ".repeat(depth);
      TreeMap<Long, Made> versions = versions(table);
      Map.Entry<Long, Made> e = version == null ? versions.lastEntry() : versions.floorEntry(version);
      if (e == null) {
        out.println(pad + table + (version == null ? "" : " @ v" + version) + "  (no recorded lineage: written before lineage was "
            + "recorded, or by a run that did not finish)");
        return;
      }
      Made m = e.getValue();
      String id = table + "@" + m.version();
      out.println(pad + table + " @ v" + (version == null ? m.version() : version)
          + (version != null && version != m.version() ? " (last committed at v" + m.version() + ")" : "")
          + "  by " + m.job() + ", run " + m.runId() + " for " + m.runDate() + (seen.contains(id) ? "  (see above)" : ""));
      if (!seen.add(id)) {
        return;
      }
      boolean landing = false;
      for (Input in : m.inputs()) {
        if (LineageRecorder.TABLE_INPUT.equals(in.kind())) {
          walk(in.name(), in.version(), depth + 1, seen, fileLimit, out);
        } else {
          landing = true;
        }
      }
      if (landing) {
        // An append-only bronze table holds what every version up to this one landed.
        List<String> files = new ArrayList<>();
        for (Made earlier : versions.headMap(m.version(), true).values()) {
          earlier.inputs().stream().filter(i -> LineageRecorder.LANDING_INPUT.equals(i.kind())).forEach(i -> files.add(i.name()));
        }
        out.println(pad + "  landing files: " + files.size() + " landed up to v" + m.version());
        for (int i = 0; i < files.size() && i < fileLimit; i++) {
          out.println(pad + "    " + files.get(i));
        }
        if (files.size() > fileLimit) {
          out.println(pad + "    ... and " + (files.size() - fileLimit) + " more (--all lists them)");
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------- dry run

  /**
   * What {@code run} would do, job by job in run order, without running anything: a job whose input does not exist and
   * that no earlier job writes would be skipped; a bronze job lists its new landing files; any other job compares the
   * state of its last run (input versions, watermarks, run date) with the inputs now, and with the jobs before it in
   * this run that would change them.
   */
  static int dryRun(LakehouseSettings settings, List<LakehouseJob> jobs, List<LocalDate> dates, boolean fullRefresh, PrintStream out) {
    StorageCommands.preflight(settings);
    LocalDate date = dates.get(0);
    return Commands.withSpark(settings, "lakehouse run --dry-run", spark -> {
      TableCatalog catalog = new TableCatalog(settings.warehouse());
      JobContext ctx = new JobContext(spark, settings, catalog, "dry-run", date, fullRefresh, Clock.systemUTC());
      Map<String, Map<String, String>> states = new JobRunRecorder(spark, catalog).states();
      Map<String, String> lastStatus = lastStatuses(spark, catalog);
      out.printf(Locale.ROOT, "Dry run of %d job(s) for %s%s: nothing runs, no lease is taken.%n%n", jobs.size(), date,
          dates.size() > 1 ? " (the first of " + dates.size() + " dates to " + dates.get(dates.size() - 1) + "; each later date "
              + "runs on what the one before leaves)" : "");
      out.printf(Locale.ROOT, "%-44s %-8s %s%n", "job", "would", "why");
      Set<TableName> changing = new HashSet<>();
      Set<TableName> produced = new HashSet<>();
      int run = 0;
      for (LakehouseJob job : jobs) {
        Verdict verdict = verdict(ctx, job, states.get(job.name()), lastStatus.get(job.name()), changing, produced, fullRefresh);
        if (verdict.would().equals(RUN)) {
          changing.addAll(job.outputs());
          run++;
        }
        if (!verdict.would().equals(SKIP)) {
          produced.addAll(job.outputs());
        }
        out.printf(Locale.ROOT, "%-44s %-8s %s%n", job.name(), verdict.would(), verdict.why());
      }
      out.printf(Locale.ROOT, "%n%d of %d job(s) would do work; the others would find nothing new.%n", run, jobs.size());
      return 0;
    });
  }

  private static Map<String, String> lastStatuses(SparkSession spark, TableCatalog catalog) {
    Map<String, String> out = new HashMap<>();
    Dataset<Row> runs = table(spark, catalog, JobRunRecorder.JOB_RUNS);
    if (runs != null) {
      for (Row r : runs.groupBy("job").agg(org.apache.spark.sql.functions.max_by(col("status"), col("ended_at"))).collectAsList()) {
        out.put(r.getString(0), r.getString(1));
      }
    }
    return out;
  }

  private static final String RUN = "run";
  private static final String NOTHING = "nothing";
  private static final String SKIP = "skip";

  /** What a job would do in the run ({@link #RUN}, {@link #NOTHING} or {@link #SKIP}) and why. */
  private record Verdict(String would, String why) {}

  private static Verdict verdict(JobContext ctx, LakehouseJob job, Map<String, String> state, String lastStatus,
      Set<TableName> changing, Set<TableName> produced, boolean fullRefresh) {
    for (TableName in : job.inputs()) {
      if (!produced.contains(in) && !ctx.exists(in)) {
        return new Verdict(SKIP, "its input " + in + " does not exist yet and no earlier job of this run writes it");
      }
    }
    List<String> why = new ArrayList<>();
    io.profitos.lakehouse.core.job.Explanation explained = job.explain(ctx);
    if (explained != null) {
      return new Verdict(explained.hasWork() ? RUN : NOTHING, explained.why());
    }
    if (fullRefresh) {
      return new Verdict(RUN, "--full-refresh: rebuilds its tables from scratch");
    }
    if (state == null || state.isEmpty()) {
      return new Verdict(RUN, "never run on this warehouse: builds its tables from scratch");
    }
    if (lastStatus != null && !lastStatus.equals("succeeded") && !lastStatus.equals("skipped")) {
      why.add("its last run ended " + lastStatus);
    }
    for (TableName in : job.inputs()) {
      if (changing.contains(in)) {
        why.add(in + " changes earlier in this run");
      }
    }
    String runDate = state.get("run_date");
    if (runDate != null && !runDate.equals(ctx.runDate().toString())) {
      why.add("new run date (last run for " + runDate + ")");
    }
    for (Map.Entry<String, String> e : state.entrySet()) {
      if (e.getKey().startsWith("version:")) {
        TableName in = TableName.parse(e.getKey().substring("version:".length()));
        long now = DeltaTables.version(ctx.spark(), ctx.catalog().location(in));
        if (!Long.toString(now).equals(e.getValue()) && !changing.contains(in)) {
          why.add(in + " v" + e.getValue() + " -> v" + now);
        }
      } else if (e.getKey().startsWith("watermark:")) {
        TableName in = TableName.parse(e.getKey().substring("watermark:".length()));
        if (!changing.contains(in) && ctx.exists(in)) {
          long batches = ctx.read(in).where(col("_batch_id").gt(e.getValue())).select("_batch_id").distinct().count();
          if (batches > 0) {
            why.add(batches + " new batch(es) of " + in);
          }
        }
      }
    }
    if (why.isEmpty()) {
      return new Verdict(NOTHING, "up to date: its inputs are as its last run left them");
    }
    return new Verdict(RUN, String.join("; ", why));
  }
}

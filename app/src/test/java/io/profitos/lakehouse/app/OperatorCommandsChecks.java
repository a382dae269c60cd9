package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.job.JobRunRecorder;
import io.profitos.lakehouse.core.job.LineageRecorder;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The on-call commands through the CLI on the shared generated warehouse (two deliveries, bronze to gold): lineage
 * from a gold table to the landing files, status, the dry run, a backfill and the lease. Tests that write work on a
 * copy. Expected values come from the ops tables and the Delta logs, read here directly. They run as a nested class of
 * {@link LakehouseEndToEndIT}, so the warehouse is built once per test run (Surefire gives each top-level class a fork of
 * its own choosing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OperatorCommandsChecks {
  private final SparkSession spark = SparkTestSession.get();
  private GeneratedWarehouse shared;

  @BeforeAll
  void warehouse() {
    shared = GeneratedWarehouse.shared();
  }

  private record Cli(int exit, String out, String err) {}

  private static Cli cli(GeneratedWarehouse w, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--conf-dir", "../conf", "--conf", "lakehouse.landing=" + w.landing(), "--conf",
        "lakehouse.warehouse=" + w.warehouse()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Dataset<Row> table(GeneratedWarehouse w, String name) {
    return spark.read().format("delta").load(w.catalog.location(name));
  }

  private long version(GeneratedWarehouse w, String name) {
    return DeltaTable.forPath(spark, w.catalog.location(name)).history(1).first().getLong(0);
  }

  @Test
  void lineageWalksAGoldTableBackToTheLandingFiles() {
    Cli c = cli(shared, "lineage", "gold.fact_mrr_monthly");
    assertThat(c.exit()).as(c.err()).isZero();
    String out = c.out();
    // The newest version of the fact, made by its own job in day two's gold run.
    assertThat(out.lines().findFirst().orElseThrow()).startsWith("gold.fact_mrr_monthly @ v" + version(shared, "gold.fact_mrr_monthly")
        + "  by gold.fact_mrr_monthly, run " + GeneratedWarehouse.GOLD_RUN + " for 2026-11-20");
    // Its silver input at the version gold worked from: silver has not changed since.
    assertThat(out).contains("\n  silver.subscription_history @ v" + version(shared, "silver.subscription_history")
        + "  by silver.subscription_history");
    // Down to bronze and the files bronze landed: as many as the ledger closed for the stream.
    long landed = table(shared, "ops.ingested_files").where(col("source").equalTo("stripe").and(col("stream").equalTo("subscriptions"))
        .and(col("status").isin("landed", "partial", "empty", "unreadable"))).select("path").distinct().count();
    Matcher files = Pattern.compile("bronze\\.stripe_subscriptions @ v\\d+ .*\\n\\s+landing files: (\\d+) landed up to v\\d+\\n\\s+(\\S+)")
        .matcher(out);
    assertThat(files.find()).as(out).isTrue();
    assertThat(Long.parseLong(files.group(1))).isEqualTo(landed).isPositive();
    assertThat(files.group(2)).contains("stripe/subscriptions/extract_date=");
    assertThat(Path.of(java.net.URI.create(files.group(2).startsWith("file:") ? files.group(2).replaceFirst("^file:/+", "file:///")
        : "file://" + files.group(2)))).exists();

    // A metric resolves to the table its contract names.
    String table = shared.settings.config().getString("lakehouse.gold.metrics.mrr.table");
    Cli metric = cli(shared, "lineage", "mrr");
    assertThat(metric.exit()).as(metric.err()).isZero();
    assertThat(metric.out()).startsWith("Metric mrr is column " + shared.settings.config().getString("lakehouse.gold.metrics.mrr.column")
        + " of " + table + ".").contains(table + " @ v" + version(shared, table));

    // ops.lineage has one row per output version and input; every gold table day two's run committed is there.
    long goldOutputs = table(shared, "ops.lineage").where(col("run_id").equalTo(GeneratedWarehouse.GOLD_RUN))
        .select("table").distinct().count();
    long goldCommits = table(shared, "ops.job_runs").where(col("run_id").equalTo(GeneratedWarehouse.GOLD_RUN)
        .and(col("rows_written").gt(0))).count();
    assertThat(goldOutputs).isGreaterThanOrEqualTo(goldCommits).isPositive();
    assertThat(LineageRecorder.LINEAGE.toString()).isEqualTo("ops.lineage");
  }

  @Test
  void theDataDictionaryDescribesEveryServedTable() throws Exception {
    Path out = Files.createTempDirectory("data-dictionary");
    Cli c = cli(shared, "catalog", "docs", "--out", out.toString());
    assertThat(c.exit()).as(c.err()).isZero();
    String md = Files.readString(out.resolve("data-dictionary.md"));
    String html = Files.readString(out.resolve("data-dictionary.html"));
    // Every table of every served layer (read here from the warehouse folders), in both documents.
    long tables = 0;
    for (String layer : List.of("bronze", "silver", "gold", "ml", "quality", "ops")) {
      Path dir = shared.warehouse().resolve(layer);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        for (Path t : s.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).toList()) {
          String name = layer + "." + t.getFileName();
          assertThat(md).contains("\n## " + name + "\n");
          assertThat(html).contains("<h2 id=\"" + name + "\">");
          tables++;
        }
      }
    }
    assertThat(c.out()).startsWith("Wrote the data dictionary of " + tables + " tables");
    // The grain from the table's suite, the contract of a metric column, a classification, a column's type.
    String saas = md.substring(md.indexOf("\n## gold.kpi_saas_monthly\n"));
    saas = saas.substring(0, saas.indexOf("\n## ", 5));
    assertThat(saas).contains("Grain: one row per month x segment.")
        .contains("| `mrr_usd` | decimal(18,6) | yes | FINANCIAL | Monthly recurring revenue (mrr, usd, v1): Sum over workspaces");
    assertThat(md).containsPattern("\\| `email_hash` \\| string \\| (yes|no) \\| PII \\|  \\|\n");
  }

  @Test
  void statusShowsLastRunsFreshnessGatesExceptionsAndTheLease() {
    Cli c = cli(shared, "status", "--run-date", "2026-11-20");
    assertThat(c.exit()).as(c.err()).isZero();
    String out = c.out();
    assertThat(out).contains("Lease: free (never taken)");
    assertThat(out).containsPattern("\\n  gold\\s+2026-11-20 .* " + GeneratedWarehouse.GOLD_RUN + " ");
    assertThat(out).containsPattern("\\n  stripe/subscriptions\\s+2026-11-20 .*\\s0d  ok");
    assertThat(out).doesNotContain("STALE");
    // Exceptions: the counts of gold.kpi_exceptions.
    Dataset<Row> ex = table(shared, "gold.kpi_exceptions");
    long red = ex.where(col("status").equalTo("red")).count();
    assertThat(out).contains(ex.count() + " open: " + red + " red, " + (ex.count() - red) + " amber.");
    // Gates: the failed expectations of each table's newest check.
    Dataset<Row> results = table(shared, "quality.check_results");
    Dataset<Row> newest = results.groupBy(col("table_name").as("t")).agg(org.apache.spark.sql.functions.max("checked_at").as("at"));
    long failed = results.join(newest, col("table_name").equalTo(col("t")).and(col("checked_at").equalTo(col("at"))))
        .where(col("success").equalTo(false)).count();
    assertThat(out).contains(failed == 0 ? "all " + newest.count() + " tables passed their newest check."
        : failed + " failed or warned expectation(s) in the newest checks of " + newest.count() + " tables.");

    // A month later every stream is stale.
    Cli later = cli(shared, "status", "--run-date", "2026-12-20");
    assertThat(later.out()).containsPattern("\\n  stripe/subscriptions\\s+2026-11-20 .*\\s30d  STALE \\(max age 3 days\\)");
  }

  @Test
  void theDryRunSaysWhatWouldRunAndWhyAndChangesNothing() throws Exception {
    // The shared warehouse (its ledger names the shared landing zone's files); a dry run writes nothing to it.
    GeneratedWarehouse w = shared;
    long runsBefore = version(w, "ops.job_runs");
    Cli idle = cli(w, "run", "bronze,silver", "--dry-run", "--run-date", "2026-11-20");
    assertThat(idle.exit()).as(idle.err()).isZero();
    assertThat(idle.out()).containsPattern("\nbronze\\.stripe_customers\\s+nothing\\s+no new landing files \\(\\d+ listed under ");
    assertThat(idle.out()).containsPattern("\nsilver\\.customers\\s+nothing\\s+up to date");
    assertThat(idle.out()).contains("0 of " + w.registry.resolve("bronze,silver").size() + " job(s) would do work");

    // A new delivery of one stream: its bronze job would land it, and the silver job reading it would run.
    Path day = w.landing().resolve("stripe/customers/extract_date=2026-11-21");
    try {
      Files.createDirectories(day);
      Path some;
      try (Stream<Path> s = Files.walk(w.landing().resolve("stripe/customers"))) {
        some = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jsonl")).findFirst().orElseThrow();
      }
      Files.copy(some, day.resolve("redelivered.jsonl"));
      Cli fresh = cli(w, "run", "bronze,silver", "--dry-run", "--run-date", "2026-11-21");
      assertThat(fresh.exit()).as(fresh.err()).isZero();
      assertThat(fresh.out()).containsPattern("\nbronze\\.stripe_customers\\s+run\\s+1 new landing file\\(s\\)");
      assertThat(fresh.out()).containsPattern("\nbronze\\.stripe_prices\\s+nothing\\s+no new landing files");
      assertThat(fresh.out()).containsPattern("\nsilver\\.customers\\s+run\\s+bronze\\.stripe_customers changes earlier in this run");
    } finally {
      org.apache.commons.io.FileUtils.deleteDirectory(day.toFile());
    }
    // Nothing was written and no lease was taken.
    assertThat(version(w, "ops.job_runs")).isEqualTo(runsBefore);
    assertThat(w.warehouse().resolve(WarehouseLease.DIR)).doesNotExist();
  }

  @Test
  void aBackfillRunsEachDateInOrderAndStopsAtTheFirstFailure() {
    GeneratedWarehouse w = shared.copy();
    Cli ok = cli(w, "run", "billing-silver", "--from", "2026-11-21", "--to", "2026-11-22");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("== run date 2026-11-21 (1 of 2) ==", "== run date 2026-11-22 (2 of 2) ==", "Backfilled 2 dates, 2026-11-21 to 2026-11-22.");
    assertThat(ok.out().indexOf("2026-11-21 (1 of 2)")).isLessThan(ok.out().indexOf("2026-11-22 (2 of 2)"));
    List<Row> dates = table(w, "ops.job_runs").where(col("job").equalTo("silver.subscriptions").and(col("run_date").geq("2026-11-21")))
        .orderBy("started_at").select("run_date").collectAsList();
    assertThat(dates).extracting(r -> r.getDate(0).toString()).containsExactly("2026-11-21", "2026-11-22");

    // Bronze a month on: every stream has stopped delivering (exit 3) on the first date; the second is not run.
    Cli stopped = cli(w, "run", "bronze", "--from", "2026-12-20", "--to", "2026-12-21");
    assertThat(stopped.exit()).isEqualTo(3);
    assertThat(stopped.out()).contains("Backfill stopped at 2026-12-20 (exit 3): the 1 later date(s) were not run. Fix the cause, "
        + "then resume with --from 2026-12-20 --to 2026-12-21.").doesNotContain("== run date 2026-12-21");
    assertThat(table(w, "ops.job_runs").where(col("run_date").equalTo("2026-12-21")).count()).isZero();
    assertThat(table(w, "ops.job_runs").where(col("run_date").equalTo("2026-12-20")).count()).isPositive();
  }

  @Test
  void aRunWhileAnotherHoldsTheLeaseFailsFastAndChangesNothing() {
    GeneratedWarehouse w = shared.copy();
    long runsBefore = version(w, JobRunRecorder.JOB_RUNS.toString());
    WarehouseLease.Store store = new WarehouseLease.LocalStore(w.warehouse().resolve(WarehouseLease.DIR));
    try (WarehouseLease held = WarehouseLease.acquire(store, WarehouseLease.Settings.of(w.settings), Clock.systemUTC(),
        "lakehouse run all", "the-other-run")) {
      long t0 = System.nanoTime();
      Cli busy = cli(w, "run", "silver", "--run-date", "2026-11-20");
      assertThat((System.nanoTime() - t0) / 1e9).as("seconds to refuse").isLessThan(10);
      assertThat(busy.exit()).isEqualTo(5);
      assertThat(busy.err()).startsWith("lakehouse: The warehouse is in use: 'lakehouse run all' (run the-other-run) by "
          + WarehouseLease.holderName() + ", started " + held.holder().startedAt()).doesNotContain("\tat ");
      assertThat(cli(w, "status", "--run-date", "2026-11-20").out()).contains("Lease: held by 'lakehouse run all' (run the-other-run)");
    }
    assertThat(version(w, JobRunRecorder.JOB_RUNS.toString())).isEqualTo(runsBefore);
    Cli after = cli(w, "status", "--run-date", "2026-11-20");
    assertThat(after.out()).containsPattern("Lease: free \\(last: lakehouse run all by .*, released ");
  }
}

package io.profitos.lakehouse.app;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.demo.DemoSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code lakehouse bench overhead}: every job of every layer, one at a time, into a fresh
 * warehouse over the demo landing zone of scale S. After each job, in the same session, the bare
 * Spark work on the same data: a read of each of its Delta inputs and a Delta write of the rows
 * of each table it wrote (cached first, untimed). A job's fixed cost is its time minus the bare
 * time; its steps split it by kind ({@link OverheadReport}).
 */
record OverheadBenchmark(SparkSession spark, LakehouseSettings settings, Path work, double scale, long seed, PrintStream out) {

  int run() {
    Path root = work.resolve(String.format(Locale.ROOT, "overhead-scale%s-seed%d", scale, seed));
    Path landing = root.resolve("landing");
    Path warehouse = root.resolve("warehouse");
    Path scratch = root.resolve("bare");
    DemoSpec spec = DemoSpec.of(scale, seed, landing);
    BronzeBenchmark.generateOnce(spec, out);
    BronzeBenchmark.delete(warehouse);
    BronzeBenchmark.delete(scratch);
    LakehouseSettings s = BronzeBenchmark.at(settings, landing, warehouse);
    TableCatalog catalog = new TableCatalog(s.warehouse());
    List<LakehouseJob> jobs = JobRegistry.discover(s).all();
    LocalDate runDate = spec.asOf();
    out.printf(Locale.ROOT, "Running %d jobs one at a time for %s, each followed by the bare read and write of its data ...%n",
        jobs.size(), runDate);
    // Tables several jobs write (quarantines, the ingest ledger) are bookkeeping: part of the fixed cost, not the bare work.
    Map<TableName, Integer> writers = new LinkedHashMap<>();
    jobs.forEach(j -> j.outputs().forEach(t -> writers.merge(t, 1, Integer::sum)));
    List<OverheadReport.Job> measured = new ArrayList<>();
    Map<String, Integer> byStep = new java.util.concurrent.ConcurrentHashMap<>();
    for (LakehouseJob job : jobs) {
      measured.add(measure(s, catalog, job, runDate, scratch, job.outputs().stream().filter(t -> writers.get(t) == 1).toList(), byStep));
    }
    out.println();
    out.println("seconds: the job run (its runner included); bare s: a Spark read of its Delta inputs and a Delta write of the rows");
    out.println("of its own tables (a bronze job's landing files are compared in 'bench bronze'); fixed s: seconds - bare s; write: its");
    out.println("Delta writes (bronze's ledger included); gate: suite and results; run record: ops.job_runs (state included);");
    out.println("job, no step: the job's time outside its steps; runner: the run around the job (setup, the state of the last runs,");
    out.println("compaction of the run log), paid once per run when a run has many jobs. Commits: new versions of every table.");
    OverheadReport.print(measured, 1.0, out);
    OverheadReport.printSparkJobsByStep(byStep, out);

    out.println();
    out.printf(Locale.ROOT, "Second run of the same date, no new landing files: every job alone again ...%n");
    List<OverheadReport.Job> again = new ArrayList<>();
    for (LakehouseJob job : jobs) {
      again.add(measure(s, catalog, job, runDate, null, List.of(), new java.util.concurrent.ConcurrentHashMap<>()));
    }
    OverheadReport.printSecondRun(measured, again, 0.15, out);
    return 0;
  }

  /**
   * Runs one job alone and measures it; with a {@code scratch} folder, then the bare work on its
   * data. Its commits are counted from the versions of every table under the warehouse, before and
   * after (whoever reports them).
   */
  private OverheadReport.Job measure(LakehouseSettings s, TableCatalog catalog, LakehouseJob job, LocalDate runDate, Path scratch,
      List<TableName> own, Map<String, Integer> sparkJobsByStep) {
    Map<String, Long> before = versions(catalog);
    java.util.concurrent.atomic.AtomicInteger sparkJobs = new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener counter = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
        sparkJobs.incrementAndGet();
        String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
        sparkJobsByStep.merge(OverheadReport.stepOf(description), 1, Integer::sum);
      }
    };
    spark.sparkContext().addSparkListener(counter);
    Map<String, Double> steps = new LinkedHashMap<>();
    JobContext ctx = new JobContext(spark, s, catalog, UUID.randomUUID().toString(), runDate, false, Clock.systemUTC())
        .withStepListener((j, step, seconds) -> steps.merge(step, seconds, Double::sum));
    JobRunner.Outcome outcome;
    try {
      outcome = new JobRunner(ctx, 1).run(List.of(job));
    } finally {
      // The listener bus delivers events asynchronously: let it catch up before the count is read.
      waitForListeners();
      spark.sparkContext().removeSparkListener(counter);
    }
    if (outcome.exitCode() != 0 && outcome.exitCode() != io.profitos.lakehouse.core.LakehouseException.EXIT_INPUT_REJECTED) {
      throw new IllegalStateException("bench overhead: " + job.name() + " failed: " + outcome.firstError());
    }
    long commits = 0;
    for (Map.Entry<String, Long> v : versions(catalog).entrySet()) {
      commits += v.getValue() - before.getOrDefault(v.getKey(), -1L);
    }
    double bare = scratch == null ? 0 : bare(catalog, job, own, scratch);
    double jobSeconds = outcome.finished().isEmpty() ? 0 : outcome.finished().get(0).seconds();
    return new OverheadReport.Job(job.name(), outcome.wallSeconds(), jobSeconds, bare, (int) commits, sparkJobs.get(), steps);
  }

  private void waitForListeners() {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
    } catch (java.util.concurrent.TimeoutException slow) {
      out.println("  (the Spark listener bus did not drain within 10 s: the Spark job count may be short)");
    }
  }

  private Map<String, Long> versions(TableCatalog catalog) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String t : DeltaTables.tablesUnder(spark, catalog.warehouse())) {
      out.put(t, DeltaTables.version(spark, t));
    }
    return out;
  }

  /** Seconds of the bare Spark work on the job's data: read each Delta input, write the rows of each of its own tables. */
  private double bare(TableCatalog catalog, LakehouseJob job, List<TableName> own, Path scratch) {
    List<Dataset<Row>> outputs = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    for (TableName t : own) {
      String location = catalog.location(t);
      if (DeltaTable.isDeltaTable(spark, location)) {
        Dataset<Row> rows = spark.read().format("delta").load(location).persist(StorageLevel.MEMORY_AND_DISK());
        rows.count();
        outputs.add(rows);
        targets.add(scratch.resolve(t.layer()).resolve(t.table()).toString());
      }
    }
    try {
      long t0 = System.nanoTime();
      for (TableName in : job.inputs()) {
        String location = catalog.location(in);
        if (DeltaTable.isDeltaTable(spark, location)) {
          spark.read().format("delta").load(location).write().format("noop").mode(SaveMode.Overwrite).save();
        }
      }
      for (int i = 0; i < outputs.size(); i++) {
        outputs.get(i).write().format("delta").mode(SaveMode.Overwrite).save(targets.get(i));
      }
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      outputs.forEach(Dataset::unpersist);
    }
  }
}

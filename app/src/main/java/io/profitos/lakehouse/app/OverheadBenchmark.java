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
 * {@code lakehouse bench overhead}: one run of every job of every layer, one job at a time, into a
 * fresh warehouse over the demo landing zone of scale S. After each job, before the next starts,
 * the bare Spark work on the same data in the same session: a read of each of its Delta inputs and
 * a Delta write of the rows of each table it wrote (cached first, untimed). A job's fixed cost is
 * its time minus the bare time; its steps split it by kind ({@link OverheadReport}). The run's
 * setup (the run log, the state of every job's last run) is paid once per run and printed once.
 * Then a second run of the same date with no new landing files, timed whole.
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
    Map<String, Integer> byStep = new java.util.concurrent.ConcurrentHashMap<>();
    Measured first = measure(s, catalog, jobs, runDate, byStep,
        job -> bare(catalog, job, job.outputs().stream().filter(t -> writers.get(t) == 1).toList(), scratch));
    out.println();
    out.println("seconds: the job's run, its run record included; bare s: a Spark read of its Delta inputs and a Delta write of the");
    out.println("rows of its own tables (a bronze job's landing files are compared in 'bench bronze'); fixed s: seconds - bare s;");
    out.println("write: its Delta writes (bronze's ledger included); gate: suite and results; run record: ops.job_runs (state");
    out.println("included); job, no step: the job's time outside its steps. Commits: new versions of every table. spark: Spark jobs.");
    OverheadReport.print(first.jobs(), first.setupSeconds(), 1.0, out);
    OverheadReport.printSparkJobsByStep(byStep, out);

    out.println();
    out.printf(Locale.ROOT, "Second run of the same date, no new landing files: one run of every job again ...%n");
    Measured again = measure(s, catalog, jobs, runDate, new java.util.concurrent.ConcurrentHashMap<>(), job -> 0.0);
    OverheadReport.printSecondRun(first.runSeconds(), again.runSeconds(), again.jobs(), again.commits(), 0.15, out);
    return 0;
  }

  /**
   * One run's measurements: every job's, and the run's own seconds (its jobs and its setup, not the
   * benchmark's work between jobs), of which {@code setupSeconds} outside every job.
   */
  private record Measured(List<OverheadReport.Job> jobs, double runSeconds, double setupSeconds, long commits) {}

  /**
   * Runs every job one at a time in one run; after each, with nothing running, counts its commits
   * (the versions of every table under the warehouse, before and after: whoever reports them) and
   * does {@code bare} on its data. The benchmark's own work between jobs is not the run's time.
   */
  private Measured measure(LakehouseSettings s, TableCatalog catalog, List<LakehouseJob> jobs, LocalDate runDate,
      Map<String, Integer> sparkJobsByStep, java.util.function.ToDoubleFunction<LakehouseJob> bare) {
    Map<String, java.util.concurrent.atomic.AtomicInteger> sparkJobs = new java.util.concurrent.ConcurrentHashMap<>();
    org.apache.spark.scheduler.SparkListener counter = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
        // Each job runs in a scheduler pool named after it; the benchmark's own Spark work runs in none.
        String pool = start.properties() == null ? null : start.properties().getProperty("spark.scheduler.pool");
        if (pool == null) {
          return;
        }
        sparkJobs.computeIfAbsent(pool, p -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        String description = start.properties().getProperty("spark.job.description");
        sparkJobsByStep.merge(OverheadReport.stepOf(description), 1, Integer::sum);
      }
    };
    Map<String, Map<String, Double>> steps = new java.util.concurrent.ConcurrentHashMap<>();
    JobContext ctx = new JobContext(spark, s, catalog, UUID.randomUUID().toString(), runDate, false, Clock.systemUTC())
        .withStepListener((j, step, seconds) -> steps.computeIfAbsent(j, k -> new java.util.concurrent.ConcurrentHashMap<>())
            .merge(step, seconds, Double::sum));
    List<OverheadReport.Job> measured = new ArrayList<>();
    double[] between = {0};
    Map<String, Long> start = versions(catalog);
    java.util.concurrent.atomic.AtomicReference<Map<String, Long>> versions = new java.util.concurrent.atomic.AtomicReference<>(start);
    spark.sparkContext().addSparkListener(counter);
    JobRunner.Outcome outcome;
    try {
      outcome = new JobRunner(ctx, 1).run(jobs, finished -> {
        long t0 = System.nanoTime();
        // The listener bus delivers events asynchronously: let it catch up before the count is read.
        waitForListeners();
        Map<String, Long> after = versions(catalog);
        long commits = 0;
        for (Map.Entry<String, Long> v : after.entrySet()) {
          commits += v.getValue() - versions.get().getOrDefault(v.getKey(), -1L);
        }
        versions.set(after);
        String name = finished.job().name();
        double bareSeconds = bare.applyAsDouble(finished.job());
        measured.add(new OverheadReport.Job(name, finished.seconds(), bareSeconds, (int) commits,
            sparkJobs.getOrDefault(name, new java.util.concurrent.atomic.AtomicInteger()).get(), steps.getOrDefault(name, Map.of())));
        between[0] += (System.nanoTime() - t0) / 1e9;
      });
    } finally {
      spark.sparkContext().removeSparkListener(counter);
    }
    if (outcome.exitCode() != 0 && outcome.exitCode() != io.profitos.lakehouse.core.LakehouseException.EXIT_INPUT_REJECTED) {
      throw new IllegalStateException("bench overhead: the run failed: " + outcome.firstError());
    }
    double runSeconds = outcome.wallSeconds() - between[0];
    double inJobs = measured.stream().mapToDouble(OverheadReport.Job::seconds).sum();
    long commits = 0;
    for (Map.Entry<String, Long> v : versions(catalog).entrySet()) {
      commits += v.getValue() - start.getOrDefault(v.getKey(), -1L);
    }
    return new Measured(measured, runSeconds, Math.max(0, runSeconds - inJobs), commits);
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
          // Every row of every column, as Spark's internal rows. (Not the "noop" sink: Delta 3.3 plans a data-source-v2
          // write's input without pinning its snapshot, which fails on tables with deletion vectors on.)
          spark.read().format("delta").load(location).queryExecution().toRdd().count();
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

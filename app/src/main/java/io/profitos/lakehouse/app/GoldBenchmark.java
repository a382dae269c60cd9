package io.profitos.lakehouse.app;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.demo.DemoSpec;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakehouse bench gold}: for each scale, the demo landing zone is generated and built
 * through bronze and silver once (untimed, kept for later runs), then every gold table is rebuilt
 * ({@code --full-refresh}) and timed; prints the input rows (the rows of gold's silver inputs),
 * rows per second, the rows written, the peak driver heap during the build, and how the time
 * grows from the first scale to the last.
 */
final class GoldBenchmark {
  static final TableName FACT_MRR_MONTHLY = TableName.of("gold", "fact_mrr_monthly");
  private final SparkSession spark;
  private final LakehouseSettings settings;
  private final Path work;
  private final List<Double> scales;
  private final long seed;
  private final PrintStream out;

  GoldBenchmark(SparkSession spark, LakehouseSettings settings, Path work, List<Double> scales, long seed, PrintStream out) {
    this.spark = spark;
    this.settings = settings;
    this.work = work;
    this.scales = scales;
    this.seed = seed;
    this.out = out;
  }

  /**
   * One scale: gold's full build, and {@code gold.fact_mrr_monthly} built alone ({@code sparkMrrSeconds},
   * gate and write included) against DuckDB computing and writing the same months ({@code duckMrrSeconds}),
   * with the rows on which they differ.
   */
  record Measurement(double scale, long inputRows, long outputRows, double seconds, long peakHeapBytes, double sparkMrrSeconds,
      double duckMrrSeconds, int mrrRows, int mrrDifferences) {}

  /** Spark's gold.fact_mrr_monthly within this many times DuckDB's time at scale 1 (issue target). */
  static final double PEER_TARGET = 10;

  int run() {
    List<Measurement> results = new ArrayList<>();
    for (double scale : scales) {
      results.add(measure(scale));
    }
    out.println();
    out.println("scale   input rows   gold rows   seconds   input rows/s   peak driver heap");
    for (Measurement m : results) {
      out.printf(Locale.ROOT, "%5s  %11s  %10s  %8.1f  %13s  %,12d MB%n", m.scale(), String.format(Locale.ROOT, "%,d", m.inputRows()),
          String.format(Locale.ROOT, "%,d", m.outputRows()), m.seconds(), String.format(Locale.ROOT, "%,.0f", m.inputRows() / m.seconds()),
          m.peakHeapBytes() / (1024 * 1024));
    }
    out.println();
    out.println("gold.fact_mrr_monthly against DuckDB (the same months from the same silver files, one machine):");
    out.println("scale   Spark s   DuckDB s   Spark / DuckDB   rows   rows that differ");
    for (Measurement m : results) {
      out.printf(Locale.ROOT, "%5s  %8.2f  %9.2f  %15.1f  %,5d  %,17d%n", m.scale(), m.sparkMrrSeconds(), m.duckMrrSeconds(),
          m.sparkMrrSeconds() / m.duckMrrSeconds(), m.mrrRows(), m.mrrDifferences());
    }
    for (Measurement m : results) {
      double ratio = m.sparkMrrSeconds() / m.duckMrrSeconds();
      out.printf(Locale.ROOT, "bench gold scale %s: Spark / DuckDB = %.1f%s, %s%n", m.scale(), ratio,
          m.scale() == 1.0 ? String.format(Locale.ROOT, " (target at scale 1 <= %.0f: %s)", PEER_TARGET, ratio <= PEER_TARGET ? "met" : "not met")
              : "", m.mrrDifferences() == 0 ? "equal results" : m.mrrDifferences() + " rows differ");
    }
    if (results.size() > 1) {
      Measurement a = results.get(0);
      Measurement b = results.get(results.size() - 1);
      out.printf(Locale.ROOT, "bench gold: from scale %s to %s the input grows %.1fx and the time %.1fx.%n", a.scale(), b.scale(),
          (double) b.inputRows() / a.inputRows(), b.seconds() / a.seconds());
    }
    return 0;
  }

  private Measurement measure(double scale) {
    Path root = work.resolve(String.format(Locale.ROOT, "gold-scale%s-seed%d", scale, seed));
    Path landing = root.resolve("landing");
    Path warehouse = root.resolve("warehouse");
    LakehouseSettings s = BronzeBenchmark.at(settings, landing, warehouse);
    JobRegistry registry = JobRegistry.discover(s);
    DemoSpec spec = DemoSpec.of(scale, seed, landing);
    LocalDate runDate = spec.asOf();
    BronzeBenchmark.generateOnce(spec, out);
    out.printf(Locale.ROOT, "scale %s: building bronze and silver (untimed, kept in %s) ...%n", scale, root);
    run(s, registry.layer("bronze"), runDate, false);
    run(s, registry.layer("silver"), runDate, false);

    List<LakehouseJob> gold = registry.layer("gold");
    TableCatalog catalog = new TableCatalog(s.warehouse());
    Set<TableName> inputs = new LinkedHashSet<>();
    gold.forEach(j -> j.inputs().stream().filter(t -> !t.layer().equals("gold")).forEach(inputs::add));
    long inputRows = 0;
    for (TableName t : inputs) {
      inputRows += spark.read().format("delta").load(catalog.location(t)).count();
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    AtomicLong peak = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    JobRunner.Outcome outcome;
    try {
      outcome = run(s, gold, runDate, true);
    } finally {
      sampler.interrupt();
    }
    long outputRows = 0;
    for (LakehouseJob j : gold) {
      for (TableName t : j.outputs()) {
        outputRows += DeltaTable.isDeltaTable(spark, catalog.location(t)) ? spark.read().format("delta").load(catalog.location(t)).count() : 0;
      }
    }
    out.printf(Locale.ROOT, "scale %s: gold built in %.1f s (%d jobs)%n", scale, outcome.wallSeconds(), outcome.finished().size());

    List<LakehouseJob> mrrJob = gold.stream().filter(j -> j.outputs().contains(FACT_MRR_MONTHLY)).toList();
    JobRunner.Outcome mrr = run(s, mrrJob, runDate, true);
    DuckDbMrr.Result duck = DuckDbMrr.compute(spark, catalog, runDate, root.resolve("duckdb-mrr-" + UUID.randomUUID() + ".parquet"));
    List<Row> goldMrr = spark.read().format("delta").load(catalog.location(FACT_MRR_MONTHLY))
        .select("workspace_id", "month", "mrr_usd", "movement_type", "movement_amount_usd").collectAsList();
    List<String> differences = DuckDbMrr.differences(goldMrr, duck.byWorkspaceMonth());
    differences.stream().limit(5).forEach(d -> out.println("  differs: " + d));
    out.printf(Locale.ROOT, "scale %s: gold.fact_mrr_monthly alone %.2f s in Spark, %.2f s in DuckDB; %,d rows, %,d differ%n", scale,
        mrr.wallSeconds(), duck.seconds(), goldMrr.size(), differences.size());
    return new Measurement(scale, inputRows, outputRows, outcome.wallSeconds(), peak.get(), mrr.wallSeconds(), duck.seconds(),
        goldMrr.size(), differences.size());
  }

  private JobRunner.Outcome run(LakehouseSettings s, List<LakehouseJob> jobs, LocalDate runDate, boolean fullRefresh) {
    JobContext ctx = new JobContext(spark, s, new TableCatalog(s.warehouse()), UUID.randomUUID().toString(), runDate,
        fullRefresh, Clock.systemUTC());
    JobRunner.Outcome outcome = new JobRunner(ctx).run(jobs);
    if (outcome.exitCode() != 0 && outcome.exitCode() != io.profitos.lakehouse.core.LakehouseException.EXIT_INPUT_REJECTED) {
      throw new IllegalStateException("bench gold: a run failed: " + outcome.firstError());
    }
    return outcome;
  }
}

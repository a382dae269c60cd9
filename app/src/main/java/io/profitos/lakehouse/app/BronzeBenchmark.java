package io.profitos.lakehouse.app;

import com.typesafe.config.ConfigValueFactory;
import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoManifest;
import io.profitos.lakehouse.demo.DemoSpec;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.config.StreamSpec;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.table.TableCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakehouse bench bronze}: our bronze ingest (ledger, quarantine, drift handling,
 * metadata) against a bare {@code spark.read.<format>(stream folder).write.format("delta")} of the
 * same files, measured alternately in one process, each side into a fresh warehouse.
 */
final class BronzeBenchmark {
  private final SparkSession spark;
  private final LakehouseSettings settings;
  private final Path work;
  private final double scale;
  private final long seed;
  private final int repeat;
  private final PrintStream out;
  private final int parallelism;

  BronzeBenchmark(SparkSession spark, LakehouseSettings settings, Path work, double scale, long seed, int repeat, PrintStream out) {
    this.spark = spark;
    this.settings = settings;
    this.work = work;
    this.scale = scale;
    this.seed = seed;
    this.repeat = Math.max(1, repeat);
    this.out = out;
    this.parallelism = settings.config().getInt("lakehouse.runner.parallelism");
  }

  /** One side's measurement. */
  record Measurement(long rows, double seconds) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  int run() {
    Path landing = work.resolve(String.format(Locale.ROOT, "landing-scale%s-seed%d", scale, seed));
    DemoSpec spec = DemoSpec.of(scale, seed, landing);
    generateOnce(spec, out);
    long bytes = folderBytes(landing);
    out.printf(Locale.ROOT, "Landing zone: %s, %,d bytes in %d streams; ours runs %d streams at a time (lakehouse.runner.parallelism), bare one after the other.%n",
        landing, bytes, settings.streams().size(), parallelism);
    LakehouseSettings benchSettings = LakehouseSettings.from(settings.config()
        .withValue("lakehouse.landing", ConfigValueFactory.fromAnyRef(landing.toAbsolutePath().toString())),
        Path.of("").toAbsolutePath());

    // Warm-up: JIT and Spark's first-job costs should not fall on either side.
    bare(benchSettings, work.resolve("warmup-bare"), benchSettings.streams().subList(0, 1));
    Measurement bestOurs = null;
    Measurement bestBare = null;
    for (int i = 1; i <= repeat; i++) {
      Measurement b = bare(benchSettings, work.resolve("bare-" + i), benchSettings.streams());
      Measurement o = ours(benchSettings, work.resolve("ours-" + i), spec.asOf());
      out.printf(Locale.ROOT, "run %d: bare %,d rows in %.1f s (%,.0f rows/s); ours %,d rows in %.1f s (%,.0f rows/s)%n",
          i, b.rows(), b.seconds(), b.rowsPerSecond(), o.rows(), o.seconds(), o.rowsPerSecond());
      bestBare = bestBare == null || b.rowsPerSecond() > bestBare.rowsPerSecond() ? b : bestBare;
      bestOurs = bestOurs == null || o.rowsPerSecond() > bestOurs.rowsPerSecond() ? o : bestOurs;
    }
    out.println();
    out.printf(Locale.ROOT, "bench bronze scale %s: ours %,.0f rows/s, bare read+write %,.0f rows/s, ratio %.2f (target >= 0.80)%n",
        scale, bestOurs.rowsPerSecond(), bestBare.rowsPerSecond(), bestOurs.rowsPerSecond() / bestBare.rowsPerSecond());
    out.println("Ours lands only well-formed records (quarantining the rest) and writes the ledger; bare counts every line it read.");
    return 0;
  }

  /** Our bronze run on the landing zone's as-of date (a later date would find every stream stopped and fail it). */
  private Measurement ours(LakehouseSettings base, Path warehouse, LocalDate runDate) {
    delete(warehouse);
    LakehouseSettings s = LakehouseSettings.from(base.config()
        .withValue("lakehouse.warehouse", ConfigValueFactory.fromAnyRef(warehouse.toAbsolutePath().toString())),
        Path.of("").toAbsolutePath());
    JobContext ctx = new JobContext(spark, s, new TableCatalog(s.warehouse()), UUID.randomUUID().toString(),
        runDate, false, Clock.systemUTC());
    long t0 = System.nanoTime();
    JobRunner.Outcome outcome = new JobRunner(ctx, parallelism).run(JobRegistry.discover(s).layer("bronze"));
    if (outcome.exitCode() != 0 && outcome.exitCode() != io.profitos.lakehouse.core.LakehouseException.EXIT_INPUT_REJECTED) {
      throw new IllegalStateException("bench bronze: the bronze run failed: " + outcome.firstError());
    }
    long rows = outcome.finished().stream().mapToLong(f -> f.result().rowsWritten()).sum();
    return new Measurement(rows, (System.nanoTime() - t0) / 1e9);
  }

  private Measurement bare(LakehouseSettings s, Path warehouse, java.util.List<StreamSpec> streams) {
    delete(warehouse);
    spark.conf().set("spark.sql.files.ignoreCorruptFiles", "true");
    long t0 = System.nanoTime();
    long rows = 0;
    try {
      for (StreamSpec stream : streams) {
        String src = s.landing() + "/" + stream.source() + "/" + stream.stream();
        String dst = warehouse.resolve(stream.bronzeTable()).toAbsolutePath().toString();
        DataFrameReader reader = spark.read();
        reader = stream.format() == StreamSpec.Format.CSV ? reader.format("csv").option("header", "true") : reader.format("json");
        reader.load(src).write().format("delta").save(dst);
        Row last = DeltaTable.forPath(spark, dst).history(1).select("operationMetrics").first();
        rows += Long.parseLong(last.<scala.collection.Map<String, String>>getAs(0).get("numOutputRows").get());
      }
    } finally {
      spark.conf().unset("spark.sql.files.ignoreCorruptFiles");
    }
    return new Measurement(rows, (System.nanoTime() - t0) / 1e9);
  }

  private static long folderBytes(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code settings} with the landing zone and warehouse of a benchmark's own folders. */
  /** Generates the benchmark's demo landing zone unless an earlier run left it (its manifest is there). */
  static void generateOnce(DemoSpec spec, PrintStream out) {
    if (Files.exists(spec.out().resolve(DemoManifest.FILE_NAME))) {
      return;
    }
    out.printf(Locale.ROOT, "Generating a scale %s landing zone in %s (kept for later runs) ...%n", spec.scale(), spec.out());
    try {
      DemoDataGenerator.generate(spec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LakehouseSettings at(LakehouseSettings settings, Path landing, Path warehouse) {
    return LakehouseSettings.from(settings.config()
        .withValue("lakehouse.landing", ConfigValueFactory.fromAnyRef(landing.toAbsolutePath().toString()))
        .withValue("lakehouse.warehouse", ConfigValueFactory.fromAnyRef(warehouse.toAbsolutePath().toString())),
        Path.of("").toAbsolutePath());
  }

  static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

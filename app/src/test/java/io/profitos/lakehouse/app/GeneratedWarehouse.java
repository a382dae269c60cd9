package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoManifest;
import io.profitos.lakehouse.demo.DemoSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * The test run's one generated warehouse: a landing zone at scale 0.01 (seed 7) delivered in two
 * days, every extract up to {@link #DAY_ONE}, then those of {@link #DAY_TWO}. Day one runs bronze,
 * silver and the MRR part of gold; day two runs bronze, silver and all of gold, so day two's silver
 * and MRR fact are the incremental paths. It is built once per test JVM ({@link #shared}); a test
 * that only reads uses it as it is, a test that writes takes a {@link #copy} (a file copy of the
 * landing zone and the warehouse, whose Delta logs hold relative paths), so tests stay independent
 * without rebuilding it.
 */
final class GeneratedWarehouse {
  static final LocalDate DAY_ONE = LocalDate.of(2026, 11, 19);
  static final LocalDate DAY_TWO = LocalDate.of(2026, 11, 20);
  static final double SCALE = 0.01;
  static final long SEED = 7;
  /** The run id of day two's gold run (the headline reads its exceptions and gates). */
  static final String GOLD_RUN = "e2e-day-two-gold";

  private static GeneratedWarehouse shared;

  final Path root;
  final LakehouseSettings settings;
  final TableCatalog catalog;
  final JobRegistry registry;
  /** The generator's manifest of day one's delivery and of day two's. */
  final DemoManifest dayOneManifest;
  final DemoManifest manifest;
  /** Day one's bronze run. */
  final JobRunner.Outcome bronzeDayOne;

  private GeneratedWarehouse(Path root, DemoManifest dayOneManifest, DemoManifest manifest, JobRunner.Outcome bronzeDayOne) {
    this.root = root;
    this.settings = settings(root);
    this.catalog = new TableCatalog(settings.warehouse());
    this.registry = JobRegistry.discover(settings);
    this.dayOneManifest = dayOneManifest;
    this.manifest = manifest;
    this.bronzeDayOne = bronzeDayOne;
  }

  /** The warehouse, built on first use. */
  static synchronized GeneratedWarehouse shared() {
    if (shared == null) {
      try {
        shared = build(Files.createTempDirectory("lakehouse-generated"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** A private copy of the landing zone and the warehouse, for a test that writes. */
  GeneratedWarehouse copy() {
    try {
      Path to = Files.createTempDirectory("lakehouse-generated-copy");
      org.apache.commons.io.FileUtils.copyDirectory(root.toFile(), to.toFile());
      return new GeneratedWarehouse(to, dayOneManifest, manifest, bronzeDayOne);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the generated warehouse: " + e.getMessage(), e);
    }
  }

  Path landing() {
    return root.resolve("landing");
  }

  Path warehouse() {
    return root.resolve("warehouse");
  }

  /** Runs one layer's jobs on {@code runDate}. */
  JobRunner.Outcome run(String layer, LocalDate runDate, boolean fullRefresh) {
    return run(registry.layer(layer), UUID.randomUUID().toString(), runDate, fullRefresh);
  }

  JobRunner.Outcome run(List<LakehouseJob> jobs, String runId, LocalDate runDate, boolean fullRefresh) {
    return new JobRunner(new JobContext(spark(), settings, catalog, runId, runDate, fullRefresh, Clock.systemUTC())).run(jobs);
  }

  /** The named jobs of a layer, in the layer's order. */
  List<LakehouseJob> jobs(String layer, List<String> names) {
    return registry.layer(layer).stream().filter(j -> names.contains(j.name())).toList();
  }

  private static SparkSession spark() {
    return SparkTestSession.get();
  }

  private static LakehouseSettings settings(Path root) {
    return LakehouseSettings.from(ConfigLoader.load(Path.of("../conf"), "local", Map.of(
        "lakehouse.landing", root.resolve("landing").toString(), "lakehouse.warehouse", root.resolve("warehouse").toString())),
        Path.of(".."));
  }

  private static GeneratedWarehouse build(Path root) throws IOException {
    DemoSpec spec = DemoSpec.of(SCALE, SEED, root.resolve("landing"));
    DemoManifest dayOneManifest = DemoDataGenerator.generate(spec.withWindow(null, DAY_ONE));
    GeneratedWarehouse w = new GeneratedWarehouse(root, dayOneManifest, null, null);
    JobRunner.Outcome bronzeDayOne = w.run("bronze", DAY_ONE, false);
    expectSuccess(w.run("silver", DAY_ONE, false), "day one's silver");
    // Day one builds the MRR fact, so day two rewrites it from the affected months only.
    // (gold.dim_date: the fact's quality gate checks its date keys against it.)
    expectSuccess(w.run(w.jobs("gold", List.of("gold.dim_date", "gold.dim_workspace", "gold.fact_mrr_monthly",
        "gold.kpi_saas_monthly")), UUID.randomUUID().toString(), DAY_ONE, false), "day one's gold");
    DemoManifest manifest = DemoDataGenerator.generate(spec.withWindow(DAY_TWO, DAY_TWO));
    // Exit 4: an input rejected by bronze's contract is quarantined, which the tests check.
    assertThat(w.run("bronze", DAY_TWO, false).exitCode()).as("day two's bronze").isIn(0, 4);
    expectSuccess(w.run("silver", DAY_TWO, false), "day two's silver");
    expectSuccess(w.run(w.registry.layer("gold"), GOLD_RUN, DAY_TWO, false), "day two's gold");
    return new GeneratedWarehouse(root, dayOneManifest, manifest, bronzeDayOne);
  }

  private static void expectSuccess(JobRunner.Outcome outcome, String what) {
    assertThat(outcome.exitCode()).as(what + ": " + outcome.firstError()).isZero();
  }
}

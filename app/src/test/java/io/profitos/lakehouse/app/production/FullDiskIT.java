package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.app.WarehouseComparison;
import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;

/**
 * A disk that fills up mid-run: {@code lakehouse run} rebuilds a small chain (FX rates and subscriptions, bronze and
 * silver, {@code --full-refresh}) in its own process over {@link FullDiskFileSystem}, which refuses every write once a
 * byte budget is spent. The run exits 1 within a bounded time with a one-line cause and no stack trace on the console,
 * the table being written when the disk filled stays at its previous version, and once there is room again a plain run
 * leaves every table equal, cell by cell, to what it was before.
 */
class FullDiskIT {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 19);
  private static final List<String> CHAIN = List.of("bronze.finance_fx_rates", "silver.fx_rates", "bronze.stripe_subscriptions",
      "silver.subscriptions");
  /** Enough for the first silver job's table, not for all of the chain (it writes about 300 kB). */
  private static final long DISK_BYTES = 200_000;
  private static final Duration BOUND = Duration.ofMinutes(3);
  private static final Set<String> PER_RUN = Set.of("_batch_id", "_ingested_at");

  private static Map<String, Long> versions(Path warehouse) throws Exception {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String layer : List.of("bronze", "silver")) {
      for (String t : WarehouseComparison.tables(warehouse, layer)) {
        out.put(layer + "." + t, DeltaTables.version(SparkTestSession.get(), warehouse.resolve(layer).resolve(t).toString()));
      }
    }
    return out;
  }

  @Test
  void aDiskThatFillsUpMidRunFailsTheRunInOneLineAndLeavesEveryTableCorrect() throws Exception {
    Path dir = Files.createTempDirectory(ProductionEnv.work("full-disk"), "run");
    Path landing = dir.resolve("landing");
    Path warehouse = dir.resolve("warehouse");
    DemoDataGenerator.generate(DemoSpec.of(0.01, 7, landing).withWindow(null, DAY));
    LakehouseSettings settings = LakehouseSettings.from(ConfigLoader.load(ProductionEnv.repoRoot().resolve("conf"), "local",
        Map.of("lakehouse.landing", landing.toString(), "lakehouse.warehouse", warehouse.toString())), ProductionEnv.repoRoot());
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    List<LakehouseJob> jobs = JobRegistry.discover(settings).all().stream().filter(j -> CHAIN.contains(j.name())).toList();
    JobRunner.Outcome first = new JobRunner(new JobContext(SparkTestSession.get(), settings, catalog, "before", DAY, false,
        Clock.systemUTC())).run(jobs);
    assertThat(first.exitCode()).as(first.firstError()).isZero();
    Path before = dir.resolve("before");
    FileUtils.copyDirectory(warehouse.toFile(), before.toFile());
    Map<String, Long> versionsBefore = versions(warehouse);

    // Launched as bin/lakehouse launches it (its logging: one line per cause on the console, details in the log file).
    List<String> command = Processes.java(List.of("-Xmx1g", "-Dlakehouse.log.dir=" + dir.resolve("logs/lakehouse"),
        "-Dlog4j2.configurationFile=" + ProductionEnv.repoRoot().resolve("conf/log4j2.properties"),
        "-Dspark.hadoop.fs.file.impl=" + FullDiskFileSystem.class.getName(),
        "-Dspark.hadoop.fs.AbstractFileSystem.file.impl=" + FullDiskFs.class.getName(),
        "-Dlakehouse.test.disk-bytes=" + DISK_BYTES), "io.profitos.lakehouse.app.Main",
        List.of("run", String.join(",", CHAIN), "--run-date", DAY.toString(), "--full-refresh",
            "--conf", "lakehouse.runner.parallelism=1"));
    long t0 = System.nanoTime();
    Processes.Result full = Processes.run(command, Map.of("LAKEHOUSE_LANDING", landing.toString(), "LAKEHOUSE_WAREHOUSE",
        warehouse.toString()), dir, dir.resolve("logs"), "full-disk", BOUND);
    double seconds = (System.nanoTime() - t0) / 1e9;

    assertThat(full.exitCode()).as(full.tail()).isEqualTo(1);
    String console = full.stdout() + full.stderr();
    assertThat(console).as(full.tail()).contains("No space left on device").doesNotContain("\tat ").doesNotContain("Exception:");
    System.out.printf("full disk after %,d bytes: exit %d in %.1f s%n", DISK_BYTES, full.exitCode(), seconds);

    // Mid-run: some tables were rewritten before the disk filled, and the rest are at their previous versions.
    Map<String, Long> versionsAfter = versions(warehouse);
    assertThat(versionsAfter.keySet()).isEqualTo(versionsBefore.keySet());
    List<String> rewritten = versionsAfter.keySet().stream().filter(t -> versionsAfter.get(t) > versionsBefore.get(t)).toList();
    List<String> untouched = versionsAfter.keySet().stream().filter(t -> versionsAfter.get(t).equals(versionsBefore.get(t))).toList();
    assertThat(rewritten).as("tables rewritten before the disk filled").isNotEmpty();
    assertThat(untouched).as("tables left at their previous version").isNotEmpty();
    assertThat(rewritten.size() + untouched.size()).isEqualTo(versionsAfter.size());
    // Every table, rewritten or not, holds what it held before (a full refresh of the same inputs).
    for (String layer : List.of("bronze", "silver")) {
      assertThat(WarehouseComparison.differences(SparkTestSession.get(), before, warehouse, layer, PER_RUN)).as(layer).isEmpty();
    }

    // With room again, a plain run finishes, and still every table holds what it did.
    JobRunner.Outcome again = new JobRunner(new JobContext(SparkTestSession.get(), settings, catalog, "again", DAY, false,
        Clock.systemUTC())).run(jobs);
    assertThat(again.exitCode()).as(again.firstError()).isZero();
    for (String layer : List.of("bronze", "silver")) {
      assertThat(WarehouseComparison.differences(SparkTestSession.get(), before, warehouse, layer, PER_RUN)).as(layer).isEmpty();
    }
  }
}

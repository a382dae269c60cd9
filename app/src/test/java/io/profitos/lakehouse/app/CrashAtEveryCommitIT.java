package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.app.production.WarehouseComparison;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.fs.CommitFence;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A run that dies right after its k-th Delta commit, for every k of a small incremental run (day two of MRR's chain:
 * silver's subscriptions, merged; their type-2 history; gold's MRR fact, fingerprinted and gated), then one run that
 * finishes: every table of silver and gold equals, cell by cell, that of a clean run of the same inputs, with no row lost
 * or duplicated. (Bronze's own tests kill its ingest at each of its write steps.) The death is a fence that lets k commits through and refuses every later write to any Delta log
 * (commit, checksum, checkpoint), so the warehouse holds exactly what a process killed at that instant would have left
 * (its uncommitted data files included); the run after it is a new run with its own id, as after a restart.
 */
class CrashAtEveryCommitIT {
  private static final LocalDate DAY_TWO = GeneratedWarehouse.DAY_TWO;
  private static final List<String> CHAIN = List.of("silver.subscriptions", "silver.subscription_history",
      "gold.fact_mrr_monthly");
  /** Differ by run by design: the batch that landed a row, and when. */
  private static final Set<String> PER_RUN = Set.of("_batch_id", "_ingested_at");

  private final SparkSession spark = SparkTestSession.get();

  /** Dies (refuses every later log write) right after the k-th commit it lets through. */
  private static final class DieAfter implements CommitFence.Guard {
    private final int k;
    private final AtomicInteger commits = new AtomicInteger();
    private volatile String dead;

    DieAfter(int k) {
      this.k = k;
    }

    @Override
    public synchronized void check(String what) {
      if (dead == null && commits.get() >= k) {
        dead = "the process died after its commit " + k;
      }
      if (dead != null) {
        throw new LakehouseException(LakehouseException.EXIT_WAREHOUSE_BUSY, "Refused to write " + what + ": " + dead);
      }
      if (what.matches(".*/_delta_log/\\d{20}\\.json$")) {
        commits.incrementAndGet();
      }
    }

    @Override
    public String refusal() {
      return dead;
    }
  }

  private record Warehouse(Path root, LakehouseSettings settings, TableCatalog catalog, JobRegistry registry) {
    static Warehouse at(Path landing, Path root) {
      // One job at a time: the k-th commit is the same commit in every trial.
      LakehouseSettings settings = LakehouseSettings.from(ConfigLoader.load(Path.of("../conf"), "local", Map.of(
          "lakehouse.landing", landing.toString(), "lakehouse.warehouse", root.toString(), "lakehouse.runner.parallelism", "1")),
          Path.of(".."));
      return new Warehouse(root, settings, new TableCatalog(settings.warehouse()), JobRegistry.discover(settings));
    }

    JobRunner.Outcome run(List<String> names, String runId, LocalDate day) {
      List<LakehouseJob> jobs = registry.all().stream().filter(j -> names.contains(j.name())).toList();
      assertThat(jobs).hasSameSizeAs(names);
      return new JobRunner(new JobContext(SparkTestSession.get(), settings, catalog, runId, day, false, Clock.systemUTC())).run(jobs);
    }
  }

  /** A table's newest version: the highest commit in its log, -1 when it has none. */
  private static long version(Warehouse w, String layer, String table) {
    Path log = w.root().resolve(layer).resolve(table).resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return -1;
    }
    try (java.util.stream.Stream<Path> s = Files.list(log)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.json")).mapToLong(n -> Long.parseLong(n.substring(0, 20)))
          .max().orElse(-1);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aRunKilledAfterAnyOfItsCommitsAndRunAgainLeavesTheTablesOfACleanRun() throws Exception {
    // The shared generated warehouse as day one left it, with day two's subscriptions landed.
    GeneratedWarehouse generated = GeneratedWarehouse.shared();
    Path landing = generated.landing();
    Path root = Files.createTempDirectory("crash-at-every-commit");
    Warehouse base = Warehouse.at(landing, root.resolve("base"));
    FileUtils.copyDirectory(generated.dayOneWarehouse().toFile(), base.root().toFile());
    // (Bronze's own tests kill its ingest at each of its write steps.)
    assertThat(base.run(List.of("bronze.stripe_subscriptions"), "day-two-bronze", DAY_TWO).exitCode()).isIn(0, 4);

    // The clean run, counting its commits.
    Warehouse clean = Warehouse.at(landing, root.resolve("clean"));
    FileUtils.copyDirectory(base.root().toFile(), clean.root().toFile());
    DieAfter counter = new DieAfter(Integer.MAX_VALUE);
    CommitFence.install(counter);
    JobRunner.Outcome cleanRun;
    try {
      cleanRun = clean.run(CHAIN, "clean", DAY_TWO);
    } finally {
      CommitFence.uninstall(counter);
    }
    assertThat(cleanRun.exitCode()).as(cleanRun.firstError()).isZero();
    int commits = counter.commits.get();
    assertThat(commits).as("commits of the clean run").isGreaterThanOrEqualTo(3 * CHAIN.size());

    List<String> failures = new ArrayList<>();
    Set<String> compared = new java.util.TreeSet<>();
    for (int k = 1; k < commits; k++) {
      long t0 = System.nanoTime();
      Warehouse w = Warehouse.at(landing, root.resolve("crash-" + k));
      FileUtils.copyDirectory(base.root().toFile(), w.root().toFile());
      DieAfter death = new DieAfter(k);
      CommitFence.install(death);
      JobRunner.Outcome crashed;
      try {
        crashed = w.run(CHAIN, "crashed-" + k, DAY_TWO);
      } finally {
        CommitFence.uninstall(death);
      }
      // (Dying in the run's closing bookkeeping, the lineage commit, leaves its exit code at 0: no job saw the death.)
      assertThat(death.refusal()).as("the run died after commit " + k).isNotNull();
      assertThat(death.commits.get()).isEqualTo(k);
      if (crashed.exitCode() != 0) {
        assertThat(crashed.exitCode()).as(crashed.firstError()).isEqualTo(LakehouseException.EXIT_WAREHOUSE_BUSY);
      }

      long t1 = System.nanoTime();
      JobRunner.Outcome after = w.run(CHAIN, "after-" + k, DAY_TWO);
      long t2 = System.nanoTime();
      if (after.exitCode() != 0) {
        failures.add("after commit " + k + ": the next run exited " + after.exitCode() + ": " + after.firstError());
        continue;
      }
      for (String layer : List.of("silver", "gold")) {
        Set<String> tables = WarehouseComparison.tables(w.root(), layer);
        if (!tables.equals(WarehouseComparison.tables(clean.root(), layer))) {
          failures.add("after commit " + k + ": the tables of " + layer + " differ: " + tables);
          continue;
        }
        // A table at the same version in all three is the same files: only the others are compared, cell by cell.
        List<String> changed = tables.stream().filter(t -> version(w, layer, t) != version(base, layer, t)
            || version(clean, layer, t) != version(base, layer, t)).toList();
        compared.addAll(changed.stream().map(t -> layer + "." + t).toList());
        for (String d : WarehouseComparison.differences(spark, clean.root().toUri().toString(), w.root().toUri().toString(), layer,
            changed, PER_RUN)) {
          failures.add("after commit " + k + ": " + d);
        }
      }
      FileUtils.deleteDirectory(w.root().toFile());
      System.out.printf("TRIAL k=%d crash=%.1fs rerun=%.1fs compare=%.1fs%n", k, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
          (System.nanoTime() - t2) / 1e9);
    }
    assertThat(failures).as(commits + " commits").isEmpty();
    // Every table of the chain was compared (a crash trial that compared nothing would prove nothing).
    assertThat(compared).containsAll(CHAIN);
  }
}

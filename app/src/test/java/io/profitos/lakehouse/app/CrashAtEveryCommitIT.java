package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.fs.CommitFence;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A run that dies right after its k-th Delta commit, for every k of a small incremental run (day two of MRR's chain:
 * silver's subscriptions, merged; their type-2 history; gold's MRR fact, fingerprinted and gated), then one run that
 * finishes: every table of silver and gold equals, cell by cell, that of a clean run of the same inputs, with no row lost
 * or duplicated. (Bronze's own tests kill its ingest at each of its write steps.) The warehouse a death after commit k
 * leaves is copied from the clean run at that instant; the run after it is a new run with its own id, as after a restart.
 */
class CrashAtEveryCommitIT {
  private static final LocalDate DAY_ONE = LocalDate.of(2026, 11, 19);
  private static final LocalDate DAY_TWO = LocalDate.of(2026, 11, 20);
  /** What the chain reads, built on day one. */
  private static final List<String> UPSTREAM = List.of("bronze.finance_fx_rates", "bronze.product_db_workspaces",
      "bronze.stripe_subscriptions", "silver.fx_rates", "silver.workspaces", "silver.workspace_history", "gold.dim_date",
      "gold.dim_workspace");
  private static final List<String> CHAIN = List.of("silver.subscriptions", "silver.subscription_history",
      "gold.fact_mrr_monthly");
  /** Differ by run by design: the batch that landed a row, and when. */
  private static final Set<String> PER_RUN = Set.of("_batch_id", "_ingested_at");

  private final SparkSession spark = SparkTestSession.get();

  /**
   * Copies the warehouse at every instant a process could die right after a commit: before the first log write that
   * follows each commit (the commit's checksum, the next commit), while that write waits. Nothing else writes then (one
   * job at a time, and a commit's data files are written before it), so each copy is what a process killed at that
   * instant leaves on disk, its uncommitted data files included.
   */
  private static final class SnapshotAfterEachCommit implements CommitFence.Guard {
    private final Path warehouse;
    private final Path into;
    private int commits;
    private int copied;

    SnapshotAfterEachCommit(Path warehouse, Path into) {
      this.warehouse = warehouse;
      this.into = into;
    }

    @Override
    public synchronized void check(String what) {
      if (commits > copied) {
        try {
          FileUtils.copyDirectory(warehouse.toFile(), into.resolve("after-commit-" + commits).toFile());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        copied = commits;
      }
      if (what.matches(".*/_delta_log/\\d{20}\\.json$")) {
        commits++;
      }
    }

    @Override
    public String refusal() {
      return null;
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

  /** A table's newest version, -1 when it has none. */
  private static long version(Warehouse w, String layer, String table) {
    return io.profitos.lakehouse.core.table.DeltaTables.version(SparkTestSession.get(), w.root().resolve(layer).resolve(table).toString());
  }

  @Test
  void aRunKilledAfterAnyOfItsCommitsAndRunAgainLeavesTheTablesOfACleanRun() throws Exception {
    // Its own small warehouse (this test runs beside the end-to-end one, in another JVM): day one of the chain and what
    // it reads, then day two's subscriptions landed. (Bronze's own tests kill its ingest at each of its write steps.)
    Path root = Files.createTempDirectory("crash-at-every-commit");
    Path landing = root.resolve("landing");
    DemoSpec spec = DemoSpec.of(0.01, 7, landing);
    DemoDataGenerator.generate(spec.withWindow(null, DAY_ONE));
    Warehouse base = Warehouse.at(landing, root.resolve("base"));
    List<String> dayOne = new ArrayList<>(UPSTREAM);
    dayOne.addAll(CHAIN);
    JobRunner.Outcome first = base.run(dayOne, "day-one", DAY_ONE);
    assertThat(first.exitCode()).as(first.firstError()).isZero();
    DemoDataGenerator.generate(spec.withWindow(DAY_TWO, DAY_TWO));
    assertThat(base.run(List.of("bronze.stripe_subscriptions"), "day-two-bronze", DAY_TWO).exitCode()).isIn(0, 4);

    // The clean run, copied after each of its commits.
    Warehouse clean = Warehouse.at(landing, root.resolve("clean"));
    FileUtils.copyDirectory(base.root().toFile(), clean.root().toFile());
    Path crashes = root.resolve("crashes");
    SnapshotAfterEachCommit snapshots = new SnapshotAfterEachCommit(clean.root(), crashes);
    CommitFence.install(snapshots);
    JobRunner.Outcome cleanRun;
    try {
      cleanRun = clean.run(CHAIN, "clean", DAY_TWO);
    } finally {
      CommitFence.uninstall(snapshots);
    }
    assertThat(cleanRun.exitCode()).as(cleanRun.firstError()).isZero();
    int commits = snapshots.commits;
    assertThat(commits).as("commits of the clean run").isGreaterThanOrEqualTo(3 * CHAIN.size());

    List<String> failures = new ArrayList<>();
    Set<String> compared = new java.util.TreeSet<>();
    for (int k = 1; k < commits; k++) {
      Path crashed = crashes.resolve("after-commit-" + k);
      assertThat(crashed).as("the warehouse as a process dying after commit " + k + " left it").isDirectory();
      Warehouse w = Warehouse.at(landing, crashed);
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
      System.out.printf("crash after commit %d of %d: the next run %.1f s, compared in %.1f s%n", k, commits, (t2 - t1) / 1e9,
          (System.nanoTime() - t2) / 1e9);
    }
    assertThat(failures).as(commits + " commits").isEmpty();
    // Every table of the chain was compared (a crash trial that compared nothing would prove nothing).
    assertThat(compared).containsAll(CHAIN);
  }
}

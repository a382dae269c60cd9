package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.app.WarehouseComparison;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The object store going away in the middle of a run: a real MinIO server on loopback, {@code lakehouse run} rebuilding a
 * small chain (FX rates and subscriptions, bronze and silver, {@code --full-refresh}) in its own process, the server
 * killed ({@code SIGKILL}) once silver's FX rates are committed. The run exits 1 within a bounded time, its cause one line
 * naming the store that stopped answering, no stack trace; with the server back, every table holds what it held before (the tables rewritten before the
 * outage, and those left at their previous version), and a plain run finishes and changes nothing.
 */
class ObjectStoreOutageIT {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 19);
  private static final List<String> CHAIN = List.of("bronze.finance_fx_rates", "silver.fx_rates", "bronze.stripe_subscriptions",
      "silver.subscriptions");
  private static final List<String> LAYERS = List.of("bronze", "silver");
  /** Own buckets: the test JVM's s3a file systems are cached by bucket, and another test's server may have used others. */
  private static final String LANDING = "s3a://outage-landing/landing";
  private static final String WAREHOUSE = "s3a://outage-lakehouse/warehouse";
  private static final Set<String> PER_RUN = Set.of("_batch_id", "_ingested_at");
  /** The bound on failing once the store is gone (the s3a retries of conf/env/minio.conf allow well under it). */
  private static final Duration BOUND = Duration.ofSeconds(90);

  private static Map<String, Long> versions(SparkSession spark) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String layer : LAYERS) {
      for (String t : WarehouseComparison.tables(WAREHOUSE, layer)) {
        out.put(layer + "." + t, DeltaTables.version(spark, WAREHOUSE + "/" + layer + "/" + t));
      }
    }
    return out;
  }

  @Test
  void aStoreThatGoesAwayMidRunFailsTheRunInOneLineAndLeavesEveryTableCorrect() throws Exception {
    Path dir = ProductionEnv.work("object-store-outage");
    try (MinioServer minio = MinioServer.start(dir)) {
      Path landing = dir.resolve("landing");
      DemoDataGenerator.generate(DemoSpec.of(0.01, 7, landing).withWindow(null, DAY));
      Lakehouse lakehouse = new Lakehouse(dir, minio.env(LANDING));
      Processes.Result init = lakehouse.run("storage-init", Duration.ofMinutes(2), "storage", "init", "--env", "minio");
      assertThat(init.exitCode()).as(init.tail()).isZero();
      Processes.Result upload = lakehouse.run("storage-upload", Duration.ofMinutes(3), "storage", "upload-landing", landing.toString(),
          "--env", "minio");
      assertThat(upload.exitCode()).as(upload.tail()).isZero();
      Processes.Result first = lakehouse.run("first-run", Duration.ofMinutes(4), chain());
      assertThat(first.exitCode()).as(first.tail()).isZero();

      SparkSession spark = SparkTestSession.get();
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      minio.configure(hadoop);
      Path before = dir.resolve("before");
      org.apache.hadoop.fs.Path warehouse = new org.apache.hadoop.fs.Path(WAREHOUSE);
      for (String layer : LAYERS) {
        FileUtil.copy(warehouse.getFileSystem(hadoop), new org.apache.hadoop.fs.Path(warehouse, layer),
            org.apache.hadoop.fs.FileSystem.getLocal(hadoop), new org.apache.hadoop.fs.Path(before.resolve(layer).toUri()), false, hadoop);
      }
      Map<String, Long> versionsBefore = versions(spark);
      assertThat(versionsBefore).containsKeys("bronze.finance_fx_rates", "silver.subscriptions");

      // The rebuild, one job at a time (bronze finds nothing new; silver rebuilds FX rates, then subscriptions): the server is
      // killed as soon as silver's FX rates are committed.
      List<String> args = new ArrayList<>(List.of(chain()));
      args.addAll(List.of("--full-refresh", "--conf", "lakehouse.runner.parallelism=1"));
      Path log = dir.resolve("logs/outage-run.log");
      Process run = Processes.start(lakehouse.command("outage-run", args), lakehouse.env, dir, log);
      boolean ended;
      double seconds;
      try {
        // Each job's end is in the run's log file (the console shows its steps).
        Path jobLog = dir.resolve("logs/outage-run/lakehouse.log");
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (run.isAlive() && !Processes.read(jobLog).contains("job=silver.fx_rates status=") && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(Processes.read(jobLog)).as("silver.fx_rates ended\n" + Processes.read(log)).contains("job=silver.fx_rates status=succeeded");
        assertThat(run.isAlive()).as("the rebuild committed silver.fx_rates and goes on\n" + Processes.read(log)).isTrue();
        minio.kill();
        long t0 = System.nanoTime();
        ended = run.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
        seconds = (System.nanoTime() - t0) / 1e9;
      } finally {
        if (run.isAlive()) {
          Processes.stop(run);
        }
      }
      String console = Processes.read(log);
      assertThat(ended).as("the run ended within " + BOUND + " of the outage\n" + console).isTrue();
      System.out.printf("object store killed mid-run: exit %d %.1f s later%n", run.exitValue(), seconds);
      assertThat(run.exitValue()).as(console).isEqualTo(1);
      // The cause in one line of the run's summary: the job the outage failed, and the store that stopped answering.
      String endpoint = minio.endpoint().replace("http://", "");
      List<String> causes = console.lines().filter(l -> l.matches("[a-z_]+\\.[a-z_]+ failed: .*")).toList();
      assertThat(causes).as(console).hasSize(1);
      assertThat(causes.get(0)).as(console).startsWith("silver.subscriptions failed: no object store answers at " + endpoint)
          .contains("Check LAKEHOUSE_S3_ENDPOINT (lakehouse.storage.endpoint) and that the store is running.");
      assertThat(console).doesNotContain("\tat ").doesNotContain("Exception in thread");

      // The server back: FX rates were rewritten, subscriptions (and bronze, which had nothing new) are at their previous
      // versions, and every table holds what it held before (a full refresh of the same inputs).
      minio.startAgain();
      Map<String, Long> versionsAfter = versions(spark);
      assertThat(versionsAfter.keySet()).isEqualTo(versionsBefore.keySet());
      assertThat(versionsAfter.get("silver.fx_rates")).isGreaterThan(versionsBefore.get("silver.fx_rates"));
      for (String t : List.of("bronze.finance_fx_rates", "bronze.stripe_subscriptions", "silver.subscriptions")) {
        assertThat(versionsAfter.get(t)).as(t + " at its previous version").isEqualTo(versionsBefore.get(t));
      }
      for (String layer : LAYERS) {
        assertThat(WarehouseComparison.differences(spark, before.toUri().toString().replaceAll("/+$", ""), WAREHOUSE, layer, PER_RUN))
            .as(layer).isEmpty();
      }

      // A plain run finishes (the failed run's lease, which it could not release, is waited out) and changes nothing.
      Processes.Result again = lakehouse.run("after-outage", Duration.ofMinutes(4), chain("--conf", "lakehouse.lease.wait=2m"));
      assertThat(again.exitCode()).as(again.tail()).isZero();
      for (String layer : LAYERS) {
        assertThat(WarehouseComparison.differences(spark, before.toUri().toString().replaceAll("/+$", ""), WAREHOUSE, layer, PER_RUN))
            .as(layer).isEmpty();
      }
    }
  }

  private static String[] chain(String... more) {
    List<String> args = new ArrayList<>(List.of("run", String.join(",", CHAIN), "--env", "minio", "--run-date", DAY.toString(),
        "--conf", "lakehouse.lease.expiry=30s"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** {@code lakehouse} in its own process as {@code bin/lakehouse} launches it (its logging: one line per cause on the console). */
  private record Lakehouse(Path dir, Map<String, String> env) {
    Lakehouse(Path dir, Map<String, String> env) {
      this.dir = dir;
      Map<String, String> all = new LinkedHashMap<>(env);
      all.put("LAKEHOUSE_WAREHOUSE", WAREHOUSE);
      all.put("LAKEHOUSE_PII_HASH_KEY", ReferenceRun.PII_KEY);
      this.env = Map.copyOf(all);
    }

    List<String> command(String name, List<String> args) {
      return Processes.java(List.of("-Xmx1g", "-Dlakehouse.log.dir=" + dir.resolve("logs").resolve(name),
          "-Dlog4j2.configurationFile=" + ProductionEnv.repoRoot().resolve("conf/log4j2.properties")), "io.profitos.lakehouse.app.Main", args);
    }

    Processes.Result run(String name, Duration limit, String... args) {
      return Processes.run(command(name, List.of(args)), env, dir, dir.resolve("logs"), name, limit);
    }
  }
}

package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.app.WarehouseComparison;
import io.profitos.lakehouse.app.WarehouseLease;
import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The lakehouse on object storage: a real MinIO server started on loopback ({@code .ci/minio-server} builds it from the
 * Go module proxy), the housekeeping commands through the MinIO Java client ({@code storage init}, {@code
 * upload-landing}, {@code check}), the whole pipeline through spark-submit on a standalone cluster started on loopback,
 * in the {@code cluster} environment with {@code s3a://} landing and warehouse (production's shape), whose gold and ml
 * tables must equal the reference run's cell by cell (the daily DAG under real Airflow on local Spark; silver too, apart
 * from each run's batch ids); and the failures an operator meets: a wrong endpoint, refused credentials, a missing
 * bucket, each one line naming the setting, and an unreachable store failing a run within a minute.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObjectStoreIT {
  private static final String DATE = ReferenceRun.RUN_DATE.toString();
  private static final String LANDING = "s3a://landing/landing";
  private static final String WAREHOUSE = "s3a://lakehouse/warehouse";

  private MinioServer minio;

  @BeforeAll
  void startMinio() throws Exception {
    minio = MinioServer.start(ProductionEnv.work("object-store"));
  }

  @AfterAll
  void stopMinio() {
    if (minio != null) {
      minio.close();
    }
  }

  private String endpoint() {
    return minio.endpoint();
  }

  private Map<String, String> env() {
    return minio.env(LANDING);
  }

  private Processes.Result lakehouse(String name, Map<String, String> env, String warehouse, String... args) {
    return ReferenceRun.submit("local[2]", warehouse, name, List.of(), env, args);
  }

  @Test
  @Order(1)
  void initUploadThenRunEverythingOnAStandaloneClusterAgainstMinio() throws Exception {
    Processes.Result init = lakehouse("storage-init", env(), WAREHOUSE, "storage", "init", "--env", "minio");
    assertThat(init.exitCode()).as(init.tail()).isZero();
    assertThat(init.stdout()).contains("bucket landing", "bucket lakehouse").contains("created")
        .contains("s3a://landing/landing", "read and write: ok");

    long files;
    try (Stream<Path> s = Files.walk(ReferenceRun.landing())) {
      files = s.filter(Files::isRegularFile).count();
    }
    Processes.Result upload = lakehouse("storage-upload", env(), WAREHOUSE, "storage", "upload-landing",
        ReferenceRun.landing().toString(), "--env", "minio");
    assertThat(upload.exitCode()).as(upload.tail()).isZero();
    assertThat(upload.stdout()).contains(String.format(java.util.Locale.ROOT, "Uploaded %,d files", files)).contains("0 already there");
    Processes.Result again = lakehouse("storage-upload-again", env(), WAREHOUSE, "storage", "upload-landing",
        ReferenceRun.landing().toString(), "--env", "minio");
    assertThat(again.stdout()).contains("Uploaded 0 files (0 bytes)").contains(String.format(java.util.Locale.ROOT, "%,d already there", files));

    // The whole pipeline on a standalone cluster (a master and a worker of two cores on loopback) against MinIO, as in
    // production: the driver under spark-submit in the cluster environment, the executor on the worker with the
    // credentials of its node's environment; in the background. While it holds the warehouse's lease on the object
    // store, a second run started beside it is refused at once. One worker, not two: on two cores a second executor JVM
    // only adds its own warm-up (the executors took as much CPU as the driver), and what the cluster proves (tasks in
    // another JVM, with the node's credentials, writing s3a://) one executor proves.
    Path clusterDir = ProductionEnv.work("object-store").resolve("cluster");
    Map<String, String> nodeCredentials = Map.of("AWS_ACCESS_KEY_ID", minio.user, "AWS_SECRET_ACCESS_KEY", minio.password);
    try (StandaloneCluster cluster = StandaloneCluster.start(clusterDir, 1, 2, "1536m", nodeCredentials)) {
      Map<String, String> clusterEnv = env();
      clusterEnv.put("LAKEHOUSE_WAREHOUSE", WAREHOUSE);
      ReferenceRun.Submit all = ReferenceRun.command(cluster.masterUrl(), WAREHOUSE,
          // The cluster environment (adaptive execution on, another partition count), without generated code and with each
          // table's log state in one partition, which cost more than they save on tables of a few hundred rows (the local
          // environment's choices).
          List.of("--conf", "spark.sql.shuffle.partitions=3", "--conf", "spark.sql.codegen.wholeStage=false",
              "--conf", "spark.sql.codegen.factoryMode=NO_CODEGEN", "--conf", "spark.databricks.delta.snapshotPartitions=1",
              "--executor-memory", "1g", "--total-executor-cores", "2"),
          clusterEnv, "run", "all", "--env", "cluster", "--run-date", DATE);
      Path log = all.dir().resolve("logs/cluster-minio-run-all.log");
      Process running = Processes.start(all.command(), all.env(), all.dir(), log);
      try {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (running.isAlive() && !Processes.read(log).contains("job=") && System.nanoTime() < deadline) {
          Thread.sleep(500);
        }
        assertThat(running.isAlive()).as("run all started its jobs\n" + Processes.read(log)).isTrue();
        Processes.Result second = lakehouse("minio-second-run", env(), WAREHOUSE, "run", "bronze", "--env", "minio", "--run-date", DATE);
        assertThat(second.exitCode()).as(second.tail()).isEqualTo(5);
        assertOneLine(second, "The warehouse is in use: 'lakehouse run all' (run ", "started ", "s3a://lakehouse/warehouse/_lease");
        assertThat(running.waitFor(14, java.util.concurrent.TimeUnit.MINUTES)).as("run all finished").isTrue();
      } finally {
        if (running.isAlive()) {
          Processes.stop(running);
        }
      }
      String runLog = Processes.read(log);
      assertThat(running.exitValue()).as(runLog.substring(Math.max(0, runLog.length() - 4000))).isZero();
      assertThat(runLog).contains("Tables are under s3a://lakehouse/warehouse/").contains("master=" + cluster.masterUrl());
      // The run really happened on the cluster: the master lists it as finished, and the worker ran its executor (a
      // worker keeps one folder per application it ran an executor for).
      List<String> finished = new java.util.ArrayList<>();
      cluster.state().path("completedapps").forEach(a -> finished.add(a.path("name").asText()));
      assertThat(finished).as("applications the master ran").hasSize(1);
      assertThat(clusterDir.resolve("worker-1").toFile().list()).as("applications the worker ran executors for").hasSize(1);
    }

    Processes.Result check = lakehouse("storage-check", env(), WAREHOUSE, "storage", "check", "--env", "minio");
    assertThat(check.exitCode()).as(check.tail()).isZero();
    assertThat(check.stdout()).contains("landing s3a://landing/landing", "stripe", "salesforce")
        .contains("warehouse s3a://lakehouse/warehouse", "bronze", "silver", "gold", "ops");

    // The tables on MinIO equal the reference run's (the daily DAG under Airflow on local Spark), cell by cell.
    Configuration hadoop = SparkTestSession.get().sparkContext().hadoopConfiguration();
    minio.configure(hadoop);
    String reference = ReferenceRun.warehouse().toUri().toString();
    assertThat(WarehouseComparison.tables(WAREHOUSE, "gold")).isEqualTo(WarehouseComparison.tables(reference, "gold")).isNotEmpty();
    assertThat(WarehouseComparison.differences(SparkTestSession.get(), reference, WAREHOUSE, "gold", Set.of())).isEmpty();
    assertThat(WarehouseComparison.differences(SparkTestSession.get(), reference, WAREHOUSE, "ml", Set.of())).isEmpty();
    // Silver rows carry the bronze batch they came from, which is each run's own, and their landing file's URI.
    assertThat(WarehouseComparison.differences(SparkTestSession.get(), reference, WAREHOUSE, "silver", Set.of("_batch_id", "_source_file")))
        .isEmpty();
  }

  @Test
  @Order(2)
  void aWrongEndpointFailsFastWithTheSettingToFix() {
    Map<String, String> env = env();
    env.put("LAKEHOUSE_S3_ENDPOINT", "http://127.0.0.1:" + Processes.freePort());
    Processes.Result check = lakehouse("wrong-endpoint-check", env, WAREHOUSE, "storage", "check", "--env", "minio");
    assertThat(check.exitCode()).isEqualTo(1);
    assertOneLine(check, "no object store answers at http://127.0.0.1:", "Check LAKEHOUSE_S3_ENDPOINT");
    long start = System.nanoTime();
    Processes.Result run = lakehouse("wrong-endpoint-run", env, WAREHOUSE, "run", "bronze", "--env", "minio", "--run-date", DATE);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(run.exitCode()).isEqualTo(1);
    assertOneLine(run, "no object store answers at", "Check LAKEHOUSE_S3_ENDPOINT");
    assertThat(seconds).as("seconds to fail against an unreachable store").isLessThan(60);
  }

  @Test
  @Order(3)
  void refusedCredentialsAndAMissingBucketNameTheirSettings() {
    Map<String, String> env = env();
    env.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");
    Processes.Result creds = lakehouse("bad-credentials", env, WAREHOUSE, "storage", "check", "--env", "minio");
    assertThat(creds.exitCode()).isEqualTo(2);
    assertOneLine(creds, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");

    Processes.Result bucket = lakehouse("missing-bucket", env(), "s3a://no-such-bucket/warehouse", "run", "bronze", "--env", "minio",
        "--run-date", DATE);
    assertThat(bucket.exitCode()).isEqualTo(2);
    assertOneLine(bucket, "Bucket 'no-such-bucket' of s3a://no-such-bucket/warehouse does not exist", "Run 'lakehouse storage init'");
  }

  @Test
  @Order(4)
  void ofRunsRacingForTheLeaseOnTheObjectStoreExactlyOneGetsIt() throws Exception {
    LakehouseSettings settings = LakehouseSettings.from(ConfigLoader.load(ProductionEnv.repoRoot().resolve("conf"), "local",
        Map.of("lakehouse.warehouse", "s3a://lakehouse/lease-race", "lakehouse.storage.endpoint", endpoint())), ProductionEnv.repoRoot());
    Map<String, String> credentials = Map.of("AWS_ACCESS_KEY_ID", minio.user, "AWS_SECRET_ACCESS_KEY", minio.password);
    WarehouseLease.Settings failFast = new WarehouseLease.Settings(Duration.ofMinutes(10), Duration.ZERO, Duration.ofMillis(50));
    int runs = 6;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(runs);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(runs);
    List<java.util.concurrent.Future<WarehouseLease>> attempts = new java.util.ArrayList<>();
    for (int i = 0; i < runs; i++) {
      String id = "race-" + i;
      attempts.add(pool.submit(() -> {
        WarehouseLease.Store store = WarehouseLease.storeFor(settings, credentials);
        start.await();
        try {
          return WarehouseLease.acquire(store, failFast, java.time.Clock.systemUTC(), "lakehouse run all", id);
        } catch (io.profitos.lakehouse.core.LakehouseException busy) {
          store.close();
          assertThat(busy.exitCode()).as(busy.getMessage()).isEqualTo(5);
          return null;
        }
      }));
    }
    List<WarehouseLease> won = new java.util.ArrayList<>();
    for (java.util.concurrent.Future<WarehouseLease> f : attempts) {
      if (f.get() != null) {
        won.add(f.get());
      }
    }
    pool.shutdown();
    assertThat(won).as("runs holding the lease").hasSize(1);
    try (WarehouseLease.Store store = WarehouseLease.storeFor(settings, credentials)) {
      assertThat(WarehouseLease.current(store).orElseThrow().runId()).isEqualTo(won.get(0).holder().runId());
      won.get(0).close();
      // Released: the next run takes the next generation at once.
      try (WarehouseLease next = WarehouseLease.acquire(store, failFast, java.time.Clock.systemUTC(), "lakehouse run gold", "after")) {
        assertThat(next.holder().generation()).isEqualTo(2);
      }
    }
  }

  /** The failure is one line of the CLI's, with no stack trace on either output. */
  private static void assertOneLine(Processes.Result r, String... parts) {
    List<String> lines = (r.stdout() + "\n" + r.stderr()).lines().filter(l -> l.startsWith("lakehouse: ")).toList();
    assertThat(lines).as(r.tail()).hasSize(1);
    assertThat(lines.get(0)).contains(parts);
    assertThat(r.stdout() + r.stderr()).doesNotContain("\tat ").doesNotContain("Exception in thread");
  }
}

package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoManifest;
import io.profitos.lakehouse.demo.DemoSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The application jar under a real {@code spark-submit} (Spark 3.5.4 from PyPI, see {@code bin/spark-dist}): one job and
 * then the whole pipeline on {@code local[2]}, and the whole pipeline again on a standalone cluster of a master and two
 * workers started on loopback, in the cluster environment (generated code and adaptive execution on, other partition
 * counts). Both runs read the same generated landing zone (scale 0.01) and must publish identical gold and ml tables,
 * cell by cell, and identical silver tables apart from each run's batch ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkSubmitIT {
  private static final LocalDate RUN_DATE = LocalDate.of(2026, 11, 20);
  private static final String MAIN = "io.profitos.lakehouse.app.Main";
  private static final Duration RUN_LIMIT = Duration.ofMinutes(12);

  private Path dir;
  private Path landing;
  private DemoManifest manifest;

  @BeforeAll
  void generateLanding() throws Exception {
    dir = ProductionEnv.work("spark-submit");
    FileUtils.cleanDirectory(dir.toFile());
    landing = dir.resolve("landing");
    manifest = DemoDataGenerator.generate(DemoSpec.of(0.01, 7, landing).withWindow(null, RUN_DATE));
  }

  @Test
  @Order(1)
  void oneJobThenEverythingRunOnLocalSpark() {
    Path warehouse = dir.resolve("warehouse-local");
    Processes.Result one = submit("local[2]", warehouse, "submit-one-job", List.of(), "run", "bronze.stripe_prices");
    assertThat(one.exitCode()).as(one.tail()).isZero();
    assertThat(WarehouseComparison.rows(SparkTestSession.get(), warehouse.resolve("bronze/stripe_prices")))
        .as("bronze.stripe_prices rows against the generator's manifest")
        .isEqualTo(manifest.stream("stripe/prices").bronzeRows());
    assertThat(WarehouseComparison.tables(warehouse, "bronze")).as("only the one job ran (and bronze's quarantine)")
        .containsExactly("_quarantine", "stripe_prices");

    Processes.Result all = submit("local[2]", warehouse, "submit-local-all", List.of(), "run", "all");
    assertThat(all.exitCode()).as(all.tail()).isZero();
    assertThat(all.stdout()).contains("total (wall clock)").contains("gold.kpi_exceptions");
    // Without a log configuration of the operator's, Spark and Delta log warnings only (Spark's default profile logs
    // every task and snapshot: 17 MB for this run); the lakehouse's own step lines stay.
    assertThat(all.stderr().lines().filter(l -> l.matches(".* INFO (DAGScheduler|TaskSetManager|Executor|DeltaLog|Snapshot): .*")))
        .as("Spark's and Delta's INFO lines on stderr").isEmpty();
    assertThat(all.stderr()).contains(" INFO steps: job=gold.fact_mrr_monthly ");
    assertThat(WarehouseComparison.tables(warehouse, "gold")).contains("fact_mrr_monthly", "kpi_saas_monthly", "kpi_exceptions");
  }

  @Test
  @Order(2)
  void everythingRunsOnAStandaloneClusterWithTheSameResults() {
    Path warehouse = dir.resolve("warehouse-cluster");
    try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, 1, "1536m")) {
      Processes.Result all = submit(cluster.masterUrl(), warehouse, "submit-cluster-all",
          // The cluster environment (adaptive execution on, the stock file system, another partition count), without
          // generated code, which costs more than it saves on tables of a few hundred rows (the local environment's choice).
          List.of("--conf", "spark.sql.shuffle.partitions=3", "--conf", "spark.sql.codegen.wholeStage=false",
              "--conf", "spark.sql.codegen.factoryMode=NO_CODEGEN", "--executor-memory", "1g", "--total-executor-cores", "2"),
          "run", "all", "--env", "cluster");
      assertThat(all.exitCode()).as(all.tail()).isZero();
      // The run really happened on the cluster: the master lists it as finished, with both workers' executors.
      JsonNode state = cluster.state();
      List<String> finished = StreamSupport.stream(state.path("completedapps").spliterator(), false)
          .map(a -> a.path("name").asText()).toList();
      assertThat(finished).as("applications the master ran").hasSize(1);
      for (int w = 1; w <= 2; w++) {
        // A worker keeps one folder per application it ran an executor for.
        assertThat(dir.resolve("cluster/worker-" + w).toFile().list()).as("applications worker " + w + " ran executors for")
            .hasSize(1);
      }
    }
    Path local = dir.resolve("warehouse-local");
    var spark = SparkTestSession.get();
    assertThat(WarehouseComparison.tables(warehouse, "gold")).isEqualTo(WarehouseComparison.tables(local, "gold")).isNotEmpty();
    assertThat(WarehouseComparison.differences(spark, local, warehouse, "gold", Set.of())).isEmpty();
    assertThat(WarehouseComparison.differences(spark, local, warehouse, "ml", Set.of())).isEmpty();
    // Silver rows carry the bronze batch they came from, which is each run's own.
    assertThat(WarehouseComparison.differences(spark, local, warehouse, "silver", Set.of("_batch_id"))).isEmpty();
  }

  private Processes.Result submit(String master, Path warehouse, String name, List<String> sparkArgs, String... appArgs) {
    List<String> cmd = new ArrayList<>(List.of(ProductionEnv.sparkHome().resolve("bin/spark-submit").toString(),
        "--master", master, "--driver-memory", "1g", "--class", MAIN));
    cmd.addAll(sparkArgs);
    cmd.add(ProductionEnv.appJar().toString());
    cmd.addAll(List.of(appArgs));
    cmd.addAll(List.of("--run-date", RUN_DATE.toString()));
    Map<String, String> env = new HashMap<>(ProductionEnv.sparkEnv());
    env.put("LAKEHOUSE_LANDING", landing.toString());
    env.put("LAKEHOUSE_WAREHOUSE", warehouse.toString());
    env.put("LAKEHOUSE_PII_HASH_KEY", "production-test-hash-key-0001");
    return Processes.run(cmd, env, dir, dir.resolve("logs"), name, RUN_LIMIT);
  }
}

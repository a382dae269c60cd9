package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The application jar under a real {@code spark-submit} (Spark 3.5.4 from PyPI, see {@code bin/spark-dist}): one job,
 * then the whole pipeline on {@code local[2]} (the {@link ReferenceRun}), then the whole pipeline again on a standalone
 * cluster of a master and two workers started on loopback, in the cluster environment (adaptive execution on, the
 * stock file system, other partition counts). Both runs read the same generated landing zone and must publish
 * identical gold and ml tables, cell by cell, and identical silver tables apart from each run's batch ids.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkSubmitIT {
  private static final String DATE = ReferenceRun.RUN_DATE.toString();

  @org.junit.jupiter.api.BeforeAll
  static void cleanWorkFolder() throws java.io.IOException {
    org.apache.commons.io.FileUtils.cleanDirectory(ProductionEnv.work("spark-submit").toFile());
  }

  @Test
  @Order(1)
  void oneJobThenEverythingRunOnLocalSpark() {
    Path scratch = ProductionEnv.work("spark-submit").resolve("warehouse-one-job");
    Processes.Result one = ReferenceRun.submit("local[2]", scratch, "submit-one-job", List.of(), Map.of(),
        "run", "bronze.stripe_prices", "--run-date", DATE);
    assertThat(one.exitCode()).as(one.tail()).isZero();
    assertThat(WarehouseComparison.rows(SparkTestSession.get(), scratch.resolve("bronze/stripe_prices")))
        .as("bronze.stripe_prices rows against the generator's manifest")
        .isEqualTo(ReferenceRun.manifest().stream("stripe/prices").bronzeRows());
    assertThat(WarehouseComparison.tables(scratch, "bronze")).as("only the one job ran (and bronze's quarantine)")
        .containsExactly("_quarantine", "stripe_prices");

    Processes.Result all = ReferenceRun.localRun();
    assertThat(all.stdout()).contains("total (wall clock)").contains("gold.kpi_exceptions");
    // Without a log configuration of the operator's, Spark and Delta log warnings only (Spark's default profile logs
    // every task and snapshot: 17 MB for this run); the lakehouse's own step lines stay.
    assertThat(all.stderr().lines().filter(l -> l.matches(".* INFO (DAGScheduler|TaskSetManager|Executor|DeltaLog|Snapshot): .*")))
        .as("Spark's and Delta's INFO lines on stderr").isEmpty();
    assertThat(all.stderr()).contains(" INFO steps: job=gold.fact_mrr_monthly ");
    assertThat(WarehouseComparison.tables(ReferenceRun.localWarehouse(), "gold"))
        .contains("fact_mrr_monthly", "kpi_saas_monthly", "kpi_exceptions");
  }

  @Test
  @Order(2)
  void everythingRunsOnAStandaloneClusterWithTheSameResults() {
    Path dir = ProductionEnv.work("spark-submit");
    Path warehouse = dir.resolve("warehouse-cluster");
    Path local = ReferenceRun.localWarehouse();
    try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, 1, "1536m")) {
      Processes.Result all = ReferenceRun.submit(cluster.masterUrl(), warehouse, "submit-cluster-all",
          // The cluster environment (adaptive execution on, the stock file system, another partition count), without
          // generated code, which costs more than it saves on tables of a few hundred rows (the local environment's choice).
          List.of("--conf", "spark.sql.shuffle.partitions=3", "--conf", "spark.sql.codegen.wholeStage=false",
              "--conf", "spark.sql.codegen.factoryMode=NO_CODEGEN", "--executor-memory", "1g", "--total-executor-cores", "2"),
          Map.of(), "run", "all", "--env", "cluster", "--run-date", DATE);
      assertThat(all.exitCode()).as(all.tail()).isZero();
      // The run really happened on the cluster: the master lists it as finished, and both workers ran its executors.
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
    var spark = SparkTestSession.get();
    assertThat(WarehouseComparison.tables(warehouse, "gold")).isEqualTo(WarehouseComparison.tables(local, "gold")).isNotEmpty();
    assertThat(WarehouseComparison.differences(spark, local, warehouse, "gold", Set.of())).isEmpty();
    assertThat(WarehouseComparison.differences(spark, local, warehouse, "ml", Set.of())).isEmpty();
    // Silver rows carry the bronze batch they came from, which is each run's own.
    assertThat(WarehouseComparison.differences(spark, local, warehouse, "silver", Set.of("_batch_id"))).isEmpty();
  }
}

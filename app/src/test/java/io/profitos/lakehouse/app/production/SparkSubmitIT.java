package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The application jar under a real {@code spark-submit} (Spark 3.5.4 from PyPI, see {@code bin/spark-dist}): one job,
 * then the whole pipeline on {@code local[2]} (the {@link ReferenceRun}, which the cluster run on object storage of
 * {@link ObjectStoreIT} and the Airflow run of {@link AirflowIT} must equal).
 */
class SparkSubmitIT {
  private static final String DATE = ReferenceRun.RUN_DATE.toString();

  @org.junit.jupiter.api.BeforeAll
  static void cleanWorkFolder() throws java.io.IOException {
    org.apache.commons.io.FileUtils.cleanDirectory(ProductionEnv.work("spark-submit").toFile());
  }

  @Test
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
}

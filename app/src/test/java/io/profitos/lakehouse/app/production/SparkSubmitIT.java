package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.app.WarehouseComparison;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The application jar under a real {@code spark-submit} (Spark 3.5.4 from PyPI, see {@code bin/spark-dist}) on {@code
 * local[2]}: one job, its rows, its report and its logging. The whole pipeline runs under spark-submit too: each task of
 * the daily DAG in the Airflow run ({@link ReferenceRun}), and {@code run all} on a standalone cluster ({@link ObjectStoreIT}).
 */
class SparkSubmitIT {
  private static final String DATE = ReferenceRun.RUN_DATE.toString();

  @org.junit.jupiter.api.BeforeAll
  static void cleanWorkFolder() throws java.io.IOException {
    org.apache.commons.io.FileUtils.cleanDirectory(ProductionEnv.work("spark-submit").toFile());
  }

  @Test
  void oneJobRunsOnLocalSparkAndReportsWhatItDid() {
    Path scratch = ProductionEnv.work("spark-submit").resolve("warehouse-one-job");
    Processes.Result one = ReferenceRun.submit("local[2]", scratch, "submit-one-job", List.of(), Map.of(),
        "run", "bronze.stripe_prices", "--run-date", DATE);
    assertThat(one.exitCode()).as(one.tail()).isZero();
    long expected = ReferenceRun.manifest().stream("stripe/prices").bronzeRows();
    assertThat(WarehouseComparison.rows(SparkTestSession.get(), scratch.resolve("bronze/stripe_prices")))
        .as("bronze.stripe_prices rows against the generator's manifest").isEqualTo(expected);
    assertThat(WarehouseComparison.tables(scratch, "bronze")).as("only the one job ran (and bronze's quarantine)")
        .containsExactly("_quarantine", "stripe_prices");
    // The report a scheduler's log shows: the job, its status and rows, the total.
    assertThat(one.stdout()).containsPattern("bronze\\.stripe_prices +succeeded +" + expected + " ").contains("total (wall clock)");
    // Without a log configuration of the operator's, Spark and Delta log warnings only (Spark's default profile logs
    // every task and snapshot: 17 MB for a run of every job); the lakehouse's own step lines stay.
    assertThat(one.stderr().lines().filter(l -> l.matches(".* INFO (DAGScheduler|TaskSetManager|Executor|DeltaLog|Snapshot): .*")))
        .as("Spark's and Delta's INFO lines on stderr").isEmpty();
    assertThat(one.stderr()).contains(" INFO steps: job=bronze.stripe_prices step=land rows=" + expected + " ");
  }
}

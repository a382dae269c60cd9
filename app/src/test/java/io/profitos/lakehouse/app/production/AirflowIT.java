package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.demo.DemoManifest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The DAGs of {@code airflow-dags/} under real Airflow 3 and its Spark provider (PyPI, in a virtualenv of their own made
 * by {@code airflow-dags/tests/airflow_env.sh}): the pytest suite {@code airflow-dags/tests/test_dags.py} checks the
 * DagBag, the schedules, the task graphs, the jar and the exit-code handling, and runs {@code airflow dags test
 * saas_metrics_daily} through spark-submit on local Spark over the shared generated landing zone. That run is the
 * production tests' reference ({@link ReferenceRun#warehouse()}), so it runs once: this test reads the warehouse it
 * wrote. Every job of the daily DAG ran for the business date 2026-11-20, and its MRR is the generator's truth.
 */
class AirflowIT {
  private static final LocalDate BUSINESS_DATE = ReferenceRun.RUN_DATE;

  @Test
  void theDagsPassTheirTestsUnderRealAirflowAndTheDailyRunWritesTheWarehouse() throws Exception {
    Path warehouse = ReferenceRun.warehouse();
    assertThat(ReferenceRun.dagRun().stdout()).contains(ReferenceRun.DAG_RUN_TEST + " PASSED");
    Processes.Result pytest = ReferenceRun.airflow().pytest("airflow-pytest", "not " + ReferenceRun.DAG_RUN_TEST);
    assertThat(pytest.exitCode()).as("pytest airflow-dags/tests\n" + pytest.tail()).isZero();
    // Every test of the suite ran, here or in the reference run: none deselected twice, none skipped.
    assertThat(pytest.stdout()).contains("7 passed, 1 deselected").doesNotContain("SKIPPED");

    // The daily DAG's run: every job its tasks list (the exported JSON) has a run for the business date, none failed.
    JsonNode spec = new ObjectMapper().readTree(ProductionEnv.repoRoot().resolve("airflow-dags/lakehouse_dags.json").toFile());
    Set<String> dailyJobs = new TreeSet<>();
    for (JsonNode dag : spec.path("dags")) {
      if (dag.path("dag_id").asText().equals("saas_metrics_daily")) {
        dag.path("tasks").forEach(t -> t.path("jobs").forEach(j -> dailyJobs.add(j.asText())));
      }
    }
    assertThat(dailyJobs).contains("bronze.stripe_invoices", "silver.subscriptions", "gold.fact_mrr_monthly", "gold.kpi_exceptions");
    List<Row> runs = SparkTestSession.get().read().format("delta").load(warehouse.resolve("ops/job_runs").toString())
        .where("run_date = DATE'" + BUSINESS_DATE + "'").select("job", "status").collectAsList();
    Map<String, String> status = new HashMap<>();
    runs.forEach(r -> status.put(r.getString(0), r.getString(1)));
    assertThat(new TreeSet<>(status.keySet())).isEqualTo(dailyJobs);
    assertThat(status.values()).doesNotContain("failed", "quality_failed", "not_run");
    assertThat(status).containsEntry("gold.fact_mrr_monthly", "succeeded").containsEntry("gold.kpi_exceptions", "succeeded");
    // The numbers are right, not only present: the run's MRR is the generator's truth for the run date's month.
    DemoManifest.Truth truth = ReferenceRun.manifest().truth();
    Map<String, java.math.BigDecimal> mrr = new TreeMap<>();
    SparkTestSession.get().read().format("delta").load(warehouse.resolve("gold/kpi_saas_monthly").toString())
        .where("segment = 'All'").select("month", "mrr_usd").collectAsList()
        .forEach(r -> mrr.put(r.getDate(0).toString().substring(0, 7), r.getDecimal(1).setScale(2, java.math.RoundingMode.HALF_UP)));
    assertThat(truth.mrrUsdByMonth()).hasSizeGreaterThanOrEqualTo(24);
    truth.mrrUsdByMonth().forEach((month, expected) -> assertThat(mrr.get(month)).as("MRR " + month).isEqualByComparingTo(expected));
  }
}

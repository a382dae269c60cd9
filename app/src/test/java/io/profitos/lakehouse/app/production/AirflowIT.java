package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The DAGs of {@code airflow-dags/} under real Airflow 3 and its Spark provider (PyPI, in a virtualenv of their own made
 * by {@code airflow-dags/tests/airflow_env.sh}): the pytest suite {@code airflow-dags/tests/test_dags.py} checks the
 * DagBag, the schedules, the task graphs, the jar and the exit-code handling, and runs {@code airflow dags test
 * saas_metrics_daily} through spark-submit on local Spark over the shared generated landing zone ({@link ReferenceRun}).
 * Then this test reads the warehouse that run wrote: every job of the daily DAG ran for the business date 2026-11-20, and
 * its gold tables equal the reference run's.
 */
class AirflowIT {
  private static final LocalDate BUSINESS_DATE = ReferenceRun.RUN_DATE;

  @Test
  void theDagsPassTheirTestsUnderRealAirflowAndTheDailyRunWritesTheWarehouse() throws Exception {
    Path repo = ProductionEnv.repoRoot();
    Path work = ProductionEnv.work("airflow");
    FileUtils.cleanDirectory(work.toFile());
    Path logs = work.resolve("logs");
    Processes.Result venv = Processes.run(List.of("bash", repo.resolve("airflow-dags/tests/airflow_env.sh").toString()), Map.of(),
        repo, logs, "airflow-env", Duration.ofMinutes(15));
    assertThat(venv.exitCode()).as("airflow-dags/tests/airflow_env.sh\n" + venv.tail()).isZero();
    Path python = Path.of(venv.stdout().strip());
    Path airflow = python.resolveSibling("airflow");

    Path landing = ReferenceRun.landing();
    Path warehouse = work.resolve("warehouse");
    Map<String, String> env = new HashMap<>(ProductionEnv.sparkEnv());
    env.put("PATH", ProductionEnv.sparkHome().resolve("bin") + ":" + System.getenv("PATH"));
    env.put("AIRFLOW_HOME", work.resolve("airflow-home").toString());
    env.put("AIRFLOW__CORE__DAGS_FOLDER", repo.resolve("airflow-dags").toString());
    env.put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
    env.put("AIRFLOW_CONN_LAKEHOUSE_SPARK", "{\"conn_type\": \"spark\", \"host\": \"local[2]\"}");
    env.put("LAKEHOUSE_APP_JAR", ProductionEnv.appJar().toString());
    env.put("LAKEHOUSE_ENV", "local");
    env.put("LAKEHOUSE_LANDING", landing.toString());
    env.put("LAKEHOUSE_WAREHOUSE", warehouse.toString());
    env.put("LAKEHOUSE_PII_HASH_KEY", ReferenceRun.PII_KEY);
    env.put("LAKEHOUSE_TEST_WORK", work.toString());

    Processes.Result migrate = Processes.run(List.of(airflow.toString(), "db", "migrate"), env, work, logs, "db-migrate",
        Duration.ofMinutes(5));
    assertThat(migrate.exitCode()).as("airflow db migrate\n" + migrate.tail()).isZero();
    Processes.Result pool = Processes.run(List.of(airflow.toString(), "pools", "set", "lakehouse_warehouse", "1",
        "One writer of the lakehouse warehouse at a time"), env, work, logs, "pool", Duration.ofMinutes(2));
    assertThat(pool.exitCode()).as("airflow pools set\n" + pool.tail()).isZero();

    Processes.Result pytest = Processes.run(List.of(python.toString(), "-m", "pytest", "-v", "-p", "no:cacheprovider",
        repo.resolve("airflow-dags/tests").toString()), env, work, logs, "pytest", Duration.ofMinutes(30));
    assertThat(pytest.exitCode()).as("pytest airflow-dags/tests\n" + pytest.tail()).isZero();
    assertThat(pytest.stdout()).contains("8 passed");

    // The daily DAG's run: every job its tasks list (the exported JSON) has a run for the business date, none failed.
    JsonNode spec = new ObjectMapper().readTree(repo.resolve("airflow-dags/lakehouse_dags.json").toFile());
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
    // The same landing zone through Airflow and through a plain spark-submit: the same gold tables, cell by cell.
    assertThat(WarehouseComparison.differences(SparkTestSession.get(), ReferenceRun.localWarehouse(), warehouse, "gold",
        Set.of())).isEmpty();
  }
}

package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoManifest;
import io.profitos.lakehouse.demo.DemoSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.FileUtils;

/**
 * What the production tests share, built once per test JVM: one generated landing zone (scale 0.01, seed 7, every
 * extract to {@link #RUN_DATE}) and the reference warehouse, which real Airflow 3 writes: {@code airflow dags test
 * saas_metrics_daily} (the pytest {@code test_the_daily_dag_runs_the_real_pipeline} of {@code airflow-dags/tests}), each
 * of its tasks a real {@code spark-submit --master local[2]} of the application jar. The cluster run on object storage
 * is compared with it cell by cell, and the SQL server serves a copy of it. One pipeline run serves them all: on two
 * cores a run of every job costs minutes.
 */
final class ReferenceRun {
  static final LocalDate RUN_DATE = LocalDate.of(2026, 11, 20);
  static final String MAIN = "io.profitos.lakehouse.app.Main";
  static final String PII_KEY = "production-test-hash-key-0001";
  private static final Duration RUN_LIMIT = Duration.ofMinutes(12);

  private static Path dir;
  private static DemoManifest manifest;
  private static Processes.Result dagRun;

  private ReferenceRun() {}

  /** The shared landing zone, generated on first use. */
  static synchronized Path landing() {
    if (dir == null) {
      dir = ProductionEnv.work("reference");
      try {
        FileUtils.cleanDirectory(dir.toFile());
        manifest = DemoDataGenerator.generate(DemoSpec.of(0.01, 7, dir.resolve("landing")).withWindow(null, RUN_DATE));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir.resolve("landing");
  }

  static synchronized DemoManifest manifest() {
    landing();
    return manifest;
  }

  /** Real Airflow 3 for the DAG tests: its virtualenv, its environment (home, DAGs folder, Spark connection), its logs. */
  record Airflow(Path python, Path airflow, Map<String, String> env, Path work, Path logs) {
    /** {@code pytest} on {@code airflow-dags/tests}, the tests {@code selection} (a {@code -k} expression) picks. */
    Processes.Result pytest(String name, String selection) {
      return Processes.run(List.of(python.toString(), "-m", "pytest", "-v", "-p", "no:cacheprovider", "-k", selection,
          ProductionEnv.repoRoot().resolve("airflow-dags/tests").toString()), env, work, logs, name, Duration.ofMinutes(30));
    }
  }

  private static Airflow airflow;

  /**
   * Airflow, made ready on first use: the virtualenv ({@code airflow-dags/tests/airflow_env.sh}), its database migrated,
   * the one-slot pool of the warehouse's writers; the warehouse it writes is {@link #warehouse()}.
   */
  static synchronized Airflow airflow() {
    if (airflow == null) {
      Path repo = ProductionEnv.repoRoot();
      Path work = landing().getParent();
      Path logs = work.resolve("logs");
      Processes.Result venv = Processes.run(List.of("bash", repo.resolve("airflow-dags/tests/airflow_env.sh").toString()), Map.of(),
          repo, logs, "airflow-env", Duration.ofMinutes(15));
      assertThat(venv.exitCode()).as("airflow-dags/tests/airflow_env.sh\n" + venv.tail()).isZero();
      Path python = Path.of(venv.stdout().strip());
      Path bin = python.resolveSibling("airflow");
      Map<String, String> env = new HashMap<>(ProductionEnv.sparkEnv());
      env.put("PATH", ProductionEnv.sparkHome().resolve("bin") + ":" + System.getenv("PATH"));
      env.put("AIRFLOW_HOME", work.resolve("airflow-home").toString());
      env.put("AIRFLOW__CORE__DAGS_FOLDER", repo.resolve("airflow-dags").toString());
      env.put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
      env.put("AIRFLOW_CONN_LAKEHOUSE_SPARK", "{\"conn_type\": \"spark\", \"host\": \"local[2]\"}");
      env.put("LAKEHOUSE_APP_JAR", ProductionEnv.appJar().toString());
      env.put("LAKEHOUSE_ENV", "local");
      env.put("LAKEHOUSE_LANDING", landing().toString());
      env.put("LAKEHOUSE_WAREHOUSE", work.resolve("warehouse").toString());
      env.put("LAKEHOUSE_PII_HASH_KEY", PII_KEY);
      env.put("LAKEHOUSE_TEST_WORK", work.toString());
      Processes.Result migrate = Processes.run(List.of(bin.toString(), "db", "migrate"), env, work, logs, "airflow-db-migrate",
          Duration.ofMinutes(5));
      assertThat(migrate.exitCode()).as("airflow db migrate\n" + migrate.tail()).isZero();
      Processes.Result pool = Processes.run(List.of(bin.toString(), "pools", "set", "lakehouse_warehouse", "1",
          "One writer of the lakehouse warehouse at a time"), env, work, logs, "airflow-pool", Duration.ofMinutes(2));
      assertThat(pool.exitCode()).as("airflow pools set\n" + pool.tail()).isZero();
      airflow = new Airflow(python, bin, Map.copyOf(env), work, logs);
    }
    return airflow;
  }

  /** The pytest that runs the daily DAG for real; every other DAG test is {@code AirflowIT}'s. */
  static final String DAG_RUN_TEST = "test_the_daily_dag_runs_the_real_pipeline";

  /** The reference warehouse: the daily DAG's run under real Airflow, run on first use. */
  static synchronized Path warehouse() {
    if (dagRun == null) {
      dagRun = airflow().pytest("airflow-dags-test", DAG_RUN_TEST);
      assertThat(dagRun.exitCode()).as("pytest -k " + DAG_RUN_TEST + "\n" + dagRun.tail()).isZero();
      assertThat(dagRun.stdout()).contains("1 passed");
    }
    return Path.of(airflow().env().get("LAKEHOUSE_WAREHOUSE"));
  }

  /** The reference run's pytest output. */
  static synchronized Processes.Result dagRun() {
    warehouse();
    return dagRun;
  }

  /** A spark-submit command line and its environment. */
  record Submit(List<String> command, Map<String, String> env, Path dir) {}

  /** spark-submit of the application jar with the shared landing zone and {@code warehouse} as locations. */
  static Submit command(String master, String warehouse, List<String> sparkArgs, Map<String, String> extraEnv, String... appArgs) {
    List<String> cmd = new ArrayList<>(List.of(ProductionEnv.sparkHome().resolve("bin/spark-submit").toString(),
        "--master", master, "--driver-memory", "1g", "--class", MAIN));
    cmd.addAll(sparkArgs);
    cmd.add(ProductionEnv.appJar().toString());
    cmd.addAll(List.of(appArgs));
    Map<String, String> env = new HashMap<>(ProductionEnv.sparkEnv());
    env.put("LAKEHOUSE_LANDING", landing().toString());
    env.put("LAKEHOUSE_WAREHOUSE", warehouse);
    env.put("LAKEHOUSE_PII_HASH_KEY", PII_KEY);
    env.putAll(extraEnv);
    return new Submit(cmd, env, landing().getParent());
  }

  /** Runs {@link #command} to its end. */
  static Processes.Result submit(String master, String warehouse, String name, List<String> sparkArgs, Map<String, String> extraEnv,
      String... appArgs) {
    Submit s = command(master, warehouse, sparkArgs, extraEnv, appArgs);
    return Processes.run(s.command(), s.env(), s.dir(), s.dir().resolve("logs"), name, RUN_LIMIT);
  }

  static Processes.Result submit(String master, Path warehouse, String name, List<String> sparkArgs, Map<String, String> extraEnv,
      String... appArgs) {
    return submit(master, warehouse.toString(), name, sparkArgs, extraEnv, appArgs);
  }
}

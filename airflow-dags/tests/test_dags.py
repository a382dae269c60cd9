"""The lakehouse DAGs under real Airflow 3 (run by the app module's production tests, which set the environment):
they import cleanly, have the schedules and task graphs the product promises, point at the built application jar,
pass the right business date, turn a lakehouse verdict into a failure without retries, and run the real daily
pipeline through spark-submit with `airflow dags test`. That last test writes the warehouse the other production
tests compare with, so it runs on its own (ReferenceRun, `-k test_the_daily_dag_runs_the_real_pipeline`) and
AirflowIT runs the rest."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pendulum
import pytest

DAGS_FOLDER = Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
APP_JAR = Path(os.environ["LAKEHOUSE_APP_JAR"])
MAIN_CLASS = "io.profitos.lakehouse.app.Main"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_FOLDER))


def upstream(dag):
    return {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks}


def test_the_dags_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dag_ids) == ["saas_metrics_daily", "saas_metrics_hourly", "saas_metrics_weekly"]


def test_schedules_are_explicit_utc_crons_without_catchup(dagbag):
    from airflow.timetables.interval import CronDataIntervalTimetable

    expected = {"saas_metrics_daily": "0 7 * * *", "saas_metrics_hourly": "0 * * * *", "saas_metrics_weekly": "0 8 * * 1"}
    for dag_id, cron in expected.items():
        dag = dagbag.get_dag(dag_id)
        assert isinstance(dag.timetable, CronDataIntervalTimetable), dag_id
        assert dag.timetable.summary == cron, dag_id
        assert str(dag.timetable._timezone) in ("UTC", "Timezone('UTC')"), dag_id
        assert dag.catchup is False and dag.max_active_runs == 1, dag_id
    # The daily run at 07:00 on 21 November covers the 24 hours that started at 07:00 on the 20th.
    daily = dagbag.get_dag("saas_metrics_daily").timetable
    interval = daily.infer_manual_data_interval(run_after=pendulum.datetime(2026, 11, 21, 7, tz="UTC"))
    assert (interval.start, interval.end) == (pendulum.datetime(2026, 11, 20, 7, tz="UTC"), pendulum.datetime(2026, 11, 21, 7, tz="UTC"))
    weekly = dagbag.get_dag("saas_metrics_weekly").timetable
    interval = weekly.infer_manual_data_interval(run_after=pendulum.datetime(2026, 11, 30, 8, tz="UTC"))
    assert (interval.start, interval.end) == (pendulum.datetime(2026, 11, 23, 8, tz="UTC"), pendulum.datetime(2026, 11, 30, 8, tz="UTC"))


def test_task_graphs_run_layer_by_layer(dagbag):
    assert upstream(dagbag.get_dag("saas_metrics_daily")) == {
        "bronze": [], "silver": ["bronze"], "gold_and_scores": ["silver"]}
    assert upstream(dagbag.get_dag("saas_metrics_hourly")) == {
        "stripe_bronze": [], "billing_silver": ["stripe_bronze"], "mrr_to_date": ["billing_silver"]}
    assert upstream(dagbag.get_dag("saas_metrics_weekly")) == {
        "train_churn": [], "train_lead_score": ["train_churn"], "quality_report": [],
        "maintain": ["quality_report", "train_lead_score"]}


def test_every_task_submits_the_built_jar_with_retries_a_timeout_and_the_one_slot_pool(dagbag):
    with zipfile.ZipFile(APP_JAR) as jar:
        assert MAIN_CLASS.replace(".", "/") + ".class" in jar.namelist()
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            assert Path(task.application) == APP_JAR, task.task_id
            assert task._java_class == MAIN_CLASS, task.task_id
            assert task.pool == "lakehouse_warehouse", task.task_id
            assert task.retries == 2 and task.execution_timeout.total_seconds() == 7200, task.task_id
            assert task.on_failure_callback, task.task_id
            assert task.application_args[-2] == "--env", task.task_id


def _rendered_args(dag, task_id, interval_start, interval_end):
    task = dag.get_task(task_id)
    from airflow.sdk.execution_time import macros  # the macros module templates see as `macros`

    context = {"data_interval_start": interval_start, "data_interval_end": interval_end, "macros": macros}
    return task.render_template(task.application_args, context, jinja_env=dag.get_template_env())


def test_tasks_pass_the_business_date(dagbag):
    daily = dagbag.get_dag("saas_metrics_daily")
    args = _rendered_args(daily, "silver", pendulum.datetime(2026, 11, 20, 7, tz="UTC"), pendulum.datetime(2026, 11, 21, 7, tz="UTC"))
    assert args[:2] == ["run", "silver"]
    assert args[args.index("--run-date") + 1] == "2026-11-20"
    hourly = dagbag.get_dag("saas_metrics_hourly")
    args = _rendered_args(hourly, "mrr_to_date", pendulum.datetime(2026, 11, 20, 23, tz="UTC"), pendulum.datetime(2026, 11, 21, 0, tz="UTC"))
    assert args[:2] == ["run", "mrr-to-date"] and args[args.index("--run-date") + 1] == "2026-11-20"
    weekly = dagbag.get_dag("saas_metrics_weekly")
    # The run of Monday 2026-11-30 08:00 reports on the ISO week 2026-W48, Monday 23 to Sunday 29 November.
    args = _rendered_args(weekly, "quality_report", pendulum.datetime(2026, 11, 23, 8, tz="UTC"), pendulum.datetime(2026, 11, 30, 8, tz="UTC"))
    assert args[:4] == ["quality", "report", "--days", "7"] and args[args.index("--run-date") + 1] == "2026-11-29"
    # Training and maintenance take no business date.
    assert "--run-date" not in weekly.get_task("train_churn").application_args
    assert "--run-date" not in weekly.get_task("maintain").application_args


def _operator(args):
    sys.path.insert(0, str(DAGS_FOLDER))
    import saas_metrics

    return saas_metrics.LakehouseSubmitOperator(
        task_id="probe", application=str(APP_JAR), java_class=MAIN_CLASS, conn_id="lakehouse_spark", application_args=args)


def test_a_verdict_fails_at_once_with_the_jobs_own_cause():
    from airflow.sdk.exceptions import AirflowFailException

    op = _operator(["run", "no_such_job", "--env", "local"])
    with pytest.raises(AirflowFailException) as failure:
        op.execute({})
    message = str(failure.value)
    assert "exited 2 (usage or configuration error)" in message
    assert "lakehouse: Unknown job, layer or group 'no_such_job'" in message


def test_any_other_failure_is_left_to_the_retries():
    from airflow.sdk.exceptions import AirflowException, AirflowFailException

    # A warehouse under a regular file cannot be written: the run fails (exit 1), which a retry may cure.
    blocker = Path(os.environ["LAKEHOUSE_TEST_WORK"]) / "not-a-folder"
    blocker.write_text("x")
    op = _operator(["run", "bronze.stripe_prices", "--env", "local", "--run-date", "2026-11-20",
                    "--conf", f"lakehouse.warehouse={blocker}/warehouse"])
    with pytest.raises(AirflowException) as failure:
        op.execute({})
    assert not isinstance(failure.value, AirflowFailException)
    assert "exited 1 (the run failed)" in str(failure.value)


def _airflow(*args, timeout=120):
    return subprocess.run([str(Path(sys.executable).with_name("airflow")), *args], capture_output=True, text=True, timeout=timeout)


def _json_output(result):
    """The JSON document an `airflow ... --output json` command printed (after any warning lines)."""
    import json

    lines = [line for line in result.stdout.splitlines() if line.startswith(("[", "{"))]
    assert lines, result.stdout + result.stderr
    return json.loads(lines[-1])


def test_the_daily_dag_runs_the_real_pipeline():

    # 07:00 on 21 November: the data interval starts on the 20th, the landing zone's last extract date.
    result = _airflow("dags", "test", "saas_metrics_daily", "2026-11-21T07:00:00+00:00", timeout=1500)
    log = result.stdout + result.stderr
    Path(os.environ["LAKEHOUSE_TEST_WORK"], "dags-test.log").write_text(log)
    assert result.returncode == 0, log[-5000:]
    runs = _json_output(_airflow("dags", "list-runs", "saas_metrics_daily", "--output", "json"))
    assert [r["state"] for r in runs] == ["success"], runs
    states = _json_output(_airflow("tasks", "states-for-dag-run", "saas_metrics_daily", runs[0]["run_id"], "--output", "json"))
    assert {s["task_id"]: s["state"] for s in states} == {
        "bronze": "success", "silver": "success", "gold_and_scores": "success"}, log[-5000:]

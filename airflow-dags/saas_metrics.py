"""Profit OS Lakehouse schedules as Airflow 3 DAGs: saas_metrics_daily, saas_metrics_hourly, saas_metrics_weekly.

The DAGs are built from lakehouse_dags.json beside this file. `lakehouse airflow export` writes that file from the
configuration (lakehouse.schedules, lakehouse.run-groups, lakehouse.airflow) resolved against the job registry, and
the project's tests fail when the committed file differs from a fresh export, so the DAGs cannot drift from the jobs.

Every task is one spark-submit of the lakehouse application jar (a SparkSubmitOperator on the connection named in the
file; the master is the connection's host, e.g. local[2] or spark://host:7077; spark-submit must be on the worker's
PATH). It passes the DAG's business date as --run-date: the date the data interval starts for the daily and hourly
DAGs (the 07:00 daily run processes yesterday), the Sunday that ends the previous ISO week for the weekly DAG.

Exit codes: 2 (usage or configuration), 3 (a data-quality gate failed) and 4 (input rejected) fail the task at once,
without retries, since a retry cannot change the verdict; any other failure is retried. The task log and the failure
callback carry the job's one-line cause. Tasks share a pool of one slot: one run writes the warehouse at a time.

Worker environment: LAKEHOUSE_APP_JAR (the application jar; default from the file), LAKEHOUSE_LANDING,
LAKEHOUSE_WAREHOUSE, LAKEHOUSE_PII_HASH_KEY and the object store's credentials, read by the jobs themselves.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from airflow.sdk.exceptions import AirflowException, AirflowFailException
from airflow.providers.apache.spark.hooks.spark_submit import SparkSubmitHook
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG
from airflow.timetables.interval import CronDataIntervalTimetable

SPEC_FILE = Path(__file__).with_name("lakehouse_dags.json")
SPEC = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
LOG = logging.getLogger("lakehouse.airflow")

EXIT_MEANING = {
    1: "the run failed",
    2: "usage or configuration error",
    3: "a data-quality gate failed; the output was not published",
    4: "input rejected; the good rows landed, the rest are quarantined",
    5: "the warehouse lease is another run's; retried",
}

RUN_DATE_TEMPLATES = {
    "data-interval": "{{ data_interval_start | ds }}",
    "previous-iso-week": "{{ (data_interval_end - macros.timedelta(days=1)) | ds }}",
}


class _LakehouseSubmitHook(SparkSubmitHook):
    """SparkSubmitHook that remembers the lakehouse CLI's one-line error ("lakehouse: ...") from the output."""

    cause: str | None = None

    def _process_spark_submit_log(self, itr):
        def watch(lines):
            for line in lines:
                text = line.strip()
                if text.startswith("lakehouse:"):
                    self.cause = text
                yield line

        return super()._process_spark_submit_log(watch(itr))


class LakehouseSubmitOperator(SparkSubmitOperator):
    """One lakehouse command through spark-submit; a verdict (exit 2, 3, 4) fails the task without retries."""

    def _get_hook(self) -> SparkSubmitHook:
        hook = super()._get_hook()
        # The provider builds the hook from the operator's many arguments; keep that, and add only the output watch.
        hook.__class__ = _LakehouseSubmitHook
        return hook

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowException as e:
            hook = self._hook
            process = getattr(hook, "_submit_sp", None)
            code = process.returncode if process is not None else None
            cause = getattr(hook, "cause", None) or "see the task log"
            command = " ".join(str(a) for a in self.application_args or [])
            message = f"lakehouse {command} exited {code} ({EXIT_MEANING.get(code, 'spark-submit failed')}): {cause}"
            if code in SPEC["fail_without_retry_exit_codes"]:
                raise AirflowFailException(message) from e
            raise AirflowException(message) from e


def report_failure(context) -> None:
    """Failure callback: one line naming the DAG, task, business date and the job's cause."""
    ti = context.get("task_instance")
    LOG.error(
        "lakehouse task failed: dag=%s task=%s run=%s cause=%s",
        ti.dag_id if ti else "?",
        ti.task_id if ti else "?",
        context.get("run_id"),
        context.get("exception"),
    )


def _application_jar() -> str:
    return os.environ.get("LAKEHOUSE_APP_JAR", SPEC["application_jar"])


def build(spec: dict) -> DAG:
    """One DAG of the exported schedules."""
    default_args = {
        "owner": "lakehouse",
        "retries": SPEC["retries"],
        "retry_delay": timedelta(seconds=SPEC["retry_delay_seconds"]),
        "execution_timeout": timedelta(seconds=SPEC["execution_timeout_seconds"]),
        "pool": SPEC["pool"],
        "on_failure_callback": report_failure,
    }
    with DAG(
        dag_id=spec["dag_id"],
        description=spec["description"],
        schedule=CronDataIntervalTimetable(spec["cron"], timezone=spec["timezone"]),
        start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
        catchup=False,
        max_active_runs=1,
        default_args=default_args,
        tags=["lakehouse"],
        doc_md=__doc__,
    ) as dag:
        tasks = {}
        for t in spec["tasks"]:
            args = list(t["arguments"])
            if t["passes_run_date"]:
                args += ["--run-date", RUN_DATE_TEMPLATES[spec["run_date"]]]
            # LAKEHOUSE_ENV on the worker picks another configuration environment (conf/env/<name>.conf).
            args += ["--env", os.environ.get("LAKEHOUSE_ENV", SPEC["env"])]
            tasks[t["task_id"]] = LakehouseSubmitOperator(
                task_id=t["task_id"],
                application=_application_jar(),
                java_class=SPEC["main_class"],
                conn_id=SPEC["connection_id"],
                application_args=args,
                name=f"lakehouse {spec['dag_id']}.{t['task_id']}",
                doc_md="Runs: " + (", ".join(t["jobs"]) if t["jobs"] else " ".join(t["arguments"])),
            )
        for t in spec["tasks"]:
            for upstream in t["upstream"]:
                tasks[upstream] >> tasks[t["task_id"]]
    return dag


for _spec in SPEC["dags"]:
    globals()[_spec["dag_id"]] = build(_spec)

"""The maintenance DAG through ``dag.test()``: metadata rows and log files past their retention
go, recent ones stay, and the warehouse is not touched."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.checksums import dw_checksum
from tests.helpers.dag_runs import load_dags_without_retries, own_metadata_db, pipeline_environment
from tthc_devtools.local_stack import environment

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)
WAREHOUSE_SCHEMAS = ("raw", "staging", "quarantine", "dw", "mart", "meta")


def run_maintenance(dag, due: datetime):
    dag_run = dag.test(logical_date=due, run_after=due)
    assert dag_run.state == "success", [
        (ti.task_id, ti.state) for ti in dag_run.get_task_instances()]
    return dag_run.run_id


def backdate(run_id: str, started: datetime) -> None:
    """What the run would look like had it run then: db clean reads the start dates."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        session.execute(update(DagRun).where(DagRun.run_id == run_id)
                        .values(start_date=started, end_date=started))
        session.execute(update(TaskInstance).where(TaskInstance.run_id == run_id)
                        .values(start_date=started, end_date=started)
                        .execution_options(synchronize_session=False))


def stored(run_id: str) -> tuple[int, int]:
    """(runs, task instances) the metadata DB holds for ``run_id``."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        return (session.scalar(select(func.count()).select_from(DagRun)
                               .where(DagRun.run_id == run_id)),
                session.scalar(select(func.count()).select_from(TaskInstance)
                               .where(TaskInstance.run_id == run_id)))


def log_file(folder: Path, relative: str, age: timedelta) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("a log line\n")
    written = (NOW - age).timestamp()
    os.utime(path, (written, written))
    return path


def test_old_runs_and_logs_go_recent_ones_stay_and_the_warehouse_is_untouched(
        tmp_path, warehouse):
    logs = tmp_path / "logs"
    metadata = tmp_path / "metadata"
    metadata.mkdir()
    with own_metadata_db(metadata), \
            pipeline_environment(warehouse, "http://127.0.0.1:9", "unused"), \
            environment({
                "AIRFLOW_CONN_AIRFLOW_METADATA": json.dumps(
                    {"conn_type": "sqlite", "host": str(metadata / "airflow.db")}),
                "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(logs),
            }):
        [dag] = load_dags_without_retries(("maintenance",))
        old_run = run_maintenance(dag, NOW - timedelta(days=200))
        backdate(old_run, NOW - timedelta(days=200))
        assert stored(old_run) == (1, 2)
        recent_run = run_maintenance(dag, NOW - timedelta(days=10))
        backdate(recent_run, NOW - timedelta(days=10))
        old_log = log_file(logs, "dag_id=daily_dossiers/run_id=old/task_id=load/attempt=1.log",
                           timedelta(days=31))
        rotated = log_file(logs, "dag_processor/2026-01-01/daily.log.1", timedelta(days=45))
        recent_log = log_file(logs, "dag_id=daily_dossiers/run_id=new/task_id=load/attempt=1.log",
                              timedelta(days=29))
        not_a_log = log_file(logs, "README.txt", timedelta(days=400))
        warehouse_before = dw_checksum(warehouse, WAREHOUSE_SCHEMAS)

        this_run = run_maintenance(dag, NOW)  # retention: the defaults, 90 and 30 days

        assert stored(old_run) == (0, 0), "runs older than 90 days go with their tasks"
        assert stored(recent_run) == (1, 2) and stored(this_run) == (1, 2)
    assert not old_log.exists() and not rotated.exists()
    assert not (logs / "dag_id=daily_dossiers" / "run_id=old").exists(), "emptied folders go"
    assert recent_log.exists() and not_a_log.exists()
    assert dw_checksum(warehouse, WAREHOUSE_SCHEMAS) == warehouse_before


@pytest.mark.parametrize("value", ["6", "ninety", "-90", "90.5", ""])
def test_a_bad_retention_fails_naming_the_variable(value):
    from tthc_pipeline.orchestration.maintenance import BadRetention, retention_days

    with pytest.raises(BadRetention, match="tthc_airflow_metadata_retention_days"):
        retention_days("tthc_airflow_metadata_retention_days", value)


def test_the_metadata_url_comes_from_the_connection_fields():
    from tthc_pipeline.orchestration.maintenance import UnsupportedMetadataDb, sqlalchemy_url

    assert sqlalchemy_url("postgres", "postgres", 5432, "airflow", "p@ss/word", "airflow") == (
        "postgresql+psycopg2://airflow:p%40ss%2Fword@postgres:5432/airflow")
    assert sqlalchemy_url("sqlite", "/srv/airflow.db", None, None, None, None) == (
        "sqlite:////srv/airflow.db")
    with pytest.raises(UnsupportedMetadataDb):
        sqlalchemy_url("mysql", "db", 3306, "a", "b", "airflow")

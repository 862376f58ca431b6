"""Drive the real DAGs through ``dag.test()`` against a test database and a simulator."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from psycopg.conninfo import conninfo_to_dict

from tthc_devtools.backfill import DAILY_DAGS, load_dags, run_day
from tthc_devtools.local_stack import environment

TEST_HASH_KEY = "e2e-test-applicant-hash-key-0001"


def conninfo_to_uri(conninfo: str) -> str:
    """A libpq key=value string as the URI form Airflow connections take."""
    params = conninfo_to_dict(conninfo)
    password = f":{quote(params['password'], safe='')}" if params.get("password") else ""
    return (f"postgresql://{quote(params.get('user', 'postgres'), safe='')}{password}"
            f"@{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}/{params['dbname']}")


@contextmanager
def pipeline_environment(warehouse: str, simulator_url: str, token: str) -> Iterator[None]:
    """Point the Airflow connections of this process at the test database and simulator."""
    source = f"http://:{quote(token, safe='')}@{simulator_url.split('://', 1)[1]}"
    with environment({
        "AIRFLOW_CONN_WAREHOUSE": conninfo_to_uri(warehouse),
        "AIRFLOW_CONN_TTHC_SYSTEM": source,
        "AIRFLOW_CONN_PAYMENT_PLATFORM": source,
        "TTHC_HASH_KEY": TEST_HASH_KEY,
    }):
        yield


def load_dags_without_retries(dag_ids: tuple[str, ...]):
    """The DAGs with retries off: a failing task fails the test at once, not after the
    production retry delays (dag.test waits them out)."""
    dags = load_dags(dag_ids)
    for dag in dags:
        for task in dag.tasks:
            task.retries = 0
    return dags


def run_daily_dags(days: list[date], dag_ids: tuple[str, ...] = DAILY_DAGS) -> None:
    """Run every daily DAG for each day, in the order given; raise on the first failure."""
    dags = load_dags_without_retries(dag_ids)
    for day in days:
        run_day(dags, day)


@contextmanager
def own_metadata_db(folder: Path) -> Iterator[None]:
    """A fresh, migrated Airflow metadata DB for this block, in ``folder``.

    The scheduler's decisions depend on every run of a DAG in its metadata DB (the next run
    follows the latest scheduled or backfill run); the project's DB holds every other test's
    and the demo's runs, so scheduling tests get one of their own."""
    url = migrated_metadata_db(folder)
    previous = os.environ[CONN_SETTING]
    _point_airflow_at(url)
    try:
        yield
    finally:
        _point_airflow_at(previous)


CONN_SETTING = "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"


def migrated_metadata_db(folder: Path) -> str:
    """A new SQLite metadata DB in ``folder`` after ``airflow db migrate``; its URL."""
    url = f"sqlite:///{folder / 'airflow.db'}"
    subprocess.run([str(Path(sys.executable).with_name("airflow")), "db", "migrate"], check=True,
                   capture_output=True, env={**os.environ, CONN_SETTING: url})
    return url


def _point_airflow_at(url: str) -> None:
    from airflow import settings

    os.environ[CONN_SETTING] = url
    settings.configure_vars()
    settings.reconfigure_orm()


@dataclass(frozen=True)
class RunSeen:
    """A DAG run as the metadata DB holds it, in local time."""

    dag_id: str
    run_type: str
    logical_date: datetime
    interval: tuple[datetime, datetime]
    state: str


def scheduler_loop(dag_ids: Iterable[str], now: datetime) -> list[RunSeen]:
    """What a scheduler started at ``now`` creates for these DAGs, oldest first: Airflow's own
    ``SchedulerJobRunner._create_dag_runs``, run loop after loop as the scheduler does, over
    the DAG's next-run fields (set by the DAG processor from the latest scheduled or backfill
    run, then by each created run). It creates a run once ``now`` has passed its interval's
    end, and a DAG's next run only after its active one is done (``max_active_runs=1``), so
    the caller executes each created run before calling this again."""
    from airflow.jobs.job import Job
    from airflow.jobs.scheduler_job_runner import SchedulerJobRunner
    from airflow.models.dag import DagModel
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    runner = SchedulerJobRunner(job=Job(), executors=[_NoExecutor()])
    created: list[RunSeen] = []
    with create_session() as session:
        for dag_id in dag_ids:
            model = session.get(DagModel, dag_id)
            model.is_paused = False  # the operator unpaused it
            active = DagRun.active_runs_of_dags(dag_ids=[dag_id], exclude_backfill=True,
                                                session=session).get(dag_id, 0)
            model.exceeds_max_non_backfill = active >= model.max_active_runs
            before = set(session.scalars(select(DagRun.id).where(DagRun.dag_id == dag_id)))
            # The query of DagModel.dags_needing_dagruns, at ``now`` instead of the clock's.
            while model.next_dagrun_create_after is not None \
                    and model.next_dagrun_create_after <= now \
                    and not model.exceeds_max_non_backfill:
                due = model.next_dagrun
                runner._create_dag_runs([model], session)
                session.flush()
                if model.next_dagrun == due:
                    break  # nothing moved: the scheduler would wait as well
            created += [seen(run) for run in session.scalars(
                select(DagRun).where(DagRun.dag_id == dag_id, DagRun.id.not_in(before))
                .order_by(DagRun.id))]
    return created


def runs_of(dag_id: str) -> list[RunSeen]:
    """Every run of the DAG in the metadata DB, by logical date."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return [seen(run) for run in session.scalars(
            select(DagRun).where(DagRun.dag_id == dag_id).order_by(DagRun.logical_date))]


def seen(run) -> RunSeen:
    import pendulum

    def local(moment):
        return pendulum.instance(moment).in_tz("Asia/Ho_Chi_Minh")

    return RunSeen(run.dag_id, str(run.run_type), local(run.logical_date),
                   (local(run.data_interval_start), local(run.data_interval_end)), str(run.state))


class _NoExecutor:
    """The scheduler's run creation needs no executor; this stands in for one."""

    name = None
    team_name = None

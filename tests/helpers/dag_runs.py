"""Drive the real DAGs through ``dag.test()`` against a test database and a simulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from urllib.parse import quote

from psycopg.conninfo import conninfo_to_dict

from tthc_pipeline.devtools.backfill import DAILY_DAGS, load_dags, run_day
from tthc_pipeline.devtools.local_stack import environment

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

"""Test harness: a real Postgres for the whole session, and a fresh database per test.

With ``AIRFLOW_CONN_WAREHOUSE`` unset (the default), the session starts a throwaway embedded
Postgres; when it is set, that server is used and each test still gets its own database.
Airflow itself runs against a SQLite metadata DB under .airflow/ (see the Makefile).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Airflow reads its configuration at import: set the project defaults before any test imports it.
os.environ.setdefault("AIRFLOW_HOME", str(PROJECT_ROOT / ".airflow"))
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(PROJECT_ROOT / "dags"))
os.environ.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(PROJECT_ROOT / "plugins"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault(
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{PROJECT_ROOT / '.airflow' / 'airflow.db'}"
)
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("AIRFLOW__CORE__DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")  # as the Makefile


class PostgresServer:
    """The session's Postgres: hands out fresh databases on it."""

    def __init__(self, admin_uri: str) -> None:
        self.admin_uri = admin_uri

    def create_database(self) -> str:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        name = f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_uri, autocommit=True) as conn:
            conn.execute(f'create database "{name}"')
        params = conninfo_to_dict(self.admin_uri)
        params["dbname"] = name
        return make_conninfo(**params)

    def drop_database(self, uri: str) -> None:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        name = conninfo_to_dict(uri)["dbname"]
        with psycopg.connect(self.admin_uri, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    configured = os.environ.get("AIRFLOW_CONN_WAREHOUSE")
    if configured:
        yield PostgresServer(configured)
        return
    from tthc_devtools.embedded_postgres import EmbeddedPostgres

    with EmbeddedPostgres() as pg:
        yield PostgresServer(pg.uri)


@pytest.fixture
def empty_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A libpq URI of a new, empty database, dropped after the test."""
    uri = postgres_server.create_database()
    yield uri
    postgres_server.drop_database(uri)


@pytest.fixture
def warehouse(empty_database: str) -> str:
    """A libpq URI of a new database with every migration applied."""
    from tthc_pipeline.warehouse.migrations import apply_migrations

    apply_migrations(empty_database)
    return empty_database


@pytest.fixture(scope="session", autouse=True)
def airflow_metadata_db() -> None:
    """Airflow's SQLite metadata DB, migrated once (``make test`` usually did it already)."""
    import subprocess
    import sys

    home = Path(os.environ["AIRFLOW_HOME"])
    stamp = home / ".migrated"
    if stamp.exists():
        return
    home.mkdir(parents=True, exist_ok=True)
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True)
    stamp.touch()

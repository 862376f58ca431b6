"""Housekeeping of Airflow itself: metadata rows and task log files past their retention.

Nothing here touches the warehouse: its snapshots are immutable and its history is the
product; only Airflow's own bookkeeping (runs, task instances, XComs, jobs, the audit log) and
the log files under ``[logging] base_log_folder`` are removed.

The metadata DB is cleaned by Airflow's own ``airflow db clean`` command, run as a subprocess,
not by importing ``airflow.utils.db_cleanup.run_cleanup``: the command line is the documented
interface (its options are in the CLI reference and kept across releases), while
``airflow.utils`` is core internals outside Airflow's public interface. A task also may not use
the ORM in Airflow 3: the worker's supervisor replaces ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN``
with a blocked URL in the task process, so the command receives the metadata DB from the
``airflow_metadata`` connection that the deployment grants to this DAG only.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from airflow.sdk import task
from tthc_alerts import task_failure_alert  # plugins/: on sys.path in every Airflow component

from tthc_pipeline.errors import PermanentError

log = logging.getLogger(__name__)

METADATA_RETENTION_VARIABLE = "tthc_airflow_metadata_retention_days"
LOG_RETENTION_VARIABLE = "tthc_airflow_log_retention_days"
DEFAULT_METADATA_RETENTION_DAYS = 90
DEFAULT_LOG_RETENTION_DAYS = 30
# A week at least: the runs of the current week (a Friday report, a backfill in progress) and
# their logs are what an operator investigates first.
MIN_RETENTION_DAYS = 7
METADATA_CONN_ID = "airflow_metadata"
DB_CLEAN_TIMEOUT = timedelta(hours=1)

# Retries absorb a metadata DB that is briefly busy; the owner and the failure alert are the
# project's, as for every DAG.
DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(hours=2),
    "on_failure_callback": task_failure_alert,
}


class BadRetention(PermanentError, ValueError):
    """A retention Variable that is not a whole number of days, or too short."""


class UnsupportedMetadataDb(PermanentError, ValueError):
    """The airflow_metadata connection is neither Postgres nor SQLite."""


class MissingMetadataConnection(PermanentError, LookupError):
    """The deployment has not granted this DAG the metadata DB (connection airflow_metadata)."""


class DbCleanFailed(RuntimeError):
    """``airflow db clean`` exited with an error (retried: the DB may be busy)."""


@dataclass(frozen=True)
class LogCleanup:
    files_removed: int
    bytes_removed: int
    folders_removed: int


# --- Plain functions ------------------------------------------------------------------------------

def retention_days(name: str, value: object) -> int:
    """A retention Variable's value as whole days, at least MIN_RETENTION_DAYS."""
    text = str(value).strip()
    if not text.isdigit() or int(text) < MIN_RETENTION_DAYS:
        raise BadRetention(f"Variable {name} must be a whole number of days, at least"
                           f" {MIN_RETENTION_DAYS}, got {text!r}")
    return int(text)


def clean_before(run_after: datetime, days: int) -> datetime:
    """The cutoff of a run: ``days`` before the moment the run was due, never the wall clock,
    so a run re-run later removes what it removed then."""
    return run_after - timedelta(days=days)


def sqlalchemy_url(conn_type: str, host: str | None, port: int | None, login: str | None,
                   password: str | None, schema: str | None) -> str:
    """The SQLAlchemy URL ``airflow db clean`` needs, from an Airflow connection's fields
    (for SQLite, the host holds the database file's path)."""
    from sqlalchemy.engine import URL

    if conn_type == "sqlite":
        return URL.create("sqlite", database=host).render_as_string(hide_password=False)
    if conn_type in ("postgres", "postgresql"):
        return URL.create("postgresql+psycopg2", username=login, password=password, host=host,
                          port=port, database=schema).render_as_string(hide_password=False)
    raise UnsupportedMetadataDb(f"connection {METADATA_CONN_ID} has type {conn_type!r}; the"
                                " maintenance DAG supports Postgres (and SQLite for tests)")


def db_clean_command(before: datetime) -> list[str]:
    """Delete every row Airflow's cleanup knows about that is older than ``before``. It always
    keeps each DAG's latest scheduled or backfill run, which the scheduler's catch-up starts
    from. No archive tables (they would only move the rows); a table that fails fails the
    command instead of being skipped with a warning."""
    return [sys.executable, "-m", "airflow", "db", "clean",
            "--clean-before-timestamp", before.isoformat(),
            "--skip-archive", "--yes", "--error-on-cleanup-failure"]


def clean_metadata_db(metadata_url: str, before: datetime) -> str:
    """Run ``airflow db clean`` against ``metadata_url``; return its output."""
    env = {key: value for key, value in os.environ.items()
           if key != "AIRFLOW__CORE__SQL_ALCHEMY_CONN"}  # deprecated name, blocked as well
    env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = metadata_url
    done = subprocess.run(db_clean_command(before), env=env, capture_output=True, text=True,
                          timeout=DB_CLEAN_TIMEOUT.total_seconds())
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise DbCleanFailed(f"airflow db clean exited {done.returncode}: {output[-3000:]}")
    return output


def remove_old_logs(folder: Path, older_than: datetime) -> LogCleanup:
    """Delete the log files (``*.log``, rotated ``*.log.N``) under ``folder`` last written
    before ``older_than``, then the folders left empty; never follows symbolic links, never
    removes ``folder`` itself. A log still being written is recent, so it stays."""
    if not folder.is_dir():
        log.warning("log folder %s does not exist: nothing to remove", folder)
        return LogCleanup(0, 0, 0)
    cutoff = older_than.timestamp()
    files = size = folders = 0
    for parent, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(parent, name)
            if ".log" not in name or path.is_symlink():
                continue
            try:
                stat = path.stat()
                if stat.st_mtime < cutoff:
                    path.unlink()
                    files, size = files + 1, size + stat.st_size
            except FileNotFoundError:  # removed meanwhile (a rotation): nothing to do
                continue
    for parent, _dirs, _names in os.walk(folder, topdown=False):
        path = Path(parent)
        if path != folder and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()
            folders += 1
    return LogCleanup(files, size, folders)


# --- Tasks ----------------------------------------------------------------------------------------

def _retention(variable: str, default: int) -> int:
    from airflow.sdk import Variable

    return retention_days(variable, Variable.get(variable, default=default))


def _metadata_url() -> str:
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = Connection.get(METADATA_CONN_ID)
    except AirflowNotFoundException:
        raise MissingMetadataConnection(
            f"connection {METADATA_CONN_ID} is not set: give it the metadata DB, e.g."
            f" AIRFLOW_CONN_{METADATA_CONN_ID.upper()}=postgresql://airflow:…@postgres:5432/airflow"
        ) from None
    return sqlalchemy_url(conn.conn_type, conn.host, conn.port, conn.login, conn.password,
                          conn.schema)


@task
def clean_airflow_metadata(**context: Any) -> dict[str, Any]:
    """Delete Airflow's metadata rows (DAG runs and their task instances, XComs, reschedules,
    jobs, the audit log, ...) older than the Variable tthc_airflow_metadata_retention_days
    (default 90) with `airflow db clean`; each DAG's latest scheduled run is kept."""
    from tthc_pipeline.orchestration.daily import failing_fast

    with failing_fast():
        days = _retention(METADATA_RETENTION_VARIABLE, DEFAULT_METADATA_RETENTION_DAYS)
        url = _metadata_url()
    before = clean_before(context["dag_run"].run_after, days)
    log.info("airflow db clean: rows older than %s (%d days)\n%s", before.isoformat(), days,
             clean_metadata_db(url, before))
    return {"clean_before": before.isoformat(), "retention_days": days}


@task
def remove_old_task_logs(**context: Any) -> dict[str, Any]:
    """Delete log files under [logging] base_log_folder last written before the Variable
    tthc_airflow_log_retention_days (default 30), and the folders left empty."""
    from airflow.sdk import conf

    from tthc_pipeline.orchestration.daily import failing_fast

    with failing_fast():
        days = _retention(LOG_RETENTION_VARIABLE, DEFAULT_LOG_RETENTION_DAYS)
    folder = Path(conf.get("logging", "base_log_folder"))
    before = clean_before(context["dag_run"].run_after, days)
    removed = remove_old_logs(folder, before)
    log.info("%s: removed %d log files (%d bytes) and %d empty folders older than %s",
             folder, removed.files_removed, removed.bytes_removed, removed.folders_removed,
             before.isoformat())
    return {"folder": str(folder), "clean_before": before.isoformat(),
            "files_removed": removed.files_removed, "bytes_removed": removed.bytes_removed}

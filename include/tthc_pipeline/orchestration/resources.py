"""Connections, settings and the run window, resolved from Airflow at task run time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pendulum

from tthc_pipeline import entities, sources
from tthc_pipeline.errors import PermanentError

LOCAL_TZ = "Asia/Ho_Chi_Minh"
WAREHOUSE_CONN_ID = "warehouse"
DEFAULT_MAX_BAD_SHARE = 0.05
DEFAULT_PII_RETENTION_DAYS = 30


class MissingHashKey(PermanentError, RuntimeError):
    """The applicant hash key is not configured: nothing may load."""


class NoDataInterval(PermanentError, ValueError):
    """The run has no data interval to load."""


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat()})"


def run_window(context: dict[str, Any]) -> Window:
    """The half-open window a run covers: its data interval, in local time.

    Asset-triggered and date-less manual runs have no interval; loading "now" instead would
    silently load the wrong window, so they are refused.
    """
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is None or end is None or start >= end:
        raise NoDataInterval(
            "this run has no data interval (asset-triggered or manual without a logical date); "
            "trigger it with a logical date, e.g. `airflow dags test <dag_id> 2026-03-03`, "
            "which loads the day before that date"
        )
    return Window(pendulum.instance(start).in_tz(LOCAL_TZ), pendulum.instance(end).in_tz(LOCAL_TZ))


def warehouse_conninfo(conn_id: str = WAREHOUSE_CONN_ID) -> str:
    """A libpq connection string for the warehouse Airflow connection."""
    from airflow.sdk import Connection
    from psycopg.conninfo import make_conninfo

    conn = Connection.get(conn_id)
    params = {
        "host": conn.host,
        "port": conn.port,
        "user": conn.login,
        "password": conn.password,
        "dbname": conn.schema,
        **{k: v for k, v in conn.extra_dejson.items() if k in ("sslmode", "connect_timeout")},
    }
    return make_conninfo(**{k: v for k, v in params.items() if v not in (None, "")})


def source_client(entity: str, source_code: str):
    """The HTTP client for the system of ``source_code`` that serves ``entity`` (its Airflow
    connection in config/sources.yaml; token = the connection's password)."""
    from airflow.sdk import Connection

    from tthc_pipeline.extract.client import SourceClient

    source = sources.load().source(source_code)
    conn = Connection.get(source.connection_id(entities.entity(entity).system))
    scheme = conn.schema or ("https" if conn.conn_type == "https" else "http")
    port = f":{conn.port}" if conn.port else ""
    return SourceClient(f"{scheme}://{conn.host}{port}", conn.password or "")


def hash_key() -> str:
    """The HMAC key that pseudonymises applicant identifiers; never stored anywhere."""
    key = os.environ.get("TTHC_HASH_KEY", "")
    if len(key) < 16:
        raise MissingHashKey(
            "TTHC_HASH_KEY must be set (at least 16 characters) in the environment of every "
            "Airflow worker: it pseudonymises applicant identifiers before they reach dw"
        )
    return key


def raw_pii_retention_days() -> int:
    """Days clear-text personal fields stay in raw and quarantine (Airflow Variable)."""
    from airflow.sdk import Variable

    text = str(Variable.get("tthc_raw_pii_retention_days", default=DEFAULT_PII_RETENTION_DAYS))
    if not text.isdigit():
        raise ValueError(f"Variable tthc_raw_pii_retention_days must be a whole number of days,"
                         f" got {text!r}")
    return int(text)


def max_bad_share() -> float:
    """The share of bad rows above which a batch is rejected (Airflow Variable, editable)."""
    return _share_variable("tthc_max_bad_share", DEFAULT_MAX_BAD_SHARE)


def max_parked_share() -> float:
    """The share of a period's records still parked above which the Friday report carries a
    warning (Airflow Variable, editable)."""
    from tthc_pipeline.report.snapshot import DEFAULT_MAX_PARKED_SHARE

    return _share_variable("tthc_max_parked_share", DEFAULT_MAX_PARKED_SHARE)


def _share_variable(name: str, default: float) -> float:
    from airflow.sdk import Variable

    value = float(Variable.get(name, default=default))
    if not 0 <= value <= 1:
        raise ValueError(f"Variable {name} must be within [0, 1], got {value}")
    return value


def calendar_span(window: Window) -> tuple[datetime, datetime]:
    """Days the date dimension must cover for a window: generously around it."""
    return window.start - timedelta(days=400), window.end + timedelta(days=400)


def reports_dir():
    """Where the weekly workbooks go: Variable ``tthc_reports_dir``, else ``TTHC_REPORTS_DIR``,
    else ``reports/`` in the project (mounted as a volume in compose)."""
    from pathlib import Path

    from airflow.sdk import Variable

    from tthc_pipeline.report.workbook import reports_dir as default_reports_dir

    configured = Variable.get("tthc_reports_dir", default=None)
    return Path(configured) if configured else default_reports_dir()


def report_recipients() -> dict[str, tuple[str, ...]]:
    """Who gets their own unit's report: Variable ``tthc_report_recipients``, a JSON object
    {unit code: [addresses]}; none when unset."""
    from airflow.sdk import Variable

    from tthc_pipeline.report.delivery import parse_recipients

    return parse_recipients(Variable.get("tthc_report_recipients", default=None))

"""Stop a pipeline transaction at a chosen statement and look at it from outside.

A test holds a table lock that the transaction under test needs later (``held_lock``); the
transaction then waits, mid-way, with its earlier writes done but uncommitted, and
``pg_stat_activity`` / ``pg_locks`` show where it stands (``backend``, ``blocked_on``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import psycopg
from psycopg import sql

T = TypeVar("T")


@dataclass(frozen=True)
class Backend:
    pid: int
    state: str
    wait_event_type: str | None
    has_written: bool  # it has a transaction id: only a write assigns one


@contextmanager
def held_lock(conninfo: str, table: str, mode: str = "exclusive") -> Iterator[None]:
    """Hold ``lock table <table> in <mode> mode`` until the block ends. EXCLUSIVE blocks every
    write to the table and lets reads through, so observers can still look at it."""
    schema, name = table.split(".")
    with psycopg.connect(conninfo) as conn:
        conn.execute(sql.SQL("lock table {} in {} mode").format(
            sql.Identifier(schema, name), sql.SQL(mode)))
        try:
            yield
        finally:
            conn.rollback()


def wait_for(probe: Callable[[], T | None], what: str, timeout: float = 30.0) -> T:
    """Poll ``probe`` until it returns something other than None (or fail after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while (value := probe()) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.05)
    return value


def backend(conninfo: str, application_name: str) -> Backend | None:
    """The server process of the connection that set ``application_name``, if it exists."""
    with psycopg.connect(conninfo) as conn:
        row = conn.execute(
            "select pid, state, wait_event_type, backend_xid is not null from pg_stat_activity"
            " where application_name = %s and datname = current_database()",
            (application_name,)).fetchone()
    return None if row is None else Backend(*row)


def blocked_on(conninfo: str, pid: int) -> tuple[str, str] | None:
    """(lock type, what) of the lock ``pid`` waits for: ('relation', 'dw.x'), ('advisory',
    'classid/objid'), or None while it waits for nothing."""
    with psycopg.connect(conninfo) as conn:
        row = conn.execute(
            "select locktype, case locktype when 'relation' then relation::regclass::text"
            " when 'advisory' then classid || '/' || objid else locktype end"
            " from pg_locks where pid = %s and not granted", (pid,)).fetchone()
    return None if row is None else tuple(row)


def holds_write_lock(conninfo: str, pid: int, table: str) -> bool:
    """Whether ``pid`` holds a granted ROW EXCLUSIVE lock on ``table``: it has written to it."""
    with psycopg.connect(conninfo) as conn:
        return conn.execute(
            "select exists (select from pg_locks where pid = %s and granted"
            " and locktype = 'relation' and relation = %s::regclass"
            " and mode = 'RowExclusiveLock')", (pid, table)).fetchone()[0]

"""The transaction a publisher (the Friday snapshot, the scorecards) reads the warehouse in.

A publisher reads ``dw`` in many statements: the shared model's steps, then the report's. Under
Postgres' default READ COMMITTED each statement sees whatever committed before it began, so a
load committing between two of them (a backfill, a catch-up, a late correction) would give the
report one state of a dossier in its candidates and another in its status or its payments.
REPEATABLE READ gives every statement of the transaction the snapshot of its first one: the
report reads one state of the warehouse. Publishers only insert rows of their own (a new
version), so the stricter level adds no serialisation failures.

Two publishers of the same report (a retry next to a run still going, two clicks on "clear")
take turns under an advisory lock. The lock is taken before the transaction begins: taken
inside it, a publisher that waited would read with the snapshot of before its wait, miss the
version the other one just committed, and publish the same version number again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg


@contextmanager
def publishing_transaction(conninfo: str, lock_class: int,
                           lock_key: str) -> Iterator[psycopg.Connection]:
    """A connection inside one REPEATABLE READ transaction, entered once no other session holds
    the advisory lock (``lock_class``, ``lock_key``); committed when the block ends, rolled back
    if it raises. The lock is the session's and goes with the connection."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s, hashtext(%s))", (lock_class, lock_key))
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            yield conn

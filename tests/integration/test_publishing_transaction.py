"""The transaction the Friday publishers read the warehouse in (tthc_pipeline.warehouse.publishing):
one state of the warehouse for all its statements, and publishers of the same report in turn,
each seeing what the one before it committed."""

from __future__ import annotations

import threading

import psycopg
import pytest

from tthc_pipeline.warehouse.publishing import publishing_transaction

LOCK_CLASS = 0x7474_7465  # a namespace of this test's own


def _count(conn: psycopg.Connection) -> int:
    return conn.execute("select count(*) from public.publishing_probe").fetchone()[0]


def _commit_a_row(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as other:
        other.execute("insert into public.publishing_probe values (1)")


def _probe_table(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("create table public.publishing_probe (n integer)")


def test_a_publisher_reads_one_state_of_the_warehouse(warehouse):
    """A load that commits between two of the publisher's statements reaches none of them (under
    READ COMMITTED the second statement would see it)."""
    _probe_table(warehouse)
    with publishing_transaction(warehouse, LOCK_CLASS, "tree/2026-03-27") as conn:
        assert conn.execute("show transaction_isolation").fetchone()[0] == "repeatable read"
        assert _count(conn) == 0
        _commit_a_row(warehouse)
        assert _count(conn) == 0
        conn.execute("insert into public.publishing_probe values (2)")
    with psycopg.connect(warehouse) as conn:
        assert _count(conn) == 2


def test_a_publisher_that_waited_sees_what_the_one_before_committed(warehouse):
    """The second publisher of the same report waits for the first, then reads with a snapshot
    taken after the first committed (a snapshot from before its wait would miss the version the
    first just wrote and publish the same version number again)."""
    _probe_table(warehouse)
    second_entered = threading.Event()
    seen_by_second: list[int] = []

    def second_publisher() -> None:
        with publishing_transaction(warehouse, LOCK_CLASS, "tree/2026-03-27") as conn:
            second_entered.set()
            seen_by_second.append(_count(conn))

    with publishing_transaction(warehouse, LOCK_CLASS, "tree/2026-03-27") as conn:
        second = threading.Thread(target=second_publisher)
        second.start()
        assert not second_entered.wait(timeout=1.0), "the second publisher did not wait"
        conn.execute("insert into public.publishing_probe values (1)")
    second.join(timeout=30)
    assert seen_by_second == [1]


def test_publishers_of_other_reports_do_not_wait_for_each_other(warehouse):
    _probe_table(warehouse)
    entered = threading.Event()

    def other_report() -> None:
        with publishing_transaction(warehouse, LOCK_CLASS, "tree/2026-04-03"):
            entered.set()

    with publishing_transaction(warehouse, LOCK_CLASS, "tree/2026-03-27"):
        other = threading.Thread(target=other_report)
        other.start()
        assert entered.wait(timeout=30)
    other.join(timeout=30)


def test_a_publisher_that_fails_writes_nothing_and_lets_the_next_in(warehouse):
    _probe_table(warehouse)
    with pytest.raises(RuntimeError), publishing_transaction(
            warehouse, LOCK_CLASS, "tree/2026-03-27") as conn:
        conn.execute("insert into public.publishing_probe values (1)")
        raise RuntimeError("the report failed")
    with publishing_transaction(warehouse, LOCK_CLASS, "tree/2026-03-27") as conn:
        assert _count(conn) == 0

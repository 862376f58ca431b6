"""The ``meta.load_batch`` row that staging, the quality gate and loading work on, and its states.

A batch moves landed → staged → validated → loaded, or to rejected, or to superseded (a newer
extraction of its window was loaded). Each step records its new state in the transaction that
does its work, and ``meta.check_batch_transition`` (V010) refuses any other move, so a task
retried after a crash finds exactly what the last commit left and either resumes or, when the
batch is already past its step, does nothing (docs/architecture.md, "A batch's life").
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

LANDED, STAGED, VALIDATED, LOADED = "landed", "staged", "validated", "loaded"
REJECTED, SUPERSEDED = "rejected", "superseded"
# Past every step that works on staging: staging, validating or loading it again is a no-op.
FINISHED = frozenset({LOADED, SUPERSEDED})


@dataclass(frozen=True)
class Batch:
    batch_id: int
    entity: str
    status: str
    n_extracted: int | None
    superseded_by: int | None = None
    source_code: str | None = None

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    def describe(self) -> str:
        if self.status == SUPERSEDED:
            return f"batch {self.batch_id} is superseded by batch {self.superseded_by}"
        return f"batch {self.batch_id} is {self.status}"


def lock_batch(conn: psycopg.Connection, batch_id: int) -> Batch:
    """Read the batch row and lock it until the transaction ends; raise if it does not exist."""
    row = conn.execute(
        "select entity, status, n_extracted, superseded_by, source_code from meta.load_batch"
        " where batch_id = %s for update",
        (batch_id,),
    ).fetchone()
    if row is None:
        raise LookupError(f"no batch {batch_id} in meta.load_batch")
    return Batch(batch_id, *row)


def read_batch(conninfo: str, batch_id: int) -> Batch:
    """The batch row as committed, without a lock."""
    with psycopg.connect(conninfo) as conn, conn.transaction():
        return lock_batch(conn, batch_id)

"""The ``meta.load_batch`` row that staging and loading work on."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Batch:
    batch_id: int
    entity: str
    status: str
    n_extracted: int | None


def lock_batch(conn: psycopg.Connection, batch_id: int) -> Batch:
    """Read the batch row and lock it until the transaction ends; raise if it does not exist."""
    row = conn.execute(
        "select entity, status, n_extracted from meta.load_batch where batch_id = %s for update",
        (batch_id,),
    ).fetchone()
    if row is None:
        raise LookupError(f"no batch {batch_id} in meta.load_batch")
    return Batch(batch_id, *row)

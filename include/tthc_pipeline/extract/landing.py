"""Raw landing: stream extracted records into ``raw.<entity>`` as one batch, in one transaction.

The batch row (``meta.load_batch``) and every raw row commit together, so a crash mid-extract
leaves no trace; a re-run simply lands a new batch. Records are written with COPY as they
arrive, so memory holds one page at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import orjson
import psycopg

ENTITIES = ("don_vi", "thu_tuc", "ho_so", "giao_dich")


@dataclass(frozen=True)
class LandedBatch:
    batch_id: int
    entity: str
    window_start: datetime
    window_end: datetime
    n_received: int


def land_records(
    conninfo: str,
    entity: str,
    window_start: datetime,
    window_end: datetime,
    records: Iterable[dict],
    dag_id: str | None = None,
    run_id: str | None = None,
) -> LandedBatch:
    """Land ``records`` (any iterable, consumed once) as a new batch; return its id and count."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity!r}; expected one of {ENTITIES}")
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("window bounds must be timezone-aware")
    with psycopg.connect(conninfo) as conn, conn.transaction():
        (batch_id,) = conn.execute(
            "insert into meta.load_batch (entity, window_start, window_end, dag_id, run_id)"
            " values (%s, %s, %s, %s, %s) returning batch_id",
            (entity, window_start, window_end, dag_id, run_id),
        ).fetchone()
        n_received = _copy_records(conn, entity, batch_id, records)
        conn.execute(
            "update meta.load_batch set n_received = %s where batch_id = %s",
            (n_received, batch_id),
        )
    return LandedBatch(batch_id, entity, window_start, window_end, n_received)


def _copy_records(conn: psycopg.Connection, entity: str, batch_id: int,
                  records: Iterable[dict]) -> int:
    count = 0
    copy_sql = f"copy raw.{entity} (batch_id, record_no, record) from stdin"
    with conn.cursor() as cur, cur.copy(copy_sql) as copy:
        for count, record in enumerate(records, start=1):
            copy.write_row((batch_id, count, orjson.dumps(record).decode()))
    return count

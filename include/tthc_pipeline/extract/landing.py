"""Raw landing: stream extracted records into ``raw.<entity>`` as one batch, in one transaction.

The batch row (``meta.load_batch``) and every raw row commit together, so a crash mid-extract
leaves no trace; a re-run simply lands a new batch. Records are written with COPY as they
arrive, so memory holds one page at a time.

Records land as received, with one exception: jsonb cannot hold the character U+0000, so a NUL
in any string (key or value) lands as U+FFFD. Refusing it instead would fail the whole window
on every retry because of one corrupt character; in its place, the record keeps every other
character and the quality rules see it like any other value.

Records the client could not hold as Python values land as text: an ``ExactRecord`` (an
integer beyond 64 bits) as received, so jsonb keeps it exactly; an ``UnparseableRecord`` as
its stand-in object (``extract.parsing``), which the quality gate quarantines. A record whose
integers orjson cannot write (a record read back from jsonb for a release) is written by the
standard library instead, exactly.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import psycopg

from tthc_pipeline import sources
from tthc_pipeline.entities import ENTITIES
from tthc_pipeline.extract.parsing import ExactRecord, UnparseableRecord

log = logging.getLogger(__name__)

NUL, NUL_REPLACEMENT = "\x00", "\ufffd"
_ESCAPED_NUL = b"\\u0000"  # how orjson writes U+0000 inside a JSON string


@dataclass(frozen=True)
class LandedBatch:
    batch_id: int
    entity: str
    window_start: datetime
    window_end: datetime
    n_received: int
    source_code: str = ""


def land_records(
    conninfo: str,
    entity: str,
    window_start: datetime,
    window_end: datetime,
    records: Iterable[Any],
    dag_id: str | None = None,
    run_id: str | None = None,
    source_code: str | None = None,
) -> LandedBatch:
    """Land ``records`` (any iterable, consumed once) as a new batch of ``source_code`` (default:
    the first configured source); return its id and count."""
    source_code = source_code or sources.load().default.code
    if entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity!r}; expected one of {ENTITIES}")
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("window bounds must be timezone-aware")
    with psycopg.connect(conninfo) as conn, conn.transaction():
        (batch_id,) = conn.execute(
            "insert into meta.load_batch (source_code, entity, window_start, window_end, dag_id,"
            " run_id) values (%s, %s, %s, %s, %s, %s) returning batch_id",
            (source_code, entity, window_start, window_end, dag_id, run_id),
        ).fetchone()
        n_received = _copy_records(conn, entity, batch_id, records)
        conn.execute(
            "update meta.load_batch set n_received = %s where batch_id = %s",
            (n_received, batch_id),
        )
    return LandedBatch(batch_id, entity, window_start, window_end, n_received, source_code)


def _copy_records(conn: psycopg.Connection, entity: str, batch_id: int,
                  records: Iterable[Any]) -> int:
    count = n_with_nul = n_unparseable = 0
    copy_sql = f"copy raw.{entity} (batch_id, record_no, record) from stdin"
    with conn.cursor() as cur, cur.copy(copy_sql) as copy:
        for count, record in enumerate(records, start=1):
            if isinstance(record, (ExactRecord, UnparseableRecord)):
                n_unparseable += isinstance(record, UnparseableRecord)
                copy.write_row((batch_id, count, record.text))
                continue
            text = _dumps(record)
            if _ESCAPED_NUL in text:  # rare: one fast scan of the bytes decides
                text = _dumps(_replace_nul(record))
                n_with_nul += 1
            copy.write_row((batch_id, count, text.decode()))
    if n_with_nul:
        log.warning("%s batch %d: %d records had U+0000 (NUL) characters, landed as U+FFFD",
                    entity, batch_id, n_with_nul)
    if n_unparseable:
        log.warning("%s batch %d: %d records could not be parsed; they land as stand-ins for"
                    " the quality gate to quarantine", entity, batch_id, n_unparseable)
    return count


def _dumps(record: Any) -> bytes:
    try:
        return orjson.dumps(record)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: the standard library is exact
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def _replace_nul(value: Any) -> Any:
    """``value`` with every NUL in its strings, keys included, replaced by U+FFFD."""
    if isinstance(value, str):
        return value.replace(NUL, NUL_REPLACEMENT)
    if isinstance(value, dict):
        return {_replace_nul(key): _replace_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_nul(item) for item in value]
    return value

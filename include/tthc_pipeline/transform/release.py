"""Parked records, loaded inside the transaction of the load that brings what they wait for.

A record that fails only reference rules (its unit, procedure or dossier has not arrived) is
parked: quarantined, with its staged row kept. Every load, after writing its own batch, asks
each entity in dependency order which parked records of loaded batches pass their reference
rules now (the rules' check columns, evaluated in SQL on the load's own connection, so they see
what the load has just written), marks them released, loads them from their original batch's
staging with the entity's ordinary load statements, and moves them from the batch's quarantined
count to its loaded count. A unit released can release its child units and their dossiers, and
a dossier its payments, so each entity is repeated until nothing more resolves.

Everything happens in the caller's transaction: the release commits with the load, or neither
does. There is no window in which a record is marked released but not loaded, or loaded but
still waiting, and the Friday report's coverage wait needs nothing but the watermark.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import psycopg
from psycopg import sql

from tthc_pipeline.crashpoints import crash_point
from tthc_pipeline.entities import ENTITIES
from tthc_pipeline.paths import read_sql
from tthc_pipeline.quality.suites import reference_conditions, resolved_records_sql

log = logging.getLogger(__name__)

# Loads the staged, loadable rows of one batch with the entity's statements (load.py).
LoadStatements = Callable[[psycopg.Connection, str, int], None]


def release_parked(conn: psycopg.Connection, released_by: int, source_code: str,
                   load_statements: LoadStatements,
                   entity_lock: Callable[[psycopg.Connection, str], None]) -> dict[str, int]:
    """Load every parked record whose references now resolve; return the count per entity.

    ``released_by`` is the batch whose load runs this: only parked records of its source can
    wait for what it brought. ``entity_lock`` takes the entity's load lock (entities are visited
    in ``ENTITIES`` order, so locks are always taken in that order).
    """
    released: dict[str, int] = {}
    for entity in ENTITIES:
        if not reference_conditions(entity):
            continue
        while n_released := _release_round(conn, entity, released_by, source_code,
                                           load_statements, entity_lock):
            released[entity] = released.get(entity, 0) + n_released
    if released:
        log.info("batch %d: released parked records %s", released_by, released)
    return released


def parked_records(conn: psycopg.Connection, entity: str,
                   source_code: str) -> dict[int, list[int]]:
    """Parked record numbers of ``entity`` of one source, by batch."""
    parked: dict[int, list[int]] = {}
    for batch_id, record_no in conn.execute(read_sql("quality/parked_records.sql"),
                                            {"entity": entity, "source_code": source_code}):
        parked.setdefault(batch_id, []).append(record_no)
    return parked


def resolved_records(conn: psycopg.Connection, entity: str, batch_id: int,
                     record_nos: list[int]) -> list[int]:
    """Those of ``record_nos`` whose reference rules pass now."""
    return [n for (n,) in conn.execute(resolved_records_sql(entity, batch_id, record_nos))]


def _release_round(conn: psycopg.Connection, entity: str, released_by: int, source_code: str,
                   load_statements: LoadStatements,
                   entity_lock: Callable[[psycopg.Connection, str], None]) -> int:
    parked = parked_records(conn, entity, source_code)
    if not parked:
        return 0
    entity_lock(conn, entity)
    quarantine = sql.Identifier("quarantine", entity)
    n_released = 0
    for batch_id, record_nos in parked.items():
        resolved = resolved_records(conn, entity, batch_id, record_nos)
        if not resolved:
            continue
        conn.execute(sql.SQL(read_sql("quality/mark_released.sql")).format(quarantine=quarantine),
                     {"released_by": released_by, "batch_id": batch_id, "record_nos": resolved})
        crash_point("release.after_mark", entity)
        load_statements(conn, entity, batch_id)
        conn.execute(read_sql("load/released_counts.sql"),
                     {"batch_id": batch_id, "n_released": len(resolved)})
        conn.execute(read_sql("load/clean_staging.sql"), {"batch_ids": [batch_id]})
        n_released += len(resolved)
    return n_released

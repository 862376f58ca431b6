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
from tthc_pipeline.transform.stage import unstage

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


def parked_batches(conn: psycopg.Connection, entity: str, source_code: str) -> list[int]:
    """The batches of ``entity`` of one source that hold parked records."""
    return [batch_id for (batch_id,) in conn.execute(read_sql("quality/parked_batches.sql"),
                                                     {"entity": entity,
                                                      "source_code": source_code})]


def count_resolved(conn: psycopg.Connection, entity: str, batch_id: int) -> int:
    """How many of a batch's parked records pass their reference rules now."""
    (n_resolved,) = conn.execute(sql.SQL("select count(*) from ({}) as resolved").format(
        sql.SQL(resolved_records_sql(entity, batch_id)))).fetchone()
    return n_resolved


def _release_round(conn: psycopg.Connection, entity: str, released_by: int, source_code: str,
                   load_statements: LoadStatements,
                   entity_lock: Callable[[psycopg.Connection, str], None]) -> int:
    batch_ids = parked_batches(conn, entity, source_code)
    if not batch_ids:
        return 0
    entity_lock(conn, entity)
    n_released = 0
    for batch_id in batch_ids:
        if not (n_resolved := _mark_released(conn, entity, batch_id, released_by)):
            continue
        crash_point("release.after_mark", entity)
        load_statements(conn, entity, batch_id)
        conn.execute(read_sql("load/released_counts.sql"),
                     {"batch_id": batch_id, "n_released": n_resolved})
        unstage(conn, entity, [batch_id])
        n_released += n_resolved
    return n_released


def _mark_released(conn: psycopg.Connection, entity: str, batch_id: int,
                   released_by: int) -> int:
    """Mark released the parked records of ``batch_id`` whose references resolve now, in one
    statement (their numbers never leave the server); return how many."""
    statement = sql.SQL(read_sql("quality/mark_released.sql")).format(
        quarantine=sql.Identifier("quarantine", entity),
        resolved=sql.SQL(resolved_records_sql(entity, batch_id)))
    (n_released,) = conn.execute(statement, {"released_by": released_by,
                                             "batch_id": batch_id}).fetchone()
    return n_released

"""Step 2 of a batch: ``raw.<entity>`` → ``staging.<entity>``, typed and normalised, in SQL.

Re-staging a batch is harmless: its old staging rows go first, and the batch is landed again
until its counts are recorded (then it is staged). A batch that is already loaded or superseded
is left alone: its staging rows were removed with its load. The staging statements of an
entity's tables (a dossier's records and their four child collections) run at the same time
on two connections, one Postgres backend per core; while they run, the batch counts as not
staged (``n_extracted`` is NULL), so the quality gate and the load refuse it instead of reading
half-written rows. The counts (distinct records, identical copies) are recorded at the end,
in the transaction that removes the child rows of collapsed copies (when there were any).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
from psycopg import sql

from tthc_pipeline.crashpoints import crash_point
from tthc_pipeline.entities import entity as entity_definition
from tthc_pipeline.paths import read_sql
from tthc_pipeline.transform.batches import lock_batch

# An entity's staging tables (entities.py) are filled by sql/staging/<table>.sql: the first holds
# the records, the others their child collections, staged straight from raw beside the records;
# the children of identical copies, which the records' statement collapses, are removed
# afterwards by sql/staging/<records>_copies_children.sql.
# Connections that stage one batch's tables at once, one Postgres backend each: two, since the
# status steps take about as long as the other three tables together.
STAGING_CONNECTIONS = 2
log = logging.getLogger(__name__)
_RECORDED_COUNTS = ("select n_received, n_duplicates, n_extracted from meta.load_batch"
                    " where batch_id = %(batch_id)s")
STAGING_LOCK_CLASS = 0x7474_6873  # advisory locks of staging; the batch is the second key

# For this transaction only: a national day's batch is a few hundred thousand rows, and the
# sorts and hashes over it spilled to disk at the default 4 MB; the CTE row estimates are far
# off, so JIT compiled every large statement for about a second (bench/RESULTS.md).
SESSION_SETTINGS = "set local work_mem = '256MB'; set local jit = off"


@dataclass(frozen=True)
class StageResult:
    n_received: int
    n_duplicates: int
    n_staged: int


def stage_batch(conninfo: str, batch_id: int) -> StageResult:
    """Stage a landed batch; identical copies of a record collapse into one staged row.

    A loaded or superseded batch is past staging: nothing is done and its recorded counts are
    returned.
    """
    params = {"batch_id": batch_id}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        # one stager per batch at a time; the lock goes with the session
        conn.execute("select pg_advisory_lock(%s, %s)", (STAGING_LOCK_CLASS, batch_id))
        with conn.transaction():
            batch = lock_batch(conn, batch_id)
            if batch.is_finished:
                log.info("%s: staging it again would change nothing", batch.describe())
                return StageResult(*conn.execute(_RECORDED_COUNTS, params).fetchone())
            entity = batch.entity
            # the load's prepared rows too: they were computed from the rows staged before
            for table in staged_tables(entity):
                conn.execute(sql.SQL(read_sql("staging/delete_batch.sql")).format(
                    table=sql.Identifier("staging", table)), params)
            conn.execute(read_sql("staging/unstage_batch.sql"), params)
        crash_point("stage.after_unstage", entity)
        _analyze_raw_batch_ids(conn, entity)
        with conn.transaction():
            lock_batch(conn, batch_id)  # the gate and the load of this batch wait until the end
            tables = entity_definition(entity).staging_tables
            records_table, *child_tables = tables
            n_staged = _stage_tables(conninfo, tables, params)
            crash_point("stage.before_counts", entity)
            counts = StageResult(*conn.execute(
                read_sql("staging/batch_counts.sql"), {**params, "n_staged": n_staged}
            ).fetchone())
            # Children of collapsed copies only exist when copies collapsed: without any, the
            # anti-joins over every staged child (0.5 s at 300k dossiers) would find nothing.
            if child_tables and counts.n_duplicates:
                conn.execute(SESSION_SETTINGS)
                conn.execute(read_sql(f"staging/{records_table}_copies_children.sql"), params)
    return counts


def unstage(conn: psycopg.Connection, entity: str, batch_ids: list[int],
            tables: tuple[str, ...] | None = None) -> None:
    """Remove the given batches' rows from the entity's staging tables and its load's prepared
    tables (``tables``: some of them), but for their records parked for a reference: a later
    load releases them from the staging tables (and computes their prepared rows again).
    Only the entity's own tables are touched, so a caller never waits for a lock on another
    entity's staging."""
    definition = entity_definition(entity)
    for table in staged_tables(entity) if tables is None else tables:
        statement = ("load/clear_prepared.sql" if table in definition.prepared_tables
                     else "load/unstage_table.sql")
        conn.execute(sql.SQL(read_sql(statement)).format(
            table=sql.Identifier("staging", table)), {"entity": entity, "batch_ids": batch_ids})


def staged_tables(entity: str) -> tuple[str, ...]:
    """Every staging-schema table that holds an entity's batches: its staging tables, then its
    load's prepared tables."""
    definition = entity_definition(entity)
    return (*definition.staging_tables, *definition.prepared_tables)


def _stage_tables(conninfo: str, tables: tuple[str, ...], params: dict) -> int:
    """Fill the tables at once, each in its own committed transaction; return the row count of
    the first (the records). The children go first: the status steps take one connection,
    while the other takes the smaller lists and then the records, which end at about the same
    time (bench/RESULTS.md, change 10)."""
    records_table, *child_tables = tables
    order = (*child_tables, records_table)
    with ThreadPoolExecutor(max_workers=STAGING_CONNECTIONS) as pool:
        rows = pool.map(lambda table: _stage_table(conninfo, table, params), order)
        counts = dict(zip(order, rows, strict=True))
    return counts[records_table]


def _stage_table(conninfo: str, table: str, params: dict) -> int:
    with psycopg.connect(conninfo) as conn, conn.transaction():
        conn.execute(SESSION_SETTINGS)
        n_rows = conn.execute(read_sql(f"staging/{table}.sql"), params).rowcount
        _analyze_batch(conn, table)
    return n_rows


def _analyze_raw_batch_ids(conn: psycopg.Connection, entity: str) -> None:
    """Show the planner the landed batch in ``raw.<entity>`` before staging reads it (outside a
    transaction: the table's analyze lock is held for the analyze alone, so two sources' stage
    tasks do not queue behind each other's staging). With statistics that know only earlier
    batches (autovacuum analysed the raw table after one batch: a second source's first batch,
    or the next day's in a young warehouse), the new ``batch_id`` looks like one row, and the
    staging statement's joins over the raw batch become nested loops over all of it: staging
    56,000 payments took minutes instead of seconds (bench/RESULTS.md, section 7)."""
    conn.execute(sql.SQL("analyze {} (batch_id)").format(sql.Identifier("raw", entity)))


def _analyze_batch(conn: psycopg.Connection, table: str) -> None:
    """Show the planner the new batch: with statistics from before it, a batch of 100,000 rows
    looks like one, and the joins over it (quality gate, load) can turn into nested loops over
    the whole batch. Every column, not only ``batch_id``: the load groups the child rows by
    ``record_no`` and keeps one record per ``dossier_code``. Without their statistics the
    planner took 1M dossiers' steps for 200 groups (the default) whenever autovacuum had not
    analysed the table yet, and probed the small dimensions once per row: the plan, and ~10 % of
    the load at 1M, depended on autovacuum's timing (bench/RESULTS.md). The sample is the same
    whatever the columns: every column costs ~0.7 s more a 1M batch, most of it ho_so's."""
    conn.execute(sql.SQL("analyze {}").format(sql.Identifier("staging", table)))

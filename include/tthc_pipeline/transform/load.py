"""Step 4 of a batch: the staged rows that passed the quality gate → the ``dw`` star schema.

A dossier batch's per-record hashes are computed first, before the transaction and on two
connections (``transform.prepare``). Then one transaction per batch: dimensions get SCD2
versions, facts are upserted when the incoming NgayCapNhat is newer, the window's watermark and
the batch's counts are recorded, and ``n_extracted = n_loaded + n_quarantined`` is checked
before anything commits. In the same transaction older extractions of the window are
superseded, parked records whose references have now arrived are loaded
(``transform.release``), and the batch leaves staging (its parked records stay until released;
a staging table holding nothing else is truncated). A transaction-scoped advisory lock per
source and entity makes overlapping runs wait for each other. Loading a batch that is already
loaded only runs the release again.
``dw.dim_date`` is kept here too: ``refresh_dim_date`` for a span, and every load adds the
years its facts need.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import psycopg
from psycopg import sql

from tthc_pipeline.calendar import HolidayOverride, calendar_exceptions
from tthc_pipeline.crashpoints import crash_point
from tthc_pipeline.entities import entity as entity_definition
from tthc_pipeline.errors import PermanentError
from tthc_pipeline.paths import read_sql
from tthc_pipeline.transform.batches import (
    LANDED,
    LOADED,
    STAGED,
    SUPERSEDED,
    VALIDATED,
    Batch,
    lock_batch,
)
from tthc_pipeline.transform.prepare import (
    PREPARED_ENTITY,
    ensure_prepared,
    lock_prepared,
    prepare_load,
)
from tthc_pipeline.transform.release import release_parked
from tthc_pipeline.transform.stage import SESSION_SETTINGS, staged_tables, unstage

log = logging.getLogger(__name__)

_LOCK_CLASS = 0x7474_6864  # advisory lock namespace of the loads; the entity is the second key
_ANALYZE_BASE_ROWS, _ANALYZE_SHARE = 50, 0.1  # autovacuum's analyze threshold, by default
# The gate is the orchestration's business: a staged batch may load without it (tests do).
_LOADABLE_STATUSES = (STAGED, VALIDATED)


class ReconciliationError(PermanentError, RuntimeError):
    """The batch's counts do not add up: extracted != loaded + quarantined."""


@dataclass(frozen=True)
class LoadResult:
    n_extracted: int
    n_loaded: int
    n_quarantined: int


def load_batch(conninfo: str, batch_id: int, hash_key: str) -> LoadResult:
    """Load a staged (and validated) batch into ``dw``; re-running it changes nothing.

    ``hash_key`` is the secret of the applicant HMAC (``TTHC_HASH_KEY`` in the DAG layer).
    """
    if not hash_key:
        raise ValueError("hash_key is empty: the applicant hash needs a secret key")
    prepare_load(conninfo, batch_id, hash_key)
    result, written = _load_in_one_transaction(conninfo, batch_id, hash_key)
    refresh_statistics(conninfo, written)
    return result


def _load_in_one_transaction(conninfo: str, batch_id: int,
                             hash_key: str) -> tuple[LoadResult, dict[str, int]]:
    """The load itself; also the rows it wrote per entity (its own and those it released)."""
    params = {"batch_id": batch_id}
    with psycopg.connect(conninfo) as conn, conn.transaction():
        lock_prepared(conn, batch_id)  # first: prepare_load takes it before reading the batch
        batch = lock_batch(conn, batch_id)
        conn.execute(SESSION_SETTINGS)
        if batch.status in (LOADED, SUPERSEDED):
            log.info("%s: nothing to load; releasing what may wait for it", batch.describe())
            released = _release(conn, batch, hash_key)
            recorded = LoadResult(*conn.execute(_RECORDED_COUNTS, params).fetchone())
            # A retry after a crash between the commit and the ANALYZE gets it here; once it
            # ran, the table's size as analysed keeps it from running again.
            return recorded, {**released, batch.entity: (recorded.n_loaded or 0)
                              + released.get(batch.entity, 0)}
        _check_loadable(batch)
        _lock_entity(conn, batch.entity, batch.source_code)
        _load_statements(conn, batch.entity, batch_id, hash_key)
        result = LoadResult(*conn.execute(read_sql("load/batch_counts.sql"), params).fetchone())
        _check_reconciled(batch_id, result)
        conn.execute(read_sql("load/watermark.sql"), params)
        superseded = [b for (b,) in conn.execute(read_sql("load/supersede_older_batches.sql"),
                                                 params)]
        released = _release(conn, batch, hash_key)
        if released.get(batch.entity):  # some of its own parked records were released
            result = LoadResult(*conn.execute(_RECORDED_COUNTS, params).fetchone())
        _clean_staging(conn, batch.entity, [batch_id, *superseded])
        crash_point("load.before_commit", batch.entity)
    crash_point("load.after_commit", batch.entity)
    if superseded:
        log.info("batch %d supersedes the older extractions %s of its window",
                 batch_id, superseded)
    return result, {**released, batch.entity: result.n_loaded}


def refresh_statistics(conninfo: str, written: dict[str, int]) -> list[str]:
    """ANALYZE, after the load committed, the dw tables of each entity that just loaded more
    records than autovacuum's analyze threshold (50 rows + 10 % of its first table, e.g.
    ``dw.fact_dossier``, as last analysed), and any of its tables never analysed; return the
    tables analysed.

    Autovacuum would do the same within a minute or so; the step after a big load (a
    backfill's next day, the Friday publish) must not plan before it. Planned with the
    statistics of the empty tables, the Friday report's compliance-flag insert probed 5M
    status steps by sequential scan and ran for more than 19 minutes after a 1M-dossier load.
    A small day's load into a big warehouse analyses nothing. Statistics are a help, not the
    load: a failure here is logged, not raised.
    """
    entities = {entity: n for entity, n in written.items() if n}
    tables = [t for entity in entities for t in entity_definition(entity).dw_tables]
    if not tables:
        return []
    analysed = []
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            sizes = dict(conn.execute(read_sql("load/analysed_sizes.sql"),
                                      {"tables": tables}).fetchall())
            for entity, n_written in entities.items():
                own = entity_definition(entity).dw_tables
                grown = n_written > _ANALYZE_BASE_ROWS + _ANALYZE_SHARE * max(sizes[own[0]], 0)
                for table in own:
                    if grown or sizes[table] < 0:
                        conn.execute(sql.SQL("analyze {}").format(sql.Identifier("dw", table)))
                        analysed.append(table)
    except psycopg.Error as error:
        log.warning("statistics of %s not refreshed after the load (autovacuum will): %s",
                    ", ".join(tables), error)
    if analysed:
        log.info("analysed %s after the load", ", ".join(analysed))
    return analysed


def refresh_dim_date(conninfo: str, first_day: date, last_day: date) -> int:
    """Upsert ``dw.dim_date`` for [first_day, last_day]; return how many rows were added or changed.

    Run it over a year after editing ``meta.holiday_override``; loads add the years their facts
    need on their own, so a fact never points at a day that is missing.
    """
    with psycopg.connect(conninfo) as conn, conn.transaction():
        return _upsert_dim_date(conn, first_day, last_day)


_RECORDED_COUNTS = ("select n_extracted, n_loaded, n_quarantined from meta.load_batch"
                    " where batch_id = %(batch_id)s")


def _load_statements(conn: psycopg.Connection, entity: str, batch_id: int,
                     hash_key: str) -> None:
    """Run the entity's load statements over the loadable staged rows of ``batch_id``, into the
    rows of its source."""
    (source_code,) = conn.execute("select source_code from meta.load_batch where batch_id = %s",
                                  (batch_id,)).fetchone()
    params = {"batch_id": batch_id, "source_code": source_code}
    _cover_batch_dates(conn, batch_id)
    if entity == PREPARED_ENTITY:
        ensure_prepared(conn, batch_id, hash_key)
    for load_file in entity_definition(entity).load_files:
        conn.execute(read_sql(f"load/{load_file}.sql"), params)
        if load_file == "fact_dossier":
            # The status and supplement loads join the dossiers just written: with the
            # temporary table's real size the planner hashes instead of probing row by row.
            conn.execute("analyze written_dossier")


def _lock_entity(conn: psycopg.Connection, entity: str, source_code: str) -> None:
    """Loads of one entity of one source wait for each other until commit (re-entrant within a
    transaction); other sources' loads run beside them."""
    conn.execute("select pg_advisory_xact_lock(%s, hashtext(%s))",
                 (_LOCK_CLASS, f"{source_code}/{entity}"))


def _release(conn: psycopg.Connection, batch: Batch, hash_key: str) -> dict[str, int]:
    return release_parked(
        conn, batch.batch_id, batch.source_code,
        load_statements=lambda c, entity, b: _load_statements(c, entity, b, hash_key),
        entity_lock=lambda c, entity: _lock_entity(c, entity, batch.source_code))


def _clean_staging(conn: psycopg.Connection, entity: str, batch_ids: list[int]) -> None:
    """The loaded batch (and those it superseded) leave the entity's staging tables, but for
    its parked records.

    A table that holds this one batch and nothing else, none of it parked, is truncated:
    deleting a 1M batch's staged rows (1M dossiers, 5.1M status steps, their other lists) row
    by row took 5 % of the load (6.8 s; 8.9 s when a checkpoint had begun, after which each
    page's first change goes to the WAL whole), wrote about 30 % of its WAL (5.8 GB with the
    deletes, 4.0 GB without) and left the rows for autovacuum (bench/RESULTS.md). Truncating
    needs the table to itself: when another transaction uses it (another source's batch being
    staged, checked or loaded, autovacuum), its rows are deleted instead of waiting. Only the
    entity's own tables are touched: a load holding one of them exclusively never waits for
    another entity's, so no two loads' cleanups wait for each other.
    """
    alone = len(batch_ids) == 1 and not _has_parked(conn, entity, batch_ids[0])
    untruncated = []
    for table in staged_tables(entity):
        if not (alone and _truncate_if_only_batch(conn, sql.Identifier("staging", table),
                                                  batch_ids[0])):
            untruncated.append(table)
    unstage(conn, entity, batch_ids, tuple(untruncated))


def _has_parked(conn: psycopg.Connection, entity: str, batch_id: int) -> bool:
    return conn.execute(read_sql("load/batch_has_parked.sql"),
                        {"entity": entity, "batch_id": batch_id}).fetchone()[0]


def _truncate_if_only_batch(conn: psycopg.Connection, table: sql.Identifier,
                            batch_id: int) -> bool:
    """Truncate ``table`` if it holds only ``batch_id``'s rows and no other transaction uses
    it; return whether it did. The lock is asked for without waiting: under it, nothing else
    can add rows between the check and the truncation, and a truncation is not visible to
    other transactions before the load commits."""
    holds_only = sql.SQL(read_sql("load/staging_holds_only.sql")).format(table=table)
    if not conn.execute(holds_only, {"batch_id": batch_id}).fetchone()[0]:
        return False
    try:
        with conn.transaction():  # a savepoint: a refused lock leaves the load as it was
            conn.execute(sql.SQL("lock table {} in access exclusive mode nowait").format(table))
    except psycopg.errors.LockNotAvailable:
        return False
    if not conn.execute(holds_only, {"batch_id": batch_id}).fetchone()[0]:
        return False  # another batch's rows committed before the lock; the delete takes ours
    conn.execute(sql.SQL("truncate {}").format(table))
    return True


def _check_loadable(batch: Batch) -> None:
    if batch.status == LANDED or batch.n_extracted is None:
        raise ValueError(f"batch {batch.batch_id} is not staged yet (run stage_batch first)")
    if batch.status not in _LOADABLE_STATUSES:
        raise ValueError(f"{batch.describe()}; it cannot be loaded")


def _check_reconciled(batch_id: int, result: LoadResult) -> None:
    if result.n_extracted != result.n_loaded + result.n_quarantined:
        raise ReconciliationError(
            f"batch {batch_id}: extracted {result.n_extracted} != loaded {result.n_loaded}"
            f" + quarantined {result.n_quarantined}; a staged row is neither loadable (natural"
            " key and NgayCapNhat present) nor quarantined, or the quarantine names a row"
            " that was never staged"
        )


def _cover_batch_dates(conn: psycopg.Connection, batch_id: int) -> None:
    missing = conn.execute(read_sql("load/missing_calendar_years.sql"), {"batch_id": batch_id})
    for (year,) in missing.fetchall():
        _upsert_dim_date(conn, date(year, 1, 1), date(year, 12, 31))


def _upsert_dim_date(conn: psycopg.Connection, first_day: date, last_day: date) -> int:
    if first_day > last_day:
        raise ValueError(f"empty range: {first_day} is after {last_day}")
    overrides = [
        HolidayOverride(*row)
        for row in conn.execute(
            "select calendar_date, is_working_day, name_vi, name_en from meta.holiday_override"
            " where calendar_date between %s and %s",
            (first_day, last_day),
        )
    ]
    exceptions = calendar_exceptions(first_day, last_day, overrides)
    params = {
        "first_day": first_day,
        "last_day": last_day,
        "exception_days": [e.day for e in exceptions],
        "exception_is_working_day": [e.is_working_day for e in exceptions],
        "exception_names_vi": [e.name_vi for e in exceptions],
        "exception_names_en": [e.name_en for e in exceptions],
        "exception_is_override": [e.is_override for e in exceptions],
    }
    return conn.execute(read_sql("load/dim_date.sql"), params).rowcount

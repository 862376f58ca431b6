"""The per-record part of a dossier batch's load, computed before the load's transaction.

``fact_dossier.sql`` needs, for every loadable record, the applicant's keyed hash and the
content hash of the version (the record and its lists of steps, rounds, fees and letters). Both
depend on the staged batch alone, and the content hash was half the statement's time (6 of 12 s
at 300,000 dossiers): the load computes them first, its records split over two connections,
one Postgres backend per core, into ``staging.ho_so_prepared`` (V023), and its one transaction
joins that table (bench/RESULTS.md, "The content hashes before the load's transaction").

Nothing of ``dw`` is written here, so R4 is untouched: a crash leaves scratch rows that the
next attempt replaces. Inside the transaction the load checks that every loadable record has
its row and computes the missing batch's rows itself, on its own connection, when one does not
(``ensure_prepared``): a release loading a parked batch's records, a re-staging in between (it
removes them), a crash recovery (the tables are unlogged). Locks keep the rows whole: preparing
holds the batch's prepare lock, which the load's transaction takes first, and a shared
staging lock, so a re-staging of the batch waits for it, and it for the re-staging.
"""

from __future__ import annotations

import hmac
from concurrent.futures import ThreadPoolExecutor

import psycopg
from psycopg import sql

from tthc_pipeline.crashpoints import crash_point
from tthc_pipeline.entities import entity as entity_definition
from tthc_pipeline.paths import read_sql
from tthc_pipeline.transform.batches import FINISHED
from tthc_pipeline.transform.stage import SESSION_SETTINGS, STAGING_LOCK_CLASS, unstage

# The entity whose load is prepared; its scratch tables are entities.py's prepared_tables.
PREPARED_ENTITY = "ho_so"
# Connections computing one batch's rows at once, one Postgres backend each: the machine's two
# cores (nothing else of the load runs meanwhile).
PREPARE_CONNECTIONS = 2
PREPARE_LOCK_CLASS = 0x7474_6870  # advisory locks of preparing; the batch is the second key
_HASH_CHUNK = 50_000  # identity numbers hashed per round trip
_BATCH = "select entity, status, n_extracted from meta.load_batch where batch_id = %s"


def prepare_load(conninfo: str, batch_id: int, hash_key: str) -> bool:
    """Compute the batch's prepared rows before its load, on ``PREPARE_CONNECTIONS`` connections;
    return whether it did (only a dossier batch that can still load is prepared)."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s, %s)", (PREPARE_LOCK_CLASS, batch_id))
        conn.execute("select pg_advisory_lock_shared(%s, %s)", (STAGING_LOCK_CLASS, batch_id))
        # read without a lock: the load's transaction takes the batch's row after the prepare
        # lock, so waiting here for the row would wait for ourselves
        row = conn.execute(_BATCH, (batch_id,)).fetchone()
        if row is None or row[0] != PREPARED_ENTITY or row[1] in FINISHED or row[2] is None:
            return False  # the load itself says why it loads nothing
        with conn.transaction():
            clear_prepared(conn, [batch_id])
            _hash_applicants(conn, batch_id, hash_key)
        with ThreadPoolExecutor(max_workers=PREPARE_CONNECTIONS) as pool:
            list(pool.map(lambda shard: _prepare_share(conninfo, batch_id, shard),
                          range(PREPARE_CONNECTIONS)))
        _analyze(conn, "ho_so_prepared")
    crash_point("prepare.after_commit", PREPARED_ENTITY)
    return True


def lock_prepared(conn: psycopg.Connection, batch_id: int) -> None:
    """Until the transaction ends, no one prepares the batch: its load's transaction takes this
    before anything else (before the batch's row), then reads the rows whole."""
    conn.execute("select pg_advisory_xact_lock(%s, %s)", (PREPARE_LOCK_CLASS, batch_id))


def ensure_prepared(conn: psycopg.Connection, batch_id: int, hash_key: str) -> None:
    """Inside a load's transaction: compute the batch's rows on ``conn`` unless every loadable
    record has its row already. A batch that is not the load's own (a release) is loaded, and
    ``prepare_load`` leaves a loaded batch alone: only this transaction writes its rows. Its
    ANALYZE holds the scratch tables' analyze lock until the load commits: another source's
    prepare waits for that load then (a rare path: releases of parked dossiers, recoveries)."""
    (has_unprepared,) = conn.execute(read_sql("load/unprepared_dossiers.sql"),
                                     {"batch_id": batch_id}).fetchone()
    if not has_unprepared:
        return
    clear_prepared(conn, [batch_id])
    _hash_applicants(conn, batch_id, hash_key)
    conn.execute(read_sql("load/prepare_dossier_rows.sql"),
                 {"batch_id": batch_id, "shards": 1, "shard": 0})
    _analyze(conn, "ho_so_prepared")


def clear_prepared(conn: psycopg.Connection, batch_ids: list[int]) -> None:
    """Remove the batches' prepared rows."""
    unstage(conn, PREPARED_ENTITY, batch_ids, entity_definition(PREPARED_ENTITY).prepared_tables)


def _prepare_share(conninfo: str, batch_id: int, shard: int) -> None:
    with psycopg.connect(conninfo) as conn, conn.transaction():
        conn.execute(SESSION_SETTINGS)
        conn.execute(read_sql("load/prepare_dossier_rows.sql"),
                     {"batch_id": batch_id, "shards": PREPARE_CONNECTIONS, "shard": shard})


def _analyze(conn: psycopg.Connection, table: str) -> None:
    """Show the planner the rows just written: fact_dossier.sql joins a batch's records to
    them, and with the statistics of an empty table it probes them row by row."""
    conn.execute(sql.SQL("analyze {}").format(sql.Identifier("staging", table)))


def _hash_applicants(conn: psycopg.Connection, batch_id: int, hash_key: str) -> None:
    """Fill ``staging.ho_so_applicant_hash`` with HMAC-SHA256(key, identity number) of the
    batch's applicants.

    Computed here, not with pgcrypto's ``hmac()``: as a query parameter the key would show in
    the server's log wherever statement logging is on. COPY data is never logged. The digest is
    the one ``hmac(id, key, 'sha256')`` gave, so hashes already in ``dw`` still match. The
    numbers are read in chunks through a server-side cursor: memory stays flat.
    """
    key = hash_key.encode()
    with conn.cursor(name="applicant_id_numbers") as numbers:
        numbers.execute(read_sql("load/applicant_id_numbers.sql"), {"batch_id": batch_id})
        while chunk := numbers.fetchmany(_HASH_CHUNK):
            with conn.cursor().copy("copy staging.ho_so_applicant_hash"
                                    " (batch_id, id_number, applicant_hash) from stdin") as copy:
                for (number,) in chunk:
                    copy.write_row((batch_id, number,
                                    hmac.digest(key, number.encode(), "sha256")))
    _analyze(conn, "ho_so_applicant_hash")

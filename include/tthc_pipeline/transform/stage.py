"""Step 2 of a batch: ``raw.<entity>`` → ``staging.<entity>``, typed and normalised, in SQL.

One transaction: the batch's old staging rows go, the new ones come, and the batch row gets
its counts (distinct records and identical copies), so re-staging a batch is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from tthc_pipeline.paths import read_sql
from tthc_pipeline.transform.batches import lock_batch

# Staging tables per entity, filled in this order by sql/staging/<table>.sql: the first holds
# the records, the others their child collections, staged from the records' staged rows.
STAGING_TABLES = {
    "don_vi": ("don_vi",),
    "thu_tuc": ("thu_tuc",),
    "ho_so": ("ho_so", "ho_so_tien_do", "ho_so_bo_sung", "ho_so_le_phi"),
    "giao_dich": ("giao_dich",),
}


# For this transaction only: a national day's batch is a few hundred thousand rows, and the
# sorts and hashes over it spilled to disk at the default 4 MB (bench/RESULTS.md).
SESSION_SETTINGS = "set local work_mem = '256MB'"


@dataclass(frozen=True)
class StageResult:
    n_received: int
    n_duplicates: int
    n_staged: int


def stage_batch(conninfo: str, batch_id: int) -> StageResult:
    """Stage a landed batch; identical copies of a record collapse into one staged row."""
    params = {"batch_id": batch_id}
    with psycopg.connect(conninfo) as conn, conn.transaction():
        records_table, *child_tables = STAGING_TABLES[lock_batch(conn, batch_id).entity]
        conn.execute(SESSION_SETTINGS)
        conn.execute(read_sql("staging/delete_batch.sql"), params)
        n_staged = conn.execute(read_sql(f"staging/{records_table}.sql"), params).rowcount
        _analyze_batch_ids(conn, [records_table])
        for child_table in child_tables:
            conn.execute(read_sql(f"staging/{child_table}.sql"), params)
        _analyze_batch_ids(conn, child_tables)
        counts = conn.execute(
            read_sql("staging/batch_counts.sql"), {**params, "n_staged": n_staged}
        ).fetchone()
    return StageResult(*counts)


def _analyze_batch_ids(conn: psycopg.Connection, tables: list[str]) -> None:
    """Show the planner the new batch: with statistics from before it, a batch of 100,000 rows
    looks like one, and the joins over it (child staging, quality gate, load) can turn into
    nested loops over the whole batch."""
    if tables:
        targets = sql.SQL(", ").join(
            sql.SQL("{} (batch_id)").format(sql.Identifier("staging", table)) for table in tables
        )
        conn.execute(sql.SQL("analyze {}").format(targets))

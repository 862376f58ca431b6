"""R4: a load killed with SIGKILL in the middle of its transaction, then run again: no part of the
batch was ever visible to another connection, and after the re-run nothing is lost or doubled.

The load runs in its own process, as an Airflow worker would. The test holds a lock on a table
that the load writes late, so the load stops there with its earlier writes made but not
committed (pg_stat_activity shows it waiting, with a transaction id: it has written); then
the process is killed, as the OOM killer or a lost worker would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date

import psycopg
import pytest
from helpers.checksums import dw_checksum
from helpers.locks import backend, blocked_on, held_lock, holds_write_lock, wait_for
from helpers.pipeline import HASH_KEY, fresh_warehouse, land_and_stage
from helpers.records import dossier, procedure, unit
from psycopg.conninfo import make_conninfo

from tthc_pipeline.quality.gate import validate_batch
from tthc_pipeline.transform.load import LoadResult, load_batch

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

DAY = date(2025, 3, 3)
UNIT, PROCEDURE = "000.00.02.H49", "1.000153"
N_DOSSIERS = 20
LOADER = "r4-crashing-load"
# Where the load is stopped: a table it writes after the fact rows (and, for the watermark,
# after everything else, just before COMMIT), and a table it has written by then.
STOPS = {
    "after the dossier facts": ("dw.fact_dossier_status", "dw.fact_dossier"),
    "just before commit": ("meta.watermark", "meta.load_batch"),
}


def dossiers() -> list[dict]:
    moments = ["20250303080000", "20250303083000", "20250303100000"]
    return [dossier(f"HS-{i:03}", moments[-1], [(1, moments[0]), (2, moments[1]), (4, moments[2])],
                    DonViXuLy=UNIT, MaTTHC=PROCEDURE, NgayHenTra="20250317170000",
                    DanhSachLePhi=[{"MaPhiLePhi": "LP1", "LoaiPhiLePhi": 2, "SoTien": 30000}])
            for i in range(N_DOSSIERS)]


def validated_batch(conninfo: str) -> int:
    """The catalogues loaded, and a validated (not yet loaded) batch of dossiers."""
    for entity, records in (("don_vi", [unit(UNIT, "Sở Nội vụ", "20250101080000")]),
                            ("thu_tuc", [procedure(PROCEDURE, "20250101080000", [UNIT])])):
        batch_id = land_and_stage(conninfo, entity, records, DAY)
        validate_batch(conninfo, batch_id, 0.0)
        load_batch(conninfo, batch_id, HASH_KEY)
    batch_id = land_and_stage(conninfo, "ho_so", dossiers(), DAY)
    assert validate_batch(conninfo, batch_id, 0.0).n_quarantined == 0
    return batch_id


def start_load(conninfo: str, batch_id: int) -> subprocess.Popen:
    """``load_batch`` in a child process, its connection named so pg_stat_activity shows it."""
    code = ("import sys; from tthc_pipeline.transform.load import load_batch;"
            " load_batch(sys.argv[1], int(sys.argv[2]), sys.argv[3])")
    named = make_conninfo(conninfo, application_name=LOADER)
    return subprocess.Popen([sys.executable, "-c", code, named, str(batch_id), HASH_KEY])


def visible(conninfo: str, batch_id: int) -> tuple:
    """What another connection sees of the batch: its status, its watermark, its facts."""
    with psycopg.connect(conninfo) as conn:
        return conn.execute(
            "select (select status from meta.load_batch where batch_id = %(b)s),"
            " (select count(*) from meta.watermark where batch_id = %(b)s),"
            " (select count(*) from dw.fact_dossier),"
            " (select count(*) from dw.fact_dossier_status)", {"b": batch_id}).fetchone()


@pytest.mark.parametrize("stop", STOPS)
def test_r4_a_load_killed_mid_transaction_leaves_nothing_and_reruns_exactly(
        warehouse, postgres_server, stop):
    blocking_table, written_table = STOPS[stop]
    batch_id = validated_batch(warehouse)
    before = visible(warehouse, batch_id)
    assert before == ("validated", 0, 0, 0)

    with held_lock(warehouse, blocking_table):
        loader = start_load(warehouse, batch_id)
        try:
            server = wait_for(lambda: _waiting(warehouse, blocking_table), "the load to block")
            assert server.has_written and holds_write_lock(warehouse, server.pid, written_table)
            assert visible(warehouse, batch_id) == before  # its writes are its own
            os.kill(loader.pid, signal.SIGKILL)
            assert loader.wait(timeout=30) == -signal.SIGKILL
        finally:
            loader.kill()
    # The orphaned server process goes on once the lock is free, finds its client gone before
    # any COMMIT, and rolls back.
    wait_for(lambda: True if backend(warehouse, LOADER) is None else None, "the rollback")
    assert visible(warehouse, batch_id) == before

    assert load_batch(warehouse, batch_id, HASH_KEY) == LoadResult(N_DOSSIERS, N_DOSSIERS, 0)
    assert visible(warehouse, batch_id) == ("loaded", 1, N_DOSSIERS, 3 * N_DOSSIERS)
    with fresh_warehouse(postgres_server) as uninterrupted:
        load_batch(uninterrupted, validated_batch(uninterrupted), HASH_KEY)
        assert dw_checksum(warehouse) == dw_checksum(uninterrupted)


def _waiting(conninfo: str, table: str):
    server = backend(conninfo, LOADER)
    if server is None or blocked_on(conninfo, server.pid) != ("relation", table):
        return None
    return server

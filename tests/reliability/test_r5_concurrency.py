"""R5: two runs of overlapping windows at once end in the same warehouse as one after the other.

Two batches of one entity, extracted for overlapping windows (for the catalogue: two snapshots
of it, the second with a renamed and a new unit; for dossiers: a dossier in both windows at two
stages of its life, one in both at the same stage), load at the same moment in two threads.
The first is held inside its transaction by a lock the test holds; the second must then wait
for the loads' advisory lock (pg_locks shows it) rather than interleave, and once released,
both finish and the warehouse equals the one where they loaded one after the other.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import psycopg
import pytest
from helpers.checksums import dw_checksum
from helpers.locks import backend, blocked_on, held_lock, wait_for
from helpers.pipeline import HASH_KEY, VN, fresh_warehouse
from helpers.records import dossier, procedure, unit
from psycopg.conninfo import make_conninfo

from tthc_pipeline.extract.landing import land_records
from tthc_pipeline.quality.gate import validate_batch
from tthc_pipeline.transform.load import LoadResult, load_batch
from tthc_pipeline.transform.stage import stage_batch

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

ROOT, UNIT, PROCEDURE = "000.00.00.H49", "000.00.02.H49", "1.000153"
MONDAY = datetime(2025, 3, 3, tzinfo=VN)
FIRST = (MONDAY, MONDAY + timedelta(days=2))  # [Mon, Wed)
SECOND = (MONDAY + timedelta(days=1), MONDAY + timedelta(days=3))  # [Tue, Thu): overlaps
LOAD_LOCK = f"{0x7474_6864}"  # transform.load._LOCK_CLASS, as pg_locks shows the first key


def tuesday_dossier(code: str, **fields) -> dict:
    steps = [(1, "20250304080000"), (2, "20250304083000")]
    return dossier(code, "20250304083000", steps, DonViXuLy=UNIT, MaTTHC=PROCEDURE, **fields)


def finished_on_wednesday(code: str) -> dict:
    steps = [(1, "20250304080000"), (2, "20250304083000"), (9, "20250305150000")]
    return dossier(code, "20250305150000", steps, DonViXuLy=UNIT, MaTTHC=PROCEDURE,
                   NgayKetThucXuLy="20250305150000")


BATCHES = {
    "don_vi": (
        [unit(ROOT, "UBND tỉnh", "20250101080000", CapDonVi="tinh"),
         unit(UNIT, "Sở Nội vụ", "20250303090000", MaDonViCha=ROOT)],
        [unit(ROOT, "UBND tỉnh", "20250101080000", CapDonVi="tinh"),
         unit(UNIT, "Sở Nội vụ và Lao động", "20250304090000", MaDonViCha=ROOT),
         unit("000.00.03.H49", "Sở Tư pháp", "20250304090000", MaDonViCha=ROOT)],
    ),
    "ho_so": (
        [tuesday_dossier("HS-1"), tuesday_dossier("HS-2"),
         dossier("HS-0", "20250303100000", [(2, "20250303100000")], DonViXuLy=UNIT,
                 MaTTHC=PROCEDURE)],
        [finished_on_wednesday("HS-1"), tuesday_dossier("HS-2"), tuesday_dossier("HS-3")],
    ),
}


CATALOGUES = {
    "don_vi": [unit(ROOT, "UBND tỉnh", "20250101080000", CapDonVi="tinh"),
               unit(UNIT, "Sở Nội vụ", "20250101080000", MaDonViCha=ROOT)],
    "thu_tuc": [procedure(PROCEDURE, "20250101080000", [UNIT])],
}


def catalogued(conninfo: str) -> str:
    """Units and procedures in dw, as the dossiers' reference rules need them."""
    for entity, records in CATALOGUES.items():
        load_batch(conninfo, validated(conninfo, entity, records, FIRST), HASH_KEY)
    return conninfo


def validated(conninfo: str, entity: str, records: list[dict], window) -> int:
    batch_id = land_records(conninfo, entity, *window, records).batch_id
    stage_batch(conninfo, batch_id)
    assert validate_batch(conninfo, batch_id, 0.0).n_quarantined == 0
    return batch_id


def two_batches(conninfo: str, entity: str) -> tuple[int, int]:
    first, second = BATCHES[entity]
    return (validated(conninfo, entity, first, FIRST), validated(conninfo, entity, second, SECOND))


class Load(threading.Thread):
    """``load_batch`` in a thread; its connection is named so pg_stat_activity shows it."""

    def __init__(self, conninfo: str, batch_id: int, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.conninfo = make_conninfo(conninfo, application_name=name)
        self.batch_id = batch_id
        self.result: LoadResult | BaseException | None = None

    def run(self) -> None:
        try:
            self.result = load_batch(self.conninfo, self.batch_id, HASH_KEY)
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            self.result = error


@pytest.mark.parametrize("entity", BATCHES)
def test_r5_overlapping_loads_at_once_wait_for_each_other_and_end_as_in_sequence(
        warehouse, postgres_server, entity):
    first_id, second_id = two_batches(catalogued(warehouse), entity)
    first, second = Load(warehouse, first_id, "r5-first"), Load(warehouse, second_id, "r5-second")
    with held_lock(warehouse, "meta.watermark"):  # every load writes it last
        first.start()
        wait_for(lambda: _blocked(warehouse, "r5-first", ("relation", "meta.watermark")),
                 "the first load to stop before its commit")
        second.start()
        wait_for(lambda: _blocked(warehouse, "r5-second",
                                  ("advisory", f"{LOAD_LOCK}/{_lock_key(warehouse, entity)}")),
                 "the second load to wait for the first one's advisory lock")
    first.join(30), second.join(30)
    assert isinstance(first.result, LoadResult) and isinstance(second.result, LoadResult), (
        first.result, second.result)

    with fresh_warehouse(postgres_server) as sequential:
        in_sequence = two_batches(catalogued(sequential), entity)
        for batch_id in in_sequence:
            load_batch(sequential, batch_id, HASH_KEY)
        assert dw_checksum(warehouse) == dw_checksum(sequential)


def _lock_key(conninfo: str, entity: str) -> int:
    """The second key of the loads' advisory lock of one source's entity, as pg_locks shows it
    (an oid: the int4 hash read unsigned)."""
    with psycopg.connect(conninfo) as conn:
        return conn.execute("select hashtext(%s)::bigint & 4294967295",
                            (f"quang_nam/{entity}",)).fetchone()[0]


def _blocked(conninfo: str, application_name: str, on: tuple[str, str]) -> bool | None:
    server = backend(conninfo, application_name)
    return True if server is not None and blocked_on(conninfo, server.pid) == on else None


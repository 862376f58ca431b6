"""R3: every window loaded twice, or in shuffled order, leaves dw byte-identical to a clean run."""

import random
from datetime import date

import pytest
from helpers.checksums import dw_checksum
from helpers.pipeline import fresh_warehouse, ingest
from helpers.records import dossier, payment, procedure, unit

pytestmark = pytest.mark.integration

# (entity, window day, records): the catalogues change once, dossiers and payments move on.
BATCHES = [
    ("don_vi", date(2025, 3, 1), [unit("U0", "UBND tỉnh", "20250101000000", CapDonVi="tinh"),
                                  unit("U1", "Sở Tư pháp", "20250101000000", MaDonViCha="U0")]),
    ("thu_tuc", date(2025, 3, 1), [procedure("P1", "20250101000000", ["U1"])]),
    ("ho_so", date(2025, 3, 3), [dossier("HS1", "20250303090000", [(2, "20250303090000")]),
                                 dossier("HS2", "20250303100000", [(1, "20250303100000")])]),
    ("giao_dich", date(2025, 3, 3), [payment("T1", "HS1", "20250303093000",
                                             TrangThai="khoi-tao", ThoiGianGDThanhCong=None)]),
    ("don_vi", date(2025, 3, 4), [unit("U1", "Sở Tư pháp tỉnh", "20250304080000",
                                       MaDonViCha="U0")]),
    ("thu_tuc", date(2025, 3, 4), [procedure("P1", "20250304080000", ["U1", "U0"],
                                             MucDoDVC="mot_phan")]),
    ("ho_so", date(2025, 3, 4), [
        dossier("HS1", "20250304150000", [(2, "20250303090000"), (4, "20250304150000")]),
        dossier("HS3", "20250304110000", [(2, "20250304110000")], KenhThucHien=1)]),
    ("giao_dich", date(2025, 3, 4), [payment("T1", "HS1", "20250304080000",
                                             ThoiGianGD="20250303093000"),
                                     payment("T2", "HS3", "20250304120000", TrangThai="that-bai",
                                             MaLoi="51", ThoiGianGDThanhCong=None)]),
    ("ho_so", date(2025, 3, 12), [
        dossier("HS1", "20250312100000", [(2, "20250303090000"), (4, "20250304150000"),
                                          (10, "20250312100000")],
                NgayKetThucXuLy="20250312100000", NgayTra="20250312100000"),
        dossier("HS2", "20250312090000", [(1, "20250303100000"), (3, "20250312090000")])]),
]


def load_all(conninfo: str, batches: list) -> None:
    for entity, day, records in batches:
        ingest(conninfo, entity, records, day)


@pytest.fixture(scope="module")
def clean_run(postgres_server):
    """The checksum of one clean, in-order run: what every other order must reproduce."""
    with fresh_warehouse(postgres_server) as conninfo:
        load_all(conninfo, BATCHES)
        yield dw_checksum(conninfo)


def test_every_window_twice_gives_the_clean_run(warehouse, clean_run):
    load_all(warehouse, [batch for batch in BATCHES for _ in range(2)])
    assert dw_checksum(warehouse) == clean_run


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_windows_in_shuffled_order_give_the_clean_run(warehouse, clean_run, seed):
    shuffled = BATCHES.copy()
    random.Random(seed).shuffle(shuffled)
    load_all(warehouse, shuffled)
    assert dw_checksum(warehouse) == clean_run


def test_windows_in_reverse_order_give_the_clean_run(warehouse, clean_run):
    load_all(warehouse, BATCHES[::-1])
    assert dw_checksum(warehouse) == clean_run

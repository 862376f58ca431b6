"""The scorecard fields of a generated province (scorecards.md, "Contract additions" and
"Compliance flags"): present on every record, consistent with each dossier's lifecycle, and
different from unit to unit as real units are; the clock hides what has not happened yet."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from simkit import TOKEN, Client

from simulator import SimulatorConfig, cut_to, start_simulator
from simulator.timestamps import TZ

pytestmark = pytest.mark.simulator

WHOLE = {"cap_nhat_tu": "20250101000000", "cap_nhat_den": "20260101000000", "limit": 5000}
FINISHED = 9


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[list[dict], list[dict]]]:
    """A year of 40,000 dossiers seen after they all ended, and the procedure catalogue."""
    config = SimulatorConfig(token=TOKEN, seed=11, scale=40_000, start=date(2025, 1, 2),
                             end=date(2025, 12, 1), now=datetime(2026, 1, 1, tzinfo=TZ))
    with start_simulator(config) as simulator:
        client = Client(simulator)
        yield client.all("ho-so", **WHOLE), client.all("thu-tuc")


def _resolver_is_receiver(dossier: dict) -> bool | None:
    """Whether the officer of the status 2 step also did the status 9 step (None: no pair)."""
    officers = {step["TrangThai"]: step["NguoiXuLy"] for step in dossier["TienDo"]}
    if 2 not in officers or FINISHED not in officers:
        return None
    return officers[2] == officers[FINISHED]


def _finished(dossier: dict) -> bool:
    return any(step["TrangThai"] == FINISHED for step in dossier["TienDo"])


def _late(dossier: dict) -> bool:
    """Finished after the due date in force (by calendar date, domain.md)."""
    return (_finished(dossier) and bool(dossier["NgayHenTra"])
            and dossier["NgayKetThucXuLy"][:8] > dossier["NgayHenTra"][:8])


def test_every_record_carries_the_fields_with_their_types(served) -> None:
    dossiers, procedures = served
    for dossier in dossiers:
        assert dossier["CoKetQuaDienTu"] in (0, 1)
        assert dossier["TaiKhoanDuocXacThucVoiVNeID"] in (0, 1)
        assert isinstance(dossier["DanhSachXinLoi"], list)
        if dossier["CoKetQuaDienTu"]:
            assert _finished(dossier), "an electronic result is a result"
        for letter in dossier["DanhSachXinLoi"]:
            assert set(letter) == {"NgayXinLoi", "NgayHenTraMoi", "LyDo"}
            assert dossier["NgayTiepNhan"] < letter["NgayXinLoi"]
            assert letter["NgayHenTraMoi"] >= letter["NgayXinLoi"] and letter["LyDo"]
        if dossier["DanhSachXinLoi"] and _finished(dossier):
            assert _late(dossier), "letters are written for late results only"
            assert dossier["DanhSachXinLoi"][-1]["NgayXinLoi"] < dossier["NgayKetThucXuLy"]
    for procedure in procedures:
        assert isinstance(procedure["DuDieuKienToanTrinh"], bool)
        assert isinstance(procedure["CoThanhToanTrucTuyen"], bool)
        if procedure["CoThanhToanTrucTuyen"]:
            assert procedure["CoPhiLePhi"], "online payment is for procedures with fees"


def test_procedures_full_process_eligibility_and_online_payment(served) -> None:
    _, procedures = served
    eligible = [p for p in procedures if p["DuDieuKienToanTrinh"]]
    assert len(eligible) > len(procedures) / 2
    full = [p for p in procedures if p["MucDoDVC"] == "toan_trinh"]
    assert sum(p["DuDieuKienToanTrinh"] for p in full) > 0.9 * len(full)
    with_fees = [p for p in procedures if p["CoPhiLePhi"]]
    paid_online = sum(p["CoThanhToanTrucTuyen"] for p in with_fees)
    assert 0.6 * len(with_fees) < paid_online < len(with_fees)


def test_units_differ_in_electronic_results_and_vneid_rises(served) -> None:
    dossiers, _ = served
    results: dict[str, list[int]] = defaultdict(list)
    for dossier in dossiers:
        if _finished(dossier):
            results[dossier["DonViXuLy"]].append(dossier["CoKetQuaDienTu"])
    shares = [sum(flags) / len(flags) for flags in results.values() if len(flags) >= 40]
    assert len(shares) >= 20
    assert min(shares) < 0.35 and max(shares) > 0.85
    by_half = Counter()
    for dossier in dossiers:
        received = dossier["NgayTiepNhan"] or dossier["NgayNopHoSo"]
        half = "early" if received < "20250601" else "late"
        by_half[half, dossier["TaiKhoanDuocXacThucVoiVNeID"]] += 1
    early = by_half["early", 1] / (by_half["early", 0] + by_half["early", 1])
    later = by_half["late", 1] / (by_half["late", 0] + by_half["late", 1])
    assert 0.05 < early < later < 0.95


def test_most_units_apologise_for_late_results_and_a_few_do_not(served) -> None:
    dossiers, _ = served
    late: dict[str, list[dict]] = defaultdict(list)
    for dossier in dossiers:
        if _late(dossier):
            late[dossier["DonViXuLy"]].append(dossier)
    assert not any(d["DanhSachXinLoi"] for d in dossiers if _finished(d) and not _late(d))
    rates = {unit: sum(bool(d["DanhSachXinLoi"]) for d in found) / len(found)
             for unit, found in late.items() if len(found) >= 15}
    assert len(rates) >= 5
    assert min(rates.values()) < 0.5
    assert sum(rate > 0.8 for rate in rates.values()) > 0.6 * len(rates)
    # a diligent unit dates its letter by the due date it is about to miss
    diligent = [unit for unit, rate in rates.items() if rate > 0.8]
    letters = [(d["DanhSachXinLoi"][0]["NgayXinLoi"], d["NgayHenTra"])
               for unit in diligent for d in late[unit] if d["DanhSachXinLoi"]]
    in_time = sum(letter[:8] <= due[:8] for letter, due in letters)
    assert in_time > 0.9 * len(letters)
    assert any(len(d["DanhSachXinLoi"]) == 2 for d in dossiers)


def test_reception_and_resolution_by_one_officer_in_a_few_units(served) -> None:
    dossiers, _ = served
    pairs: dict[str, list[bool]] = defaultdict(list)
    for dossier in dossiers:
        same = _resolver_is_receiver(dossier)
        if same is not None:
            pairs[dossier["DonViXuLy"]].append(same)
    rates = [sum(flags) / len(flags) for flags in pairs.values() if len(flags) >= 30]
    assert len(rates) >= 20
    often = [rate for rate in rates if rate >= 0.2]
    assert often and len(often) < 0.2 * len(rates)
    assert sum(rate == 0 for rate in rates) > 0.7 * len(rates)


LETTER = {"NgayXinLoi": "20230320150000", "NgayHenTraMoi": "20230324170000",
          "LyDo": "Chờ ý kiến của cơ quan phối hợp"}
LATE = {
    "MaHoSo": "HS-LATE", "MaTTHC": "1.000001", "DonViXuLy": "000.00.03.H49",
    "NgayNopHoSo": "20230301080000", "NgayTiepNhan": "20230301100000",
    "NgayHenTra": "20230320100000", "NgayKetThucXuLy": "20230323090000", "NgayTra": None,
    "TrangThaiHoSo": 9, "CoKetQuaDienTu": 1, "TaiKhoanDuocXacThucVoiVNeID": 1,
    "DanhSachXinLoi": [LETTER],
    "TienDo": [{"TrangThai": 1, "ThoiDiemXuLy": "20230301080000"},
               {"TrangThai": 2, "ThoiDiemXuLy": "20230301100000"},
               {"TrangThai": 9, "ThoiDiemXuLy": "20230323090000"}],
    "NgayCapNhat": "20230323090000",
}


@pytest.mark.parametrize(("moment", "letters", "e_result", "updated"), [
    # before the letter: no letter, no result; the reception is the latest update
    ("20230320150000", [], 0, "20230301100000"),
    # the letter is an update of its own while the dossier waits
    ("20230321000000", [LETTER], 0, "20230320150000"),
    ("20230323090001", [LETTER], 1, "20230323090000"),
])
def test_the_clock_hides_letters_and_results_not_yet_issued(moment, letters, e_result,
                                                             updated) -> None:
    at = datetime.strptime(moment, "%Y%m%d%H%M%S").replace(tzinfo=TZ)
    seen = cut_to(LATE, at, "ho_so")
    assert seen["DanhSachXinLoi"] == letters
    assert seen["CoKetQuaDienTu"] == e_result and seen["TaiKhoanDuocXacThucVoiVNeID"] == 1
    assert seen["NgayCapNhat"] == updated

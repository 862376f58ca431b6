"""The clock hides future records and future history steps. Hand-made final-state records,
and their expected states at chosen moments computed by hand from the contract's rules."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime

import pytest
from simkit import SMALL, TOKEN, Client, local, write_scenario

from simulator import Province, ScenarioData, SimulatorConfig, cut_to, window_records
from simulator.timestamps import TZ

pytestmark = pytest.mark.simulator


def _step(status: int, moment: str) -> dict:
    return {"TrangThai": status, "ThoiDiemXuLy": moment, "PhongBanXuLy": "Phòng Tư pháp",
            "NguoiXuLy": "CB000101"}


STEPS = [_step(1, "20230301080000"), _step(2, "20230301100000"), _step(4, "20230301110000"),
         _step(5, "20230305090000"), _step(4, "20230310150000"), _step(5, "20230318090000"),
         _step(4, "20230321080000"), _step(9, "20230322090000"), _step(10, "20230323140000")]
ROUND_1 = {"NgayYeuCau": "20230305090000", "NgayTiepNhanBoSung": "20230310150000",
           "NgayHenTraTruoc": "20230315100000", "NgayHenTraMoi": "20230320100000"}
ROUND_2 = {"NgayYeuCau": "20230318090000", "NgayTiepNhanBoSung": "20230321080000",
           "NgayHenTraTruoc": "20230320100000", "NgayHenTraMoi": "20230323100000"}
# Final state: returned after two supplement rounds; edited once more on 25 March.
DOSSIER = {
    "MaHoSo": "000.00.03.H49-230301-00001", "MaTTHC": "1.000001", "DonViXuLy": "000.00.03.H49",
    "KenhThucHien": 2, "NgayNopHoSo": "20230301080000", "NgayTiepNhan": "20230301100000",
    "NgayHenTra": "20230323100000", "NgayKetThucXuLy": "20230322090000",
    "NgayTra": "20230323140000", "TrangThaiHoSo": 10, "DanhSachLePhi": [],
    "DanhSachHoSoBoSung": [ROUND_1, ROUND_2], "TienDo": STEPS, "NgayCapNhat": "20230325080000",
}


def _dossier_at(steps: int, status: int, rounds: list[dict], due: str, updated: str,
                received: str | None = "20230301100000", finished: str | None = None) -> dict:
    return {**DOSSIER, "NgayTiepNhan": received, "NgayHenTra": due, "NgayKetThucXuLy": finished,
            "NgayTra": None, "TrangThaiHoSo": status, "DanhSachHoSoBoSung": rounds,
            "TienDo": STEPS[:steps], "NgayCapNhat": updated}


PENDING_1 = {**ROUND_1, "NgayTiepNhanBoSung": None, "NgayHenTraMoi": None}
PENDING_2 = {**ROUND_2, "NgayTiepNhanBoSung": None, "NgayHenTraMoi": None}
DOSSIER_CUTS = [
    ("20230301080000", None),  # submitted exactly at t: not yet visible
    # Submitted, nothing else yet: no round requested, so the first (dropped) round's
    # NgayHenTraTruoc is the due date in force.
    ("20230301090000", _dossier_at(1, 1, [], "20230315100000", "20230301080000", received=None)),
    ("20230307000000", _dossier_at(4, 5, [PENDING_1], "20230315100000", "20230305090000")),
    ("20230310150000", _dossier_at(4, 5, [PENDING_1], "20230315100000", "20230305090000")),
    ("20230310150001", _dossier_at(5, 4, [ROUND_1], "20230320100000", "20230310150000")),
    ("20230319000000", _dossier_at(6, 5, [ROUND_1, PENDING_2], "20230320100000",
                                   "20230318090000")),
    ("20230322120000", _dossier_at(8, 9, [ROUND_1, ROUND_2], "20230323100000", "20230322090000",
                                   finished="20230322090000")),
    ("20230324000000", {**DOSSIER, "NgayCapNhat": "20230323140000"}),
    ("20230401000000", DOSSIER),
]

# A refunded online payment, and a failed attempt before it.
PAYMENT = {
    "MaThamChieu": "TT-2", "MaGiaoDich": "9704001", "MaHoSo": DOSSIER["MaHoSo"],
    "SoTien": 50000, "HinhThucThanhToan": "truc-tuyen", "TrangThai": "hoan-phi", "MaLoi": "00",
    "ThoiGianGD": "20230301083000", "ThoiGianGDThanhCong": "20230301083100",
    "ThoiGianHoanPhi": "20230305100000", "NgayCapNhat": "20230305100000",
}
FAILED = {**PAYMENT, "MaThamChieu": "TT-1", "MaGiaoDich": None, "TrangThai": "that-bai",
          "MaLoi": "24", "ThoiGianGD": "20230301082000", "ThoiGianGDThanhCong": None,
          "ThoiGianHoanPhi": None, "NgayCapNhat": "20230301082000"}
PAYMENT_CUTS = [
    ("20230301083000", None),
    ("20230301083030", {**PAYMENT, "MaGiaoDich": None, "TrangThai": "khoi-tao", "MaLoi": None,
                        "ThoiGianGDThanhCong": None, "ThoiGianHoanPhi": None,
                        "NgayCapNhat": "20230301083000"}),
    ("20230303000000", {**PAYMENT, "TrangThai": "thanh-cong", "ThoiGianHoanPhi": None,
                        "NgayCapNhat": "20230301083100"}),
    ("20230305100001", PAYMENT),
]
UNITS = [{"MaDinhDanh": "000.00.03.H49", "TenDonVi": "Sở Tư pháp", "CapDonVi": "so",
          "NgayCapNhat": "20230101000000"},
         {"MaDinhDanh": "000.00.99.H49", "TenDonVi": "Sở mới", "CapDonVi": "so",
          "NgayCapNhat": "20230320000000"}]


@pytest.mark.parametrize(("moment", "expected"), DOSSIER_CUTS)
def test_cut_to_dossier_by_hand(moment: str, expected: dict | None) -> None:
    final = copy.deepcopy(DOSSIER)
    assert cut_to(final, local(moment), "ho_so") == expected
    assert final == DOSSIER, "the final record must not be modified"


@pytest.mark.parametrize(("moment", "expected"), PAYMENT_CUTS)
def test_cut_to_payment_by_hand(moment: str, expected: dict | None) -> None:
    assert cut_to(PAYMENT, local(moment), "giao_dich") == expected
    assert cut_to(FAILED, local(moment), "giao_dich") == (
        FAILED if moment > "20230301082000" else None)


@pytest.fixture
def clock_client(simulator_factory, tmp_path) -> Client:
    folder = write_scenario(tmp_path, ho_so=[DOSSIER], giao_dich=[FAILED, PAYMENT],
                            don_vi=UNITS)
    config = SimulatorConfig(token=TOKEN, scenario_dir=folder,
                             now=datetime(2023, 3, 16, tzinfo=TZ))
    return Client(simulator_factory(config))


def _window(client: Client, path: str, start: str, end: str) -> list[dict]:
    return client.all(path, cap_nhat_tu=start, cap_nhat_den=end)


def test_windows_see_each_day_as_it_stood_at_the_window_end(clock_client: Client) -> None:
    """t = min(now, cap_nhat_den): a backfilled day sees what that day's run saw."""
    cut_at = dict(DOSSIER_CUTS)
    assert _window(clock_client, "ho-so", "20230301000000", "20230307000000") == [
        cut_at["20230307000000"]]
    assert _window(clock_client, "ho-so", "20230310000000", "20230310150001") == [
        cut_at["20230310150001"]]
    # Nothing happened to the dossier on 11 March: it is in no window of that day.
    assert _window(clock_client, "ho-so", "20230311000000", "20230312000000") == []
    payments = _window(clock_client, "giao-dich", "20230301000000", "20230303000000")
    assert payments == [FAILED, dict(PAYMENT_CUTS)["20230303000000"]]


def test_now_hides_what_happens_after_it(clock_client: Client) -> None:
    """--now is 16 March: the 18 March round and everything later are not visible yet."""
    [dossier] = _window(clock_client, "ho-so", "20230301000000", "20230401000000")
    assert dossier == cut_to(DOSSIER, local("20230316000000"), "ho_so")
    assert dossier["TrangThaiHoSo"] == 4
    assert dossier["DanhSachHoSoBoSung"] == [ROUND_1]
    assert dossier["NgayCapNhat"] == "20230310150000"
    assert _window(clock_client, "ho-so", "20230316000000", "20230401000000") == []
    payments = _window(clock_client, "giao-dich", "20230301000000", "20230401000000")
    assert [p["TrangThai"] for p in payments] == ["that-bai", "hoan-phi"]
    assert clock_client.all("don-vi") == UNITS[:1]  # the unit created on 20 March is not


def test_http_agrees_with_the_pure_path(clock_client: Client, tmp_path) -> None:
    source, now = ScenarioData(tmp_path), local("20230316000000")
    days = [f"202303{day:02d}000000" for day in range(1, 31)]
    for start, end in zip(days, days[1:], strict=False):
        for entity, path in (("ho_so", "ho-so"), ("giao_dich", "giao-dich")):
            expected = window_records(source, entity, local(start), local(end), now)
            assert _window(clock_client, path, start, end) == expected


def _timestamps(record: dict) -> list[str]:
    """Every yyyyMMddHHmmss value anywhere in a record (due dates excluded)."""
    found = []
    for name, value in record.items():
        if isinstance(value, str) and name.startswith(("Ngay", "ThoiGian", "ThoiDiem")) \
                and not name.startswith("NgayHenTra") and len(value) == 14:
            found.append(value)
        elif isinstance(value, list):
            found += [moment for item in value if isinstance(item, dict)
                      for moment in _timestamps(item)]
    return found


def test_generated_records_hide_their_future(simulator_factory) -> None:
    now = "20230201120000"
    config = replace(SMALL, rate_quirks=0.0, now=local(now))
    client = Client(simulator_factory(config))
    finals = Province(config.seed, config.scale, config.start, config.end)
    for entity, path, key, at_least in (("ho_so", "ho-so", "MaHoSo", 50),
                                        ("giao_dich", "giao-dich", "MaThamChieu", 1)):
        served = client.all(path, cap_nhat_tu="20221201000000", cap_nhat_den="20230601000000")
        assert all(moment < now for record in served for moment in _timestamps(record))
        final = {record[key]: record for record in finals.records(entity)}
        visible = {code: record for code, record in final.items()
                   if min(_timestamps(record)) < now}
        assert [record[key] for record in served] == list(visible)
        changed = [record for record in served if record != final[record[key]]]
        assert len(changed) >= at_least, "the cut should hide later steps"

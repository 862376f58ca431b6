"""Scenario folders are served verbatim (apart from the clock), however bad their values."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime

import pytest
from simkit import TOKEN, Client, write_scenario

from simulator import ScenarioData, ScenarioError, SimulatorConfig, cut_to
from simulator.timestamps import TZ

pytestmark = pytest.mark.simulator

NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
WEIRD_DOSSIER = (
    '{"NgayCapNhat": "20230302090000", "MaHoSo": "  HS-001 ", "ChuHoSo": "' + NFD_NAME + '", '
    '"DonViXuLy": "999.99.99.H00", "NgayNopHoSo": "20230301080000", '
    '"NgayTiepNhan": "2023-03-01 10:00:00", "NgayHenTra": "", "NgayTra": null, '
    '"NgayKetThucXuLy": "20230230120000", "TrangThaiHoSo": 42, "KenhThucHien": "2", '
    '"DanhSachLePhi": [{"SoTien": -5000}, {"SoTien": 12.5}, {"SoTien": "free"}], '
    '"TienDo": "not a list", "DanhSachHoSoBoSung": [1, "x", {"NgayYeuCau": "garbage"}], '
    '"extra": {"nested": [1, 2.5, true, null]}, "huge": 123456789012345678901234567890, '
    '"formula": "=HYPERLINK(\\"http://x\\")", "TenTTHC": "' + "Đăng ký " * 400 + '"}'
)
OUT_OF_ORDER = {
    "MaHoSo": "HS-002", "NgayNopHoSo": "20230301080000", "TrangThaiHoSo": 4,
    "TienDo": [{"TrangThai": 4, "ThoiDiemXuLy": "20230302080000"},
               {"TrangThai": 2, "ThoiDiemXuLy": "20230301090000"}],
    "NgayCapNhat": "20230302080000",
}
WEIRD_PAYMENT = {
    "MaThamChieu": "TT-X", "MaHoSo": "UNKNOWN", "SoTien": -100, "Phi": 1.5, "LePhi": None,
    "TrangThai": "zzz", "MaLoi": 7, "ThoiGianGD": "20230301080000",
    "ThoiGianGDThanhCong": "99999999999999", "ThoiGianHoanPhi": "", "NgayCapNhat": "20230301080000",
}
WEIRD_UNIT = {"MaDinhDanh": " 000.00.01.H49\t", "TenDonVi": "=1+1", "CapDonVi": "sở",
              "MaDonViCha": None, "HieuLuc": "yes", "NgayCapNhat": None}


@pytest.fixture
def weird(tmp_path):
    return write_scenario(tmp_path, ho_so=[WEIRD_DOSSIER, OUT_OF_ORDER],
                          giao_dich=[WEIRD_PAYMENT], don_vi=[WEIRD_UNIT])


def test_scenario_records_are_served_verbatim(simulator_factory, weird) -> None:
    client = Client(simulator_factory(SimulatorConfig(
        token=TOKEN, scenario_dir=weird, now=datetime(2024, 1, 1, tzinfo=TZ))))
    window = {"cap_nhat_tu": "20230101000000", "cap_nhat_den": "20240101000000"}
    [body] = client.pages("ho-so", **window)
    served = json.loads(body)["data"]
    assert served == [json.loads(WEIRD_DOSSIER), OUT_OF_ORDER]
    assert [list(record) for record in served] == [list(json.loads(WEIRD_DOSSIER)),
                                                   list(OUT_OF_ORDER)]  # key order kept
    assert NFD_NAME.encode() in body and "Hoà".encode() not in body  # not normalised
    assert client.all("giao-dich", **window) == [WEIRD_PAYMENT]
    assert client.all("don-vi") == [WEIRD_UNIT]
    assert client.all("thu-tuc") == []  # no thu_tuc.jsonl: an empty catalogue


def test_out_of_order_history_is_cut_by_time_not_by_position() -> None:
    """Steps after t go, wherever they are; the status is the last remaining step's."""
    cut = cut_to(OUT_OF_ORDER, datetime(2023, 3, 1, 12, tzinfo=TZ), "ho_so")
    assert cut["TienDo"] == [OUT_OF_ORDER["TienDo"][1]]
    assert (cut["TrangThaiHoSo"], cut["NgayCapNhat"]) == (2, "20230301090000")


@pytest.mark.parametrize(("line", "problem"), [
    ('{"MaHoSo": "HS-1", "NgayNopHoSo": "2023-03-01", "NgayCapNhat": ""}', "timestamp"),
    ('{"MaHoSo": "HS-1", "NgayNopHoSo": "20230301080000"', "not valid JSON"),
    ('["HS-1", "20230301080000"]', "expected a JSON object"),
    ('{"a": NaN, "NgayCapNhat": "20230301080000"}', "not valid JSON"),
])
def test_unservable_scenario_lines_fail_at_startup_naming_file_and_line(
        tmp_path, line: str, problem: str) -> None:
    good = '{"MaHoSo": "HS-0", "NgayNopHoSo": "20230301080000"}'
    folder = write_scenario(tmp_path, ho_so=[good, "", line])
    with pytest.raises(ScenarioError, match=rf"ho_so\.jsonl:3: .*{problem}"):
        ScenarioData(folder)


def test_a_missing_folder_is_an_error(tmp_path) -> None:
    with pytest.raises(ScenarioError, match="does not exist"):
        ScenarioData(tmp_path / "nowhere")

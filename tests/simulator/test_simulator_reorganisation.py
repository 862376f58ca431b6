"""The generated province plays a reorganisation and a province code (issue 14, item 3)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import pytest
from simkit import END, NOW, SMALL, START, TOKEN, Client

from simulator import Province, SimulatorConfig, catalogue_records, cut_to
from simulator.timestamps import TZ

pytestmark = pytest.mark.simulator

REORGANISED_ON = date(2023, 2, 1)
BEFORE = datetime(2023, 1, 31, 23, 59, tzinfo=TZ)
AFTER = datetime(2023, 2, 1, 9, tzinfo=TZ)  # the new catalogue versions are dated 08:00
MOMENT = "20230201000000"


@pytest.fixture(scope="module")
def province() -> Province:
    return Province(seed=11, scale=900, start=START, end=END, reorganise_on=REORGANISED_ON)


def _units(province: Province, now: datetime) -> dict[str, dict]:
    return {unit["MaDinhDanh"]: unit for unit in catalogue_records(province, "don_vi", now)}


def _in_force(units: dict[str, dict]) -> dict[str, dict]:
    return {code: unit for code, unit in units.items() if unit["HieuLuc"]}


def test_the_catalogue_before_the_date_is_the_old_tree(province) -> None:
    before = _units(province, BEFORE)
    assert len(before) == 491  # one version of each unit
    levels = {unit["CapDonVi"] for unit in _in_force(before).values()}
    assert levels == {"tinh", "so", "huyen", "phong", "xa"}
    assert all(unit["NgayHetHieuLuc"] is None for unit in _in_force(before).values())


def test_after_the_date_districts_are_gone_and_communes_hang_from_the_province(province) -> None:
    after = _units(province, AFTER)
    assert len(after) == 491  # the latest version of each unit, expired ones included
    in_force = _in_force(after)
    root = next(code for code, unit in in_force.items() if unit["CapDonVi"] == "tinh")
    assert {unit["CapDonVi"] for unit in in_force.values()} == {"tinh", "so", "xa"}
    assert {unit["MaDonViCha"] for unit in in_force.values() if unit["CapDonVi"] != "tinh"} \
        == {root}
    assert sum(unit["CapDonVi"] == "so" for unit in in_force.values()) == 18  # two merged
    dissolved = [unit for unit in after.values()
                 if unit["NgayHetHieuLuc"] == MOMENT]
    assert all(not unit["HieuLuc"] for unit in dissolved)
    assert all(unit["NgayCapNhat"] == "20230201080000" for unit in dissolved)
    for unit in dissolved:
        if unit["CapDonVi"] == "huyen":
            assert unit["MaDonViKeThua"] is None  # no single unit took over a district
        else:
            assert unit["MaDonViKeThua"] in in_force, unit


def test_communes_merge_in_groups_of_two_or_three(province) -> None:
    after = _units(province, AFTER)
    merged = [unit for unit in after.values()
              if unit["CapDonVi"] == "xa" and unit["NgayHetHieuLuc"] == MOMENT]
    absorbed_by: dict[str, int] = {}
    for unit in merged:
        absorbed_by[unit["MaDonViKeThua"]] = absorbed_by.get(unit["MaDonViKeThua"], 0) + 1
    assert set(absorbed_by.values()) <= {1, 2}
    assert all(after[survivor]["CapDonVi"] == "xa" for survivor in absorbed_by)


def test_procedures_name_only_units_in_force_after_the_date(province) -> None:
    in_force = _in_force(_units(province, AFTER))
    procedures = catalogue_records(province, "thu_tuc", AFTER)
    assert len({procedure["MaTTHC"] for procedure in procedures}) == len(procedures)
    assert {code for procedure in procedures for code in procedure["CoQuanThucHien"]} \
        <= set(in_force)


def _transferred(province: Province) -> list[dict]:
    return [record for record in province.records("ho_so") if "_ChuyenGiao" in record]


def test_a_pending_dossier_is_transferred_at_the_date_only(province) -> None:
    record = _transferred(province)[0]
    old_unit = record["_ChuyenGiao"]["DonViXuLy"]
    before = cut_to(record, datetime(2023, 2, 1, tzinfo=TZ), "ho_so")
    assert before["DonViXuLy"] == old_unit
    assert all(step["ThoiDiemXuLy"] < MOMENT for step in before["TienDo"])
    assert "_ChuyenGiao" not in before
    after = cut_to(record, datetime(2023, 2, 1, 0, 0, 1, tzinfo=TZ), "ho_so")
    assert after["DonViXuLy"] != old_unit
    step = after["TienDo"][-1]
    assert step["ThoiDiemXuLy"] == MOMENT and step["TrangThai"] == after["TrangThaiHoSo"]
    assert after["NgayCapNhat"] >= MOMENT
    assert "_ChuyenGiao" not in after


def test_served_dossiers_never_show_the_internal_transfer(simulator_factory) -> None:
    config = SimulatorConfig(token=TOKEN, seed=11, scale=900, start=START, end=END, now=NOW,
                             reorganise_on=REORGANISED_ON)
    served = Client(simulator_factory(config)).all(
        "ho-so", cap_nhat_tu="20230201000000", cap_nhat_den="20230201000001")
    assert served and all("_ChuyenGiao" not in record for record in served)
    assert all(record["TienDo"][-1]["ThoiDiemXuLy"] == MOMENT for record in served)


def test_no_dossier_after_the_date_goes_to_a_dissolved_unit(province) -> None:
    dissolved = {code for code, unit in _units(province, AFTER).items() if not unit["HieuLuc"]}
    late = [record for record in province.records("ho_so")
            if (record["NgayTiepNhan"] or record["NgayNopHoSo"]) >= MOMENT]
    assert late and not {record["DonViXuLy"] for record in late} & dissolved
    finished_before = [record for record in province.records("ho_so")
                       if (record["NgayKetThucXuLy"] or "9") < MOMENT]
    assert all("_ChuyenGiao" not in record for record in finished_before)


def test_generation_with_a_reorganisation_is_deterministic(province) -> None:
    again = Province(seed=11, scale=900, start=START, end=END, reorganise_on=REORGANISED_ON)
    assert list(again.records("ho_so")) == list(province.records("ho_so"))
    assert again.catalogue.unit_records == province.catalogue.unit_records


def test_the_province_code_changes_the_natural_keys() -> None:
    h49 = Province(seed=11, scale=200, start=START, end=END)
    h48 = Province(seed=11, scale=200, start=START, end=END, province_code="H48")
    units = [unit["MaDinhDanh"] for unit in h48.records("don_vi")]
    assert all(code.endswith(".H48") for code in units)
    assert next(h48.records("ho_so"))["MaHoSo"].split("-")[0].endswith(".H48")
    assert next(h48.records("giao_dich"))["MaThamChieu"].startswith("48")
    assert not {record["MaHoSo"] for record in h48.records("ho_so")} \
        & {record["MaHoSo"] for record in h49.records("ho_so")}


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="province code"):
        SimulatorConfig(token=TOKEN, province_code="48")
    with pytest.raises(ValueError, match="reorganise_on"):
        SimulatorConfig(token=TOKEN, start=START, end=END, reorganise_on=END)
    assert SMALL.province_code == "H49" and SMALL.reorganise_on is None


def test_help_shows_the_new_options_with_their_defaults() -> None:
    help_text = " ".join(subprocess.run([sys.executable, "-m", "simulator", "--help"],
                                        capture_output=True, text=True, check=True)
                         .stdout.split())
    assert "--province-code PROVINCE_CODE" in help_text and "(default: H49)" in help_text
    assert "--reorganise-on YYYY-MM-DD" in help_text and "(default: none)" in help_text

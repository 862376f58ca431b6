"""The suites compiled to SQL agree with GX itself on every rule of every suite.

The gate evaluates ``expectations/*.json`` in SQL (``quality.compiled``); GX 1.x stays the
reference. Each entity gets a batch that breaks every rule of its suite, beside good rows, and
both evaluate it: every rule's figures (success, element, unexpected and missing counts,
percentages, kwargs as GX reports them) and every failing row with its details must be equal.
A clean generated province checks the passing side the same way.
"""

from __future__ import annotations

import json
from datetime import datetime

import psycopg
import pytest
from helpers.pipeline import DEFAULT_DAY, VN, day_window, ingest, land_and_stage
from helpers.records import dossier, payment, procedure, unit

from tthc_pipeline.entities import ENTITIES
from tthc_pipeline.extract.landing import land_records
from tthc_pipeline.quality.compiled import compile_suite, evaluate_suite
from tthc_pipeline.quality.failures import evaluate_with_gx
from tthc_pipeline.quality.suites import suite_rules
from tthc_pipeline.transform.load import load_batch
from tthc_pipeline.transform.stage import stage_batch

pytestmark = pytest.mark.integration

ROOT, UNIT, PROCEDURE = "000.00.00.H49", "000.00.02.H49", "1.000153"
CATALOGUED = "20250101080000"
UPDATED = "20250303100000"  # inside DEFAULT_DAY's window
LONG = "x" * 600
UNPARSEABLE = {"reason": "invalid UTF-8", "text": "{\"MaHoSo\": \"…\"}"}


def good_unit(code: str, **fields) -> dict:
    return unit(code, "Sở Nội vụ", CATALOGUED, **{"MaDonViCha": ROOT, **fields})


def good_procedure(code: str, **fields) -> dict:
    return procedure(code, CATALOGUED, [UNIT], **fields)


def good_dossier(code: str, **fields) -> dict:
    steps = [(1, "20250303080000"), (2, "20250303083000"), (4, UPDATED)]
    return dossier(code, UPDATED, steps, **{
        "MaTTHC": PROCEDURE, "DonViXuLy": UNIT, "NgayHenTra": "20250317170000",
        "DanhSachLePhi": [{"MaPhiLePhi": "LP1", "TenPhiLePhi": "Lệ phí", "LoaiPhiLePhi": 2,
                           "SoTien": 30000}],
        **fields})


def good_payment(ref: str, **fields) -> dict:
    return payment(ref, "HS-KNOWN", UPDATED, **{"MaTTHC": PROCEDURE, "MaDonVi": UNIT, **fields})


def letter(**fields) -> dict:
    """An apology letter (DanhSachXinLoi) dated before the new date it promises."""
    return {"NgayXinLoi": "20250306100000", "NgayHenTraMoi": "20250310170000",
            "LyDo": "Chờ ý kiến phối hợp", **fields}


def step(status: object, at: str, **fields) -> dict:
    return {"TrangThai": status, "ThoiDiemXuLy": at, "PhongBanXuLy": "Một cửa",
            "NguoiXuLy": "CB01", **fields}


BAD = {
    "don_vi": [
        good_unit("000.00.03.H49"),
        {**good_unit("000.00.04.H49"), "_unparseable": UNPARSEABLE},
        good_unit("00.05.H49"),
        good_unit("000.00.06.H49", CapDonVi="quan"), good_unit("000.00.06.H49", CapDonVi="xa"),
        good_unit("000.00.07.H49", TenDonVi=None),
        good_unit("000.00.08.H49", TenDonVi=LONG),
        good_unit("000.00.09.H49", MaDVHC="9" * 30),
        good_unit("000.00.10.H49", MaDonViCha="cha"),
        good_unit("000.00.11.H49", MaDonViCha="000.00.98.H49"),
        good_unit("000.00.12.H49", MaDonViCha="000.00.12.H49"),
        good_unit("000.00.13.H49", MaDonViCha="000.00.11.H49"),
        good_unit("000.00.14.H49", NgayCapNhat="hôm qua"),
        good_unit("000.00.15.H49", NgayHieuLuc="20250230000000"),
        good_unit("000.00.16.H49", NgayHieuLuc="20250701000000", NgayHetHieuLuc="20250101000000"),
        good_unit("000.00.17.H49", MaDonViKeThua="so-moi"),
        good_unit("000.00.18.H49", MaDonViKeThua="000.00.97.H49"),
        good_unit("000.00.19.H49", MaDonViKeThua="000.00.20.H49", NgayHetHieuLuc="20250701000000"),
        good_unit("000.00.20.H49", MaDonViKeThua="000.00.19.H49", NgayHetHieuLuc="20250701000000"),
    ],
    "thu_tuc": [
        good_procedure("1.000154"),
        good_procedure(None),
        {**good_procedure("1.000155"), "_unparseable": UNPARSEABLE},
        good_procedure("1.55"),
        good_procedure("1.000156", ThoiHanGiaiQuyet=5), good_procedure("1.000156"),
        good_procedure("1.000157", TenTTHC=None),
        good_procedure("1.000158", TenTTHC=LONG),
        good_procedure("1.000159", TenLinhVuc=LONG),
        good_procedure("1.000160", MaLinhVuc="L" * 60),
        good_procedure("1.000161", CapThucHien="bo"),
        good_procedure("1.000162", MucDoDVC="muc_4"),
        good_procedure("1.000163", ThoiHanGiaiQuyet=-5),
        good_procedure("1.000164", CoQuanThucHien=[UNIT, "U1"]),
        good_procedure("1.000165", NgayCapNhat="hôm qua"),
        good_procedure("1.000166", DuDieuKienToanTrinh=True, CoThanhToanTrucTuyen=False),
        good_procedure("1.000167", DuDieuKienToanTrinh="có"),
        good_procedure("1.000168", CoThanhToanTrucTuyen=2),
    ],
    "ho_so": [
        good_dossier("HS-GOOD"),
        good_dossier(None),
        {**good_dossier("HS-UNPARSEABLE"), "_unparseable": UNPARSEABLE},
        good_dossier("HS BAD"),
        good_dossier("HS-" + "9" * 60),
        good_dossier("HS-TWICE", KenhThucHien=1), good_dossier("HS-TWICE", KenhThucHien=2),
        good_dossier("HS-NO-UNIT", DonViXuLy=None),
        good_dossier("HS-UNIT-CODE", DonViXuLy="U1"),
        good_dossier("HS-UNKNOWN-UNIT", DonViXuLy="000.00.99.H49"),
        good_dossier("HS-NO-PROCEDURE", MaTTHC=None),
        good_dossier("HS-PROCEDURE-CODE", MaTTHC="P1"),
        good_dossier("HS-UNKNOWN-PROCEDURE", MaTTHC="1.999999"),
        good_dossier("HS-STATUS-TEXT", TrangThaiHoSo="đang xử lý"),
        good_dossier("HS-STATUS", TrangThaiHoSo=11),
        good_dossier("HS-NO-CHANNEL", KenhThucHien=None),
        good_dossier("HS-CHANNEL", KenhThucHien=9),
        good_dossier("HS-APPLICANT", LoaiDoiTuong=7),
        good_dossier("HS-ONLINE-PAYMENT", DuocThanhToanTrucTuyen=5),
        good_dossier("HS-LONG-NAME", TenTTHC=LONG),
        good_dossier("HS-LONG-FIELD", MaLinhVuc="L" * 60),
        good_dossier("HS-LONG-ROOM", TienDo=[step(1, "20250303080000", PhongBanXuLy="P" * 300),
                                             step(4, UPDATED)]),
        good_dossier("HS-LONG-OFFICER", TienDo=[step(1, "20250303080000", NguoiXuLy="C" * 120),
                                                step(4, UPDATED)]),
        good_dossier("HS-LONG-FEE-NAME", DanhSachLePhi=[
            {"MaPhiLePhi": "LP1", "TenPhiLePhi": LONG, "LoaiPhiLePhi": 2, "SoTien": 1}]),
        good_dossier("HS-LONG-FEE-CODE", DanhSachLePhi=[
            {"MaPhiLePhi": "F" * 60, "TenPhiLePhi": "Lệ phí", "LoaiPhiLePhi": 2, "SoTien": 1}]),
        good_dossier("HS-BAD-DATE", NgayTiepNhan="20250230080000"),
        good_dossier("HS-YEAR-1", NgayTra="00010101000000"),
        good_dossier("HS-YEAR-9999", NgayHenTra="99991231170000"),
        good_dossier("HS-NO-UPDATE", NgayCapNhat="hôm nay"),
        good_dossier("HS-OUTSIDE", NgayCapNhat="20250305100000"),
        good_dossier("HS-RECEIVED-EARLY", NgayNopHoSo="20250303090000"),
        good_dossier("HS-DUE", NgayHenTra="20250302170000"),
        good_dossier("HS-FINISHED-EARLY", NgayKetThucXuLy="20250303070000"),
        good_dossier("HS-STEP", TienDo=[step(1, "20250303080000"), step(42, UPDATED)]),
        good_dossier("HS-HISTORY", TienDo=[step(1, "20250303080000"), step(2, "20250303090000"),
                                           step(4, "20250303085000")]),
        good_dossier("HS-NO-HISTORY", TienDo=[]),
        good_dossier("HS-CONTRADICTS", TrangThaiHoSo=10),
        good_dossier("HS-SUPPLEMENT", DanhSachHoSoBoSung=[
            {"NgayYeuCau": "03/03/2025", "NgayTiepNhanBoSung": None,
             "NgayHenTraTruoc": "20250317170000", "NgayHenTraMoi": None}]),
        good_dossier("HS-FEE-NEGATIVE", DanhSachLePhi=[
            {"MaPhiLePhi": "LP1", "LoaiPhiLePhi": 2, "SoTien": -30000}]),
        good_dossier("HS-FEE-FRACTION", DanhSachLePhi=[
            {"MaPhiLePhi": "LP1", "LoaiPhiLePhi": 2, "SoTien": 1.5}]),
        good_dossier("HS-FEE-HUGE", DanhSachLePhi=[
            {"MaPhiLePhi": "LP1", "LoaiPhiLePhi": 2, "SoTien": 1e20}]),
        good_dossier("HS-FEE-OVERFLOW", DanhSachLePhi=[
            {"MaPhiLePhi": f"LP{i}", "LoaiPhiLePhi": 2, "SoTien": 999_999_999_999_999_999}
            for i in range(10)]),
        good_dossier("HS-HISTORY-OBJECT", TienDo={"TrangThai": 4, "ThoiDiemXuLy": UPDATED}),
        good_dossier("HS-SCORECARD", CoKetQuaDienTu=1, TaiKhoanDuocXacThucVoiVNeID=0,
                     DanhSachXinLoi=[letter()]),
        good_dossier("HS-FLAG", CoKetQuaDienTu=2),
        good_dossier("HS-FLAG-TEXT", TaiKhoanDuocXacThucVoiVNeID="có"),
        good_dossier("HS-LETTER-DATE", DanhSachXinLoi=[letter(), letter(NgayXinLoi="31/03/2025")]),
        good_dossier("HS-LETTER-UNDATED", DanhSachXinLoi=[letter(NgayXinLoi=None)]),
        good_dossier("HS-LETTER-BACKWARDS",
                     DanhSachXinLoi=[letter(NgayHenTraMoi="20250305170000")]),
        good_dossier("HS-LETTER-LONG", DanhSachXinLoi=[letter(LyDo="x" * 2100)]),
        good_dossier("HS-LETTERS", DanhSachXinLoi=[letter()] * 21),
        good_dossier("HS-LETTER-YEAR", DanhSachXinLoi=[letter(NgayHenTraMoi="99991231170000")]),
        good_dossier("HS-LETTERS-OBJECT", DanhSachXinLoi=letter()),
        good_dossier("HS-LETTER-NOT-OBJECT", DanhSachXinLoi=["xin lỗi"]),
    ],
    "giao_dich": [
        good_payment("T-GOOD"),
        good_payment(None),
        {**good_payment("T-UNPARSEABLE"), "_unparseable": UNPARSEABLE},
        good_payment("T BAD"),
        good_payment("T-" + "9" * 60),
        good_payment("T-LONG-CODE", MaGiaoDich="G" * 60),
        good_payment("T-LONG-ERROR", MaLoi="E" * 30),
        good_payment("T-LONG-BANK", MaNganHang="B" * 60),
        good_payment("T-LONG-CHANNEL", MaKenhThanhToan="K" * 60),
        good_payment("T-TWICE", SoTien=1), good_payment("T-TWICE", SoTien=2),
        good_payment("T-NO-DOSSIER", MaHoSo=None),
        good_payment("T-ORPHAN", MaHoSo="HS-NEVER-SEEN"),
        good_payment("T-UNIT-CODE", MaDonVi="U1"),
        good_payment("T-PROCEDURE-CODE", MaTTHC="P1"),
        good_payment("T-NO-STATUS", TrangThai=None),
        good_payment("T-STATUS", TrangThai="dang-xu-ly"),
        good_payment("T-METHOD", HinhThucThanhToan="bitcoin"),
        good_payment("T-NEGATIVE", SoTien=-30000),
        good_payment("T-NEGATIVE-FEE", Phi=-1),
        good_payment("T-NEGATIVE-LEVY", LePhi=-1),
        good_payment("T-TEXT-AMOUNT", SoTien="ba mươi nghìn"),
        good_payment("T-HUGE", SoTien=1e20),
        good_payment("T-BAD-DATE", ThoiGianHoanPhi="20250230080000"),
        good_payment("T-YEAR-1", ThoiGianGD="00010101000000", ThoiGianGDThanhCong=None),
        good_payment("T-YEAR-9999", ThoiGianHoanPhi="99991231170000"),
        good_payment("T-NO-UPDATE", NgayCapNhat="hôm nay"),
        good_payment("T-OUTSIDE", NgayCapNhat="20250305100000"),
        good_payment("T-EARLY", ThoiGianGDThanhCong="20250303093000"),
        good_payment("T-REFUND-EARLY", TrangThai="hoan-phi", ThoiGianHoanPhi="20250303090000"),
    ],
}


# A unit without a code next to units of the batch: it once hid every unknown parent and
# successor of its batch (`in (…)` over codes that included NULL); its own batch here too.
SEPARATE = {"don_vi": [[good_unit("000.00.21.H49"), good_unit(None)]]}


@pytest.fixture
def referenced(warehouse: str) -> str:
    """A warehouse holding the root unit, one unit, one procedure and one dossier."""
    ingest(warehouse, "don_vi", [unit(ROOT, "UBND tỉnh", CATALOGUED, CapDonVi="tinh"),
                                 good_unit(UNIT)])
    ingest(warehouse, "thu_tuc", [good_procedure(PROCEDURE)])
    ingest(warehouse, "ho_so", [good_dossier("HS-KNOWN")])
    return warehouse


def compiled_verdict(conninfo: str, entity: str, batch_id: int, parameters: dict):
    with psycopg.connect(conninfo) as conn:
        outcomes = evaluate_suite(conn, entity, batch_id, parameters)
        failures = conn.execute(
            "select record_no, rule, expectation, details from dq_failure").fetchall()
        conn.rollback()
    return outcomes, failures


def assert_agree(conninfo: str, entity: str, batch_id: int, parameters: dict) -> list:
    gx_outcomes, gx_failures = evaluate_with_gx(conninfo, entity, batch_id, parameters)
    sql_outcomes, sql_failures = compiled_verdict(conninfo, entity, batch_id, parameters)
    # GX returns its results in an order of its own: compare rule by rule
    gx_by_rule = {outcome.rule.name: outcome for outcome in gx_outcomes}
    assert sorted(gx_by_rule) == sorted(outcome.rule.name for outcome in sql_outcomes)
    for compiled in sql_outcomes:
        assert compiled == gx_by_rule[compiled.rule.name], compiled.rule.name
    assert sorted(sql_failures, key=repr) == sorted(
        ((f.record_no, f.rule, f.expectation, json.loads(f.details)) for f in gx_failures),
        key=repr)
    return sql_outcomes


@pytest.mark.parametrize("entity", ENTITIES)
def test_every_rule_fails_and_passes_alike_in_gx_and_in_sql(referenced, entity):
    window_start, window_end = day_window(DEFAULT_DAY)
    parameters = {"window_start": window_start, "window_end": window_end}
    broken = set()
    for records in [BAD[entity], *SEPARATE.get(entity, [])]:
        batch_id = land_and_stage(referenced, entity, records)
        outcomes = assert_agree(referenced, entity, batch_id, parameters)
        broken |= {o.rule.name for o in outcomes if not o.success}
        assert all(o.unexpected_count < o.element_count for o in outcomes)  # good rows too
    # every rule failed for some rows and passed for others: both sides compared
    assert broken == {rule.name for rule in suite_rules(entity)}


def test_a_clean_province_passes_alike_in_gx_and_in_sql(warehouse):
    from simulator.province import Province

    province = Province(seed=11, scale=200, rate_quirks=0.3)
    window = (datetime(2022, 1, 1, tzinfo=VN), datetime(2030, 1, 1, tzinfo=VN))
    parameters = {"window_start": window[0], "window_end": window[1]}
    for entity in ENTITIES:  # catalogues first: the references resolve
        batch = land_records(warehouse, entity, *window, province.records(entity))
        stage_batch(warehouse, batch.batch_id)
        outcomes = assert_agree(warehouse, entity, batch.batch_id, parameters)
        assert all(o.success for o in outcomes)
        load_batch(warehouse, batch.batch_id, "test-only-applicant-hash-key")


@pytest.mark.parametrize("entity", ENTITIES)
def test_every_rule_of_every_suite_compiles(entity):
    window_start, window_end = day_window(DEFAULT_DAY)
    compiled = compile_suite(entity, {"window_start": window_start, "window_end": window_end})
    assert [rule.rule.name for rule in compiled] == [rule.name for rule in suite_rules(entity)]


@pytest.mark.parametrize("entity", ENTITIES)
def test_an_empty_batch_passes_alike_in_gx_and_in_sql(warehouse, entity):
    # GX's vacuous cases: no rows, so no percentages
    batch_id = land_and_stage(warehouse, entity, [])
    window_start, window_end = day_window(DEFAULT_DAY)
    outcomes = assert_agree(warehouse, entity, batch_id,
                            {"window_start": window_start, "window_end": window_end})
    assert all(o.success and o.element_count == 0 for o in outcomes)

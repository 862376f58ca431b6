"""The gate's rules for the scorecard fields: good and absent values pass and load, each bad
value quarantines its record with its rule, and the rest of the batch loads."""

import psycopg
import pytest
from helpers.pipeline import HASH_KEY, ingest, land_and_stage
from helpers.records import dossier, procedure, unit

from tthc_pipeline.quality.gate import validate_batch
from tthc_pipeline.transform.load import load_batch

pytestmark = pytest.mark.integration

UNIT, PROCEDURE, UPDATED = "000.00.02.H49", "1.000153", "20250303100000"
LETTER = {"NgayXinLoi": "20250306100000", "NgayHenTraMoi": "20250310170000",
          "LyDo": "Chờ ý kiến phối hợp"}


def good(code: str, **fields) -> dict:
    return dossier(code, UPDATED, [(2, "20250303080000"), (4, UPDATED)],
                   MaTTHC=PROCEDURE, DonViXuLy=UNIT, **fields)


def query(conninfo: str, sql: str) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def catalogued(warehouse: str) -> str:
    ingest(warehouse, "don_vi", [unit(UNIT, "Sở Tư pháp", "20250101080000")])
    ingest(warehouse, "thu_tuc", [procedure(PROCEDURE, "20250101080000", [UNIT])])
    return warehouse


def gate_and_load(conninfo: str, entity: str, records: list[dict]) -> dict[str, int]:
    batch_id = land_and_stage(conninfo, entity, records)
    by_rule = validate_batch(conninfo, batch_id, 1.0).by_rule
    load_batch(conninfo, batch_id, HASH_KEY)
    return by_rule


def test_good_and_absent_dossier_values_pass(catalogued):
    records = [good("HS-FULL", CoKetQuaDienTu=1, TaiKhoanDuocXacThucVoiVNeID="0",
                    DanhSachXinLoi=[LETTER, {**LETTER, "NgayHenTraMoi": None}]),
               good("HS-ABSENT"),
               good("HS-NULLS", CoKetQuaDienTu=None, TaiKhoanDuocXacThucVoiVNeID="",
                    DanhSachXinLoi=None),
               good("HS-EMPTY", DanhSachXinLoi=[])]
    assert gate_and_load(catalogued, "ho_so", records) == {}
    assert query(catalogued, "select count(*) from dw.fact_dossier") == [(4,)]
    assert query(catalogued, "select count(*) from dw.fact_dossier_apology") == [(2,)]


@pytest.mark.parametrize(("fields", "rule"), [
    ({"CoKetQuaDienTu": 2}, "ho_so.invalid_flag"),
    ({"TaiKhoanDuocXacThucVoiVNeID": True}, "ho_so.invalid_flag"),
    ({"DanhSachXinLoi": [{**LETTER, "NgayXinLoi": "20250230100000"}]},
     "ho_so.unparseable_apology_date"),
    ({"DanhSachXinLoi": [{**LETTER, "NgayXinLoi": ""}]}, "ho_so.unparseable_apology_date"),
    ({"DanhSachXinLoi": [{**LETTER, "NgayHenTraMoi": "mai"}]}, "ho_so.unparseable_apology_date"),
    ({"DanhSachXinLoi": [{**LETTER, "NgayHenTraMoi": "20250305170000"}]},
     "ho_so.apology_new_due_before_letter"),
    ({"DanhSachXinLoi": [{**LETTER, "LyDo": "x" * 2001}]}, "ho_so.oversized_apology_reason"),
    ({"DanhSachXinLoi": [LETTER] * 21}, "ho_so.too_many_apology_letters"),
    ({"DanhSachXinLoi": [{**LETTER, "NgayXinLoi": "18990101000000"}]}, "ho_so.date_too_early"),
    ({"DanhSachXinLoi": LETTER}, "ho_so.malformed_list"),
])
def test_a_bad_value_quarantines_its_dossier_with_its_rule(catalogued, fields, rule):
    by_rule = gate_and_load(catalogued, "ho_so", [good("HS-GOOD"), good("HS-BAD", **fields)])
    assert by_rule == {rule: 1}
    assert query(catalogued, "select dossier_code from dw.fact_dossier") == [("HS-GOOD",)]
    assert query(catalogued, "select count(*) from dw.fact_dossier_apology") == [(0,)]
    assert query(catalogued, "select rule from quarantine.ho_so") == [(rule,)]


def test_a_bad_procedure_boolean_quarantines_the_procedure(warehouse):
    ingest(warehouse, "don_vi", [unit(UNIT, "Sở Tư pháp", "20250101080000")])
    records = [procedure("1.000001", UPDATED, [UNIT], DuDieuKienToanTrinh=True,
                         CoThanhToanTrucTuyen="0"),
               procedure("1.000002", UPDATED, [UNIT]),
               procedure("1.000003", UPDATED, [UNIT], DuDieuKienToanTrinh="có"),
               procedure("1.000004", UPDATED, [UNIT], CoThanhToanTrucTuyen=3)]
    assert gate_and_load(warehouse, "thu_tuc", records) == {"thu_tuc.invalid_boolean": 2}
    assert query(warehouse, "select procedure_code, is_full_process_eligible, has_online_payment"
                 " from dw.dim_procedure where procedure_key <> -1 order by 1") == [
        ("1.000001", True, False), ("1.000002", False, False)]

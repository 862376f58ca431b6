"""The scorecard fields (scorecards.md, "Contract additions") from raw to dw: staged typed,
absent = 0 / false / no letter, a dossier's apology letters replaced with the dossier, a
procedure's new attributes versioned like the others."""

from datetime import date, datetime

import psycopg
import pytest
from helpers.checksums import dw_checksum
from helpers.pipeline import VN, fresh_warehouse, ingest, land_and_stage
from helpers.records import dossier, procedure

pytestmark = pytest.mark.integration

RECEIVED, DAY_1, DAY_9 = "20250303080000", date(2025, 3, 3), date(2025, 3, 11)
LETTER_1 = {"NgayXinLoi": "20250306100000", "NgayHenTraMoi": "20250310170000",
            "LyDo": "  Chờ ý kiến của cơ quan phối hợp "}
LETTER_2 = {"NgayXinLoi": "20250310090000", "NgayHenTraMoi": "20250312170000",
            "LyDo": "Cần thẩm định thực địa"}
STEPS = [(2, RECEIVED), (4, "20250303090000")]
LATE = dossier("HS1", "20250310090000", STEPS, NgayHenTra="20250307170000",
               CoKetQuaDienTu=0, TaiKhoanDuocXacThucVoiVNeID=1,
               DanhSachXinLoi=[LETTER_1, LETTER_2])
FINISHED = dossier("HS1", "20250311150000", [*STEPS, (9, "20250311150000")],
                   NgayHenTra="20250307170000", NgayKetThucXuLy="20250311150000",
                   CoKetQuaDienTu=1, TaiKhoanDuocXacThucVoiVNeID=1,
                   DanhSachXinLoi=[{**LETTER_1, "LyDo": "Hồ sơ cần xác minh thêm"}])


def query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=VN)


def test_dossier_flags_and_letters_are_staged_typed(warehouse):
    batch_id = land_and_stage(warehouse, "ho_so", [LATE])
    assert query(warehouse, "select has_electronic_result, has_electronic_result_raw,"
                 " is_vneid_verified, is_vneid_verified_raw from staging.ho_so"
                 " where batch_id = %s", (batch_id,)) == [(False, "0", True, "1")]
    assert query(warehouse, "select ordinal, apologised_at, new_due_at, reason, reason_raw"
                 " from staging.ho_so_xin_loi where batch_id = %s order by ordinal",
                 (batch_id,)) == [
        (1, at("20250306100000"), at("20250310170000"), "Chờ ý kiến của cơ quan phối hợp",
         LETTER_1["LyDo"]),
        (2, at("20250310090000"), at("20250312170000"), "Cần thẩm định thực địa",
         LETTER_2["LyDo"])]


def test_identical_copies_keep_one_set_of_letters(warehouse):
    batch_id = land_and_stage(warehouse, "ho_so", [LATE, LATE])
    assert query(warehouse, "select record_no, ordinal from staging.ho_so_xin_loi"
                 " where batch_id = %s order by 1, 2", (batch_id,)) == [(1, 1), (1, 2)]


def test_a_dossier_with_two_letters_then_one_replaces_them(warehouse):
    ingest(warehouse, "ho_so", [LATE], DAY_1)
    letters = ("select f.letter_no, f.apologised_at, f.new_due_at, f.reason, f.source_code"
               " from dw.fact_dossier_apology as f join dw.fact_dossier as d"
               " using (dossier_key) where d.dossier_code = 'HS1' order by f.letter_no")
    [(source,)] = query(warehouse, "select source_code from dw.fact_dossier")
    assert query(warehouse, letters) == [
        (1, at("20250306100000"), at("20250310170000"), "Chờ ý kiến của cơ quan phối hợp",
         source),
        (2, at("20250310090000"), at("20250312170000"), "Cần thẩm định thực địa", source)]
    assert query(warehouse, "select has_electronic_result, is_vneid_verified"
                 " from dw.fact_dossier") == [(False, True)]
    # the newer version has one letter (and another reason): it replaces both
    ingest(warehouse, "ho_so", [FINISHED], DAY_9)
    assert query(warehouse, letters) == [
        (1, at("20250306100000"), at("20250310170000"), "Hồ sơ cần xác minh thêm", source)]
    assert query(warehouse, "select has_electronic_result, is_vneid_verified"
                 " from dw.fact_dossier") == [(True, True)]
    # the older version again changes nothing
    before = dw_checksum(warehouse)
    ingest(warehouse, "ho_so", [LATE], DAY_1)
    assert dw_checksum(warehouse) == before


def test_loading_the_same_batch_again_changes_nothing(warehouse):
    ingest(warehouse, "ho_so", [LATE], DAY_1)
    before = dw_checksum(warehouse)
    ingest(warehouse, "ho_so", [LATE], DAY_1)
    assert dw_checksum(warehouse) == before


def test_a_correction_of_the_letters_alone_is_settled_by_its_hash(warehouse, postgres_server):
    """Same NgayCapNhat, other letters: the greater content hash wins in any load order."""
    corrected = {**LATE, "DanhSachXinLoi": [LETTER_1]}
    ingest(warehouse, "ho_so", [LATE], DAY_1)
    ingest(warehouse, "ho_so", [corrected], DAY_1)
    with fresh_warehouse(postgres_server) as other:
        ingest(other, "ho_so", [corrected], DAY_1)
        ingest(other, "ho_so", [LATE], DAY_1)
        assert dw_checksum(other) == dw_checksum(warehouse)


def test_absent_fields_load_as_false_and_no_letter(warehouse):
    older = dossier("HS2", RECEIVED, [(2, RECEIVED)])
    assert "CoKetQuaDienTu" not in older and "DanhSachXinLoi" not in older
    quirky = dossier("HS3", RECEIVED, [(2, RECEIVED)], CoKetQuaDienTu=None,
                     TaiKhoanDuocXacThucVoiVNeID="", DanhSachXinLoi=None)
    ingest(warehouse, "ho_so", [older, quirky], DAY_1)
    assert query(warehouse, "select dossier_code, has_electronic_result, is_vneid_verified"
                 " from dw.fact_dossier order by 1") == [("HS2", False, False),
                                                        ("HS3", False, False)]
    assert query(warehouse, "select count(*) from dw.fact_dossier_apology") == [(0,)]


def test_procedure_attributes_load_and_a_change_is_a_new_version(warehouse):
    jan, mar = "20250101000000", "20250301000000"
    ingest(warehouse, "thu_tuc", [procedure("1.000001", jan, ["U1"]),
                                  procedure("1.000002", jan, ["U1"], DuDieuKienToanTrinh=True,
                                            CoThanhToanTrucTuyen="false")], date(2025, 1, 2))
    versions = ("select procedure_code, valid_from, is_full_process_eligible, has_online_payment,"
                " is_current from dw.dim_procedure where procedure_key <> -1 order by 1, 2")
    assert query(warehouse, versions) == [("1.000001", at(jan), False, False, True),
                                          ("1.000002", at(jan), True, False, True)]
    ingest(warehouse, "thu_tuc", [procedure("1.000002", mar, ["U1"], DuDieuKienToanTrinh=True,
                                            CoThanhToanTrucTuyen=True)], date(2025, 3, 2))
    assert query(warehouse, versions)[1:] == [("1.000002", at(jan), True, False, False),
                                              ("1.000002", at(mar), True, True, True)]


def test_the_bi_view_shows_the_fields(warehouse):
    ingest(warehouse, "thu_tuc", [procedure("P1", "20250101000000", ["U1"],
                                            DuDieuKienToanTrinh=True,
                                            CoThanhToanTrucTuyen=True)], date(2025, 1, 2))
    ingest(warehouse, "ho_so", [LATE], DAY_1)
    assert query(warehouse, "select dossier_code, has_electronic_result, is_vneid_verified,"
                 " is_full_process_eligible, has_online_payment, apology_count"
                 " from dw.v_dossier") == [("HS1", False, True, True, True, 2)]
    assert query(warehouse, "select dossier_code, letter_no, apologised_date, new_due_date"
                 " from dw.v_dossier_apology order by letter_no") == [
        ("HS1", 1, date(2025, 3, 6), date(2025, 3, 10)),
        ("HS1", 2, date(2025, 3, 10), date(2025, 3, 12))]

import unicodedata
from datetime import datetime

import psycopg
import pytest
from helpers.pipeline import DEFAULT_DAY, HASH_KEY, VN, day_window, land_and_stage
from helpers.records import dossier

from tthc_pipeline.extract.landing import land_records
from tthc_pipeline.transform.load import load_batch
from tthc_pipeline.transform.stage import StageResult, stage_batch

pytestmark = pytest.mark.integration

RECEIVED = "20250303080000"


def staged(conninfo: str, query: str, batch_id: int) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(query, (batch_id,)).fetchall()


def test_fields_are_typed_and_local_times_become_instants(warehouse):
    record = dossier("HS1", "20250303091500", [(2, RECEIVED), (4, "20250303091500")],
                     KenhThucHien="2", LoaiDoiTuong=2, DuocThanhToanTrucTuyen=1)
    batch_id = land_and_stage(warehouse, "ho_so", [record])
    [row] = staged(warehouse, "select channel_code, applicant_type_code, status_code,"
                   " online_payment_code, has_digitised_components, received_at, source_updated_at"
                   " from staging.ho_so where batch_id = %s", batch_id)
    assert row == (2, 2, 4, 1, True, datetime(2025, 3, 3, 8, tzinfo=VN),
                   datetime(2025, 3, 3, 9, 15, tzinfo=VN))


def test_text_is_nfc_and_codes_are_trimmed(warehouse):
    name_nfd = unicodedata.normalize("NFD", "Cấp giấy phép xây dựng")
    record = dossier(" HS1\t", RECEIVED, [(2, RECEIVED)], TenTTHC=name_nfd,
                     DonViXuLy=" 000.00.31.H49 ", MaTTHC="1.005129 ",
                     SoGiayToChuHoSo=" 079 123 456abc ")
    batch_id = land_and_stage(warehouse, "ho_so", [record])
    [row] = staged(warehouse, "select dossier_code, unit_code, procedure_code, procedure_name,"
                   " procedure_name_raw, applicant_id_number from staging.ho_so"
                   " where batch_id = %s", batch_id)
    assert row == ("HS1", "000.00.31.H49", "1.005129", "Cấp giấy phép xây dựng", name_nfd,
                   "079123456ABC")
    assert unicodedata.is_normalized("NFC", row[3]) and name_nfd != row[3]


def test_absent_dates_are_null_and_keep_their_raw_text(warehouse):
    record = dossier("HS1", RECEIVED, [(2, RECEIVED)], NgayHenTra="", NgayTra=None)
    del record["NgayKetThucXuLy"]
    batch_id = land_and_stage(warehouse, "ho_so", [record])
    [row] = staged(warehouse, "select due_at, due_raw, returned_at, returned_raw, finished_at,"
                   " finished_raw from staging.ho_so where batch_id = %s", batch_id)
    assert row == (None, "", None, None, None, None)


@pytest.mark.parametrize("raw", ["20251301080000", "20250230080000", "20250229080000",
                                 "20250303240000", "2025-03-03 08:00:00", "abc", "2025030308"])
def test_unparseable_dates_are_null_with_their_raw_text_kept(warehouse, raw):
    batch_id = land_and_stage(warehouse, "ho_so",
                              [dossier("HS1", RECEIVED, [(2, RECEIVED)], NgayHenTra=raw)])
    assert staged(warehouse, "select due_at, due_raw from staging.ho_so where batch_id = %s",
                  batch_id) == [(None, raw)]


def test_a_leap_day_parses(warehouse):
    record = dossier("HS1", RECEIVED, [(2, RECEIVED)], NgayHenTra="20240229170000")
    batch_id = land_and_stage(warehouse, "ho_so", [record])
    assert staged(warehouse, "select due_at from staging.ho_so where batch_id = %s",
                  batch_id) == [(datetime(2024, 2, 29, 17, tzinfo=VN),)]


def test_numbers_that_are_not_integers_are_null_with_their_raw_text_kept(warehouse):
    record = dossier("HS1", RECEIVED, [(2, RECEIVED)], KenhThucHien=1.5, TrangThaiHoSo="abc",
                     DanhSachLePhi=[{"SoTien": 1.5, "LoaiPhiLePhi": 1},
                                    {"SoTien": "50000", "LoaiPhiLePhi": "x"}])
    batch_id = land_and_stage(warehouse, "ho_so", [record])
    assert staged(warehouse, "select channel_code, channel_raw, status_code, status_raw"
                  " from staging.ho_so where batch_id = %s", batch_id) == [
        (None, "1.5", None, "abc")]
    assert staged(warehouse, "select amount, amount_raw, fee_type_code, fee_type_raw"
                  " from staging.ho_so_le_phi where batch_id = %s order by ordinal",
                  batch_id) == [(None, "1.5", 1, "1"), (50000, "50000", None, "x")]


def test_identical_copies_collapse_into_the_first_and_are_counted(warehouse):
    first = dossier("HS1", RECEIVED, [(2, RECEIVED)])
    changed = dossier("HS1", "20250303100000", [(2, RECEIVED), (4, "20250303100000")])
    other = dossier("HS2", RECEIVED, [(2, RECEIVED)])
    batch = land_records(warehouse, "ho_so", *day_window(DEFAULT_DAY),
                         [first, other, first, changed, other, first])
    assert stage_batch(warehouse, batch.batch_id) == StageResult(6, 3, 3)
    assert staged(warehouse, "select record_no, dossier_code from staging.ho_so"
                  " where batch_id = %s order by record_no", batch.batch_id) == [
        (1, "HS1"), (2, "HS2"), (4, "HS1")]
    assert staged(warehouse, "select n_received, n_duplicates, n_extracted from meta.load_batch"
                  " where batch_id = %s", batch.batch_id) == [(6, 3, 3)]
    # the status steps were staged beside the records; the copies' steps are gone
    assert staged(warehouse, "select record_no, ordinal from staging.ho_so_tien_do"
                  " where batch_id = %s order by record_no, ordinal", batch.batch_id) == [
        (1, 1), (2, 1), (4, 1), (4, 2)]


def test_child_collections_are_staged_in_source_order(warehouse):
    record = dossier(
        "HS1", "20250306100000",
        [(2, RECEIVED), (5, "20250304100000"), (4, "20250305140000")],
        DanhSachHoSoBoSung=[{"NgayYeuCau": "20250304100000",
                             "NgayTiepNhanBoSung": "20250305140000",
                             "NgayHenTraTruoc": "20250310170000",
                             "NgayHenTraMoi": "20250311170000"}],
        DanhSachLePhi=[{"MaPhiLePhi": " LP1 ", "TenPhiLePhi": "Lệ phí", "LoaiPhiLePhi": 2,
                        "SoTien": 50000}])
    batch_id = land_and_stage(warehouse, "ho_so", [record, record])
    assert staged(warehouse, "select ordinal, status_code, processed_at, room_name, officer_code"
                  " from staging.ho_so_tien_do where batch_id = %s order by ordinal", batch_id) == [
        (1, 2, datetime(2025, 3, 3, 8, tzinfo=VN), "Một cửa", "CB01"),
        (2, 5, datetime(2025, 3, 4, 10, tzinfo=VN), "Một cửa", "CB01"),
        (3, 4, datetime(2025, 3, 5, 14, tzinfo=VN), "Một cửa", "CB01")]
    assert staged(warehouse, "select ordinal, requested_at, received_at, previous_due_at,"
                  " new_due_at from staging.ho_so_bo_sung where batch_id = %s", batch_id) == [
        (1, datetime(2025, 3, 4, 10, tzinfo=VN), datetime(2025, 3, 5, 14, tzinfo=VN),
         datetime(2025, 3, 10, 17, tzinfo=VN), datetime(2025, 3, 11, 17, tzinfo=VN))]
    assert staged(warehouse, "select ordinal, fee_code, fee_type_code, amount"
                  " from staging.ho_so_le_phi where batch_id = %s", batch_id) == [
        (1, "LP1", 2, 50000)]


def test_a_collection_that_is_not_a_list_stages_no_children(warehouse):
    record = dossier("HS1", RECEIVED, [(2, RECEIVED)], DanhSachLePhi={"SoTien": 1})
    record["TienDo"] = "broken"
    batch_id = land_and_stage(warehouse, "ho_so", [record])
    assert staged(warehouse, "select count(*) from staging.ho_so_tien_do where batch_id = %s",
                  batch_id) == [(0,)]
    assert staged(warehouse, "select count(*) from staging.ho_so_le_phi where batch_id = %s",
                  batch_id) == [(0,)]


def test_staging_a_batch_again_replaces_its_rows(warehouse):
    batch_id = land_and_stage(warehouse, "ho_so", [dossier("HS1", RECEIVED, [(2, RECEIVED)])])
    before = staged(warehouse, "select * from staging.ho_so where batch_id = %s", batch_id)
    assert stage_batch(warehouse, batch_id) == StageResult(1, 0, 1)
    assert staged(warehouse, "select * from staging.ho_so where batch_id = %s", batch_id) == before
    assert staged(warehouse, "select count(*) from staging.ho_so_tien_do where batch_id = %s",
                  batch_id) == [(1,)]


def test_a_staging_that_fails_half_way_leaves_the_batch_unstaged_until_staged_again(warehouse):
    record = dossier("HS1", RECEIVED, [(2, RECEIVED)],
                     DanhSachLePhi=[{"MaPhiLePhi": "LP1", "LoaiPhiLePhi": 2, "SoTien": 50000}])
    batch_id = land_and_stage(warehouse, "ho_so", [record])
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute("alter table staging.ho_so_le_phi"
                     " add constraint refuse check (false) not valid")
    # the other tables commit on their own connections; the fee lines fail
    with pytest.raises(psycopg.errors.CheckViolation):
        stage_batch(warehouse, batch_id)
    assert staged(warehouse, "select n_extracted from meta.load_batch where batch_id = %s",
                  batch_id) == [(None,)]
    with pytest.raises(ValueError, match="not staged yet"):
        load_batch(warehouse, batch_id, HASH_KEY)
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute("alter table staging.ho_so_le_phi drop constraint refuse")
    assert stage_batch(warehouse, batch_id) == StageResult(1, 0, 1)
    assert load_batch(warehouse, batch_id, HASH_KEY).n_loaded == 1


def test_staging_an_unknown_batch_fails(warehouse):
    with pytest.raises(LookupError, match="no batch 42"):
        stage_batch(warehouse, 42)


def test_staging_shows_the_planner_how_many_records_and_dossiers_a_batch_holds(warehouse):
    # the load groups the steps by record and keeps one record per dossier; without statistics
    # of those columns the planner guesses 200 groups (its default), and at 1M dossiers it
    # probed the small dimensions once per row (bench/RESULTS.md)
    batch_id = land_and_stage(warehouse, "ho_so", [
        dossier(f"HS{i}", "20250303100000", [(2, "20250303080000"), (4, "20250303090000"),
                                             (5, "20250303100000")]) for i in range(1000)])
    with psycopg.connect(warehouse) as conn:
        estimates = [conn.execute(f"explain (format json) {query}", (batch_id,)).fetchone()[0]
                     [0]["Plan"]["Plan Rows"] for query in (
            "select record_no from staging.ho_so_tien_do where batch_id = %s group by record_no",
            "select distinct dossier_code from staging.ho_so where batch_id = %s")]
    assert all(estimate >= 500 for estimate in estimates), estimates

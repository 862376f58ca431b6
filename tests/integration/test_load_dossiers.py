from datetime import date, datetime

import psycopg
import pytest
from helpers.checksums import dw_checksum
from helpers.pipeline import HASH_KEY, VN, day_window, ingest, land_and_stage
from helpers.records import dossier

from tthc_pipeline.crashpoints import CRASH_AT, CRASH_ONCE_DIR, InjectedCrash
from tthc_pipeline.extract.landing import land_records
from tthc_pipeline.transform.load import LoadResult, ReconciliationError, load_batch
from tthc_pipeline.transform.stage import stage_batch

pytestmark = pytest.mark.integration

DAY_1, DAY_9 = date(2025, 3, 3), date(2025, 3, 11)

# One dossier's life: received on day 1, a supplement round on days 3-5, finished on day 9.
STEPS_BY_DAY_9 = [(2, "20250303080000"), (4, "20250303090000"), (5, "20250305100000"),
                  (4, "20250307140000"), (9, "20250311150000"), (10, "20250311160000")]
AS_OF_DAY_1 = dossier("HS1", "20250303090000", STEPS_BY_DAY_9[:2], NgayHenTra="20250314170000")
AS_OF_DAY_9 = dossier(
    "HS1", "20250311160000", STEPS_BY_DAY_9, NgayHenTra="20250317170000",
    NgayKetThucXuLy="20250311150000", NgayTra="20250311160000",
    DanhSachHoSoBoSung=[{"NgayYeuCau": "20250305100000", "NgayTiepNhanBoSung": "20250307140000",
                         "NgayHenTraTruoc": "20250314170000", "NgayHenTraMoi": "20250317170000"}],
    DanhSachLePhi=[{"MaPhiLePhi": "P", "LoaiPhiLePhi": 1, "SoTien": 100000},
                   {"MaPhiLePhi": "L", "LoaiPhiLePhi": 2, "SoTien": 50000}],
    DuocThanhToanTrucTuyen=1)


def query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


def status_as_of(conninfo: str, dossier_code: str, moment: datetime) -> int | None:
    """The status of a dossier as of ``moment``: its last step strictly before it."""
    rows = query(conninfo, "select s.status_key from dw.fact_dossier_status as s"
                 " inner join dw.fact_dossier as d on s.dossier_key = d.dossier_key"
                 " where d.dossier_code = %s and s.status_at < %s"
                 " order by s.status_at desc, s.step_no desc limit 1", (dossier_code, moment))
    return rows[0][0] if rows else None


def test_a_dossier_ends_with_its_newest_state(warehouse):
    ingest(warehouse, "ho_so", [AS_OF_DAY_1], DAY_1)
    assert query(warehouse, "select current_status_key, supplement_count from dw.fact_dossier") == [
        (4, 0)]
    ingest(warehouse, "ho_so", [AS_OF_DAY_9], DAY_9)
    assert query(warehouse, "select current_status_key, received_at, due_at, finished_at,"
                 " returned_at, received_date_key, finished_date_key, supplement_count, fee_total,"
                 " service_fee_total, levy_total, is_paid_online, channel_key, applicant_type_key"
                 " from dw.fact_dossier") == [
        (10, datetime(2025, 3, 3, 8, tzinfo=VN), datetime(2025, 3, 17, 17, tzinfo=VN),
         datetime(2025, 3, 11, 15, tzinfo=VN), datetime(2025, 3, 11, 16, tzinfo=VN),
         20250303, 20250311, 1, 150000, 100000, 50000, True, 2, 1)]
    assert query(warehouse, "select round_no, requested_at, received_at, previous_due_at,"
                 " new_due_at from dw.fact_dossier_supplement") == [
        (1, datetime(2025, 3, 5, 10, tzinfo=VN), datetime(2025, 3, 7, 14, tzinfo=VN),
         datetime(2025, 3, 14, 17, tzinfo=VN), datetime(2025, 3, 17, 17, tzinfo=VN))]


def test_the_status_history_gives_the_status_as_of_past_moments(warehouse):
    ingest(warehouse, "ho_so", [AS_OF_DAY_1], DAY_1)
    ingest(warehouse, "ho_so", [AS_OF_DAY_9], DAY_9)
    expected = {datetime(2025, 3, 3, 7, 59, tzinfo=VN): None,
                datetime(2025, 3, 3, 8, 0, tzinfo=VN): None,  # a step at exactly t is not yet seen
                datetime(2025, 3, 3, 8, 30, tzinfo=VN): 2,
                datetime(2025, 3, 4, tzinfo=VN): 4,
                datetime(2025, 3, 6, tzinfo=VN): 5,
                datetime(2025, 3, 8, tzinfo=VN): 4,
                datetime(2025, 3, 11, 15, 30, tzinfo=VN): 9,
                datetime(2025, 3, 12, tzinfo=VN): 10}
    assert {t: status_as_of(warehouse, "HS1", t) for t in expected} == expected
    assert query(warehouse, "select step_no, status_key, status_date_key"
                 " from dw.fact_dossier_status order by step_no") == [
        (1, 2, 20250303), (2, 4, 20250303), (3, 5, 20250305),
        (4, 4, 20250307), (5, 9, 20250311), (6, 10, 20250311)]


def test_an_older_batch_loaded_after_a_newer_one_changes_nothing(warehouse):
    ingest(warehouse, "ho_so", [AS_OF_DAY_9], DAY_9)
    newest = dw_checksum(warehouse)
    assert ingest(warehouse, "ho_so", [AS_OF_DAY_1], DAY_1) == LoadResult(1, 1, 0)
    assert dw_checksum(warehouse) == newest


def test_running_a_batch_again_changes_nothing(warehouse):
    batch_id = land_and_stage(warehouse, "ho_so", [AS_OF_DAY_1, AS_OF_DAY_9], DAY_9)
    first = load_batch(warehouse, batch_id, HASH_KEY)
    once = dw_checksum(warehouse, schemas=("dw", "meta"))
    assert load_batch(warehouse, batch_id, HASH_KEY) == first == LoadResult(2, 2, 0)
    assert dw_checksum(warehouse, schemas=("dw", "meta")) == once


def test_a_newer_version_with_fewer_steps_drops_the_extra_ones(warehouse):
    ingest(warehouse, "ho_so", [AS_OF_DAY_9], DAY_9)
    corrected = dossier("HS1", "20250312080000", STEPS_BY_DAY_9[:2])
    ingest(warehouse, "ho_so", [corrected], date(2025, 3, 12))
    assert query(warehouse, "select step_no, status_key from dw.fact_dossier_status"
                 " order by step_no") == [(1, 2), (2, 4)]
    assert query(warehouse, "select count(*) from dw.fact_dossier_supplement") == [(0,)]


def test_a_batch_with_two_versions_of_a_dossier_keeps_the_newest(warehouse):
    assert ingest(warehouse, "ho_so", [AS_OF_DAY_9, AS_OF_DAY_1], DAY_9) == LoadResult(2, 2, 0)
    assert query(warehouse, "select current_status_key from dw.fact_dossier") == [(10,)]
    assert query(warehouse, "select count(*) from dw.fact_dossier_status") == [(6,)]


def test_a_batch_of_new_and_known_dossiers_writes_both_histories(warehouse):
    # HS1 has steps in dw (they are upserted), HS2 has none yet (they are inserted plainly)
    ingest(warehouse, "ho_so", [AS_OF_DAY_1], DAY_1)
    first_seen = dossier("HS2", "20250311100000", STEPS_BY_DAY_9[:3])
    ingest(warehouse, "ho_so", [AS_OF_DAY_9, first_seen], DAY_9)
    assert query(warehouse, "select d.dossier_code, s.step_no, s.status_key, s.status_date_key"
                 " from dw.fact_dossier_status as s inner join dw.fact_dossier as d"
                 " on s.dossier_key = d.dossier_key order by 1, 2") == [
        ("HS1", 1, 2, 20250303), ("HS1", 2, 4, 20250303), ("HS1", 3, 5, 20250305),
        ("HS1", 4, 4, 20250307), ("HS1", 5, 9, 20250311), ("HS1", 6, 10, 20250311),
        ("HS2", 1, 2, 20250303), ("HS2", 2, 4, 20250303), ("HS2", 3, 5, 20250305)]


def test_two_different_records_with_one_ngaycapnhat_settle_alike_in_any_order(
        postgres_server, warehouse):
    """A source defect: the tie is settled by the records' content, not by their order."""
    from tthc_pipeline.warehouse.migrations import apply_migrations

    one = dossier("HS1", "20250311160000", STEPS_BY_DAY_9, DonViXuLy="U1")
    other = dossier("HS1", "20250311160000", STEPS_BY_DAY_9[:3], DonViXuLy="U2")
    reversed_order = postgres_server.create_database()
    try:
        apply_migrations(reversed_order)
        ingest(warehouse, "ho_so", [one, other], DAY_9)
        ingest(reversed_order, "ho_so", [other, one], DAY_9)
        assert dw_checksum(warehouse) == dw_checksum(reversed_order)
        assert query(warehouse, "select count(*) from dw.fact_dossier") == [(1,)]
    finally:
        postgres_server.drop_database(reversed_order)


def test_missing_codes_and_unknown_static_codes_map_to_the_unknown_member(warehouse):
    record = dossier("HS1", "20250303080000", [(2, "20250303080000"), (42, "20250303090000")],
                     DonViXuLy=" ", MaTTHC=None, KenhThucHien=7, LoaiDoiTuong="x", NgayTiepNhan="")
    ingest(warehouse, "ho_so", [record], DAY_1)
    assert query(warehouse, "select unit_durable_key, procedure_durable_key, channel_key,"
                 " applicant_type_key, current_status_key, received_date_key, due_date_key"
                 " from dw.fact_dossier") == [(-1, -1, -1, -1, -1, -1, -1)]
    assert query(warehouse, "select status_key from dw.fact_dossier_status order by step_no") == [
        (2,), (-1,)]


def test_counts_reconcile_and_quarantined_rows_stay_out(warehouse):
    good, bad = AS_OF_DAY_1, dossier("HS2", "20250303090000", [(2, "20250303080000")])
    batch_id = land_and_stage(warehouse, "ho_so", [good, bad, good], DAY_1)
    with psycopg.connect(warehouse) as conn:  # what the quality gate does: two rules, one record
        for rule in ("due_after_reception", "known_unit"):
            conn.execute("insert into quarantine.ho_so (batch_id, record_no, rule, record)"
                         " select batch_id, record_no, %s, record from raw.ho_so"
                         " where batch_id = %s and record_no = 2", (rule, batch_id))
    assert load_batch(warehouse, batch_id, HASH_KEY) == LoadResult(2, 1, 1)
    assert query(warehouse, "select dossier_code from dw.fact_dossier") == [("HS1",)]
    assert query(warehouse, "select status, n_received, n_duplicates, n_extracted, n_loaded,"
                 " n_quarantined, finished_at is not null from meta.load_batch"
                 " where batch_id = %s", (batch_id,)) == [("loaded", 3, 1, 2, 1, 1, True)]
    assert query(warehouse, "select entity, batch_id from meta.watermark") == [("ho_so", batch_id)]


def test_a_row_neither_loadable_nor_quarantined_fails_the_whole_batch(warehouse):
    without_update_time = dossier("HS2", "", [(2, "20250303080000")])
    batch_id = land_and_stage(warehouse, "ho_so", [AS_OF_DAY_1, without_update_time], DAY_1)
    before = dw_checksum(warehouse, schemas=("dw", "meta"))
    with pytest.raises(ReconciliationError, match="extracted 2 != loaded 1 \\+ quarantined 0"):
        load_batch(warehouse, batch_id, HASH_KEY)
    assert dw_checksum(warehouse, schemas=("dw", "meta")) == before


def test_a_batch_must_be_staged_and_not_rejected(warehouse):
    batch = land_records(warehouse, "ho_so", *day_window(DAY_1), [AS_OF_DAY_1])
    with pytest.raises(ValueError, match="not staged"):
        load_batch(warehouse, batch.batch_id, HASH_KEY)
    stage_batch(warehouse, batch.batch_id)
    with psycopg.connect(warehouse) as conn:
        conn.execute("update meta.load_batch set status = 'rejected' where batch_id = %s",
                     (batch.batch_id,))
    with pytest.raises(ValueError, match="is rejected"):
        load_batch(warehouse, batch.batch_id, HASH_KEY)
    with pytest.raises(ValueError, match="hash_key is empty"):
        load_batch(warehouse, batch.batch_id, "")


def analysed_rows(conninfo: str, table: str) -> float:
    """The table's size as its statistics last counted it (-1: never analysed)."""
    return query(conninfo, "select reltuples from pg_class where oid = %s::regclass",
                 (f"dw.{table}",))[0][0]


def test_a_load_that_grows_a_table_leaves_its_statistics_current(warehouse):
    """The step after a big load (the Friday publish, a backfill's next day) plans with the
    statistics of what the load wrote, not of the empty tables: a 1M-dossier benchmark's
    Friday publish ran a probe of every status step per dossier for 19 minutes that way."""
    steps = [(1, "20250303080000"), (2, "20250303083000"), (4, "20250303090000")]
    first_day = [dossier(f"HS{i}", "20250303090000", steps) for i in range(200)]
    ingest(warehouse, "ho_so", first_day)
    assert analysed_rows(warehouse, "fact_dossier") == 200
    assert analysed_rows(warehouse, "fact_dossier_status") == 600

    # A small day into a bigger table is within the threshold (50 + 10 %): nothing analysed.
    ingest(warehouse, "ho_so", [dossier(f"HS-NEXT{i}", "20250304090000", steps)
                                for i in range(60)], day=date(2025, 3, 4))
    assert query(warehouse, "select count(*) from dw.fact_dossier") == [(260,)]
    assert analysed_rows(warehouse, "fact_dossier") == 200


def test_a_load_retried_after_dying_past_its_commit_still_refreshes_the_statistics(
        warehouse, tmp_path, monkeypatch):
    """The ANALYZE follows the load's commit; a worker that dies between the two leaves the
    statistics stale, and the retry (which finds the batch loaded) refreshes them."""
    steps = [(1, "20250303080000"), (2, "20250303083000")]
    batch_id = land_and_stage(warehouse, "ho_so",
                              [dossier(f"HS{i}", "20250303090000", steps) for i in range(120)])
    monkeypatch.setenv(CRASH_AT, "load.after_commit:ho_so")
    monkeypatch.setenv(CRASH_ONCE_DIR, str(tmp_path))
    with pytest.raises(InjectedCrash):
        load_batch(warehouse, batch_id, HASH_KEY)
    assert query(warehouse, "select count(*) from dw.fact_dossier") == [(120,)]
    assert analysed_rows(warehouse, "fact_dossier") != 120

    assert load_batch(warehouse, batch_id, HASH_KEY) == LoadResult(120, 120, 0)
    assert analysed_rows(warehouse, "fact_dossier") == 120

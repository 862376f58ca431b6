"""The batch state machine: the states a batch moves through, steps that a retry finds done,
older extractions superseded, staging emptied by the load, and the retention of personal data.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import psycopg
import pytest
from helpers.checksums import dw_checksum
from helpers.pipeline import HASH_KEY, VN, day_window, land_and_stage
from helpers.records import APPLICANT, dossier, payment, procedure, unit

from tthc_pipeline.extract.landing import land_records
from tthc_pipeline.quality.gate import GateResult, validate_batch
from tthc_pipeline.transform.load import LoadResult, load_batch
from tthc_pipeline.transform.retention import PERSONAL_FIELDS, scrub_personal_data
from tthc_pipeline.transform.stage import StageResult, stage_batch

pytestmark = pytest.mark.integration

UNIT, PROCEDURE = "000.00.02.H49", "1.000153"
DAY = date(2025, 3, 3)
UPDATED = "20250303100000"


def good_dossier(code: str, day: date = DAY, **fields) -> dict:
    steps = [(1, f"{day:%Y%m%d}080000"), (2, f"{day:%Y%m%d}083000"), (4, f"{day:%Y%m%d}100000")]
    due = day + timedelta(days=14)
    return dossier(code, steps[-1][1], steps, **{"MaTTHC": PROCEDURE, "DonViXuLy": UNIT,
                                                 "NgayHenTra": f"{due:%Y%m%d}170000", **fields})


def query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


def status(conninfo: str, batch_id: int) -> str:
    return query(conninfo, "select status from meta.load_batch where batch_id = %s",
                 (batch_id,))[0][0]


def through_the_gate(conninfo: str, entity: str, records: list[dict], day: date = DAY) -> int:
    batch_id = land_and_stage(conninfo, entity, records, day)
    validate_batch(conninfo, batch_id, 1.0)
    return batch_id


@pytest.fixture
def catalogued(warehouse: str) -> str:
    for entity, records in (
            ("don_vi", [unit("000.00.00.H49", "UBND tỉnh", "20250101080000", CapDonVi="tinh"),
                        unit(UNIT, "Sở Nội vụ", "20250101080000", MaDonViCha="000.00.00.H49")]),
            ("thu_tuc", [procedure(PROCEDURE, "20250101080000", [UNIT])])):
        load_batch(warehouse, through_the_gate(warehouse, entity, records), HASH_KEY)
    return warehouse


def test_a_batch_moves_landed_staged_validated_loaded(catalogued):
    batch = land_records(catalogued, "ho_so", *day_window(DAY), [good_dossier("HS-1")])
    assert status(catalogued, batch.batch_id) == "landed"
    stage_batch(catalogued, batch.batch_id)
    assert status(catalogued, batch.batch_id) == "staged"
    validate_batch(catalogued, batch.batch_id, 1.0)
    assert status(catalogued, batch.batch_id) == "validated"
    load_batch(catalogued, batch.batch_id, HASH_KEY)
    assert status(catalogued, batch.batch_id) == "loaded"


@pytest.mark.parametrize(("before", "after"), [("landed", "loaded"), ("landed", "validated"),
                                               ("loaded", "landed"), ("loaded", "validated")])
def test_the_database_refuses_a_move_the_state_machine_does_not_have(catalogued, before, after):
    batch_id = land_records(catalogued, "ho_so", *day_window(DAY), [good_dossier("HS-1")]).batch_id
    if before == "loaded":
        stage_batch(catalogued, batch_id)
        load_batch(catalogued, batch_id, HASH_KEY)
    with pytest.raises(psycopg.errors.CheckViolation, match="not a transition"):
        query(catalogued, "update meta.load_batch set status = %s where batch_id = %s",
              (after, batch_id))


def test_every_step_of_a_loaded_batch_finds_its_work_done_and_changes_nothing(catalogued):
    records = [good_dossier("HS-1"), good_dossier("HS-2", TrangThaiHoSo=77)]  # one quarantined
    batch_id = land_and_stage(catalogued, "ho_so", records)
    gate = validate_batch(catalogued, batch_id, 1.0)
    loaded = load_batch(catalogued, batch_id, HASH_KEY)
    assert loaded == LoadResult(2, 1, 1)

    def state() -> tuple:
        return (dw_checksum(catalogued, ("dw", "quarantine")),
                query(catalogued, "select * from meta.load_batch order by batch_id"),
                query(catalogued, "select * from meta.dq_run order by batch_id"))

    before = state()
    # what a retry of each task, or a cleared run, does with the batch it was handed
    assert stage_batch(catalogued, batch_id) == StageResult(2, 0, 2)
    assert validate_batch(catalogued, batch_id, 1.0) == gate
    assert load_batch(catalogued, batch_id, HASH_KEY) == loaded
    assert state() == before


def test_a_new_extraction_of_a_window_supersedes_the_older_ones(catalogued):
    first = through_the_gate(catalogued, "ho_so", [good_dossier("HS-1")])
    load_batch(catalogued, first, HASH_KEY)
    stranded = land_records(catalogued, "ho_so", *day_window(DAY),
                            [good_dossier("HS-1")]).batch_id  # its task died after landing
    next_day = DAY + timedelta(days=1)
    other_day = through_the_gate(catalogued, "ho_so", [good_dossier("HS-9", next_day)], next_day)
    newest = through_the_gate(catalogued, "ho_so", [good_dossier("HS-1")])
    load_batch(catalogued, newest, HASH_KEY)

    assert query(catalogued, "select batch_id, status, superseded_by from meta.load_batch"
                             " where entity = 'ho_so' order by 1") == [
        (first, "superseded", newest), (stranded, "superseded", newest),
        (other_day, "validated", None), (newest, "loaded", None)]
    assert query(catalogued, "select batch_id from meta.watermark where entity = 'ho_so'") == [
        (newest,)]
    # nothing of a superseded batch is staged or loadable any more; loading it is a no-op
    assert query(catalogued, "select distinct batch_id from staging.ho_so") == [(other_day,)]
    before = dw_checksum(catalogued)
    assert load_batch(catalogued, stranded, HASH_KEY) == LoadResult(None, None, None)
    assert dw_checksum(catalogued) == before
    assert status(catalogued, stranded) == "superseded"


DOSSIER_STAGING = ("ho_so", "ho_so_tien_do", "ho_so_bo_sung", "ho_so_le_phi", "ho_so_xin_loi")


def files_of(conninfo: str, tables: tuple[str, ...]) -> dict[str, int]:
    """Each staging table's file: a truncation gives the table a new one, a delete does not."""
    return {table: query(conninfo, "select pg_relation_filenode(%s)",
                         (f"staging.{table}",))[0][0] for table in tables}


def staged_batches(conninfo: str, table: str) -> list[tuple]:
    return query(conninfo, f"select batch_id, count(*) from staging.{table} group by 1 order by 1")


def test_a_batch_alone_in_staging_leaves_it_by_truncation(catalogued):
    batch_id = through_the_gate(catalogued, "ho_so", [good_dossier("HS-1"), good_dossier("HS-2")])
    before = files_of(catalogued, DOSSIER_STAGING)
    assert staged_batches(catalogued, "ho_so_tien_do") == [(batch_id, 6)]
    load_batch(catalogued, batch_id, HASH_KEY)
    after = files_of(catalogued, DOSSIER_STAGING)
    # the tables that held its rows; its dossiers have no supplement, fee or letter to stage
    assert {table for table in DOSSIER_STAGING if after[table] != before[table]} == {
        "ho_so", "ho_so_tien_do"}
    assert all(staged_batches(catalogued, table) == [] for table in DOSSIER_STAGING)
    assert query(catalogued, "select count(*) from dw.fact_dossier_status") == [(6,)]


def test_staging_that_holds_another_batch_loses_only_the_loaded_rows(catalogued):
    next_day = DAY + timedelta(days=1)
    waiting = through_the_gate(catalogued, "ho_so", [good_dossier("HS-9", next_day)], next_day)
    loaded = through_the_gate(catalogued, "ho_so", [good_dossier("HS-1")])
    before = files_of(catalogued, DOSSIER_STAGING)
    load_batch(catalogued, loaded, HASH_KEY)
    assert files_of(catalogued, DOSSIER_STAGING) == before  # deleted, not truncated
    assert staged_batches(catalogued, "ho_so") == [(waiting, 1)]
    assert staged_batches(catalogued, "ho_so_tien_do") == [(waiting, 3)]
    load_batch(catalogued, waiting, HASH_KEY)  # now alone: truncated
    assert all(staged_batches(catalogued, table) == [] for table in DOSSIER_STAGING)
    assert query(catalogued, "select dossier_code from dw.fact_dossier order by 1") == [
        ("HS-1",), ("HS-9",)]


def test_a_batch_with_parked_records_keeps_them_staged(catalogued):
    load_batch(catalogued, through_the_gate(catalogued, "ho_so", [good_dossier("HS-1")]),
               HASH_KEY)
    batch_id = through_the_gate(catalogued, "giao_dich", [  # HS-404 has not arrived
        payment("T-1", "HS-404", UPDATED, MaTTHC=PROCEDURE, MaDonVi=UNIT),
        payment("T-2", "HS-1", UPDATED, MaTTHC=PROCEDURE, MaDonVi=UNIT)])
    before = files_of(catalogued, ("giao_dich",))
    load_batch(catalogued, batch_id, HASH_KEY)
    assert files_of(catalogued, ("giao_dich",)) == before
    assert query(catalogued, "select payment_ref from staging.giao_dich") == [("T-1",)]
    assert query(catalogued, "select payment_ref from dw.fact_payment") == [("T-2",)]


def test_a_load_does_not_wait_for_a_staging_table_another_transaction_uses(catalogued):
    batch_id = through_the_gate(catalogued, "ho_so", [good_dossier("HS-1")])
    before = files_of(catalogued, DOSSIER_STAGING)
    with psycopg.connect(catalogued) as reader:  # e.g. another source's gate, mid-transaction
        reader.execute("select count(*) from staging.ho_so_tien_do").fetchone()
        with ThreadPoolExecutor(max_workers=1) as pool:
            load = pool.submit(load_batch, catalogued, batch_id, HASH_KEY)
            try:
                load.result(timeout=60)
            finally:
                reader.rollback()  # lets a load that waited finish, so the test ends
    after = files_of(catalogued, DOSSIER_STAGING)
    assert after["ho_so_tien_do"] == before["ho_so_tien_do"]  # in use: its rows deleted
    assert after["ho_so"] != before["ho_so"]  # free: truncated
    assert all(staged_batches(catalogued, table) == [] for table in DOSSIER_STAGING)


def test_a_load_cleans_only_its_own_entitys_staging(catalogued):
    """A dossier load holds the dossier tables it truncated until its commit; a payment load
    cleaning up meanwhile must not wait for them (a cleanup over every staging table did; that
    two such cleanups never waited for each other rested on which tables each load read first)."""
    load_batch(catalogued, through_the_gate(catalogued, "ho_so", [good_dossier("HS-1")]),
               HASH_KEY)
    batch_id = through_the_gate(catalogued, "giao_dich", [
        payment("T-1", "HS-1", UPDATED, MaTTHC=PROCEDURE, MaDonVi=UNIT)])
    with psycopg.connect(catalogued) as dossier_load:  # tables a payment load never reads
        dossier_load.execute("lock table staging.ho_so_le_phi, staging.ho_so_xin_loi"
                             " in access exclusive mode")
        with ThreadPoolExecutor(max_workers=1) as pool:
            load = pool.submit(load_batch, catalogued, batch_id, HASH_KEY)
            try:
                load.result(timeout=60)
            finally:
                dossier_load.rollback()
    assert staged_batches(catalogued, "giao_dich") == []
    assert query(catalogued, "select payment_ref from dw.fact_payment") == [("T-1",)]


def test_a_superseded_batch_parks_nothing(catalogued):
    older = through_the_gate(catalogued, "giao_dich", [payment("T-1", "HS-1", UPDATED,
                                                               MaTTHC=PROCEDURE, MaDonVi=UNIT)])
    load_batch(catalogued, older, HASH_KEY)
    assert query(catalogued, "select batch_id from meta.parked_record") == [(older,)]
    newer = through_the_gate(catalogued, "giao_dich", [])  # the source no longer has it
    load_batch(catalogued, newer, HASH_KEY)
    assert query(catalogued, "select count(*) from meta.parked_record") == [(0,)]
    # its dossier arriving later releases nothing: the window's extraction in force has none
    load_batch(catalogued, through_the_gate(catalogued, "ho_so", [good_dossier("HS-1")]),
               HASH_KEY)
    assert query(catalogued, "select count(*) from dw.fact_payment") == [(0,)]


def test_a_rejected_batch_is_not_loaded_and_can_be_validated_again(catalogued):
    batch_id = land_and_stage(catalogued, "ho_so", [good_dossier("HS-1", TrangThaiHoSo=77)])
    with pytest.raises(Exception, match="rejected"):
        validate_batch(catalogued, batch_id, 0.0)
    assert status(catalogued, batch_id) == "rejected"
    with pytest.raises(ValueError, match="is rejected"):
        load_batch(catalogued, batch_id, HASH_KEY)
    # the operator raises the threshold knowingly and clears the task
    assert validate_batch(catalogued, batch_id, 1.0) == GateResult(
        1, 1, {"ho_so.unknown_status": 1}, success=False)
    assert status(catalogued, batch_id) == "validated"


# -- retention of personal data -----------------------------------------------------------------

def personal_fields_left(conninfo: str, table: str) -> list[tuple]:
    return query(conninfo, f"select batch_id, count(*) from {table}"
                           " where record ?| %s group by 1 order by 1", (list(PERSONAL_FIELDS),))


def test_personal_fields_leave_raw_and_quarantine_after_the_retention_period(catalogued):
    old_day, recent_day = DAY, DAY + timedelta(days=40)
    old = through_the_gate(catalogued, "ho_so", [good_dossier("HS-1"),
                                                 good_dossier("HS-2", TrangThaiHoSo=77),
                                                 good_dossier("HS-3", DonViXuLy="000.00.09.H49")],
                           old_day)
    load_batch(catalogued, old, HASH_KEY)
    recent = through_the_gate(catalogued, "ho_so", [good_dossier("HS-4", recent_day)],
                              recent_day)
    load_batch(catalogued, recent, HASH_KEY)
    dw_before = dw_checksum(catalogued)
    cutoff = datetime(2025, 4, 1, tzinfo=VN)

    # the two catalogue batches are past the period; the old dossier batch has a parked
    # record: its other records are scrubbed, the batch is not marked yet
    assert scrub_personal_data(catalogued, cutoff) == {"batches": 2, "rejected_batches": 0}
    # HS-3 still waits for its unit: it keeps what its load will need
    assert personal_fields_left(catalogued, "raw.ho_so") == [(old, 1), (recent, 1)]
    assert personal_fields_left(catalogued, "quarantine.ho_so") == [(old, 1)]
    kept = query(catalogued, "select record ->> 'MaHoSo', record ->> 'NgayCapNhat'"
                             " from raw.ho_so where batch_id = %s order by 1", (old,))
    assert kept == [("HS-1", UPDATED), ("HS-2", UPDATED), ("HS-3", UPDATED)]
    assert query(catalogued, "select pii_scrubbed_at is null from meta.load_batch"
                             " where batch_id = %s", (old,)) == [(True,)]
    assert dw_checksum(catalogued) == dw_before

    # the unit arrives: HS-3 loads (with its applicant hash), and the next scrub finishes
    load_batch(catalogued, through_the_gate(catalogued, "don_vi", [
        unit("000.00.09.H49", "Sở mới", "20250101080000", MaDonViCha="000.00.00.H49")]),
        HASH_KEY)
    assert query(catalogued, "select applicant_hash is not null from dw.fact_dossier"
                             " where dossier_code = 'HS-3'") == [(True,)]
    # the old dossier batch, and the unit batch (of the same old day)
    assert scrub_personal_data(catalogued, cutoff) == {"batches": 2, "rejected_batches": 0}
    assert query(catalogued, "select pii_scrubbed_at is not null from meta.load_batch"
                             " where batch_id in (%s, %s) order by batch_id", (old, recent)) \
        == [(True,), (False,)]
    assert personal_fields_left(catalogued, "raw.ho_so") == [(recent, 1)]
    assert personal_fields_left(catalogued, "quarantine.ho_so") == []
    assert scrub_personal_data(catalogued, cutoff) == {"batches": 0, "rejected_batches": 0}
    assert APPLICANT["SoGiayToChuHoSo"] not in str(query(catalogued, "select * from staging.ho_so"))
    assert query(catalogued, "select count(*) from staging.ho_so where batch_id = %s",
                 (old,)) == [(0,)]


def test_retention_empties_the_staging_of_rejected_batches_of_every_entity(catalogued):
    """A rejected batch is never loaded, so its staged rows stay until its window is past the
    retention period; then every staging table of its entity loses them."""
    dossiers = land_and_stage(catalogued, "ho_so", [good_dossier("HS-1", TrangThaiHoSo=77)])
    payments = land_and_stage(catalogued, "giao_dich", [
        payment("T-1", "HS-1", UPDATED, MaTTHC=PROCEDURE, MaDonVi=UNIT, SoTien=-1)])
    for batch_id in (dossiers, payments):
        with pytest.raises(Exception, match="rejected"):
            validate_batch(catalogued, batch_id, 0.0)
    assert staged_batches(catalogued, "ho_so_tien_do") == [(dossiers, 3)]
    assert staged_batches(catalogued, "giao_dich") == [(payments, 1)]

    # the two catalogue batches of the same day, and the two rejected ones
    assert scrub_personal_data(catalogued, datetime(2025, 4, 1, tzinfo=VN)) == {
        "batches": 4, "rejected_batches": 2}
    assert all(staged_batches(catalogued, table) == []
               for table in (*DOSSIER_STAGING, "giao_dich"))

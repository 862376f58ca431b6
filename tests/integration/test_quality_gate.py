"""The quality gate over real staged batches: quarantine, threshold, results, idempotency, and
rows parked for a reference that arrives later, loaded by the load that brings it."""

import sys
from datetime import date

import psycopg
import pytest
from helpers.checksums import dw_checksum
from helpers.pipeline import HASH_KEY, day_window, fresh_warehouse, land_and_stage
from helpers.records import dossier, payment, procedure, unit

from tthc_pipeline.quality.gate import BatchRejected, GateResult, validate_batch
from tthc_pipeline.quality.suites import suite_rules
from tthc_pipeline.transform.load import LoadResult, load_batch

pytestmark = pytest.mark.integration

UNIT, PROCEDURE = "000.00.02.H49", "1.000153"
UPDATED = "20250303100000"  # inside the default day's window (helpers.pipeline.DEFAULT_DAY)
KEY_FIELD = {"ho_so": "MaHoSo", "giao_dich": "MaThamChieu"}


def good_dossier(code: str, **fields) -> dict:
    steps = [(1, "20250303080000"), (2, "20250303083000"), (4, UPDATED)]
    return dossier(code, UPDATED, steps, **{
        "MaTTHC": PROCEDURE, "DonViXuLy": UNIT, "NgayHenTra": "20250317170000",
        "DanhSachLePhi": [{"MaPhiLePhi": "LP1", "TenPhiLePhi": "Lệ phí", "LoaiPhiLePhi": 2,
                           "SoTien": 30000}],
        **fields})


def good_payment(ref: str, dossier_code: str, **fields) -> dict:
    return payment(ref, dossier_code, UPDATED, **{"MaTTHC": PROCEDURE, "MaDonVi": UNIT, **fields})


def gate(conninfo: str, entity: str, records: list[dict], max_bad_share: float = 1.0,
         day: date = date(2025, 3, 3)) -> tuple[int, GateResult]:
    batch_id = land_and_stage(conninfo, entity, records, day)
    return batch_id, validate_batch(conninfo, batch_id, max_bad_share)


def gate_and_load(conninfo: str, entity: str, records: list[dict]) -> LoadResult:
    batch_id, _ = gate(conninfo, entity, records)
    return load_batch(conninfo, batch_id, HASH_KEY)


def quarantined(conninfo: str, entity: str, batch_id: int) -> set[tuple[str, str]]:
    with psycopg.connect(conninfo) as conn:
        return set(conn.execute(
            f"select record ->> '{KEY_FIELD[entity]}', rule from quarantine.{entity}"
            " where batch_id = %s", (batch_id,)))


def query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


def catalogued_warehouse(conninfo: str) -> str:
    """Take the unit and procedure catalogues through the gate into dw."""
    gate_and_load(conninfo, "don_vi", [
        unit("000.00.00.H49", "UBND tỉnh", "20250101080000", CapDonVi="tinh"),
        unit(UNIT, "Sở Nội vụ", "20250101080000", MaDonViCha="000.00.00.H49"),
    ])
    gate_and_load(conninfo, "thu_tuc", [procedure(PROCEDURE, "20250101080000", [UNIT])])
    return conninfo


@pytest.fixture
def catalogued(warehouse: str) -> str:
    return catalogued_warehouse(warehouse)


BAD_DOSSIERS = {
    "unparseable date": ({"NgayTiepNhan": "20250230080000"}, {"ho_so.unparseable_date"}),
    "due before reception": ({"NgayHenTra": "20250302170000"}, {"ho_so.due_before_reception"}),
    "unknown unit": ({"DonViXuLy": "000.00.99.H49"}, {"ho_so.unknown_unit"}),
    "malformed unit code": ({"DonViXuLy": "U1"},
                            {"ho_so.malformed_unit_code", "ho_so.unknown_unit"}),
    "unknown procedure": ({"MaTTHC": "1.999999"}, {"ho_so.unknown_procedure"}),
    "unknown status": ({"TrangThaiHoSo": 11}, {"ho_so.unknown_status"}),
    "status not a number": ({"TrangThaiHoSo": "abc"}, {"ho_so.missing_status"}),
    "negative fee": ({"DanhSachLePhi": [{"MaPhiLePhi": "LP1", "LoaiPhiLePhi": 2,
                                         "SoTien": -30000}]}, {"ho_so.negative_fee"}),
    "fee not an integer": ({"DanhSachLePhi": [{"MaPhiLePhi": "LP1", "LoaiPhiLePhi": 2,
                                               "SoTien": 1.5}]}, {"ho_so.fee_not_integer"}),
    "status history out of order": (
        {"TienDo": [{"TrangThai": 1, "ThoiDiemXuLy": "20250303080000"},
                    {"TrangThai": 2, "ThoiDiemXuLy": "20250303090000"},
                    {"TrangThai": 4, "ThoiDiemXuLy": "20250303085000"}]},
        {"ho_so.status_history_out_of_order"}),
    "missing key": ({"MaHoSo": " "}, {"ho_so.missing_key"}),
    "whitespace in key": ({"MaHoSo": "HS BAD"}, {"ho_so.malformed_dossier_code"}),
    "oversized key": ({"MaHoSo": "HS-" + "9" * 60}, {"ho_so.oversized_dossier_code"}),
    "updated outside the window": ({"NgayCapNhat": "20250305100000"},
                                   {"ho_so.updated_outside_window"}),
}


@pytest.mark.parametrize(("fields", "rules"), BAD_DOSSIERS.values(), ids=BAD_DOSSIERS.keys())
def test_a_bad_dossier_is_quarantined_with_its_rule_and_the_good_rows_load(catalogued, fields,
                                                                         rules):
    bad_key = fields.get("MaHoSo", "HS-BAD")
    records = [good_dossier("HS-1"), good_dossier("HS-BAD", **fields), good_dossier("HS-2")]
    batch_id, result = gate(catalogued, "ho_so", records)
    assert quarantined(catalogued, "ho_so", batch_id) == {(bad_key, rule) for rule in rules}
    assert result == GateResult(n_checked=3, n_quarantined=1, by_rule=dict.fromkeys(rules, 1),
                                success=False)
    assert load_batch(catalogued, batch_id, HASH_KEY) == LoadResult(3, 2, 1)
    assert query(catalogued, "select dossier_code from dw.fact_dossier order by 1") == [
        ("HS-1",), ("HS-2",)]


def test_two_different_records_of_one_dossier_at_one_moment_are_both_quarantined(catalogued):
    records = [good_dossier("HS-1"), good_dossier("HS-DUP", KenhThucHien=1),
               good_dossier("HS-DUP", KenhThucHien=2)]
    batch_id, result = gate(catalogued, "ho_so", records)
    assert quarantined(catalogued, "ho_so", batch_id) == {("HS-DUP", "ho_so.duplicate_key")}
    assert result.by_rule == {"ho_so.duplicate_key": 2}
    assert load_batch(catalogued, batch_id, HASH_KEY) == LoadResult(3, 1, 2)


def test_a_newer_version_of_a_dossier_in_the_same_batch_is_no_duplicate(catalogued):
    later = "20250303110000"
    first = good_dossier("HS-1")
    finished_step = {**first["TienDo"][-1], "TrangThai": 9, "ThoiDiemXuLy": later}
    records = [first, good_dossier("HS-1", NgayCapNhat=later, TrangThaiHoSo=9,
                                   NgayKetThucXuLy=later,
                                   TienDo=[*first["TienDo"], finished_step])]
    _, result = gate(catalogued, "ho_so", records)
    assert result.success and result.n_quarantined == 0


def test_a_payment_for_an_unknown_dossier_is_quarantined_and_the_others_load(catalogued):
    gate_and_load(catalogued, "ho_so", [good_dossier("HS-1")])
    records = [good_payment("T-1", "HS-1"), good_payment("T-2", "HS-MISSING"),
               good_payment("T-3", "HS-1", SoTien=-150000)]
    batch_id, result = gate(catalogued, "giao_dich", records)
    assert quarantined(catalogued, "giao_dich", batch_id) == {
        ("T-2", "giao_dich.unknown_dossier"), ("T-3", "giao_dich.negative_amount")}
    assert result.n_quarantined == 2
    assert load_batch(catalogued, batch_id, HASH_KEY) == LoadResult(3, 1, 2)
    assert query(catalogued, "select payment_ref from dw.fact_payment") == [("T-1",)]


def test_a_batch_past_the_bad_share_threshold_is_rejected_loudly(catalogued):
    records = ([good_dossier(f"HS-{i}") for i in range(7)]
               + [good_dossier(f"HS-X{i}", TrangThaiHoSo=11) for i in range(3)])
    batch_id = land_and_stage(catalogued, "ho_so", records)
    with pytest.raises(BatchRejected) as rejected:
        validate_batch(catalogued, batch_id, 0.2)
    window_start, window_end = day_window(date(2025, 3, 3))
    assert str(rejected.value) == (
        f"ho_so batch {batch_id} for window [{window_start.isoformat()},"
        f" {window_end.isoformat()}) rejected: 3 of 10 rows (30.00%) failed quality rules,"
        " above the 20.00% threshold; top rules: ho_so.unknown_status (3 rows). Nothing of"
        f" this batch is loaded. See quarantine.ho_so and meta.dq_result where batch_id ="
        f" {batch_id}."
    )
    assert query(catalogued, "select status, n_quarantined from meta.load_batch"
                 " where batch_id = %s", (batch_id,)) == [("rejected", 3)]
    assert len(quarantined(catalogued, "ho_so", batch_id)) == 3
    with pytest.raises(ValueError, match="rejected"):
        load_batch(catalogued, batch_id, HASH_KEY)


def test_rows_parked_for_a_missing_reference_do_not_count_towards_rejection(catalogued):
    # Days loaded out of order: most payments of this day name dossiers not loaded yet.
    gate_and_load(catalogued, "ho_so", [good_dossier("HS-1")])
    records = [good_payment("T-1", "HS-1"), good_payment("T-2", "HS-LATER"),
               good_payment("T-3", "HS-LATER-TOO"), good_payment("T-4", "HS-1", SoTien=-1)]
    batch_id, result = gate(catalogued, "giao_dich", records, max_bad_share=0.25)
    assert result.n_quarantined == 3
    assert query(catalogued, "select status, n_quarantined from meta.load_batch"
                 " where batch_id = %s", (batch_id,)) == [("validated", 3)]
    records.append(good_payment("T-5", "HS-1", SoTien=-2))
    with pytest.raises(BatchRejected, match="rejected: 2 of 5 rows"):
        gate(catalogued, "giao_dich", records, max_bad_share=0.25)


def test_a_batch_at_the_threshold_passes(catalogued):
    records = [good_dossier("HS-1"), good_dossier("HS-X", TrangThaiHoSo=11)]
    batch_id, result = gate(catalogued, "ho_so", records, max_bad_share=0.5)
    assert result.n_quarantined == 1
    assert query(catalogued, "select status from meta.load_batch where batch_id = %s",
                 (batch_id,)) == [("validated",)]


def test_every_rule_result_is_stored_for_the_data_engineer(catalogued):
    batch_id, _ = gate(catalogued, "ho_so", [good_dossier("HS-1"),
                                            good_dossier("HS-X", TrangThaiHoSo=11)])
    results = {rule: rest for rule, *rest in query(
        catalogued, "select rule, expectation, success, element_count, unexpected_count,"
        " observed from meta.dq_result where batch_id = %s", (batch_id,))}
    assert results.keys() == {rule.name for rule in suite_rules("ho_so")}
    assert [rule for rule, (_, success, *_) in results.items() if not success] == [
        "ho_so.unknown_status"]
    expectation, _, element_count, unexpected_count, observed = results["ho_so.unknown_status"]
    assert (expectation, element_count, unexpected_count) == (
        "expect_column_values_to_be_in_set", 2, 1)
    assert observed["sample"] == [{"record_no": 2, "details": {"status_code": 11}}]
    assert query(catalogued, "select entity, n_checked, n_bad_rows, bad_share, is_rejected"
                 " from meta.dq_run where batch_id = %s", (batch_id,)) == [
        ("ho_so", 2, 1, 0.5, False)]


def test_running_the_gate_again_over_a_batch_changes_nothing(catalogued):
    records = [good_dossier("HS-1"), good_dossier("HS-X", TrangThaiHoSo=11),
               good_dossier("HS-Y", NgayHenTra="20250302170000", MaTTHC="1.999999")]
    batch_id, first = gate(catalogued, "ho_so", records)

    def state() -> tuple:
        return (query(catalogued, "select record_no, rule, expectation, details, record,"
                      " quarantined_at, released_at from quarantine.ho_so order by 1, 2"),
                query(catalogued, "select rule, success, unexpected_count, observed"
                      " from meta.dq_result order by 1"),
                query(catalogued, "select status, n_quarantined from meta.load_batch"
                      " where batch_id = %s", (batch_id,)))

    before = state()
    assert validate_batch(catalogued, batch_id, 1.0) == first
    assert state() == before


# -- late references: parked rows load inside the load that brings what they wait for ---------

def released(conninfo: str, entity: str) -> set[tuple[str, int | None]]:
    with psycopg.connect(conninfo) as conn:
        return set(conn.execute(
            f"select record ->> '{KEY_FIELD[entity]}', released_batch_id"
            f" from quarantine.{entity} where released_at is not null"))


def batch_counts(conninfo: str, batch_id: int) -> tuple:
    return query(conninfo, "select status, n_extracted, n_loaded, n_quarantined"
                 " from meta.load_batch where batch_id = %s", (batch_id,))[0]


def staged_payments(conninfo: str) -> list[tuple]:
    return query(conninfo, "select payment_ref from staging.giao_dich order by 1")


def test_a_payment_parked_for_its_dossier_loads_in_the_load_that_brings_the_dossier(catalogued):
    # an extra field beyond 64 bits once broke the release, which re-landed the raw record
    payments = [good_payment("T-LATE", "HS-LATE", DiemDanhGia=1e20),
                good_payment("T-NEVER", "HS-NEVER"),
                good_payment("T-BAD", "HS-LATE", SoTien=-1)]  # also bad: never parkable
    payment_batch, _ = gate(catalogued, "giao_dich", payments)
    load_batch(catalogued, payment_batch, HASH_KEY)
    assert query(catalogued, "select payment_ref from dw.fact_payment") == []
    assert batch_counts(catalogued, payment_batch) == ("loaded", 3, 0, 3)
    # staging keeps the parked records only: the bad one waits for nothing
    assert staged_payments(catalogued) == [("T-LATE",), ("T-NEVER",)]

    dossier_batch, _ = gate(catalogued, "ho_so", [good_dossier("HS-LATE")])
    load_batch(catalogued, dossier_batch, HASH_KEY)

    assert released(catalogued, "giao_dich") == {("T-LATE", dossier_batch)}
    assert query(catalogued, "select payment_ref from dw.fact_payment") == [("T-LATE",)]
    assert batch_counts(catalogued, payment_batch) == ("loaded", 3, 1, 2)
    assert staged_payments(catalogued) == [("T-NEVER",)]
    assert query(catalogued, "select entity, batch_id, record_no, rules from meta.parked_record") \
        == [("giao_dich", payment_batch, 2, ["giao_dich.unknown_dossier"])]
    # loading either batch again changes nothing: released once only
    before = dw_checksum(catalogued)
    load_batch(catalogued, dossier_batch, HASH_KEY)
    load_batch(catalogued, payment_batch, HASH_KEY)
    assert dw_checksum(catalogued) == before
    assert batch_counts(catalogued, payment_batch) == ("loaded", 3, 1, 2)


def test_the_weekly_check_counts_parked_records_that_could_load_and_a_load_releases_them(
        catalogued, monkeypatch):
    from tthc_pipeline.report.period import releasable_parked
    from tthc_pipeline.transform import load

    payment_batch, _ = gate(catalogued, "giao_dich", [good_payment("T-1", "HS-1"),
                                                       good_payment("T-2", "HS-2"),
                                                       good_payment("T-3", "HS-NEVER")])
    load_batch(catalogued, payment_batch, HASH_KEY)
    assert releasable_parked(catalogued) == {}  # all three wait for a dossier
    # a load that failed to release (the defect the Friday check guards against)
    monkeypatch.setattr(load, "release_parked", lambda *args, **kwargs: {})
    dossier_batch, _ = gate(catalogued, "ho_so", [good_dossier("HS-1"), good_dossier("HS-2")])
    load_batch(catalogued, dossier_batch, HASH_KEY)
    (source_code,) = query(catalogued, "select distinct source_code from meta.load_batch")[0]
    assert releasable_parked(catalogued) == {f"{source_code}/giao_dich": 2}

    monkeypatch.undo()
    load_batch(catalogued, dossier_batch, HASH_KEY)  # already loaded: it only releases
    assert releasable_parked(catalogued) == {}
    assert released(catalogued, "giao_dich") == {("T-1", dossier_batch), ("T-2", dossier_batch)}
    assert batch_counts(catalogued, payment_batch) == ("loaded", 3, 2, 1)
    assert query(catalogued, "select payment_ref from dw.fact_payment order by 1") \
        == [("T-1",), ("T-2",)]


def test_a_payment_whose_dossier_arrives_between_its_gate_and_its_load_loads(catalogued):
    payment_batch, result = gate(catalogued, "giao_dich", [good_payment("T-1", "HS-1")])
    assert result.by_rule == {"giao_dich.unknown_dossier": 1}
    gate_and_load(catalogued, "ho_so", [good_dossier("HS-1")])  # nothing of it loaded yet
    assert load_batch(catalogued, payment_batch, HASH_KEY) == LoadResult(1, 1, 0)
    assert query(catalogued, "select payment_ref from dw.fact_payment") == [("T-1",)]


def test_a_unit_releases_its_parked_dossiers_and_they_their_parked_payments(catalogued):
    new_unit = "000.00.03.H49"
    payment_batch, _ = gate(catalogued, "giao_dich", [good_payment("T-1", "HS-1")])
    load_batch(catalogued, payment_batch, HASH_KEY)
    dossier_batch, result = gate(catalogued, "ho_so", [good_dossier("HS-1", DonViXuLy=new_unit)])
    assert result.by_rule == {"ho_so.unknown_unit": 1}
    load_batch(catalogued, dossier_batch, HASH_KEY)
    assert query(catalogued, "select count(*) from dw.fact_dossier") == [(0,)]

    unit_batch, _ = gate(catalogued, "don_vi", [unit(new_unit, "Sở Tư pháp", "20250303080000",
                                                     MaDonViCha="000.00.00.H49")])
    load_batch(catalogued, unit_batch, HASH_KEY)
    assert query(catalogued, "select dossier_code from dw.fact_dossier") == [("HS-1",)]
    assert query(catalogued, "select payment_ref from dw.fact_payment") == [("T-1",)]
    assert released(catalogued, "ho_so") == {("HS-1", unit_batch)}
    assert released(catalogued, "giao_dich") == {("T-1", unit_batch)}
    assert query(catalogued, "select count(*) from meta.parked_record") == [(0,)]


def test_a_catalogue_committed_while_dossiers_are_checked_does_not_reject_them(warehouse,
                                                                              monkeypatch):
    """The daily DAGs run side by side: on a new warehouse (or a day that brings new units)
    the day's catalogues may commit while a dossier batch of that day is being checked. Its
    rows were checked without them: they wait, and load with their own batch. Found by
    bench/daily_window.py, whose first day failed with "8488 of 8488 rows ... unknown_unit"."""
    gate_module = sys.modules[validate_batch.__module__]
    batch_id = land_and_stage(warehouse, "ho_so", [good_dossier("HS-1"), good_dossier("HS-2")],
                              date(2025, 3, 3))
    check_rows = gate_module.evaluate_suite

    def catalogues_commit_meanwhile(*args, **kwargs):
        outcomes = check_rows(*args, **kwargs)
        monkeypatch.undo()  # the catalogues' own gates check as usual
        catalogued_warehouse(warehouse)  # the catalogue DAG's loads, on their own connections
        return outcomes

    monkeypatch.setattr(gate_module, "evaluate_suite", catalogues_commit_meanwhile)
    result = validate_batch(warehouse, batch_id, max_bad_share=0.05)

    assert result.by_rule == {"ho_so.unknown_unit": 2, "ho_so.unknown_procedure": 2}
    assert query(warehouse, "select status from meta.load_batch where batch_id = %s",
                 (batch_id,)) == [("validated",)]
    assert load_batch(warehouse, batch_id, HASH_KEY) == LoadResult(2, 2, 0)
    assert query(warehouse, "select dossier_code from dw.fact_dossier order by 1") == \
        [("HS-1",), ("HS-2",)]
    assert query(warehouse, "select count(*) from meta.parked_record") == [(0,)]


def test_payments_loaded_before_their_dossiers_end_in_the_same_warehouse(catalogued,
                                                                          postgres_server):
    dossiers = [good_dossier("HS-1"), good_dossier("HS-2")]
    payments = [good_payment("T-1", "HS-1"), good_payment("T-2", "HS-2", SoTien=0)]
    gate_and_load(catalogued, "ho_so", dossiers)
    gate_and_load(catalogued, "giao_dich", payments)
    with fresh_warehouse(postgres_server) as shuffled:
        shuffled_catalogued = catalogued_warehouse(shuffled)
        gate_and_load(shuffled_catalogued, "giao_dich", payments)  # both parked
        gate_and_load(shuffled_catalogued, "ho_so", dossiers)  # releases both
        assert dw_checksum(shuffled_catalogued) == dw_checksum(catalogued)

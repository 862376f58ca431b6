from datetime import datetime

import psycopg
import pytest
from helpers.pipeline import VN, land_and_stage
from helpers.records import payment, procedure, unit

pytestmark = pytest.mark.integration


def staged(conninfo: str, query: str, batch_id: int) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(query, (batch_id,)).fetchall()


def test_units_are_typed(warehouse):
    batch_id = land_and_stage(warehouse, "don_vi", [
        unit(" U1 ", "Sở Tư pháp", "20250101000000", MaDonViCha=" P ", HieuLuc=False),
        unit("U2", "Sở Y tế", "2025-01-01", HieuLuc="maybe")])
    assert staged(warehouse, "select unit_code, unit_name, parent_unit_code, is_active,"
                  " is_active_raw, source_updated_at, source_updated_raw from staging.don_vi"
                  " where batch_id = %s order by record_no", batch_id) == [
        ("U1", "Sở Tư pháp", "P", False, "false", datetime(2025, 1, 1, tzinfo=VN),
         "20250101000000"),
        ("U2", "Sở Y tế", None, None, "maybe", None, "2025-01-01")]


def test_handling_units_become_a_sorted_set_of_trimmed_codes(warehouse):
    batch_id = land_and_stage(warehouse, "thu_tuc", [
        procedure("P1", "20250101000000", [" U2", "U1", "U2 ", ""], ThoiHanGiaiQuyet="7.5"),
        procedure("P2", "20250101000000", "U1")])
    assert staged(warehouse, "select procedure_code, handling_unit_codes, handling_units_raw,"
                  " legal_duration_days, legal_duration_raw from staging.thu_tuc"
                  " where batch_id = %s order by record_no", batch_id) == [
        ("P1", ["U1", "U2"], '[" U2", "U1", "U2 ", ""]', None, "7.5"),
        ("P2", [], '"U1"', 10, "10")]


def test_payments_are_typed(warehouse):
    batch_id = land_and_stage(warehouse, "giao_dich", [
        payment("T1", "HS1", "20250303100000", SoTien=-5, Phi="1e3", ThoiGianHoanPhi="")])
    assert staged(warehouse, "select payment_ref, amount, service_fee_amount, service_fee_raw,"
                  " levy_amount, initiated_at, refunded_at, refunded_raw from staging.giao_dich"
                  " where batch_id = %s", batch_id) == [
        ("T1", -5, None, "1e3", 50000, datetime(2025, 3, 3, 10, tzinfo=VN), None, "")]


def test_staging_shows_the_planner_the_new_raw_batch(warehouse):
    # statistics of raw.giao_dich that know only an earlier batch (autovacuum analysed it then):
    # the next batch's id looks like one row unless staging analyses raw first
    # (bench/RESULTS.md, section 7: a second source's payments took minutes to stage)
    land_and_stage(warehouse, "giao_dich", [
        payment(f"T{i}", f"HS{i}", "20250303100000") for i in range(200)])
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute("analyze raw.giao_dich")
    batch_id = land_and_stage(warehouse, "giao_dich", [
        payment(f"N{i}", f"HS{i}", "20250304100000") for i in range(300)])
    with psycopg.connect(warehouse) as conn:
        (plan,) = conn.execute("explain (format json) select * from raw.giao_dich"
                               f" where batch_id = {int(batch_id)}").fetchone()
    assert plan[0]["Plan"]["Plan Rows"] >= 150

"""What analysts see: the BI views (V007), the comments on every dw/mart object, and the data
dictionary generated from those comments."""

from __future__ import annotations

from datetime import date, datetime

import psycopg
import pytest
from helpers.pipeline import VN, ingest
from helpers.records import dossier, payment, procedure, unit

from tthc_devtools.data_dictionary import (
    DICTIONARY_PATH,
    catalogue,
    generate,
    undocumented,
)

pytestmark = pytest.mark.integration

DAY = date(2025, 3, 3)


def query(conninfo: str, sql: str, params: tuple = ()) -> list[dict]:
    with psycopg.connect(conninfo, row_factory=psycopg.rows.dict_row) as conn:
        return conn.execute(sql, params).fetchall()


# --- Comments and the dictionary -------------------------------------------------------------

def test_every_dw_and_mart_table_view_and_column_has_a_bilingual_comment(warehouse):
    relations = catalogue(warehouse)
    names = {r.qualified_name for r in relations}
    assert {"dw.fact_dossier", "dw.v_dossier", "dw.v_payment", "dw.v_dossier_status_history",
            "mart.chi_thi_04_latest", "mart.v_chi_thi_04_long"} <= names
    assert undocumented(relations) == []
    comments = [(r.qualified_name, r.comment) for r in relations]
    comments += [(f"{r.qualified_name}.{c.name}", c.comment) for r in relations for c in r.columns]
    not_bilingual = [name for name, text in comments if " / " not in text]
    assert not_bilingual == [], "comments are 'Tiếng Việt / English'"


def test_the_committed_data_dictionary_matches_the_migrations(warehouse):
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == generate(warehouse), (
        "docs/data-dictionary.md is out of date: run `make data-dictionary`")


# --- dw views --------------------------------------------------------------------------------

@pytest.fixture
def loaded(warehouse) -> str:
    """A province root, a department renamed once, a procedure, a paid dossier and its payment."""
    ingest(warehouse, "don_vi", [
        unit("T1", "UBND tỉnh", "20250101080000", CapDonVi="tinh"),
        unit("S1", "Sở Tư pháp", "20250101080000", MaDonViCha="T1"),
    ], DAY)
    ingest(warehouse, "don_vi", [unit("S1", "Sở Tư pháp tỉnh", "20250302080000",
                                      MaDonViCha="T1")], DAY)
    ingest(warehouse, "thu_tuc", [procedure("P1", "20250101080000", ["S1"])], DAY)
    ingest(warehouse, "ho_so", [dossier(
        "HS1", "20250303160000", [(2, "20250303080000"), (4, "20250303090000"),
                                  (9, "20250303150000")],
        DonViXuLy="S1", NgayHenTra="20250307170000", NgayKetThucXuLy="20250303150000",
        DanhSachLePhi=[{"MaPhiLePhi": "P", "LoaiPhiLePhi": 1, "SoTien": 100000},
                       {"MaPhiLePhi": "L", "LoaiPhiLePhi": 2, "SoTien": 50000}],
        DuocThanhToanTrucTuyen=2)], DAY)
    ingest(warehouse, "giao_dich", [payment("TT1", "HS1", "20250303100000", MaDonVi="S1")], DAY)
    return warehouse


def test_v_dossier_is_flat_with_current_names_and_labels(loaded):
    (row,) = query(loaded, "select * from dw.v_dossier")
    assert "applicant_hash" not in row
    assert {key: row[key] for key in (
        "dossier_code", "unit_code", "unit_name", "unit_level", "parent_unit_code",
        "parent_unit_name", "procedure_code", "online_level_name_vi", "online_level_name_en",
        "channel_name_vi", "channel_name_en", "is_online", "status_code", "status_name_vi",
        "status_name_en", "is_finished", "received_date", "due_date", "finished_date",
        "received_report_date", "fee_total", "service_fee_total", "levy_total",
        "is_paid_online", "online_payment_name_en")} == {
        "dossier_code": "HS1", "unit_code": "S1", "unit_name": "Sở Tư pháp tỉnh",
        "unit_level": "so", "parent_unit_code": "T1", "parent_unit_name": "UBND tỉnh",
        "procedure_code": "P1", "online_level_name_vi": "Toàn trình",
        "online_level_name_en": "Full-process online", "channel_name_vi": "Trực tuyến",
        "channel_name_en": "Online", "is_online": True, "status_code": 9,
        "status_name_vi": "Đã xử lý xong", "status_name_en": "Processing finished",
        "is_finished": True, "received_date": date(2025, 3, 3), "due_date": date(2025, 3, 7),
        "finished_date": date(2025, 3, 3), "received_report_date": date(2025, 3, 7),
        "fee_total": 150000, "service_fee_total": 100000, "levy_total": 50000,
        "is_paid_online": True, "online_payment_name_en": "Provincial payment gateway"}


def test_v_payment_names_its_unit_and_labels_its_status(loaded):
    (row,) = query(loaded, "select * from dw.v_payment")
    assert {key: row[key] for key in (
        "payment_ref", "dossier_code", "has_dossier", "unit_name", "procedure_code", "amount",
        "payment_method_name_vi", "payment_method_name_en", "payment_status_name_vi",
        "payment_status_name_en", "is_succeeded", "succeeded_date")} == {
        "payment_ref": "TT1", "dossier_code": "HS1", "has_dossier": True,
        "unit_name": "Sở Tư pháp tỉnh", "procedure_code": "P1", "amount": 150000,
        "payment_method_name_vi": "Trực tuyến", "payment_method_name_en": "Online",
        "payment_status_name_vi": "Thành công", "payment_status_name_en": "Succeeded",
        "is_succeeded": True, "succeeded_date": date(2025, 3, 3)}


def test_v_dossier_status_history_gives_the_time_in_each_status(loaded):
    rows = query(loaded, "select step_no, status_name_en, status_at, next_status_at,"
                 " hours_in_status, is_latest_step, unit_code from dw.v_dossier_status_history"
                 " order by step_no")
    assert [(r["step_no"], r["status_name_en"], r["hours_in_status"], r["is_latest_step"])
            for r in rows] == [(1, "Accepted", 1, False), (2, "In process", 6, False),
                               (3, "Processing finished", None, True)]
    assert rows[0]["next_status_at"] == rows[1]["status_at"] == datetime(2025, 3, 3, 9, tzinfo=VN)
    assert {r["unit_code"] for r in rows} == {"S1"}


def test_a_filter_on_the_status_history_reaches_the_steps_of_the_dossiers_it_names(loaded):
    """V025: no window over every step of the warehouse before the filter; the steps of the
    dossier asked for are found through the keys."""
    one_dossier = "select * from dw.v_dossier_status_history where dossier_code = %s"
    with psycopg.connect(loaded) as conn:
        conn.execute("set enable_seqscan = off")  # a handful of rows: the planner would scan
        plan = "\n".join(line for (line,) in conn.execute("explain " + one_dossier, ("HS1",)))
        assert "WindowAgg" not in plan
        assert "Seq Scan on fact_dossier_status" not in plan
        assert len(conn.execute(one_dossier, ("HS1",)).fetchall()) == 3


def test_a_range_of_step_times_is_found_through_the_brin_index(loaded):
    """V024: the steps' time index is BRIN, summarised as the loads fill its ranges; a range of
    times on the fact table itself is read through it and its recheck keeps the exact rows."""
    (index,) = query(loaded, "select a.amname, c.reloptions from pg_class as c"
                     " inner join pg_am as a on a.oid = c.relam"
                     " where c.oid = 'dw.fact_dossier_status_status_at_idx'::regclass")
    assert (index["amname"], index["reloptions"]) == ("brin", ["autosummarize=on"])
    in_range = ("select step_no from dw.fact_dossier_status"
                " where status_at >= %s and status_at < %s order by step_no")
    times = (datetime(2025, 3, 3, 8, 30, tzinfo=VN), datetime(2025, 3, 3, 16, tzinfo=VN))
    with psycopg.connect(loaded) as conn:
        conn.execute("set enable_seqscan = off")  # three rows: the planner would scan them
        plan = "\n".join(line for (line,) in conn.execute("explain " + in_range, times))
        assert "Bitmap Index Scan on fact_dossier_status_status_at_idx" in plan
        assert conn.execute(in_range, times).fetchall() == [(2,), (3,)]


def test_the_bi_reader_role_may_read_the_views(warehouse):
    roles = query(warehouse, "select 1 from pg_roles where rolname = 'bi_reader'")
    if not roles:
        pytest.skip("no bi_reader role in the migrations yet (V006)")
    views = ("dw.v_dossier", "dw.v_payment", "dw.v_dossier_status_history",
             "mart.v_chi_thi_04_long")
    allowed = query(warehouse, "select v, has_table_privilege('bi_reader', v, 'select') as ok"
                    " from unnest(%s::text[]) as v", (list(views),))
    assert {r["v"]: r["ok"] for r in allowed} == dict.fromkeys(views, True)


# --- mart.v_chi_thi_04_long ------------------------------------------------------------------

def weekly_row(version: int, **values) -> dict:
    """One unit's row of a published version (spec/warehouse.md columns), counts consistent."""
    return {"report_date": date(2025, 3, 7), "period_start": datetime(2025, 2, 28, tzinfo=VN),
            "period_end": datetime(2025, 3, 7, tzinfo=VN), "unit_code": "S1",
            "unit_name": "Sở Tư pháp", "unit_level": "so", "parent_unit_code": "T1",
            "unit_depth": 1, "tree_path": "T1/S1", "received": 10, "received_online": 6,
            "carried_over": 2, "resolved": 8, "resolved_early": 5, "resolved_on_time": 2,
            "resolved_late": 1, "pending": 4, "pending_within": 3, "pending_overdue": 1,
            "on_time_rate": 7 / 9, "late_rate": 2 / 9, "dvc_deployed": 3,
            "dvc_with_online_dossiers": 2, "online_rate": 0.6, "fee_dossiers": 0,
            "paid_online_dossiers": 0, "dvc_with_online_payment": 0, "online_payment_rate": None,
            "on_time_colour": "do", "online_colour": "vang", "payment_colour": "trang",
            "overall_colour": "do", "regressed": False, "snapshot_version": version,
            "published_at": datetime(2025, 3, 7, 10 + version, tzinfo=VN), **values}


def publish(conninfo: str, row: dict) -> None:
    with psycopg.connect(conninfo) as conn:
        conn.execute(
            "insert into mart.chi_thi_04_snapshot (tree_code, report_date, snapshot_version,"
            " period_start, period_end, published_at, thresholds, content_hash, unit_count,"
            " report_file, source_codes) values ('quang_nam', %(report_date)s,"
            " %(snapshot_version)s, %(period_start)s, %(period_end)s, %(published_at)s, '{}',"
            " 'hash', 1, 'report.xlsx', '{quang_nam}')", row)
        row = {**row, "tree_code": "quang_nam"}
        columns = ", ".join(row)
        conn.execute(f"insert into mart.chi_thi_04_weekly ({columns})"
                     f" values ({', '.join(f'%({c})s' for c in row)})", row)


def test_v_chi_thi_04_long_has_one_row_per_indicator_of_the_latest_version(warehouse):
    publish(warehouse, weekly_row(1, unit_name="Sở Tư pháp (cũ)"))
    publish(warehouse, weekly_row(2))
    rows = query(warehouse, "select indicator, numerator, denominator, value, colour,"
                 " colour_name_vi, colour_name_en, colour_rank, unit_name, snapshot_version"
                 " from mart.v_chi_thi_04_long order by indicator collate \"C\"")
    assert [(r["indicator"], r["numerator"], r["denominator"], r["colour"], r["colour_name_en"],
             r["colour_rank"]) for r in rows] == [
        ("on_time", 7, 9, "do", "Red", 1), ("online", 6, 10, "vang", "Yellow", 3),
        ("overall", None, None, "do", "Red", 1), ("payment", 0, 0, "trang", "White", None)]
    assert {(r["unit_name"], r["snapshot_version"]) for r in rows} == {("Sở Tư pháp", 2)}
    values = {r["indicator"]: r["value"] for r in rows}
    assert float(values["online"]) == 0.6 and values["payment"] is None
    assert values["overall"] is None

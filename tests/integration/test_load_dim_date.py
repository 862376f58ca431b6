from datetime import date

import psycopg
import pytest
from helpers.pipeline import ingest
from helpers.records import dossier

from tthc_pipeline.transform.load import refresh_dim_date

pytestmark = pytest.mark.integration


def days(conninfo: str, *calendar_dates: date) -> dict[date, tuple]:
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "select calendar_date, date_key, iso_week, day_name_vi, is_weekend, is_holiday,"
            " holiday_name_vi, is_working_day, is_override, report_date, report_date_key"
            " from dw.dim_date where calendar_date = any(%s)", (list(calendar_dates),))
        return {row[0]: row[1:] for row in rows}


def days_per_year(conninfo: str) -> list[tuple[int, int]]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute("select year, count(*) from dw.dim_date where date_key <> -1"
                            " group by year order by year").fetchall()


def test_days_carry_working_days_and_the_report_that_covers_them(warehouse):
    assert refresh_dim_date(warehouse, date(2025, 1, 1), date(2025, 12, 31)) == 365
    assert days(warehouse, date(2025, 4, 24), date(2025, 4, 25), date(2025, 4, 26),
                date(2025, 4, 27), date(2025, 5, 1), date(2025, 5, 2), date(2025, 12, 29)) == {
        date(2025, 4, 24): (20250424, 17, "Thứ Năm", False, False, None, True, False,
                            date(2025, 4, 25), 20250425),
        # a Friday opens the period of the next Friday's report
        date(2025, 4, 25): (20250425, 17, "Thứ Sáu", False, False, None, True, False,
                            date(2025, 5, 2), 20250502),
        # the Saturday worked in exchange for Friday 2 May 2025
        date(2025, 4, 26): (20250426, 17, "Thứ Bảy", True, False, None, True, False,
                            date(2025, 5, 2), 20250502),
        date(2025, 4, 27): (20250427, 17, "Chủ nhật", True, False, None, False, False,
                            date(2025, 5, 2), 20250502),
        date(2025, 5, 1): (20250501, 18, "Thứ Năm", False, True, "Ngày Quốc tế Lao động", False,
                           False, date(2025, 5, 2), 20250502),
        date(2025, 5, 2): (20250502, 18, "Thứ Sáu", False, True,
                           "Ngày nghỉ (thay cho ngày 26/04/2025)", False, False,
                           date(2025, 5, 9), 20250509),
        date(2025, 12, 29): (20251229, 1, "Thứ Hai", False, False, None, True, False,
                             date(2026, 1, 2), 20260102),
    }


def test_overrides_win_and_a_refresh_rewrites_only_what_changed(warehouse):
    refresh_dim_date(warehouse, date(2027, 1, 1), date(2027, 12, 31))
    assert refresh_dim_date(warehouse, date(2027, 1, 1), date(2027, 12, 31)) == 0
    with psycopg.connect(warehouse) as conn:
        conn.execute("insert into meta.holiday_override values"
                     " ('2027-05-03', false, 'Nghỉ bù', 'Day off in lieu', 'test announcement'),"
                     " ('2027-05-08', true, 'Làm bù', 'Make-up working day', 'test announcement')")
    assert refresh_dim_date(warehouse, date(2027, 1, 1), date(2027, 12, 31)) == 2
    assert days(warehouse, date(2027, 5, 3), date(2027, 5, 8)) == {
        date(2027, 5, 3): (20270503, 18, "Thứ Hai", False, True, "Nghỉ bù", False, True,
                           date(2027, 5, 7), 20270507),
        date(2027, 5, 8): (20270508, 18, "Thứ Bảy", True, False, None, True, True,
                           date(2027, 5, 14), 20270514),
    }


def test_a_load_adds_the_years_its_facts_need(warehouse):
    record = dossier("HS1", "20250105080000", [(2, "20241230080000"), (4, "20250105080000")],
                     NgayHenTra="20260110170000")
    ingest(warehouse, "ho_so", [record])
    with psycopg.connect(warehouse) as conn:
        dangling = conn.execute(
            "select count(*) from dw.fact_dossier as f"
            " where not exists (select from dw.dim_date as d where d.date_key = f.due_date_key)"
        ).fetchone()
    assert days_per_year(warehouse) == [(2024, 366), (2025, 365), (2026, 365)]
    assert dangling == (0,)


def test_a_missing_day_inside_the_batchs_span_is_added_though_its_ends_are_there(warehouse):
    """The load first compares the batch's span with dw.dim_date: a span whose ends are known
    but not every day between them still has each of its days looked up."""
    refresh_dim_date(warehouse, date(2025, 1, 1), date(2025, 6, 30))
    refresh_dim_date(warehouse, date(2025, 9, 1), date(2025, 12, 31))
    record = dossier("HS1", "20250805080000", [(2, "20250305080000"), (4, "20250805080000")],
                     NgayHenTra="20251005170000")
    ingest(warehouse, "ho_so", [record])
    assert days_per_year(warehouse) == [(2025, 365)]


def test_the_date_key_is_the_days_yyyymmdd_for_every_day_and_its_vietnamese_day(warehouse):
    with psycopg.connect(warehouse) as conn:
        wrong_days = conn.execute(
            "select day::date from generate_series(date '1900-01-01', date '2200-12-31',"
            " interval '1 day') as day"
            " where dw.date_key(day::date)"
            " is distinct from to_char(day, 'YYYYMMDD')::integer").fetchall()
        # a moment's key is its day in Asia/Ho_Chi_Minh (UTC+7): 17:00 UTC is the next day
        moments = conn.execute(
            "select dw.date_key(timestamptz '2024-12-31 16:59:59.999999+00'),"
            " dw.date_key(timestamptz '2024-12-31 17:00:00+00'),"
            " dw.date_key(timestamptz '2024-02-29 23:59:59+07'),"
            " dw.date_key(null::date), dw.date_key(null::timestamptz)").fetchone()
    assert wrong_days == []
    assert moments == (20241231, 20250101, 20240229, -1, -1)

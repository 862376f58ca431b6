"""Report periods and the coverage verdict of the weekly DAG's wait."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tthc_pipeline.report.period import (
    IncompleteData,
    MissingWindow,
    ReportPeriod,
    coverage_verdict,
)

pytestmark = pytest.mark.unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = date(2026, 3, 13)


def test_the_period_is_the_seven_days_before_the_friday_in_local_time():
    period = ReportPeriod(FRIDAY)
    assert period.start == datetime(2026, 3, 6, tzinfo=VN)
    assert period.cutoff == datetime(2026, 3, 13, tzinfo=VN)
    assert period.days == [date(2026, 3, 6) + timedelta(days=i) for i in range(7)]
    assert period.previous_report_date == date(2026, 3, 6)
    assert period.deadline == datetime(2026, 3, 13, 16, 30, tzinfo=VN)


def test_only_a_friday_is_a_report_date():
    with pytest.raises(ValueError, match="not a Friday"):
        ReportPeriod(date(2026, 3, 12))


def test_a_run_window_must_be_exactly_a_period():
    period = ReportPeriod(FRIDAY)
    assert ReportPeriod.from_window(period.start, period.cutoff) == period
    # the same interval expressed in UTC is the same period
    utc = ZoneInfo("UTC")
    assert ReportPeriod.from_window(period.start.astimezone(utc),
                                    period.cutoff.astimezone(utc)) == period
    with pytest.raises(ValueError, match="not a Directive 04 period"):
        ReportPeriod.from_window(period.start + timedelta(days=1), period.cutoff)


def test_a_covered_period_is_ready_at_any_time():
    assert coverage_verdict(ReportPeriod(FRIDAY), [], now=datetime(2030, 1, 1, tzinfo=VN))


def test_missing_days_are_waited_for_until_sixteen_hundred_on_the_report_date():
    period = ReportPeriod(FRIDAY)
    missing = [MissingWindow("quang_ngai", "ho_so", date(2026, 3, 12))]
    assert coverage_verdict(period, missing, now=datetime(2026, 3, 13, 15, 59, tzinfo=VN)) is False
    with pytest.raises(IncompleteData) as error:
        coverage_verdict(period, [*missing,
                                  MissingWindow("quang_ngai", "giao_dich", date(2026, 3, 11)),
                                  MissingWindow("da_nang", "giao_dich", date(2026, 3, 12))],
                         now=datetime(2026, 3, 13, 16, 0, tzinfo=VN))
    message = str(error.value)
    # the late sources are named, each with what it misses
    assert ("late sources, missing day windows (Asia/Ho_Chi_Minh) — da_nang (giao_dich:"
            " 2026-03-12); quang_ngai (ho_so: 2026-03-12; giao_dich: 2026-03-11)") in message
    assert "make backfill" in message

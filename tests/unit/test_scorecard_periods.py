"""Which periods a Friday publishes: forecasts to date, finals of what ended that week."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tthc_pipeline.scorecards.periods import period_bounds, periods_of_report

pytestmark = pytest.mark.unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize("period_type, day, bounds", [
    ("month", date(2026, 2, 28), (date(2026, 2, 1), date(2026, 3, 1))),
    ("month", date(2026, 12, 31), (date(2026, 12, 1), date(2027, 1, 1))),
    ("quarter", date(2026, 6, 30), (date(2026, 4, 1), date(2026, 7, 1))),
    ("quarter", date(2026, 11, 2), (date(2026, 10, 1), date(2027, 1, 1))),
    ("ytd", date(2026, 7, 4), (date(2026, 1, 1), date(2027, 1, 1))),
])
def test_period_bounds(period_type, day, bounds):
    assert period_bounds(period_type, day) == bounds


def summary(report_date, types=("month", "quarter", "ytd")):
    return [(p.period_type, p.start.isoformat(), p.as_of.isoformat(), p.is_forecast)
            for p in periods_of_report(report_date, types)]


def test_a_mid_month_friday_publishes_forecasts_only():
    assert summary(date(2026, 3, 13)) == [
        ("month", "2026-03-01", "2026-03-13T00:00:00+07:00", True),
        ("quarter", "2026-01-01", "2026-03-13T00:00:00+07:00", True),
        ("ytd", "2026-01-01", "2026-03-13T00:00:00+07:00", True),
    ]


def test_the_friday_after_a_quarter_ends_publishes_its_finals_as_of_their_end():
    # Friday 3 April 2026: the week 27/3–2/4 saw March and the first quarter end on 1 April
    assert summary(date(2026, 4, 3)) == [
        ("month", "2026-03-01", "2026-04-01T00:00:00+07:00", False),
        ("quarter", "2026-01-01", "2026-04-01T00:00:00+07:00", False),
        ("month", "2026-04-01", "2026-04-03T00:00:00+07:00", True),
        ("quarter", "2026-04-01", "2026-04-03T00:00:00+07:00", True),
        ("ytd", "2026-01-01", "2026-04-03T00:00:00+07:00", True),
    ]


def test_a_period_ending_on_the_friday_is_final_at_the_cutoff():
    # Friday 1 January 2027: the year 2026 ends at the cutoff itself
    (final_ytd,) = [p for p in periods_of_report(date(2027, 1, 1), ("ytd",))]
    assert (final_ytd.start, final_ytd.is_forecast, final_ytd.as_of) == (
        date(2026, 1, 1), False, datetime(2027, 1, 1, tzinfo=VN))


def test_only_fridays():
    with pytest.raises(ValueError, match="not a Friday"):
        periods_of_report(date(2026, 3, 12), ("month",))

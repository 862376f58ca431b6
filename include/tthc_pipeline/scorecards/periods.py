"""The scorecard periods a Friday publishes (shared/spec/scorecards.md, "Periods and grain").

On report date R (cutoff C = R 00:00, Asia/Ho_Chi_Minh) the week [R − 7, R) is newly covered.
Every month, quarter and year that contains a day of that week is scored: one that ended by C
is final and scored as of its own end; one still running is a forecast scored to C. So each
Friday publishes the month-, quarter- and year-to-date forecasts and the final score of every
period that ended since the previous Friday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tthc_pipeline.report.period import LOCAL_TZ, ReportPeriod


@dataclass(frozen=True, order=True)
class ScorePeriod:
    period_type: str  # month, quarter, ytd
    start: date
    end: date  # exclusive: the day after the period's last day
    as_of: datetime  # the cutoff the values are as of
    is_forecast: bool


def period_bounds(period_type: str, day: date) -> tuple[date, date]:
    """[start, end) of the month, quarter or year (year to date) containing ``day``."""
    if period_type == "month":
        start = day.replace(day=1)
        months = 1
    elif period_type == "quarter":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        months = 3
    elif period_type == "ytd":
        start = date(day.year, 1, 1)
        months = 12
    else:
        raise ValueError(f"unknown period type {period_type!r}")
    month_index = start.month - 1 + months
    return start, date(start.year + month_index // 12, month_index % 12 + 1, 1)


def periods_of_report(report_date: date, period_types: tuple[str, ...]) -> list[ScorePeriod]:
    """The periods the Friday ``report_date`` publishes, finals first then forecasts, in order."""
    cutoff = ReportPeriod(report_date).cutoff
    found: set[ScorePeriod] = set()
    for offset in range(1, 8):
        day = report_date - timedelta(days=offset)
        for period_type in period_types:
            start, end = period_bounds(period_type, day)
            is_forecast = end > report_date
            as_of = cutoff if is_forecast else datetime.combine(end, time(0), LOCAL_TZ)
            found.add(ScorePeriod(period_type, start, end, as_of, is_forecast))
    return sorted(found, key=lambda p: (p.is_forecast, p.as_of, p.period_type, p.start))

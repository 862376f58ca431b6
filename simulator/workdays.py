"""Working days (Vietnamese public holidays incl. lunar Tết) and the daily reception volume."""

from __future__ import annotations

from datetime import date

import holidays
import numpy as np

from simulator.timestamps import day_number

# Relative reception volume by weekday (Monday first): one-stop desks are busiest on Monday,
# a few open on Saturday morning, almost none on Sunday.
_WEEKDAY_WEIGHT = np.array([1.25, 1.1, 1.05, 1.0, 0.9, 0.06, 0.005])
_PRE_TET_DAYS, _PRE_TET_RUSH = 12, 1.3  # papers sorted out before the holiday
_POST_TET_DAYS, _POST_TET_LULL = 7, 0.75
_DAILY_NOISE = 0.12


class WorkCalendar:
    """Working-day arithmetic on local day numbers (days since 1970-01-01), vectorised."""

    def __init__(self, first_year: int, last_year: int) -> None:
        vietnam = holidays.country_holidays(
            "VN", years=range(first_year, last_year + 1), language="en_US")
        self.holidays = {day_number(day): name for day, name in vietnam.items()}
        self.tet_eves = sorted(day_number(day) for day, name in vietnam.items()
                               if name == "Lunar New Year's Eve")
        self._busdays = np.busdaycalendar(
            weekmask="1111100", holidays=np.array(sorted(self.holidays), dtype="datetime64[D]"))

    def add_working_days(self, days: np.ndarray, offsets: np.ndarray | int) -> np.ndarray:
        """The day ``offsets`` working days after ``days`` (a non-working day rolls forward)."""
        moved = np.busday_offset(np.asarray(days).astype("datetime64[D]"), offsets,
                                 roll="forward", busdaycal=self._busdays)
        return moved.astype(np.int64)

    def is_holiday(self, days: np.ndarray) -> np.ndarray:
        return np.isin(days, list(self.holidays))


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


def daily_counts(seed: int, scale: int, days: np.ndarray, calendar: WorkCalendar) -> np.ndarray:
    """How many dossiers each day receives: ``scale`` in all, none on public holidays."""
    weights = _WEEKDAY_WEIGHT[weekday(days)]
    weights[calendar.is_holiday(days)] = 0.0
    for eve in calendar.tet_eves:
        weights[(days >= eve - _PRE_TET_DAYS) & (days < eve)] *= _PRE_TET_RUSH
        weights[(days > eve + 6) & (days <= eve + 6 + _POST_TET_DAYS)] *= _POST_TET_LULL
    weights *= np.random.default_rng([seed, 2]).lognormal(0.0, _DAILY_NOISE, len(days))
    if weights.sum() == 0:
        if scale:
            raise ValueError("the date range has no day open for reception")
        return np.zeros(len(days), dtype=np.int64)
    return _largest_remainder(weights / weights.sum() * scale, scale)


def _largest_remainder(quotas: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``quotas`` that add up to exactly ``total``."""
    counts = np.floor(quotas).astype(np.int64)
    shortfall = total - int(counts.sum())
    counts[np.argsort(counts - quotas, kind="stable")[:shortfall]] += 1
    return counts


def year_span(start: date, end: date, horizon_days: int) -> tuple[int, int]:
    """Years whose holidays matter for events from ``start`` to ``horizon_days`` after ``end``."""
    return start.year - 1, end.year + 1 + horizon_days // 365

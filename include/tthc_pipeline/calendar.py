"""Vietnamese working days: Monday to Friday, except public holidays, plus make-up Saturdays.

The ``holidays`` package knows the Labour Code holidays (Tết and Giỗ Tổ from the lunar
calendar), the days off in lieu and the swaps announced so far; ``meta.holiday_override``
carries the government's later announcements and wins over the package.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import holidays


@dataclass(frozen=True)
class HolidayOverride:
    """A row of ``meta.holiday_override``: an announced day off or make-up working day."""

    day: date
    is_working_day: bool
    name_vi: str
    name_en: str | None = None


@dataclass(frozen=True)
class CalendarException:
    """A day that breaks the weekly rule: a holiday (any weekday) or a worked weekend day."""

    day: date
    is_working_day: bool
    name_vi: str | None
    name_en: str | None
    is_override: bool


def calendar_exceptions(
    first_day: date, last_day: date, overrides: Iterable[HolidayOverride] = ()
) -> list[CalendarException]:
    """The exceptions to the weekly rule in [first_day, last_day], in date order."""
    years = range(first_day.year, last_day.year + 1)
    names_vi = holidays.country_holidays("VN", years=years, language="vi")
    names_en = holidays.country_holidays("VN", years=years, language="en_US")
    exceptions = {
        day: CalendarException(day, False, name, names_en.get(day), is_override=False)
        for day, name in names_vi.items()
    }
    for day in names_vi.weekend_workdays:
        exceptions[day] = CalendarException(day, True, None, None, is_override=False)
    for override in overrides:
        exceptions[override.day] = _from_override(override)
    return sorted(
        (e for e in exceptions.values() if first_day <= e.day <= last_day), key=lambda e: e.day
    )


def _from_override(override: HolidayOverride) -> CalendarException:
    if override.is_working_day:  # a worked day has no holiday name
        return CalendarException(override.day, True, None, None, is_override=True)
    return CalendarException(
        override.day, False, override.name_vi, override.name_en, is_override=True
    )

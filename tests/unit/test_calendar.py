from datetime import date

import pytest

from tthc_pipeline.calendar import CalendarException, HolidayOverride, calendar_exceptions

pytestmark = pytest.mark.unit


def by_day(first_day: date, last_day: date, overrides=()) -> dict[date, CalendarException]:
    return {e.day: e for e in calendar_exceptions(first_day, last_day, overrides)}


def test_tet_and_the_fixed_holidays_are_days_off_with_both_names():
    exceptions = by_day(date(2025, 1, 1), date(2025, 12, 31))
    tet = exceptions[date(2025, 1, 29)]
    assert (tet.is_working_day, tet.name_vi, tet.name_en, tet.is_override) == (
        False, "Tết Nguyên Đán", "Lunar New Year", False)
    assert {date(2025, 1, 1), date(2025, 4, 7), date(2025, 4, 30), date(2025, 5, 1),
            date(2025, 9, 1), date(2025, 9, 2)} <= {d for d, e in exceptions.items()
                                                    if not e.is_working_day}


def test_a_swapped_saturday_is_a_working_day():
    saturday = by_day(date(2025, 4, 26), date(2025, 4, 26))[date(2025, 4, 26)]
    assert (saturday.is_working_day, saturday.name_vi, saturday.is_override) == (True, None, False)


def test_only_days_in_the_range_come_back_in_date_order():
    exceptions = calendar_exceptions(date(2025, 4, 26), date(2025, 5, 1))
    assert [e.day for e in exceptions] == [date(2025, 4, 26), date(2025, 4, 30), date(2025, 5, 1)]


def test_overrides_win_over_the_package():
    overrides = [HolidayOverride(date(2025, 4, 30), True, "Làm việc"),
                 HolidayOverride(date(2025, 6, 2), False, "Nghỉ bù", "Day off in lieu"),
                 HolidayOverride(date(2025, 6, 7), True, "Làm bù", "Make-up working day")]
    exceptions = by_day(date(2025, 4, 1), date(2025, 6, 30), overrides)
    assert exceptions[date(2025, 4, 30)] == CalendarException(
        date(2025, 4, 30), True, None, None, is_override=True)
    assert exceptions[date(2025, 6, 2)] == CalendarException(
        date(2025, 6, 2), False, "Nghỉ bù", "Day off in lieu", is_override=True)
    assert exceptions[date(2025, 6, 7)].is_working_day


def test_ordinary_days_are_not_exceptions():
    assert calendar_exceptions(date(2025, 3, 3), date(2025, 3, 9)) == []

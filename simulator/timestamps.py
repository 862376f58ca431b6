"""Time in the simulator: Asia/Ho_Chi_Minh, and the source's naive ``yyyyMMddHHmmss`` strings.

Internally every instant is an int: seconds of naive local wall-clock time since 1970-01-01
00:00 local ("local seconds"). Vietnam has kept UTC+7 without daylight saving since 1975, so
local wall-clock time is a gap-free, monotonic scale: numpy can store and compare it as int64,
and ``local seconds // 86400`` is the local calendar day. Conversions to and from tz-aware
datetimes go through zoneinfo.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SECONDS_PER_DAY = 86_400
_EPOCH = datetime(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_HOUR_MINUTE = [f"{h:02d}{m:02d}" for h in range(24) for m in range(60)]
_SECOND = [f"{s:02d}" for s in range(60)]


def to_local_seconds(moment: datetime) -> int:
    """Local seconds of a tz-aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("expected a timezone-aware datetime")
    wall = moment.astimezone(TZ).replace(tzinfo=None)
    return (wall - _EPOCH) // timedelta(seconds=1)


def day_number(day: date) -> int:
    """Local calendar day as days since 1970-01-01."""
    return day.toordinal() - _EPOCH_ORDINAL


def day_date(number: int) -> date:
    return date.fromordinal(number + _EPOCH_ORDINAL)


def parse_timestamp(value: object) -> int | None:
    """Local seconds of a well-formed ``yyyyMMddHHmmss`` string; None for anything else."""
    if not isinstance(value, str) or len(value) != 14:
        return None
    return _parse_text(value)


@lru_cache(maxsize=65_536)
def _parse_text(value: str) -> int | None:
    if not (value.isascii() and value.isdigit()):
        return None
    try:
        wall = datetime(int(value[:4]), int(value[4:6]), int(value[6:8]),
                        int(value[8:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    return (wall - _EPOCH) // timedelta(seconds=1)


@lru_cache(maxsize=8_192)
def _day_text(number: int) -> str:
    return day_date(number).strftime("%Y%m%d")


def format_timestamp(seconds: int) -> str:
    """``yyyyMMddHHmmss`` of local seconds (hot path: table lookups, no datetime objects)."""
    day, second_of_day = divmod(seconds, SECONDS_PER_DAY)
    minute_of_day, second = divmod(second_of_day, 60)
    return _day_text(day) + _HOUR_MINUTE[minute_of_day] + _SECOND[second]


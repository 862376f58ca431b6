"""What every data source offers the server, and the pure (no HTTP) reference of the API.

A source keeps records in their final state and serves pages of them as they stood at t. A
page's position is a tuple of ints (an index, or a reception day and a row) encoded in the
cursor, so paging is stateless. ``window_records`` and ``catalogue_records`` compute what the
HTTP API must return from nothing but ``DataSource.records`` and the clock: tests compare the
two.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import orjson

from simulator.clock import CATALOGUES, cut_record, event_times, superseded_times
from simulator.timestamps import TZ, to_local_seconds

Position = tuple[int, ...]
Window = tuple[int, int]  # [cap_nhat_tu, cap_nhat_den) in local seconds


@dataclass
class Page:
    json: bytes  # the page's records as JSON, comma-separated (the inside of "data": [...])
    count: int
    last: Position | None  # position of the last record on the page
    more: bool  # whether records follow in the same window


def dump_record(record: dict) -> bytes:
    """A record's JSON: orjson (keys in the record's order), or the standard library for what
    orjson refuses (integers beyond 64 bits, lone surrogates) from a scenario file."""
    try:
        return orjson.dumps(record)
    except TypeError:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates only survive as \u escapes
            return json.dumps(record, separators=(",", ":")).encode("ascii")


class DataSource(Protocol):
    def records(self, entity: str) -> Iterator[dict]:
        """Every record of ``entity`` in its final state, in serving order."""

    def position_size(self, entity: str) -> int:
        """How many ints a position of ``entity`` has."""

    def page(self, entity: str, window: Window | None, t: int, after: Position | None,
             limit: int) -> Page:
        """Up to ``limit`` records following ``after`` as they stood at ``t``."""

    def record_at(self, entity: str, position: Position, window: Window | None,
                  t: int) -> bytes | None:
        """The JSON of the record at ``position`` as it stood at ``t``."""


class RecordList:
    """Records held in memory in serving order: the catalogues and every scenario entity."""

    def __init__(self, entity: str, records: list[dict], versioned: bool = False) -> None:
        """``versioned``: a catalogue holding several versions of a unit or procedure, of which
        the latest visible one is served (``clock.superseded_times``)."""
        self.entity = entity
        self.records = records
        self._superseded = (superseded_times(records, entity) if versioned
                            else [None] * len(records))
        self._events = ([] if entity in CATALOGUES
                        else [sorted(event_times(record, entity)) for record in records])

    def page(self, window: Window | None, t: int, after: Position | None, limit: int) -> Page:
        served: list[bytes] = []
        last: Position | None = None
        for index in range(after[0] + 1 if after else 0, len(self.records)):
            record = self._served(index, window, t)
            if record is None:
                continue
            if len(served) == limit:
                return Page(b",".join(served), len(served), last, True)
            served.append(dump_record(record))
            last = (index,)
        return Page(b",".join(served), len(served), last, False)

    def record_at(self, position: Position, window: Window | None, t: int) -> bytes | None:
        if position[0] >= len(self.records):
            return None
        record = self._served(position[0], window, t)
        return None if record is None else dump_record(record)

    def _served(self, index: int, window: Window | None, t: int) -> dict | None:
        """The record at ``index`` as it stood at t, if it belongs to ``window``."""
        if window is not None and not self._has_event_in(index, window[0], t):
            return None  # cheap pre-filter: the update time is one of the record's events
        superseded = self._superseded[index]
        if superseded is not None and superseded < t:
            return None
        cut = cut_record(self.records[index], t, self.entity)
        if cut is None:
            return None
        record, updated = cut
        if window is not None and (updated is None or not window[0] <= updated < t):
            return None
        return record

    def _has_event_in(self, index: int, start: int, t: int) -> bool:
        events = self._events[index]
        position = bisect_left(events, start)
        return position < len(events) and events[position] < t


def clock_time(now: datetime | None, window_end: datetime | None = None) -> datetime:
    """t = min(now, cap_nhat_den) for incremental endpoints, now for catalogues."""
    current = now if now is not None else datetime.now(TZ)
    return current if window_end is None else min(current, window_end)


def window_records(source: DataSource, entity: str, cap_nhat_tu: datetime,
                   cap_nhat_den: datetime, now: datetime | None = None) -> list[dict]:
    """What ``GET /<entity>?cap_nhat_tu=&cap_nhat_den=`` must return, all pages together."""
    start = to_local_seconds(cap_nhat_tu)
    t = to_local_seconds(clock_time(now, cap_nhat_den))
    served = []
    for record in source.records(entity):
        cut = cut_record(record, t, entity)
        if cut is not None and cut[1] is not None and start <= cut[1] < t:
            served.append(cut[0])
    return served


def catalogue_records(source: DataSource, entity: str, now: datetime | None = None) -> list[dict]:
    """What a catalogue endpoint (``don-vi``, ``thu-tuc``) must return, all pages together."""
    t = to_local_seconds(clock_time(now))
    records = list(source.records(entity))
    superseded = (superseded_times(records, entity)
                  if getattr(source, "versioned_catalogues", False) else [None] * len(records))
    cuts = (cut_record(record, t, entity) for record, replaced in zip(records, superseded,
                                                                      strict=True)
            if replaced is None or replaced >= t)
    return [cut[0] for cut in cuts if cut is not None]

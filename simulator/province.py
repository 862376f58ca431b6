"""The generated province: a DataSource that regenerates reception days on demand.

Nothing is held for the whole range. A window [tu, den) can only contain dossiers received
between tu - LIFETIME_DAYS and den + LEAD_DAYS, so a page regenerates (or takes from a small
cache) just those days, filters their timelines with numpy and builds JSON for the matching
rows only. Cached days are trimmed of the dossiers whose last event is before the window, so
successive windows keep in memory roughly the dossiers still alive, whatever the scale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import date

import numpy as np
import orjson

from simulator.catalogue import Catalogue
from simulator.dossiers import LEAD_DAYS, LIFETIME_DAYS, DayBatch, generate_day
from simulator.records import FOREVER, RecordWriter
from simulator.sources import Page, Position, RecordList, Window
from simulator.timestamps import SECONDS_PER_DAY, day_number
from simulator.workdays import WorkCalendar, daily_counts, year_span

DEFAULT_CACHE_ROWS = 1_000_000
# A window reaches LIFETIME_DAYS + LEAD_DAYS + 1 reception days; room for two windows' reach.
_CACHE_DAYS = 2 * (LIFETIME_DAYS + LEAD_DAYS + 1)
_CHUNK_ROWS = 512
_COMPLETE = -(2**62)  # valid_from of an untrimmed day
_MIN_TRIM_ROWS = 256  # a smaller remnant is only dropped once none of it is needed


class Province:
    """A realistic province (modelled on Quảng Nam), deterministic for a seed.

    ``scale`` dossiers are received over [start, end) (local dates); every one of them, with
    its payments, is a pure function of (seed, scale, start, end, rate_quirks, province_code,
    reorganise_on).
    """

    versioned_catalogues = True  # a reorganised unit or procedure has a version per state

    def __init__(self, seed: int = 2022, scale: int = 2000, start: date = date(2022, 3, 1),
                 end: date = date(2022, 7, 1), rate_quirks: float = 0.0,
                 cache_rows: int = DEFAULT_CACHE_ROWS, province_code: str = "H49",
                 reorganise_on: date | None = None) -> None:
        if start >= end:
            raise ValueError("start must be before end")
        self.seed, self.rate_quirks = seed, rate_quirks
        self.catalogue = Catalogue(seed, start, rate_quirks, province_code, reorganise_on)
        self.calendar = WorkCalendar(*year_span(start, end, LIFETIME_DAYS))
        self.first_day, self.end_day = day_number(start), day_number(end)
        self.daily_counts = daily_counts(
            seed, scale, np.arange(self.first_day, self.end_day), self.calendar)
        self.writer = RecordWriter(self.catalogue)
        self.catalogues = {
            "don_vi": RecordList("don_vi", self.catalogue.unit_records, versioned=True),
            "thu_tuc": RecordList("thu_tuc", self.catalogue.procedure_records, versioned=True)}
        self._cache = _DayCache(self._generate, cache_rows)

    def count_on(self, day: int) -> int:
        """Dossiers received on local day number ``day``."""
        if not self.first_day <= day < self.end_day:
            return 0
        return int(self.daily_counts[day - self.first_day])

    def dossiers_updated_in(self, start: int, end: int) -> tuple[int, int]:
        """How many dossiers have an event in [start, end) (local seconds): those received from
        ``start`` on, and older ones still moving then. What loading that range extracts."""
        received_in, older = 0, 0
        for day in range(self.first_day, self.end_day):
            if not self.count_on(day):
                continue
            batch = self._generate(day)
            moving = int((((batch.slots >= start) & (batch.slots < end)).any(axis=1)
                          | _lettered_in(batch, start, end)
                          | self._transferred_in(batch, start, end)).sum())
            if day * SECONDS_PER_DAY >= start:
                received_in += moving
            else:
                older += moving
        return received_in, older

    def _generate(self, day: int) -> DayBatch:
        return generate_day(self.catalogue, self.calendar, self.seed, day, self.count_on(day),
                            self.rate_quirks)

    # -- DataSource -----------------------------------------------------------------------

    def records(self, entity: str) -> Iterator[dict]:
        if entity in self.catalogues:
            yield from self.catalogues[entity].records
            return
        for day in range(self.first_day, self.end_day):
            if self.count_on(day):
                batch = self._generate(day)
                yield from self._build(entity, batch, np.arange(_size(entity, batch)))

    def position_size(self, entity: str) -> int:
        return 1 if entity in self.catalogues else 2

    def page(self, entity: str, window: Window | None, t: int, after: Position | None,
             limit: int) -> Page:
        if entity in self.catalogues:
            return self.catalogues[entity].page(None, t, after, limit)
        assert window is not None
        pieces: list[tuple[DayBatch, np.ndarray]] = []
        wanted = limit + 1  # one more than the page, to tell whether another page follows
        for day in self._days_reaching(window[0], t, after):
            batch = self._cache.get(day, window[0])
            matches = self._matches(entity, batch, window[0], t)
            if after is not None and day == after[0]:
                matches = matches[_ids(entity, batch)[matches] > after[1]]
            if len(matches):
                pieces.append((batch, matches[:wanted]))
                wanted -= len(pieces[-1][1])
            if wanted == 0:
                break
        more = wanted == 0
        if more:
            batch, rows = pieces[-1]
            pieces[-1] = (batch, rows[:-1])
        data = b",".join(self._json(entity, batch, rows, t) for batch, rows in pieces if len(rows))
        last = next(((batch.day, int(_ids(entity, batch)[rows[-1]]))
                     for batch, rows in reversed(pieces) if len(rows)), None)
        return Page(data, sum(len(rows) for _, rows in pieces), last, more)

    def record_at(self, entity: str, position: Position, window: Window | None,
                  t: int) -> bytes | None:
        if entity in self.catalogues:
            return self.catalogues[entity].record_at(position, None, t)
        assert window is not None
        day, record_id = position
        if not self.count_on(day):
            return None
        batch = self._cache.get(day, window[0])
        ids = _ids(entity, batch)
        row = int(np.searchsorted(ids, record_id))
        if row == len(ids) or ids[row] != record_id:
            return None
        return self._json(entity, batch, np.array([row]), t)

    # -- helpers --------------------------------------------------------------------------

    def _days_reaching(self, start: int, t: int, after: Position | None) -> Iterator[int]:
        """Reception days that can have an event in [start, t), from the cursor's day on."""
        first = max(start // SECONDS_PER_DAY - LIFETIME_DAYS, self.first_day)
        if after is not None:
            first = max(first, after[0])
        last = min((t - 1) // SECONDS_PER_DAY + LEAD_DAYS, self.end_day - 1)
        return (day for day in range(first, last + 1) if self.count_on(day))

    def _matches(self, entity: str, batch: DayBatch, start: int, t: int) -> np.ndarray:
        """Rows with an event in [start, t): exactly those whose update time at t is in it."""
        times = batch.slots if entity == "ho_so" else batch.pay_times
        hit = ((times >= start) & (times < t)).any(axis=1)
        if entity == "ho_so":
            hit |= self._transferred_in(batch, start, t) | _lettered_in(batch, start, t)
        return np.flatnonzero(hit)

    def _transferred_in(self, batch: DayBatch, start: int, t: int) -> np.ndarray:
        """Dossiers whose transfer to a successor (a TienDo step) falls in [start, t)."""
        change = self.catalogue.reorganisation
        if change is None or not start <= change.moment < t:
            return np.zeros(batch.size, dtype=bool)
        return batch.handler_after != batch.unit

    def _build(self, entity: str, batch: DayBatch, rows: np.ndarray,
               t: int = FOREVER) -> list[dict]:
        build = self.writer.dossiers if entity == "ho_so" else self.writer.payments
        return build(batch, rows, t)

    def _json(self, entity: str, batch: DayBatch, rows: np.ndarray, t: int) -> bytes:
        """The records' JSON, comma-separated, built a chunk at a time: a page never holds all
        its dicts, nor one over-allocated bytes object per record."""
        return b",".join(
            orjson.dumps(self._build(entity, batch, rows[start:start + _CHUNK_ROWS], t))[1:-1]
            for start in range(0, len(rows), _CHUNK_ROWS))


def _lettered_in(batch: DayBatch, start: int, end: int) -> np.ndarray:
    """Dossiers with an apology letter dated in [start, end): an update of its own."""
    return ((batch.apology >= start) & (batch.apology < end)).any(axis=1)


def _ids(entity: str, batch: DayBatch) -> np.ndarray:
    return batch.row if entity == "ho_so" else batch.pay_id


def _size(entity: str, batch: DayBatch) -> int:
    return batch.size if entity == "ho_so" else len(batch.pay_id)


class _DayCache:
    """A bounded LRU of generated days, each trimmed to the dossiers a window can still need.

    An entry valid from ``tu`` has lost only dossiers whose last event is before ``tu``: it
    serves any window starting at or after ``tu``; an earlier window regenerates the day.
    """

    def __init__(self, generate: Callable[[int], DayBatch], max_rows: int) -> None:
        self._generate = generate
        self._max_rows = max_rows
        self._entries: OrderedDict[int, tuple[DayBatch, int]] = OrderedDict()
        self._rows = 0
        self._lock = threading.Lock()

    def get(self, day: int, needed_from: int) -> DayBatch:
        """The day's batch, holding at least every dossier with an event at or after
        ``needed_from``."""
        with self._lock:
            entry = self._entries.get(day)
            if entry is None or entry[1] > needed_from:
                entry = (self._generate(day), _COMPLETE)
            batch, valid_from = entry
            alive = batch.last_event >= needed_from
            dead = batch.size - np.count_nonzero(alive)
            # Trimming copies the day: only once half of it (and not a handful) is done with.
            if dead and dead >= max(batch.size // 2, min(_MIN_TRIM_ROWS, batch.size)):
                batch, valid_from = batch.keep(alive), needed_from
            self._store(day, batch, valid_from)
            return batch

    def _store(self, day: int, batch: DayBatch, valid_from: int) -> None:
        previous = self._entries.pop(day, None)
        if previous is not None:
            self._rows -= previous[0].size
        self._entries[day] = (batch, valid_from)
        self._rows += batch.size
        while len(self._entries) > 1 and (self._rows > self._max_rows
                                          or len(self._entries) > _CACHE_DAYS):
            _, (evicted, _) = self._entries.popitem(last=False)
            self._rows -= evicted.size

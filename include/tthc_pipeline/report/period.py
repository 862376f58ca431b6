"""The report period of a report date, and whether the daily loads cover it yet.

Report date R is a Friday; the period is [R − 7 days, R) in Asia/Ho_Chi_Minh and the cutoff is
R 00:00 (shared/spec/domain.md). The weekly DAG's data interval is exactly that period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import psycopg

from tthc_pipeline import sources
from tthc_pipeline.entities import ENTITIES
from tthc_pipeline.paths import read_sql

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = 4  # date.weekday()
PUBLISH_DEADLINE = time(16, 30)  # the Directive's deadline on the report date
STOP_WAITING_AT = time(16, 0)  # the coverage wait gives up here, leaving time to publish


class IncompleteData(RuntimeError):
    """The daily loads do not cover the period, and it is too late to wait for them."""


class MissingWindow(NamedTuple):
    """A day of the period that a source's entity has not loaded yet."""

    source_code: str
    entity: str
    day: date


@dataclass(frozen=True)
class ReportPeriod:
    report_date: date

    def __post_init__(self) -> None:
        if self.report_date.weekday() != FRIDAY:
            raise ValueError(f"report date {self.report_date} is not a Friday")

    @classmethod
    def from_window(cls, start: datetime, end: datetime) -> ReportPeriod:
        """The period of a run's data interval, which must be exactly [R − 7 days, R)."""
        period = cls(end.astimezone(LOCAL_TZ).date())
        if (start, end) != (period.start, period.cutoff):
            raise ValueError(
                f"the window [{start.isoformat()}, {end.isoformat()}) is not a Directive 04 period"
                f" (Friday 00:00 to Friday 00:00, Asia/Ho_Chi_Minh)")
        return period

    @property
    def cutoff(self) -> datetime:
        return datetime.combine(self.report_date, time(0), LOCAL_TZ)

    @property
    def start(self) -> datetime:
        return self.cutoff - timedelta(days=7)

    @property
    def previous_report_date(self) -> date:
        return self.report_date - timedelta(days=7)

    @property
    def days(self) -> list[date]:
        return [self.start.date() + timedelta(days=i) for i in range(7)]

    @property
    def stop_waiting_at(self) -> datetime:
        return datetime.combine(self.report_date, STOP_WAITING_AT, LOCAL_TZ)

    @property
    def deadline(self) -> datetime:
        return datetime.combine(self.report_date, PUBLISH_DEADLINE, LOCAL_TZ)


def missing_windows(conninfo: str, period: ReportPeriod,
                    tree_code: str | None = None) -> list[MissingWindow]:
    """The (source, entity, day) triples of the period that no loaded window in
    ``meta.watermark`` covers, over every source of report tree ``tree_code`` (default: the
    configured default tree)."""
    tree_code = tree_code or sources.load().default_tree.code
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(read_sql("report/missing_windows.sql"), {
            "tree_code": tree_code,
            "entities": list(ENTITIES),
            "days": period.days,
        }).fetchall()
    return [MissingWindow(*row) for row in rows]


def releasable_parked(conninfo: str, tree_code: str | None = None) -> dict[str, int]:
    """Parked records whose references are present, per ``source/entity``, over the sources of
    report tree ``tree_code``: none, since every load releases them in its own transaction;
    the wait checks it rather than trusting it."""
    from tthc_pipeline.transform.release import count_resolved, parked_batches

    listed = sources.load()
    tree_sources = listed.sources_of(tree_code or listed.default_tree.code)
    waiting: dict[str, int] = {}
    with psycopg.connect(conninfo) as conn:
        for source in tree_sources:
            for entity in ENTITIES:
                for batch_id in parked_batches(conn, entity, source.code):
                    if n := count_resolved(conn, entity, batch_id):
                        key = f"{source.code}/{entity}"
                        waiting[key] = waiting.get(key, 0) + n
    return waiting


def late_sources(missing: list[MissingWindow]) -> str:
    """The sources still missing days and what they miss, e.g. ``quang_ngai (ho_so: 2026-03-10,
    2026-03-11; giao_dich: 2026-03-11)``; empty when nothing is missing."""
    by_source: dict[str, dict[str, list[str]]] = {}
    for source_code, entity, day in sorted(missing, key=lambda m: (
            m.source_code, ENTITIES.index(m.entity), m.day)):
        by_source.setdefault(source_code, {}).setdefault(entity, []).append(day.isoformat())
    return "; ".join(
        f"{source_code} (" + "; ".join(f"{entity}: {', '.join(days)}"
                                       for entity, days in entities.items()) + ")"
        for source_code, entities in sorted(by_source.items()))


def coverage_verdict(period: ReportPeriod, missing: list[MissingWindow], now: datetime,
                     unreleased: dict[str, int] | None = None) -> bool:
    """True when the period is loaded and nothing releasable still waits; False to wait; raise
    once waiting is pointless, naming the late sources and their missing days."""
    if not missing and not unreleased:
        return True
    if now < period.stop_waiting_at:
        return False
    problems = []
    if missing:
        problems.append(f"late sources, missing day windows (Asia/Ho_Chi_Minh) —"
                        f" {late_sources(missing)}. Run those sources' daily DAGs for those"
                        " days (make backfill START=… END=…)")
    if unreleased:
        details = ", ".join(f"{entity}: {n}" for entity, n in sorted(unreleased.items()))
        problems.append(f"parked records whose reference is present were not released —"
                        f" {details}. Clear the load task of any daily run (every load"
                        " releases them)")
    raise IncompleteData(
        f"Directive 04 report {period.report_date}: the daily loads do not cover the period"
        f" [{period.start.isoformat()}, {period.cutoff.isoformat()}) at"
        f" {now.astimezone(LOCAL_TZ).isoformat(timespec='minutes')}; "
        + "; ".join(problems) + ", then clear this run.")

"""The report period of a report date, and whether the daily loads cover it yet.

Report date R is a Friday; the period is [R − 7 days, R) in Asia/Ho_Chi_Minh and the cutoff is
R 00:00 (shared/spec/domain.md). The weekly DAG's data interval is exactly that period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import psycopg

from tthc_pipeline.entities import ENTITIES
from tthc_pipeline.paths import read_sql

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = 4  # date.weekday()
PUBLISH_DEADLINE = time(16, 30)  # the Directive's deadline on the report date
STOP_WAITING_AT = time(16, 0)  # the coverage wait gives up here, leaving time to publish


class IncompleteData(RuntimeError):
    """The daily loads do not cover the period, and it is too late to wait for them."""


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


def missing_windows(conninfo: str, period: ReportPeriod) -> list[tuple[str, date]]:
    """(entity, day) pairs of the period that no loaded window in ``meta.watermark`` covers."""
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(read_sql("report/missing_windows.sql"), {
            "entities": list(ENTITIES),
            "days": period.days,
        }).fetchall()
    return [(entity, day) for entity, day in rows]


def releasable_parked(conninfo: str) -> dict[str, int]:
    """Parked records whose references are present, per entity: none, since every load
    releases them in its own transaction; the wait checks it rather than trusting it."""
    from tthc_pipeline.transform.release import parked_records, resolved_records

    waiting: dict[str, int] = {}
    with psycopg.connect(conninfo) as conn:
        for entity in ENTITIES:
            for batch_id, record_nos in parked_records(conn, entity).items():
                if n := len(resolved_records(conn, entity, batch_id, record_nos)):
                    waiting[entity] = waiting.get(entity, 0) + n
    return waiting


def coverage_verdict(period: ReportPeriod, missing: list[tuple[str, date]], now: datetime,
                     unreleased: dict[str, int] | None = None) -> bool:
    """True when the period is loaded and nothing releasable still waits; False to wait; raise
    once waiting is pointless."""
    if not missing and not unreleased:
        return True
    if now < period.stop_waiting_at:
        return False
    by_entity: dict[str, list[str]] = {}
    for entity, day in missing:
        by_entity.setdefault(entity, []).append(day.isoformat())
    problems = []
    if missing:
        details = "; ".join(f"{entity}: {', '.join(days)}"
                            for entity, days in sorted(by_entity.items()))
        problems.append(f"missing day windows (Asia/Ho_Chi_Minh) — {details}. Run the daily"
                        " DAGs for those days (make backfill START=… END=…)")
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

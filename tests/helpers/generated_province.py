"""Load weeks of a generated province through the pipeline's own steps and publish its reports.

Each entity comes over HTTP from the simulator as one window (the whole range), through the
pipeline's extract → stage → quality gate → load, then ``publish_snapshot`` publishes every
Friday in order, as the weekly DAG does. The report is computed from the status history as of
each cutoff, so one load of the final state gives the reports the daily loads would have given;
it skips only Airflow's per-day scheduling, which would take minutes per week here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import psycopg

from tests.helpers.pipeline import HASH_KEY, VN
from tthc_pipeline.entities import ENTITIES  # in load order: catalogues before what refers to them

LEAD_DAYS = 7  # an online submission precedes its reception by less than this (simulator)


@dataclass(frozen=True)
class WeekFigures:
    """One published Friday report as the mart holds it."""

    report_date: date
    units: int  # rows of the report
    regressed: int  # units with any indicator ranked lower than the week before
    on_time_rate: float | None  # the province's (root row's)
    overall_colour: str

    @property
    def regressed_share(self) -> float:
        return self.regressed / self.units


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VN)


def load_province(conninfo: str, base_url: str, token: str, first_day: date,
                  now: datetime, source_code: str | None = None) -> None:
    """Every record the simulator serves for [first_day − LEAD_DAYS, now), one batch each,
    as batches of ``source_code`` (default: the configured first source)."""
    from tthc_pipeline.extract.client import SourceClient
    from tthc_pipeline.extract.extract import extract_to_raw
    from tthc_pipeline.quality.gate import validate_batch
    from tthc_pipeline.transform.load import load_batch
    from tthc_pipeline.transform.stage import stage_batch

    window = local_midnight(first_day - timedelta(days=LEAD_DAYS)), now
    with SourceClient(base_url, token) as client:
        for entity in ENTITIES:
            batch = extract_to_raw(client, conninfo, entity, *window, source_code=source_code)
            stage_batch(conninfo, batch.batch_id)
            validate_batch(conninfo, batch.batch_id, max_bad_share=0.0)
            load_batch(conninfo, batch.batch_id, HASH_KEY)


def publish_reports(conninfo: str, report_dates: list[date]) -> list[WeekFigures]:
    """Publish each Friday in order (each compares with the one before); read their figures."""
    from tthc_pipeline.report.snapshot import publish_snapshot

    for report_date in report_dates:
        publish_snapshot(conninfo, report_date)
    return [week_figures(conninfo, report_date) for report_date in report_dates]


def week_figures(conninfo: str, report_date: date) -> WeekFigures:
    with psycopg.connect(conninfo) as conn:
        units, regressed = conn.execute(
            "select count(*), count(*) filter (where regressed)"
            " from mart.chi_thi_04_latest where report_date = %s", (report_date,)).fetchone()
        on_time, colour = conn.execute(
            "select on_time_rate, overall_colour from mart.chi_thi_04_latest"
            " where report_date = %s and parent_unit_code is null", (report_date,)).fetchone()
    return WeekFigures(report_date, units, regressed,
                       None if on_time is None else float(on_time), colour)


FINISHED = {7, 9, 10}


def root_counts(province: Any, cutoff: datetime) -> tuple[int, int, int]:
    """received, resolved and pending of a whole simulated source (a ``simulator.Province``)
    in the week before ``cutoff``, counted straight from its records as served then by
    domain.md's rules: what a report's root row must say, computed without the warehouse."""
    from simulator import window_records

    start, end = _text(cutoff - timedelta(days=7)), _text(cutoff)
    received = resolved = pending = 0
    for record in window_records(province, "ho_so", local_midnight(date(2000, 1, 1)), cutoff):
        status, accepted = record["TrangThaiHoSo"], record["NgayTiepNhan"]
        if status in (1, 3) or not accepted:
            continue
        received += start <= accepted < end
        if status in FINISHED:
            resolved += start <= (record["NgayKetThucXuLy"] or "") < end
        else:
            pending += 1
    return received, resolved, pending


def _text(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")

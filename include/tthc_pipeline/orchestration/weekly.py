"""The tasks of the Friday Directive 04 report: wait for the daily loads, publish, export, tell.

Each task is a thin call into ``tthc_pipeline.report``; the run's data interval is the report
period [R − 7 days, R), so the report date is the interval's end.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import Asset, PokeReturnValue, task

from tthc_pipeline.orchestration import resources
from tthc_pipeline.orchestration.daily import ENTITY_ASSETS

log = logging.getLogger(__name__)

REPORT_ASSET = Asset("warehouse://mart/chi_thi_04_weekly")
POKE_INTERVAL = timedelta(minutes=10)


def report_period(context: dict[str, Any]):
    from tthc_pipeline.report.period import ReportPeriod

    window = resources.run_window(context)
    return ReportPeriod.from_window(window.start, window.end)


@task.sensor(poke_interval=POKE_INTERVAL.total_seconds(), timeout=timedelta(hours=17),
             mode="reschedule", inlets=list(ENTITY_ASSETS.values()))
def wait_for_daily_loads(**context: Any) -> PokeReturnValue:
    """Wait until meta.watermark covers every day of the period for every entity; at 16:00 on
    the report date give up with the list of missing day windows."""
    from airflow.sdk.exceptions import AirflowFailException

    from tthc_pipeline.report.period import IncompleteData, coverage_verdict, missing_windows

    period = report_period(context)
    missing = missing_windows(resources.warehouse_conninfo(), period)
    try:
        ready = coverage_verdict(period, missing, now=datetime.now(tz=period.cutoff.tzinfo))
    except IncompleteData as too_late:  # retrying cannot bring the missing days: fail for good
        raise AirflowFailException(str(too_late)) from too_late
    if not ready:
        log.info("report %s: waiting for %d day windows: %s", period.report_date, len(missing),
                 missing)
    return PokeReturnValue(is_done=ready, xcom_value=period.report_date.isoformat())


@task(outlets=[REPORT_ASSET])
def publish_snapshot(**context: Any) -> dict[str, Any]:
    """Compute every unit's indicators and colours as of the cutoff; publish version n + 1 only
    if they differ from the latest version (a re-run on unchanged data writes nothing)."""
    from tthc_pipeline.report.snapshot import publish_snapshot as publish

    period = report_period(context)
    snapshot = publish(resources.warehouse_conninfo(), period.report_date,
                       dag_run_id=context["run_id"])
    return {"report_date": period.report_date.isoformat(),
            "snapshot_version": snapshot.snapshot_version, "is_new": snapshot.is_new,
            "unit_count": snapshot.unit_count}


@task
def export_workbook(snapshot: dict[str, Any]) -> str:
    """Write the snapshot's Excel workbook into the reports folder (once per version)."""
    from datetime import date

    from tthc_pipeline.report.workbook import write_workbook

    path = write_workbook(resources.warehouse_conninfo(),
                          date.fromisoformat(snapshot["report_date"]),
                          snapshot["snapshot_version"], resources.reports_dir())
    log.info("report %s v%d: %s", snapshot["report_date"], snapshot["snapshot_version"], path)
    return str(path)


@task
def send_summary(snapshot: dict[str, Any], workbook_path: str) -> str:
    """Log the province summary and the regressed units, and send them through the notifier."""
    from datetime import date

    from tthc_pipeline.notify import notify
    from tthc_pipeline.report.summary import regression_summary

    report_date = date.fromisoformat(snapshot["report_date"])
    text = regression_summary(resources.warehouse_conninfo(), report_date,
                              snapshot["snapshot_version"])
    if not snapshot["is_new"]:
        log.info("report %s unchanged (version %d): summary not sent again\n%s",
                 report_date, snapshot["snapshot_version"], text)
        return text
    subject = (f"[TTHC] Báo cáo Chỉ thị 04 ngày {report_date:%d/%m/%Y}"
               f" (phiên bản {snapshot['snapshot_version']})")
    notify(subject, f"{text}\n\nTệp báo cáo: {workbook_path}")
    return text

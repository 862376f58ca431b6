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
from tthc_pipeline.orchestration.daily import ENTITY_ASSETS, failing_fast

log = logging.getLogger(__name__)

REPORT_ASSET = Asset("warehouse://mart/chi_thi_04_weekly")
SCORECARD_ASSET = Asset("warehouse://mart/scorecard_item")
POKE_INTERVAL = timedelta(minutes=10)


def report_period(context: dict[str, Any]):
    from tthc_pipeline.report.period import ReportPeriod

    window = resources.run_window(context)
    return ReportPeriod.from_window(window.start, window.end)


@task.sensor(poke_interval=POKE_INTERVAL.total_seconds(), timeout=timedelta(hours=17),
             mode="reschedule", inlets=list(ENTITY_ASSETS.values()))
def wait_for_daily_loads(tree_code: str, **context: Any) -> PokeReturnValue:
    """Wait until meta.watermark covers every day of the period for every entity of every
    source of the report tree and no parked record whose reference is present still waits; at
    16:00 on the report date give up, naming the late sources and their missing day windows."""
    from airflow.sdk.exceptions import AirflowFailException

    from tthc_pipeline.report.period import (
        IncompleteData,
        coverage_verdict,
        late_sources,
        missing_windows,
        releasable_parked,
    )

    period = report_period(context)
    conninfo = resources.warehouse_conninfo()
    missing = missing_windows(conninfo, period, tree_code)
    unreleased = releasable_parked(conninfo, tree_code)
    try:
        ready = coverage_verdict(period, missing, now=datetime.now(tz=period.cutoff.tzinfo),
                                 unreleased=unreleased)
    except IncompleteData as too_late:  # retrying cannot bring the missing days: fail for good
        raise AirflowFailException(str(too_late)) from too_late
    if not ready:
        log.info("report %s (%s): waiting for late sources %s and parked records %s",
                 period.report_date, tree_code, late_sources(missing) or "none", unreleased)
    return PokeReturnValue(is_done=ready, xcom_value=period.report_date.isoformat())


@task
def publish_snapshot(tree_code: str, **context: Any) -> dict[str, Any]:
    """Compute every unit's indicators and colours of the report tree as of the cutoff; publish
    version n + 1 only if they differ from the latest version (a re-run on unchanged data
    writes nothing)."""
    from tthc_pipeline.report.snapshot import publish_snapshot as publish

    with failing_fast():  # e.g. unusable colour thresholds: the same on every attempt
        period = report_period(context)
        snapshot = publish(resources.warehouse_conninfo(), period.report_date,
                           dag_run_id=context["run_id"],
                           max_parked_share=resources.max_parked_share(),
                           tree_code=tree_code)
    return {"tree_code": tree_code, "report_date": period.report_date.isoformat(),
            "snapshot_version": snapshot.snapshot_version, "is_new": snapshot.is_new,
            "unit_count": snapshot.unit_count}


@task(outlets=[SCORECARD_ASSET])
def publish_scorecards(tree_code: str, **context: Any) -> list[dict[str, Any]]:
    """Publish the 766 and PAR scorecards (config/scorecards/*.yaml) of every unit of the tree
    for the report date: month-, quarter- and year-to-date forecasts as of the cutoff, and the
    final scores of every period that ended since the previous Friday. A version is new only
    when the rows or the configuration changed (a re-run writes nothing). They read only `dw`,
    so they run beside the snapshot, on another core."""
    from tthc_pipeline.scorecards.publish import publish_scorecards as publish

    with failing_fast():  # e.g. a scorecard file with a defect: the same on every attempt
        period = report_period(context)
        published = publish(resources.warehouse_conninfo(), period.report_date,
                            tree_code=tree_code, dag_run_id=context["run_id"])
    return [{"scorecard": p.scorecard, "period_type": p.period_type,
             "period_start": p.period_start.isoformat(), "as_of": p.as_of,
             "is_forecast": p.is_forecast, "version": p.version, "is_new": p.is_new}
            for p in published]


@task(outlets=[REPORT_ASSET])
def export_workbook(snapshot: dict[str, Any], **context: Any) -> str:
    """Write the snapshot's Excel workbook and its HTML page into the reports folder (once per
    version each; a retry writes whichever is missing, the page byte for byte as before).

    The report asset's event is emitted here, once the version's rows, its workbook and its
    page exist; its extra says which report, version, how many units and regressed units, and
    where the files are (Assets view, and any DAG scheduled on the report)."""
    from datetime import date

    from tthc_pipeline.report.page import write_page
    from tthc_pipeline.report.summary import regressed_unit_count
    from tthc_pipeline.report.workbook import write_workbook

    conninfo = resources.warehouse_conninfo()
    report_date, version = date.fromisoformat(snapshot["report_date"]), snapshot["snapshot_version"]
    tree_code = snapshot["tree_code"]
    folder = resources.reports_dir()
    path = write_workbook(conninfo, report_date, version, folder, tree_code)
    page = write_page(conninfo, report_date, version, folder, tree_code)
    log.info("report %s (%s) v%d: %s, %s", report_date, tree_code, version, path, page)
    context["outlet_events"][REPORT_ASSET].extra = {
        "tree_code": tree_code, "report_date": snapshot["report_date"],
        "snapshot_version": version, "is_new_version": snapshot["is_new"],
        "units": snapshot["unit_count"],
        "regressed_units": regressed_unit_count(conninfo, report_date, version, tree_code),
        "workbook": str(path),
        "page": str(page),
    }
    return str(path)


@task
def send_summary(snapshot: dict[str, Any], workbook_path: str) -> str:
    """Send the province summary and the regressed units of the published version through the
    notifier, with the workbook and the page attached, once per version: a retried or cleared
    run finds it recorded in ``meta.report_delivery`` and sends nothing."""
    from datetime import date
    from pathlib import Path

    from tthc_pipeline import sources
    from tthc_pipeline.report.delivery import deliver_once, summary_attachments
    from tthc_pipeline.report.summary import regression_summary

    report_date = date.fromisoformat(snapshot["report_date"])
    version, tree_code = snapshot["snapshot_version"], snapshot["tree_code"]
    conninfo = resources.warehouse_conninfo()
    text = regression_summary(conninfo, report_date, version, tree_code=tree_code)
    subject = (f"[TTHC] Báo cáo Chỉ thị 04 {sources.load().tree(tree_code).name}"
               f" ngày {report_date:%d/%m/%Y} (phiên bản {version})")
    files = summary_attachments(Path(workbook_path))
    if not deliver_once(conninfo, report_date, version, subject,
                        f"{text}\n\nTệp báo cáo (đính kèm): {', '.join(f.name for f in files)}",
                        tree_code=tree_code, attachments=files):
        log.info("report %s version %d: summary sent before, not again\n%s",
                 report_date, version, text)
    return text


@task
def send_unit_reports(snapshot: dict[str, Any], workbook_path: str) -> list[str]:
    """Send each address of the Variable ``tthc_report_recipients`` ({unit code: [addresses]})
    its units' own report (their subtree's rows, regressions and drill-down dossiers as a
    workbook), once per version and address; returns the addresses mailed now."""
    from datetime import date

    from tthc_pipeline.report.delivery import deliver_unit_reports

    with failing_fast():  # a malformed Variable is the same on every attempt
        recipients = resources.report_recipients()
    if not recipients:
        log.info("Variable tthc_report_recipients is not set: no unit mail")
        return []
    return deliver_unit_reports(
        resources.warehouse_conninfo(), date.fromisoformat(snapshot["report_date"]),
        snapshot["snapshot_version"], recipients, resources.reports_dir(),
        snapshot["tree_code"])

"""Run the daily DAGs for every day of a range, in order, and the weekly report for every
Friday R with START < R <= END + 1 day once its period is loaded, through ``dag.test()``.

``dag.test()`` is what ``airflow dags test`` runs; calling it from one process parses the DAGs
once instead of once per day and DAG. The run for day D gets logical date D+1 00:00 local, whose
data interval is exactly [D, D+1); the weekly run for R gets logical date R 00:00, whose data
interval is the report period [R - 7 days, R).

    python -m tthc_pipeline.devtools.backfill --start 2026-03-02 --end 2026-03-29
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, timedelta

import pendulum

from tthc_pipeline.paths import PROJECT_ROOT

log = logging.getLogger(__name__)

LOCAL_TZ = "Asia/Ho_Chi_Minh"
# Catalogues first (dossiers reference units and procedures), then dossiers, then payments.
DAILY_DAGS = ("daily_catalogues", "daily_dossiers", "daily_payments")
WEEKLY_DAG = "weekly_chi_thi_04"
FRIDAY = 4


class BackfillFailed(RuntimeError):
    pass


def days(start: date, end: date) -> list[date]:
    """Every day from start to end, both included."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def load_dags(dag_ids: Iterable[str]):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(PROJECT_ROOT / "dags"))
    if bag.import_errors:
        raise BackfillFailed(f"DAG import errors: {bag.import_errors}")
    return [bag.dags[dag_id] for dag_id in dag_ids]


def run_day(dags, day: date) -> None:
    """Run each DAG for day D: logical date D+1 00:00, data interval [D, D+1)."""
    for dag in dags:
        _run(dag, day + timedelta(days=1), f"{day}")


def run_weekly(dag, report_date: date) -> None:
    """Run the weekly DAG for report date R: logical date R 00:00, interval [R - 7 days, R)."""
    if report_date.weekday() != FRIDAY:
        raise ValueError(f"report date {report_date} is not a Friday")
    _run(dag, report_date, f"report {report_date}")


def _run(dag, logical_day: date, label: str) -> None:
    logical_date = pendulum.datetime(logical_day.year, logical_day.month, logical_day.day,
                                     tz=LOCAL_TZ)
    with _without_deadline(dag):
        dag_run = dag.test(logical_date=logical_date)
    if dag_run.state != "success":
        failed = [ti.task_id for ti in dag_run.get_task_instances() if ti.state == "failed"]
        raise BackfillFailed(f"{dag.dag_id} for {label} ended {dag_run.state}; failed: {failed}")
    log.info("%s %s: success", dag.dag_id, label)


@contextmanager
def _without_deadline(dag):
    """dag.test() of Airflow 3.3.2 looks a DAG's deadline alerts up by id in the metadata DB
    once the run succeeds, but a parsed DAG holds the alert objects, not ids: the finished run
    then fails with "'dict' object has no attribute 'hex'". Deadlines concern scheduled runs
    only (the scheduler creates and checks them), so a dag.test() run goes without."""
    deadline = dag.deadline
    dag.deadline = None
    try:
        yield
    finally:
        dag.deadline = deadline


def backfill(start: date, end: date, dag_ids: Iterable[str] = DAILY_DAGS,
             weekly: bool = True) -> list[date]:
    """Run the range; return the report dates the weekly DAG ran for."""
    daily_dags = load_dags(dag_ids)
    weekly_dag = load_dags([WEEKLY_DAG])[0] if weekly else None
    report_dates = []
    for day in days(start, end):
        run_day(daily_dags, day)
        report_date = day + timedelta(days=1)
        if weekly_dag is not None and report_date.weekday() == FRIDAY:
            run_weekly(weekly_dag, report_date)
            report_dates.append(report_date)
    return report_dates


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=date.fromisoformat, required=True)
    parser.add_argument("--end", type=date.fromisoformat, required=True)
    parser.add_argument("--scale", type=int, default=0,
                        help="dossiers the local simulator generates (when no source is set)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    from tthc_pipeline.devtools.local_stack import ProvinceSpec, local_stack

    lead_in = timedelta(days=56)  # so that early days have carried-over dossiers
    province = ProvinceSpec(start=args.start - lead_in, end=args.end + timedelta(days=1),
                            scale=args.scale or 150 * ((args.end - args.start).days + 57))
    with local_stack(province):
        backfill(args.start, args.end)


if __name__ == "__main__":
    main()

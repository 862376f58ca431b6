"""Run the daily DAGs for every day of a range, in order, through ``dag.test()``.

``dag.test()`` is what ``airflow dags test`` runs; calling it from one process parses the DAGs
once instead of once per day and DAG. The run for day D gets logical date D+1 00:00 local, whose
data interval is exactly [D, D+1).

    python -m tthc_pipeline.devtools.backfill --start 2026-03-02 --end 2026-03-29
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterable
from datetime import date, timedelta

import pendulum

from tthc_pipeline.paths import PROJECT_ROOT

log = logging.getLogger(__name__)

LOCAL_TZ = "Asia/Ho_Chi_Minh"
# Catalogues first (dossiers reference units and procedures), then dossiers, then payments.
DAILY_DAGS = ("daily_catalogues", "daily_dossiers", "daily_payments")


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
    logical_date = pendulum.datetime(day.year, day.month, day.day, tz=LOCAL_TZ).add(days=1)
    for dag in dags:
        dag_run = dag.test(logical_date=logical_date)
        if dag_run.state != "success":
            failed = [ti.task_id for ti in dag_run.get_task_instances() if ti.state == "failed"]
            raise BackfillFailed(f"{dag.dag_id} for {day} ended {dag_run.state}; failed: {failed}")
        log.info("%s %s: success", dag.dag_id, day)


def backfill(start: date, end: date, dag_ids: Iterable[str] = DAILY_DAGS) -> None:
    dags = load_dags(dag_ids)
    for day in days(start, end):
        run_day(dags, day)


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

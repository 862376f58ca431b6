"""Backfill a range of days the way Airflow's own backfill does, run in this process: the daily
DAGs for every day from START to END (both included), in order, and the weekly report for every
Friday R with START < R <= END + 1 day right after the days it covers.

The runs are created by Airflow's backfill (``airflow backfill create`` calls the same
function), so they carry the scheduler's logical dates and data intervals and the run type
``backfill``: day D's run has logical date D 00:00 (Asia/Ho_Chi_Minh) and interval [D, D+1),
the report of Friday R has logical date R - 7 days and interval [R - 7 days, R). A scheduler on
the same metadata DB sees those windows as done and never runs them twice. ``dag.test()``
then executes each run here, without a scheduler.

    python -m tthc_devtools.backfill --start 2026-10-01 --end 2026-10-31
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pendulum

from tthc_pipeline import sources
from tthc_pipeline.paths import PROJECT_ROOT

log = logging.getLogger(__name__)

LOCAL_TZ = "Asia/Ho_Chi_Minh"
# Catalogues first (dossiers reference units and procedures), then dossiers, then payments.
FRIDAY = 4
BUNDLE = "dags-folder"  # Airflow's default bundle: the DAGs folder
TRIGGERED_BY = "make backfill"


class BackfillFailed(RuntimeError):
    pass


@dataclass
class BackfillResult:
    days: list[date] = field(default_factory=list)
    report_dates: list[date] = field(default_factory=list)
    skipped_reports: list[str] = field(default_factory=list)  # one line each, saying why


def days(start: date, end: date) -> list[date]:
    """Every day from start to end, both included."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def local_midnight(day: date) -> datetime:
    return pendulum.datetime(day.year, day.month, day.day, tz=LOCAL_TZ)


def load_dags(dag_ids: Iterable[str]):
    """Parse the DAGs folder, store the DAGs in the metadata DB (Airflow's backfill reads them
    there) and return the requested ones."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db

    folder = PROJECT_ROOT / "dags"
    bag = BundleDagBag(dag_folder=str(folder), bundle_path=folder, bundle_name=BUNDLE)
    if bag.import_errors:
        raise BackfillFailed(f"DAG import errors: {bag.import_errors}")
    DagBundlesManager().sync_bundles_to_db()
    sync_bag_to_db(bag, BUNDLE, None)
    return [bag.dags[dag_id] for dag_id in dag_ids]


# --- One window through Airflow's backfill ------------------------------------------------------

@contextmanager
def airflow_backfill(dag_id: str, first: datetime, last: datetime) -> Iterator[int]:
    """Airflow's backfill of the runs with logical dates in [first, last]; completed on exit,
    its runs not finished failed first (what cancelling it in the UI does to queued runs; a run
    left running is this process's own, interrupted).

    Runs that exist already for those dates (an earlier backfill, a scheduled run) are cleared
    and re-run, as ``--reprocess-behavior completed`` does: every load is idempotent."""
    from airflow.models.backfill import ReprocessBehavior, _create_backfill

    _drop_runs_with_foreign_intervals(dag_id, first, last)
    backfill = _create_backfill(dag_id=dag_id, from_date=first, to_date=last, max_active_runs=1,
                                reverse=False, dag_run_conf=None,
                                triggering_user_name=TRIGGERED_BY,
                                reprocess_behavior=ReprocessBehavior.COMPLETED)
    try:
        _refuse_runs_in_flight(backfill.id)
        yield backfill.id
    finally:
        _complete_backfill(backfill.id)


def _drop_runs_with_foreign_intervals(dag_id: str, first: datetime, last: datetime) -> None:
    """Finished runs whose logical date is not their interval's start were made by the old
    ``dag.test(logical_date=D+1)`` backfill (interval [D, D+1) under logical date D+1). Re-used
    by the backfill they would load the wrong day, and they hide day D+1 from the scheduler:
    remove them, as ``dag.test()`` itself removes a run it replaces."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState
    from sqlalchemy import select

    with create_session() as session:
        for run in session.scalars(select(DagRun).where(
                DagRun.dag_id == dag_id, DagRun.logical_date >= first,
                DagRun.logical_date <= last,
                DagRun.state.in_([DagRunState.SUCCESS, DagRunState.FAILED]))):
            if run.data_interval_start != run.logical_date:
                log.info("removing %s: its interval does not start at its logical date", run)
                session.delete(run)


def _refuse_runs_in_flight(backfill_id: int) -> None:
    """Airflow's backfill leaves out a date whose run is queued or running elsewhere."""
    from airflow.models.backfill import BackfillDagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        left_out = session.execute(select(BackfillDagRun.logical_date,
                                          BackfillDagRun.exception_reason).where(
            BackfillDagRun.backfill_id == backfill_id,
            BackfillDagRun.exception_reason.is_not(None))).all()
    if left_out:
        dates = ", ".join(f"{pendulum.instance(d).in_tz(LOCAL_TZ):%Y-%m-%d %H:%M} ({reason})"
                          for d, reason in left_out)
        raise BackfillFailed(f"runs already queued or running for {dates}: let them finish (or"
                             " mark them failed in the UI), then start the backfill again")


def _complete_backfill(backfill_id: int) -> None:
    from airflow.models.backfill import Backfill, BackfillDagRun
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState
    from sqlalchemy import select, update

    with create_session() as session:
        session.execute(update(DagRun).where(
            DagRun.id.in_(select(BackfillDagRun.dag_run_id).where(
                BackfillDagRun.backfill_id == backfill_id)),
            DagRun.state.in_([DagRunState.QUEUED, DagRunState.RUNNING]))
            .values(state=DagRunState.FAILED)
            .execution_options(synchronize_session=False))
        session.get(Backfill, backfill_id).completed_at = datetime.now(UTC)


def run_queued_run(dag, logical_date: datetime, label: str) -> None:
    """Execute the queued run of ``dag`` at ``logical_date`` (made by a backfill or by the
    scheduler) with ``dag.test()``, as an executor would; raise unless it succeeds."""
    with _without_deadline(dag), _dag_test_runs_the_existing_run():
        dag_run = dag.test(logical_date=logical_date)
    if dag_run.state != "success":
        failed = [ti.task_id for ti in dag_run.get_task_instances() if ti.state == "failed"]
        raise BackfillFailed(f"{dag.dag_id} for {label} ended {dag_run.state}; failed: {failed}")
    log.info("%s %s: success", dag.dag_id, label)


@contextmanager
def _dag_test_runs_the_existing_run() -> Iterator[None]:
    """``dag.test()`` of Airflow 3.3 always makes a manual run of its own, with the interval
    inferred to *end* at the date given and a start date equal to the logical date; it has no
    argument to run an existing one. Meanwhile its run factory hands it the backfill's run of
    that logical date instead, started now: the run keeps the backfill's run type, logical date
    and interval, and the UI shows its real start and end times."""
    import airflow.models.dagrun as dagrun_module

    def start_backfill_run(*, dag, logical_date, session, **_manual_run_arguments):
        return _start_queued_run(dag, logical_date, session)

    factory = dagrun_module.get_or_create_dagrun
    dagrun_module.get_or_create_dagrun = start_backfill_run
    try:
        yield
    finally:
        dagrun_module.get_or_create_dagrun = factory


def _start_queued_run(dag, logical_date: datetime, session):
    from airflow.models.dagrun import DagRun
    from airflow.utils.state import DagRunState
    from sqlalchemy import select

    run = session.scalar(select(DagRun).where(DagRun.dag_id == dag.dag_id,
                                              DagRun.logical_date == logical_date))
    if run is None or run.state != DagRunState.QUEUED:
        raise BackfillFailed(f"{dag.dag_id}: no queued run at {logical_date}")
    run.dag = dag
    # A run made before the DAG changed has the task instances of the DAG as it was then: give
    # it the tasks added since (a new task without an instance deadlocks the run), as the
    # scheduler does for a run it picks up after a change.
    run.verify_integrity(session=session, dag_version_id=_latest_version_id(dag.dag_id, session))
    run.start_date, run.end_date = datetime.now(UTC), None
    run.set_state(DagRunState.RUNNING)
    # Retries as the DAG object has them (tests turn them off), not as the DB copy has them.
    for ti in run.get_task_instances(session=session):
        ti.max_tries = ti.try_number + dag.get_task(ti.task_id).retries
    session.commit()
    return run


def _latest_version_id(dag_id: str, session):
    from airflow.models.dag_version import DagVersion

    return DagVersion.get_latest_version(dag_id, session=session).id


@contextmanager
def _without_deadline(dag):
    """dag.test() of Airflow 3.3.2 looks a DAG's deadline alerts up by id in the metadata DB
    once the run succeeds, but a parsed DAG holds the alert objects, not ids: the finished run
    then fails with "'dict' object has no attribute 'hex'". The deadline rows of a backfill run
    are made by Airflow's backfill itself; dag.test() only has to leave them alone."""
    deadline = dag.deadline
    dag.deadline = None
    try:
        yield
    finally:
        dag.deadline = deadline


# --- Days and reports ---------------------------------------------------------------------------

def run_day(dags, day: date) -> None:
    """Backfill each DAG for day D: logical date D 00:00, data interval [D, D+1)."""
    for dag in dags:
        with airflow_backfill(dag.dag_id, local_midnight(day), local_midnight(day)):
            run_queued_run(dag, local_midnight(day), f"{day}")


def run_weekly(dag, report_date: date) -> None:
    """Backfill the weekly DAG for report date R: logical date R - 7 days, interval [R - 7, R)."""
    if report_date.weekday() != FRIDAY:
        raise ValueError(f"report date {report_date} is not a Friday")
    logical_date = local_midnight(report_date - timedelta(days=7))
    with airflow_backfill(dag.dag_id, logical_date, logical_date):
        run_queued_run(dag, logical_date, f"report {report_date}")


# The DAG ids of the configuration in force when this module is imported (config/sources.yaml
# or TTHC_SOURCES_FILE): every source's daily DAGs, the default tree's Friday DAG.
DAILY_DAGS = sources.daily_dag_ids()
WEEKLY_DAG = sources.weekly_dag_id(sources.load().default_tree.code)


def weekly_dag_ids() -> tuple[str, ...]:
    """The Friday DAG of every configured report tree."""
    return tuple(sources.weekly_dag_id(tree.code) for tree in sources.load().trees)


def backfill(start: date, end: date, dag_ids: Iterable[str] | None = None, weekly: bool = True,
             progress: Callable[[str], None] = log.info) -> BackfillResult:
    """Run the range: one Airflow backfill per daily DAG (default: every source's) over
    [start, end], run day by day (all DAGs of a day before the next day), and each Friday's
    report of every report tree once its period is in.

    A report whose period starts before ``start`` runs only if the warehouse already holds
    the days before ``start``; otherwise it is skipped with one line saying why."""
    daily_ids = tuple(dag_ids) if dag_ids is not None else sources.daily_dag_ids()
    loaded = load_dags([*daily_ids, *weekly_dag_ids()])
    daily_dags, weekly_dags = loaded[:len(daily_ids)], loaded[len(daily_ids):]
    result = BackfillResult()
    with ExitStack() as backfills:
        for dag in daily_dags:
            backfills.enter_context(airflow_backfill(dag.dag_id, local_midnight(start),
                                                     local_midnight(end)))
        for day in days(start, end):
            for dag in daily_dags:
                run_queued_run(dag, local_midnight(day), f"{day}")
            result.days.append(day)
            progress(f"{day} loaded")
            report_date = day + timedelta(days=1)
            if weekly and report_date.weekday() == FRIDAY:
                for weekly_dag in weekly_dags:
                    _report(weekly_dag, report_date, start, result, progress)
    return result


def _report(weekly_dag, report_date: date, start: date, result: BackfillResult,
            progress: Callable[[str], None]) -> None:
    from tthc_pipeline.report.period import ReportPeriod, missing_windows

    period = ReportPeriod(report_date)
    tree_code = weekly_dag.dag_id.removeprefix(f"{sources.WEEKLY_DAG_NAME}__")
    if period.start.date() < start:
        missing = sorted({window.day for window in missing_windows(_warehouse(), period,
                                                                   tree_code)})
        if missing:
            line = (f"report {report_date} skipped: its period starts {period.start.date()},"
                    f" before START {start}, and the warehouse lacks"
                    f" {_span(missing)} (START={period.start.date()} would include it)")
            result.skipped_reports.append(line)
            progress(line)
            return
    run_weekly(weekly_dag, report_date)
    if report_date not in result.report_dates:
        result.report_dates.append(report_date)
    progress(f"report {report_date} ({tree_code}) published")


def _span(missing: list[date]) -> str:
    return str(missing[0]) if len(missing) == 1 else f"{missing[0]} .. {missing[-1]}"


def _warehouse() -> str:
    """The warehouse connection URI (libpq takes Airflow's postgresql:// URIs as they are)."""
    return os.environ["AIRFLOW_CONN_WAREHOUSE"]


# --- The command ---------------------------------------------------------------------------------

class BadArguments(ValueError):
    pass


@dataclass(frozen=True)
class Arguments:
    start: date
    end: date
    scale: int
    log_file: Path


def parse_arguments(argv: list[str] | None, today: date | None = None) -> Arguments:
    """Check everything before anything starts; raise BadArguments with one line."""
    from tthc_pipeline.orchestration.daily import START_DATE_ENV, start_date

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--end", required=True, help="last day, YYYY-MM-DD (included)")
    parser.add_argument("--scale", type=int, default=0,
                        help="dossiers the local simulator generates (when no source is set)")
    parser.add_argument("--log-file", type=Path, default=default_log_file(),
                        help="where Airflow's own log lines go")
    args = parser.parse_args(argv)
    start, end = _date("START", args.start), _date("END", args.end)
    today = today or pendulum.now(LOCAL_TZ).date()
    try:
        first_scheduled = start_date().date()
    except ValueError as bad_setting:
        raise BadArguments(str(bad_setting)) from None
    if end < start:
        raise BadArguments(f"END {end} is before START {start}")
    if end >= today:
        raise BadArguments(f"END {end} has not ended yet in Asia/Ho_Chi_Minh: the last day a"
                           f" backfill can load is yesterday, {today - timedelta(days=1)}")
    if start < first_scheduled:
        raise BadArguments(f"START {start} is before the DAGs' start date {first_scheduled}"
                           f" ({START_DATE_ENV}); set {START_DATE_ENV} to {start} or earlier")
    if args.scale < 0:
        raise BadArguments(f"--scale {args.scale} is negative")
    return Arguments(start, end, args.scale, args.log_file)


def _date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadArguments(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def default_log_file() -> Path:
    return Path(os.environ.get("AIRFLOW_HOME", PROJECT_ROOT / ".airflow")) / "backfill.log"


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_arguments(argv)
    except BadArguments as bad:
        print(f"make backfill: {bad}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from tthc_devtools.local_stack import (
        ProvinceSpec,
        airflow_output_to,
        local_stack,
    )

    lead_in = timedelta(days=56)  # so that early days have carried-over dossiers
    province = ProvinceSpec(start=args.start - lead_in, end=args.end + timedelta(days=1),
                            scale=args.scale or 150 * ((args.end - args.start).days + 57))
    with local_stack(province) as stack:
        print(f"Backfilling {args.start} .. {args.end}; Airflow's log: {args.log_file}",
              flush=True)
        with airflow_output_to(args.log_file) as terminal:
            try:
                result = backfill(args.start, args.end,
                                  progress=lambda line: print(line, file=terminal, flush=True))
            except Exception as failed:  # the traceback goes to the log, one line to the user
                log.exception("backfill failed")
                print(f"make backfill failed: {failed}; details at the end of {args.log_file}",
                      file=terminal, flush=True)
                return 1
        print(summary(args.start, args.end, result, stack.throwaway_warehouse))
    return 0


def summary(start: date, end: date, result: BackfillResult, throwaway: bool) -> str:
    """What the backfill did, read back from the warehouse: days, records, reports, where."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from tthc_pipeline.report.page import page_name
    from tthc_pipeline.report.workbook import reports_dir

    conninfo = _warehouse()
    with psycopg.connect(conninfo) as conn:
        records = conn.execute(_RECORDS_SQL, (local_midnight(start),
                                              local_midnight(end + timedelta(days=1)))).fetchall()
        reports = conn.execute(
            "select distinct on (report_date, tree_code) report_date, snapshot_version,"
            " report_file from mart.chi_thi_04_snapshot where report_date = any(%s)"
            " order by report_date, tree_code, snapshot_version desc",
            (result.report_dates,)).fetchall()
    where = conninfo_to_dict(conninfo)
    lines = [f"Days loaded: {len(result.days)} ({start} .. {end})",
             "Records per entity (newest batch of each day): loaded, quarantined"]
    lines += [f"  {entity:<10} {loaded:>10,} {quarantined:>8,}"
              for entity, loaded, quarantined in records]
    lines.append("Reports published:" + ("" if reports else " none"))
    lines += [f"  {report_date} version {version}: {reports_dir() / report_file},"
              f" {reports_dir() / page_name(report_file)}"
              for report_date, version, report_file in reports]
    lines += [f"  {line}" for line in result.skipped_reports]
    lines.append(f"Warehouse: {where.get('host')}:{where.get('port')}/{where.get('dbname')}, "
                 + ("an embedded Postgres, thrown away now" if throwaway
                    else "kept (AIRFLOW_CONN_WAREHOUSE)"))
    return "\n".join(lines)


_RECORDS_SQL = """
with newest as (
    select distinct on (entity, window_start) entity, n_loaded, n_quarantined
    from meta.load_batch
    where status = 'loaded' and window_start >= %s and window_end <= %s
    order by entity, window_start, batch_id desc
)
select entity, sum(n_loaded)::bigint, sum(n_quarantined)::bigint
from newest group by entity
order by array_position(array['don_vi', 'thu_tuc', 'ho_so', 'giao_dich'], entity)
"""


if __name__ == "__main__":
    from tthc_devtools.airflow_home import claim_airflow_home

    claim_airflow_home()  # before Airflow is imported: a second local run gets its own home
    sys.exit(main())

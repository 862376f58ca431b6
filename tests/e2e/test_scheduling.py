"""Catch-up after a scheduler outage, and a backfill beside the scheduler, on one metadata DB.

A real scheduler follows the wall clock; these tests drive the scheduler's own run creation
(``SchedulerJobRunner._create_dag_runs`` over the DAGs' next-run fields, see
``tests/helpers/dag_runs.scheduler_loop``) at chosen moments, and execute every run it creates
through the real DAGs against the test Postgres and the simulator. Each test has a metadata DB
of its own, so the scheduler sees this test's runs only.
"""

from __future__ import annotations

from datetime import date, timedelta

import pendulum
import psycopg
import pytest

from simulator import SimulatorConfig, start_simulator
from tests.helpers.dag_runs import (
    load_dags_without_retries,
    own_metadata_db,
    pipeline_environment,
    runs_of,
    scheduler_loop,
)
from tthc_devtools.backfill import (
    DAILY_DAGS,
    WEEKLY_DAG,
    airflow_backfill,
    local_midnight,
    run_queued_run,
)
from tthc_pipeline.report.period import ReportPeriod, coverage_verdict, missing_windows

pytestmark = pytest.mark.e2e
DOSSIERS = "daily_dossiers__quang_nam"

VN = "Asia/Ho_Chi_Minh"
CONFIG = SimulatorConfig(token="scheduling-token", seed=31, scale=600, start=date(2026, 1, 20),
                         end=date(2026, 3, 10))


def at(day: date, hour: int = 0, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=VN)


def daily_windows(first: date, last: date) -> list[tuple]:
    """The scheduler's run of each day: logical date = interval start, interval [D, D+1)."""
    return [(at(day), (at(day), at(day + timedelta(days=1))))
            for day in (first + timedelta(days=i) for i in range((last - first).days + 1))]


@pytest.fixture
def scheduling(warehouse, tmp_path, monkeypatch):
    """The DAGs (starting 27/2/2026, a Friday) on a metadata DB of their own, pointed at the
    test warehouse and a simulator."""
    monkeypatch.setenv("TTHC_START_DATE", "2026-02-27")
    monkeypatch.setenv("TTHC_REPORTS_DIR", str(tmp_path / "reports"))
    with own_metadata_db(tmp_path), start_simulator(CONFIG) as sim, \
            pipeline_environment(warehouse, sim.url, CONFIG.token):
        dags = {dag.dag_id: dag for dag in load_dags_without_retries((*DAILY_DAGS, WEEKLY_DAG))}
        yield dags


def run_what_the_scheduler_creates(dags, dag_ids, now) -> list:
    """Scheduler loops at ``now`` until nothing is due; every created run executes at once."""
    created = []
    while batch := scheduler_loop(dag_ids, now):
        for run in batch:
            run_queued_run(dags[run.dag_id], run.logical_date, f"{run.logical_date:%Y-%m-%d}")
        created += batch
    return created


def test_after_a_three_day_outage_every_missed_day_runs_in_order_and_the_report_waits(
        scheduling, warehouse):
    dags = scheduling
    # Normal operation: the scheduler runs 27/2 .. 2/3 as each day ends.
    before = run_what_the_scheduler_creates(dags, DAILY_DAGS, at(date(2026, 3, 3), 0, 30))
    assert [(r.logical_date, r.interval) for r in before if r.dag_id == DOSSIERS] == \
        daily_windows(date(2026, 2, 27), date(2026, 3, 2))

    # The scheduler is down from 3/3 00:30 to Friday 6/3 08:00: days 3/3, 4/3, 5/3 are missing,
    # and the Friday wait (the weekly sensor's verdict) holds the report back.
    period = ReportPeriod(date(2026, 3, 6))
    missing = missing_windows(warehouse, period)
    assert sorted({window.day for window in missing}) == [date(2026, 3, 3), date(2026, 3, 4),
                                                   date(2026, 3, 5)]
    assert coverage_verdict(period, missing, now=at(date(2026, 3, 6), 8)) is False

    # It comes back: with no operator action it creates each missed day's run, oldest first.
    restart = at(date(2026, 3, 6), 8)
    [report_run] = scheduler_loop([WEEKLY_DAG], restart)
    after = run_what_the_scheduler_creates(dags, DAILY_DAGS, restart)
    for dag_id in DAILY_DAGS:
        created = [r for r in after if r.dag_id == dag_id]
        assert [(r.logical_date, r.interval) for r in created] == \
            daily_windows(date(2026, 3, 3), date(2026, 3, 5)), dag_id
        assert {(r.run_type, r.state) for r in runs_of(dag_id)} == {("scheduled", "success")}
        assert [r.logical_date for r in runs_of(dag_id)] == \
            [logical for logical, _ in daily_windows(date(2026, 2, 27), date(2026, 3, 5))]
    assert (report_run.logical_date, report_run.interval) == \
        (at(date(2026, 2, 27)), (at(date(2026, 2, 27)), at(date(2026, 3, 6))))

    # Now the wait passes and the report publishes from the scheduler's run.
    assert missing_windows(warehouse, period) == []
    assert coverage_verdict(period, [], now=restart) is True
    run_queued_run(dags[WEEKLY_DAG], report_run.logical_date, "report 2026-03-06")
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select report_date, snapshot_version from mart.chi_thi_04_snapshot"
                            ).fetchall() == [(date(2026, 3, 6), 1)]


def test_a_backfill_beside_the_scheduler_runs_each_window_exactly_once(scheduling, warehouse):
    dags = scheduling
    # The scheduler has run 27/2 .. 1/3.
    run_what_the_scheduler_creates(dags, DAILY_DAGS, at(date(2026, 3, 2), 0, 30))
    # An operator starts Airflow's backfill of 28/2 .. 4/3: it re-runs two scheduled days (a
    # source correction) and takes three the scheduler has not reached; its runs wait, queued.
    first, last = date(2026, 2, 28), date(2026, 3, 4)
    with airflow_backfill(DAILY_DAGS[0], local_midnight(first), local_midnight(last)), \
            airflow_backfill(DAILY_DAGS[1], local_midnight(first), local_midnight(last)), \
            airflow_backfill(DAILY_DAGS[2], local_midnight(first), local_midnight(last)):
        # The scheduler, on 6/3 00:30 beside it, leaves the backfill's days alone and creates
        # 5/3, the one day after them that is due.
        scheduled = run_what_the_scheduler_creates(dags, DAILY_DAGS, at(date(2026, 3, 6), 0, 30))
        for day in (first + timedelta(days=i) for i in range(5)):
            for dag_id in DAILY_DAGS:
                run_queued_run(dags[dag_id], local_midnight(day), f"{day}")
    assert {(r.dag_id, r.logical_date.date()) for r in scheduled} == {
        (dag_id, date(2026, 3, 5)) for dag_id in DAILY_DAGS}

    for dag_id in DAILY_DAGS:
        runs = runs_of(dag_id)
        # Every window exactly once, with the scheduler's logical date and interval.
        assert [(r.logical_date, r.interval) for r in runs] == \
            daily_windows(date(2026, 2, 27), date(2026, 3, 5)), dag_id
        assert [r.run_type for r in runs] == \
            ["scheduled"] + ["backfill"] * 5 + ["scheduled"], dag_id
        assert {r.state for r in runs} == {"success"}, dag_id
    # Later scheduler loops find nothing to create: no window lost, none doubled.
    assert scheduler_loop(DAILY_DAGS, at(date(2026, 3, 6), 0, 30)) == []
    with psycopg.connect(warehouse) as conn:
        loaded = conn.execute("select count(distinct (entity, window_start)) from meta.watermark"
                              " where window_end <= %s", (at(date(2026, 3, 6)),)).fetchone()
    assert loaded == (4 * 7,)  # four entities, 27/2 .. 5/3

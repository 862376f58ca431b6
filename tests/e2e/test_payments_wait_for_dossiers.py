"""The payments' gate waits for the same day's dossier load while it is on its way (issue 18,
item 3), and never for one that will not come.

The real payments DAG runs through ``dag.test()`` while Airflow's metadata DB holds a run of the
dossier DAG for the same logical date, in the state each test gives it: the wait asks Airflow
(``get_dr_count``, ``get_task_states``) as it does in production.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from helpers.dag_runs import pipeline_environment
from helpers.records import dossier, payment, procedure, unit
from helpers.scenario import write_scenario

from simulator import SimulatorConfig, start_simulator
from tthc_devtools.backfill import airflow_backfill, load_dags, local_midnight, run_day

pytestmark = pytest.mark.e2e

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 4, 15)  # a day no other test runs: its dossier run is this test's to shape
ROOT, DEPT, PROC = "000.00.00.H49", "000.00.01.H49", "1.000001"
DOSSIERS = "daily_dossiers__quang_nam"
DAGS = ("daily_catalogues__quang_nam", DOSSIERS, "daily_payments__quang_nam")
WAIT = "giao_dich.wait_for_references"


def at(clock: str) -> str:
    return f"{DAY:%Y%m%d}{clock}"


@pytest.fixture(scope="module")
def scenario_folder(tmp_path_factory):
    return write_scenario(
        tmp_path_factory.mktemp("wait"),
        don_vi=[unit(ROOT, "UBND tỉnh", "20260115080000", CapDonVi="tinh"),
                unit(DEPT, "Sở Tư pháp", "20260115080000", MaDonViCha=ROOT)],
        thu_tuc=[procedure(PROC, "20260115080000", [DEPT])],
        ho_so=[dossier("HS-1", at("090000"), [(2, at("080000")), (4, at("090000"))],
                       MaTTHC=PROC, DonViXuLy=DEPT, NgayTiepNhan=at("080000"),
                       NgayHenTra=f"{DAY + timedelta(days=10):%Y%m%d}170000")],
        giao_dich=[payment("TT-1", "HS-1", at("083000"), MaTTHC=PROC, MaDonVi=DEPT,
                           SoTien=50000, Phi=0, LePhi=50000)])


def run_payments_beside_a_dossier_run(warehouse: str, folder, load_state: str | None,
                                      wait_timeout: float = 10) -> None:
    """The day's catalogues, then the payments' run while the dossier run of the same logical
    date is running with its load in ``load_state`` (None: not started yet). The wait gives up
    after ``wait_timeout`` seconds (two hours in production): a wait that should not have
    waited shows as skipped instead of holding the test."""
    catalogues, dossiers, payments = load_dags(DAGS)
    for dag in (catalogues, payments):
        for task in dag.tasks:
            task.retries = 0
    payments.get_task(WAIT).timeout = wait_timeout
    config = SimulatorConfig(token="wait-token", scenario_dir=folder,
                             now=datetime(2026, 4, 16, 0, 30, tzinfo=VN))
    with start_simulator(config) as sim, pipeline_environment(warehouse, sim.url, config.token):
        run_day([catalogues], DAY)
        # a backfill's run of the dossier DAG, running (failed on leaving the block)
        with airflow_backfill(DOSSIERS, local_midnight(DAY), local_midnight(DAY)):
            dossier_run_in_flight(load_state)
            run_day([payments], DAY)


def dossier_run_in_flight(load_state: str | None) -> None:
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState
    from sqlalchemy import select

    with create_session() as session:
        run = session.scalar(select(DagRun).where(DagRun.dag_id == DOSSIERS,
                                                  DagRun.logical_date == local_midnight(DAY)))
        run.state = DagRunState.RUNNING
        for ti in session.scalars(select(TaskInstance).where(TaskInstance.dag_id == DOSSIERS,
                                                             TaskInstance.run_id == run.run_id)):
            ti.state = load_state if ti.task_id == "ho_so.load" else None


def wait_seen() -> tuple[str, int]:
    """The payments' wait of the day: its state, and how many times it was rescheduled."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.taskreschedule import TaskReschedule
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        ti = session.scalar(select(TaskInstance).where(
            TaskInstance.dag_id == DAGS[2], TaskInstance.task_id == WAIT,
            TaskInstance.logical_date == local_midnight(DAY)))
        n_rescheduled = session.scalar(select(func.count()).select_from(TaskReschedule).where(
            TaskReschedule.ti_id == ti.id))
        return ti.state, n_rescheduled


def parked_payments(conninfo: str) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute("select r.record ->> 'MaThamChieu', p.rules"
                            " from meta.parked_record as p join raw.giao_dich as r"
                            " using (batch_id, record_no)").fetchall()


def test_a_dossier_load_still_to_run_is_waited_for_and_given_up_on_after_the_timeout(
        warehouse, scenario_folder):
    run_payments_beside_a_dossier_run(warehouse, scenario_folder, load_state=None,
                                      wait_timeout=3)
    state, n_rescheduled = wait_seen()
    # it looked again (every 2 s) until its timeout, then let the gate go on: the payment of
    # the dossier that never loaded is parked, as it was before the wait
    assert state == "skipped" and n_rescheduled >= 1
    assert parked_payments(warehouse) == [("TT-1", ["giao_dich.unknown_dossier"])]


@pytest.mark.parametrize("load_state", ["success", "failed", "upstream_failed"])
def test_a_dossier_load_that_ended_is_not_waited_for(warehouse, scenario_folder, load_state):
    run_payments_beside_a_dossier_run(warehouse, scenario_folder, load_state)
    assert wait_seen() == ("success", 0)


def test_payments_of_a_day_whose_dossiers_are_loaded_first_park_nothing(
        warehouse, scenario_folder):
    """The day in order, as the wait makes it: the gate finds the dossier."""
    from helpers.scenario import run_scenario

    run_scenario(warehouse, scenario_folder, [DAY], now=datetime(2026, 4, 16, 0, 30, tzinfo=VN),
                 dag_ids=DAGS, token="wait-token")
    assert parked_payments(warehouse) == []
    assert wait_seen() == ("success", 0)
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select payment_ref from dw.fact_payment").fetchall() == [("TT-1",)]


def test_wait_gives_up_within_the_runs_timeout():
    """Two hours of waiting leave the gate and the load their hour inside the DAG run's three."""
    from tthc_pipeline.orchestration.daily import REFERENCE_WAIT

    (payments,) = load_dags(DAGS[2:])
    assert timedelta(seconds=REFERENCE_WAIT["timeout"]) + timedelta(hours=1) \
        <= payments.dagrun_timeout
    assert payments.get_task(WAIT).timeout == REFERENCE_WAIT["timeout"]


def test_a_run_made_before_the_wait_existed_runs_with_it(warehouse, scenario_folder):
    """A day's run created by an older version of the DAG (no wait task) and run again by a
    backfill gets the new task, as the scheduler gives it; without it the gate would deadlock."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import delete, select

    from tthc_devtools.backfill import run_queued_run

    catalogues, dossiers, payments = load_dags(DAGS)
    for dag in (catalogues, dossiers, payments):
        for task in dag.tasks:
            task.retries = 0
    config = SimulatorConfig(token="wait-token", scenario_dir=scenario_folder,
                             now=datetime(2026, 4, 16, 0, 30, tzinfo=VN))
    with start_simulator(config) as sim, pipeline_environment(warehouse, sim.url, config.token):
        run_day([catalogues, dossiers], DAY)
        with airflow_backfill(payments.dag_id, local_midnight(DAY), local_midnight(DAY)):
            with create_session() as session:
                run = session.scalar(select(DagRun).where(
                    DagRun.dag_id == payments.dag_id,
                    DagRun.logical_date == local_midnight(DAY)))
                session.execute(delete(TaskInstance).where(
                    TaskInstance.dag_id == payments.dag_id, TaskInstance.run_id == run.run_id,
                    TaskInstance.task_id == WAIT))
            run_queued_run(payments, local_midnight(DAY), f"{DAY}")
    assert wait_seen() == ("success", 0)
    assert parked_payments(warehouse) == []

"""Failures a retry cannot fix fail the task at once: no retry delays the alert.

The daily DAGs run through ``dag.test()`` with their retries on (two, without delay): a source
that refuses the token and a rejected batch fail on the first try, while a source that is down
is retried.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers.dag_runs import pipeline_environment
from helpers.records import dossier, procedure, unit
from helpers.scenario import bad_share_threshold, write_scenario

from simulator import SimulatorConfig, start_simulator
from tthc_devtools.backfill import DAILY_DAGS, load_dags, run_day
from tthc_pipeline.errors import PermanentError
from tthc_pipeline.orchestration.daily import failing_fast

pytestmark = pytest.mark.integration

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 3, 4)
UNIT, PROCEDURE = "000.00.01.H49", "1.000001"


def test_failing_fast_turns_only_permanent_errors_into_airflow_fail_exception():
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException, match="PermanentError: the same every time"):
        with failing_fast():
            raise PermanentError("the same every time")
    with pytest.raises(ConnectionError):
        with failing_fast():
            raise ConnectionError("transient: Airflow retries it")


def dags_with_retries(dag_ids: tuple[str, ...]):
    dags = load_dags(dag_ids)
    for dag in dags:
        for task in dag.tasks:
            task.retries, task.retry_delay = 2, timedelta(0)
    return dags


def run_failing(dag, day: date) -> dict[str, tuple[str, int]]:
    """Run ``dag`` for ``day`` (its window [day, day + 1)); each task's state and tries."""
    import pendulum

    following = day + timedelta(days=1)
    run = dag.test(logical_date=pendulum.datetime(following.year, following.month,
                                                  following.day, tz="Asia/Ho_Chi_Minh"))
    assert run.data_interval_start == pendulum.datetime(day.year, day.month, day.day,
                                                        tz="Asia/Ho_Chi_Minh")
    assert run.state == "failed"
    return {ti.task_id: (ti.state, ti.try_number) for ti in run.get_task_instances()}


def test_a_refused_token_fails_the_extract_on_its_first_try(warehouse):
    config = SimulatorConfig(token="the-right-token", seed=3, scale=50, start=date(2026, 3, 1),
                             end=date(2026, 3, 5))
    with start_simulator(config) as sim, pipeline_environment(warehouse, sim.url, "wrong"):
        [payments] = dags_with_retries(("daily_payments__quang_nam",))
        captured = run_failing(payments, DAY)
    assert captured["giao_dich.extract"] == ("failed", 1)


def test_a_rejected_batch_fails_validate_on_its_first_try(warehouse, tmp_path):
    at = f"{DAY:%Y%m%d}"
    steps = [(2, f"{at}080000"), (4, f"{at}090000")]
    records = [dossier(f"HS-{i}", steps[-1][1], steps, MaTTHC=PROCEDURE, DonViXuLy=UNIT,
                       TrangThaiHoSo=77 if i < 3 else 4) for i in range(6)]
    folder = write_scenario(
        tmp_path, don_vi=[unit(UNIT, "Sở Tư pháp", "20260101080000")],
        thu_tuc=[procedure(PROCEDURE, "20260101080000", [UNIT])], ho_so=records)
    config = SimulatorConfig(token="t", scenario_dir=folder,
                             now=datetime(2026, 3, 6, tzinfo=VN))
    with start_simulator(config) as sim, pipeline_environment(warehouse, sim.url, "t"), \
            bad_share_threshold(0.2):
        catalogues, dossiers = dags_with_retries(DAILY_DAGS[:2])
        run_day([catalogues], DAY)
        captured = run_failing(dossiers, DAY)
    assert captured["ho_so.validate"] == ("failed", 1)
    assert captured["ho_so.load"][0] == "upstream_failed"

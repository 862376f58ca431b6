"""The gate of a payments batch waits for the same day's dossier load while it is on its way
(issue 18, item 3): what the wait asks Airflow, and when it lets the gate go on."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tthc_pipeline.orchestration.waiting import AwaitedLoad, awaited_loads, loads_in_flight

DAY = datetime(2026, 3, 3, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
DOSSIERS = AwaitedLoad("ho_so", "daily_dossiers__quang_nam")


class Runs:
    """Airflow's answers about one DAG's runs of a logical date, as ``context["ti"]`` gives
    them: the runs' states, and the state of each run's tasks."""

    def __init__(self, runs: dict[str, tuple[str, dict[str, str | None]]]) -> None:
        self.runs = runs  # run_id -> (run state, {task_id: task state})
        self.asked: list[tuple] = []

    def get_dr_count(self, dag_id, logical_dates=None, run_ids=None, states=None):
        self.asked.append(("runs", dag_id, tuple(logical_dates), tuple(states)))
        return sum(state in states for state, _ in self.runs.values())

    def get_task_states(self, dag_id, map_index=None, task_ids=None, task_group_id=None,
                        logical_dates=None, run_ids=None):
        self.asked.append(("tasks", dag_id, tuple(task_ids), tuple(logical_dates)))
        return {run_id: {task: state for task, state in tasks.items() if task in task_ids}
                for run_id, (_, tasks) in self.runs.items()}


def test_payments_wait_for_the_dossier_load_of_their_own_source():
    assert awaited_loads("giao_dich", "da_nang") == [
        AwaitedLoad("ho_so", "daily_dossiers__da_nang")]
    assert DOSSIERS.task_id == "ho_so.load"
    # a catalogue is loaded whole or not: the gate reads which, nothing waits for it
    assert awaited_loads("ho_so", "da_nang") == awaited_loads("don_vi", "da_nang") == []


@pytest.mark.parametrize("load_state", [None, "scheduled", "queued", "running", "up_for_retry"])
def test_a_running_dossier_run_whose_load_may_still_run_is_waited_for(load_state):
    runs = Runs({"scheduled__2026-03-03": ("running", {"ho_so.load": load_state,
                                                        "ho_so.extract": "success"})})
    assert loads_in_flight(runs, [DOSSIERS], DAY) == [DOSSIERS]
    # asked about the same logical date, the DAG and the task named
    assert runs.asked == [("runs", DOSSIERS.dag_id, (DAY,), ("queued", "running")),
                          ("tasks", DOSSIERS.dag_id, ("ho_so.load",), (DAY,))]


@pytest.mark.parametrize("load_state", ["success", "failed", "upstream_failed", "skipped"])
def test_a_load_that_ended_in_any_state_is_not_waited_for(load_state):
    runs = Runs({"scheduled__2026-03-03": ("running", {"ho_so.load": load_state})})
    assert loads_in_flight(runs, [DOSSIERS], DAY) == []


@pytest.mark.parametrize("run_state", ["success", "failed"])
def test_a_run_that_is_over_is_not_waited_for(run_state):
    """A failed run whose load never ran does not hold the payments back."""
    runs = Runs({"scheduled__2026-03-03": (run_state, {"ho_so.load": None})})
    assert loads_in_flight(runs, [DOSSIERS], DAY) == []
    assert [kind for kind, *_ in runs.asked] == ["runs"]


def test_no_run_of_the_day_is_not_waited_for():
    """A DAG paused, or a backfill of the payments alone: nothing is on its way."""
    assert loads_in_flight(Runs({}), [DOSSIERS], DAY) == []

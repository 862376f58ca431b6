"""A batch's gate waits for the same day's loads of what its records reference.

The three daily DAGs of a source start together, and the payments' extract and staging end long
before the dossiers' load: a payment of a dossier received that day would find no dossier and
be parked, then released by the dossiers' load, inside its transaction, at a cost the day
pays on its longest chain (bench/RESULTS.md, "No parking within a day"). So the DAG of an entity
whose reference rules name another incremental entity (``quality.suites.awaited_entities``: a
payment's dossier) waits, between staging and the gate, while that entity's DAG has a run of
the same logical date (the same window) whose load has not finished.

It never waits for what will not come: no run of that date (a DAG paused, a backfill of one
DAG alone), a run over (failed, say), or a load that ended in any state lets the gate go on at
once, and the records still missing are parked as before. The answer comes from Airflow (the
task's ``ti``), not from the warehouse: a batch is written to ``meta.load_batch`` only when its
extract commits, well after the payments are staged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from airflow.sdk import TaskInstanceState

from tthc_pipeline import sources
from tthc_pipeline.entities import entity as entity_definition
from tthc_pipeline.quality.suites import awaited_entities

# Airflow's states: a run that may still load, and a task that will not run again in its run
# (``up_for_retry`` and ``up_for_reschedule`` may). The task states are str enums: the strings
# ``get_task_states`` returns are found among them.
ACTIVE_RUN_STATES = ("queued", "running")
FINISHED_TASK_STATES = frozenset({
    TaskInstanceState.SUCCESS, TaskInstanceState.FAILED, TaskInstanceState.UPSTREAM_FAILED,
    TaskInstanceState.SKIPPED, TaskInstanceState.REMOVED})


class RunLookup(Protocol):
    """What the wait asks Airflow: the runtime task instance's queries (``context["ti"]``)."""

    def get_dr_count(self, dag_id: str, logical_dates: list[datetime] | None = None,
                     run_ids: list[str] | None = None,
                     states: list[str] | None = None) -> int: ...

    def get_task_states(self, dag_id: str, map_index: int | None = None,
                        task_ids: list[str] | None = None, task_group_id: str | None = None,
                        logical_dates: list[datetime] | None = None,
                        run_ids: list[str] | None = None) -> dict: ...


@dataclass(frozen=True)
class AwaitedLoad:
    entity: str
    dag_id: str

    @property
    def task_id(self) -> str:
        """The load task of the entity's task group (``orchestration.daily.load_entity``)."""
        return f"{self.entity}.load"


def awaited_loads(entity: str, source_code: str) -> list[AwaitedLoad]:
    """The loads a batch of ``entity`` from ``source_code`` waits for: the entities it references
    (``awaited_entities``), each in its daily DAG of the same source."""
    return [AwaitedLoad(name, sources.daily_dag_id(entity_definition(name).daily_dag, source_code))
            for name in awaited_entities(entity)]


def loads_in_flight(runs: RunLookup, loads: list[AwaitedLoad],
                    logical_date: datetime) -> list[AwaitedLoad]:
    """The ``loads`` that are still to finish in a running run of ``logical_date``."""
    pending = []
    for load in loads:
        if not runs.get_dr_count(load.dag_id, logical_dates=[logical_date],
                                 states=list(ACTIVE_RUN_STATES)):
            continue
        by_run = runs.get_task_states(load.dag_id, task_ids=[load.task_id],
                                      logical_dates=[logical_date])
        states = [state for tasks in by_run.values() for state in tasks.values()]
        if any(state not in FINISHED_TASK_STATES for state in states):
            pending.append(load)
    return pending

"""Scenario folders for the simulator (docs/simulator.md): hand-made records as JSON Lines, and
the real DAGs run over them against a fresh warehouse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from simulator import SimulatorConfig, start_simulator
from tthc_devtools.backfill import DAILY_DAGS
from tthc_devtools.local_stack import environment

from .dag_runs import pipeline_environment, run_daily_dags


def write_scenario(folder: Path, **records: list[dict]) -> Path:
    """``folder`` with one ``<entity>.jsonl`` per keyword (don_vi=[...], ho_so=[...]...)."""
    folder.mkdir(parents=True, exist_ok=True)
    for entity, entity_records in records.items():
        lines = (json.dumps(record, ensure_ascii=False) for record in entity_records)
        (folder / f"{entity}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@contextmanager
def bad_share_threshold(value: float) -> Iterator[None]:
    """The Airflow Variable ``tthc_max_bad_share``, set the way a deployment would (env)."""
    with environment({"AIRFLOW_VAR_TTHC_MAX_BAD_SHARE": str(value)}):
        yield


def run_scenario(warehouse: str, folder: Path, days: list[date], now: datetime,
                 dag_ids: tuple[str, ...] = DAILY_DAGS, token: str = "scenario-token") -> None:
    """Serve ``folder`` over HTTP and run the daily DAGs for ``days``; raise on a failed run."""
    config = SimulatorConfig(token=token, scenario_dir=folder, now=now)
    with start_simulator(config) as sim, pipeline_environment(warehouse, sim.url, token):
        run_daily_dags(days, dag_ids)

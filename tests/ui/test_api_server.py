"""The Airflow UI's own view of the project, through a real ``airflow api-server``.

After one ``dag.test()`` run of ``daily_catalogues`` against the test Postgres and the
simulator, the API server (on a free loopback port, over the same metadata DB) must show every
DAG loaded without import errors, that run's task instances all successful, and the figures an
operator looks for without opening a log: the quality gate's summary (validate's XCom) and the
counts attached to the warehouse asset events.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import quote

import pendulum
import pytest
from helpers.dag_runs import load_dags_without_retries, pipeline_environment

from simulator import SimulatorConfig, start_simulator
from tthc_devtools.api_server import ApiServer, api_server
from tthc_pipeline import sources
from tthc_pipeline.warehouse.migrations import apply_migrations

pytestmark = pytest.mark.integration

DAG_ID = "daily_catalogues__quang_nam"
# The DAGs the configured source list makes (config/sources.yaml): every source's daily DAGs,
# every tree's Friday DAG, and the housekeeping one.
CONFIGURED_DAGS = {*sources.daily_dag_ids(), "maintenance",
                   *(sources.weekly_dag_id(tree.code) for tree in sources.load().trees)}
# A day no other test loads: dag.test() replaces any run of the same DAG and logical date.
LOGICAL_DATE = pendulum.datetime(2026, 2, 18, tz="Asia/Ho_Chi_Minh")  # loads 17 February
CONFIG = SimulatorConfig(token="ui-token", seed=5, scale=200, start=date(2026, 2, 1),
                         end=date(2026, 3, 11))


@pytest.fixture(scope="module")
def dag_run(postgres_server) -> Iterator[tuple[str, list[str]]]:
    """One successful run of the catalogue DAG: its run id and the DAG's task ids."""
    warehouse = postgres_server.create_database()
    try:
        apply_migrations(warehouse)
        (dag,) = load_dags_without_retries((DAG_ID,))
        with start_simulator(CONFIG) as sim, pipeline_environment(warehouse, sim.url,
                                                                  CONFIG.token):
            run = dag.test(logical_date=LOGICAL_DATE)
        assert run.state == "success"
        yield run.run_id, sorted(dag.task_ids)
    finally:
        postgres_server.drop_database(warehouse)


@pytest.fixture(scope="module")
def server(dag_run, tmp_path_factory) -> Iterator[ApiServer]:
    """Started after the run, so the two never write the SQLite metadata DB at once."""
    with api_server(tmp_path_factory.mktemp("api-server") / "api-server.log") as running:
        yield running


def run_path(run_id: str) -> str:
    return f"/api/v2/dags/{DAG_ID}/dagRuns/{quote(run_id, safe='')}"


def test_every_dag_is_loaded_without_import_errors(server):
    dags = server.get("/api/v2/dags?limit=100")["dags"]
    # the metadata DB is the project's: other tests' source lists may have added their DAGs
    assert CONFIGURED_DAGS <= {d["dag_id"] for d in dags}
    assert [d["dag_id"] for d in dags if d.get("has_import_errors")] == []
    assert server.get("/api/v2/importErrors") == {"import_errors": [], "total_entries": 0}


def test_every_task_instance_of_the_run_succeeded(server, dag_run):
    run_id, task_ids = dag_run
    assert server.get(run_path(run_id))["state"] == "success"
    instances = server.get(f"{run_path(run_id)}/taskInstances?limit=100")["task_instances"]
    assert sorted(ti["task_id"] for ti in instances) == task_ids
    assert {ti["task_id"]: ti["state"] for ti in instances} == dict.fromkeys(task_ids, "success")


def test_the_quality_gate_summary_is_the_validate_tasks_xcom(server, dag_run):
    run_id, _ = dag_run
    entry = server.get(f"{run_path(run_id)}/taskInstances/don_vi.validate/xcomEntries/"
                       "return_value?deserialize=true")
    summary = entry["value"]
    assert summary["n_checked"] > 0
    assert summary["quality"].startswith(f"{summary['n_checked']} checked, "
                                         f"{summary['n_quarantined']} quarantined")
    assert sum(summary["quarantined_by_rule"].values()) >= summary["n_quarantined"]


def test_the_warehouse_asset_events_carry_the_batch_counts(server, dag_run):
    run_id, _ = dag_run
    events = server.get(f"/api/v2/assets/events?source_dag_id={DAG_ID}"
                        f"&source_run_id={quote(run_id, safe='')}&limit=100")["asset_events"]
    by_uri = {event["uri"]: event["extra"] for event in events}
    assert set(by_uri) == {"warehouse://dw/dim_unit", "warehouse://dw/dim_procedure"}
    unit = by_uri["warehouse://dw/dim_unit"]
    assert unit["entity"] == "don_vi" and unit["n_loaded"] > 0
    assert unit["window_start"] == "2026-02-17T00:00:00+07:00"

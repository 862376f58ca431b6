"""The entity registry is the one definition every layer reads (issue 17, item 7)."""

from __future__ import annotations

import re

import pytest

from tthc_pipeline import sources
from tthc_pipeline.entities import ENTITIES, all_entities, entity
from tthc_pipeline.paths import PROJECT_ROOT

pytestmark = pytest.mark.dags

SQL = PROJECT_ROOT / "sql"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(str(PROJECT_ROOT / "dags"))


def test_every_entity_has_its_suite_staging_and_load_statements():
    for definition in all_entities():
        assert definition.suite_path.is_file(), definition.name
        assert definition.staging_tables[0] == definition.name
        for table in definition.staging_tables:
            assert (SQL / "staging" / f"{table}.sql").is_file(), table
        for load_file in definition.load_files:
            assert (SQL / "load" / f"{load_file}.sql").is_file(), load_file
        assert definition.endpoint.startswith("/api/v1/")


def test_the_batch_table_accepts_exactly_the_registered_entities():
    migration = (SQL / "migrations" / "V001__layers_batches_raw.sql").read_text()
    allowed = re.search(r"check \(entity in \(([^)]*)\)\)", migration).group(1)
    assert tuple(name.strip(" '") for name in allowed.split(",")) == ENTITIES


def test_an_unknown_entity_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown entity 'hoso'; expected one of"):
        entity("hoso")


def test_the_daily_dags_are_built_from_the_registry(dagbag):
    loaded = {}
    for dag_id in ("daily_catalogues__quang_nam", "daily_dossiers__quang_nam",
                   "daily_payments__quang_nam"):
        dag = dagbag.dags[dag_id]
        for task in dag.tasks:
            if task.task_id.endswith(".load"):
                name = task.task_id.split(".")[0]
                loaded[name] = dag_id
                assert [outlet.uri for outlet in task.outlets] == [entity(name).asset_uri]
        source = sources.load().source("quang_nam")
        connections = {source.connection_id(entity(name).system)
                       for name, d in loaded.items() if d == dag_id}
        assert connections | {"source:quang_nam"} <= set(dag.tags), dag_id
        assert "**Catch-up**" in dag.doc_md and f"--dag-id {dag_id}" in dag.doc_md
    assert sorted(loaded) == sorted(ENTITIES), "every entity is loaded by exactly one daily DAG"


def test_each_entity_is_loaded_by_the_dag_the_waits_look_in(dagbag):
    """``Entity.daily_dag`` is where a wait looks for an entity's load: it must be the DAG that
    has that load task."""
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            if dag.dag_id.startswith("daily_") and task.task_id.endswith(".load"):
                name, source_code = task.task_id.split(".")[0], dag.dag_id.split("__")[1]
                assert dag.dag_id == sources.daily_dag_id(entity(name).daily_dag,
                                                          source_code)


def test_only_the_payments_gate_waits_and_runs_when_the_wait_gives_up(dagbag):
    from airflow.sdk import TriggerRule

    payments = dagbag.dags["daily_payments__quang_nam"]
    wait = payments.get_task("giao_dich.wait_for_references")
    assert wait.upstream_task_ids == {"giao_dich.stage"}
    assert wait.mode == "reschedule" and wait.soft_fail
    assert wait.pool == "default_pool"  # no warehouse slot held while waiting
    gate = payments.get_task("giao_dich.validate")
    assert gate.upstream_task_ids == {"giao_dich.stage", "giao_dich.wait_for_references"}
    assert gate.trigger_rule == TriggerRule.NONE_FAILED  # skipped wait: validate all the same
    for dag_id in ("daily_catalogues__quang_nam", "daily_dossiers__quang_nam"):
        assert not [task for task in dagbag.dags[dag_id].tasks
                    if task.task_id.endswith("wait_for_references")], dag_id


def test_a_dag_that_loads_another_dags_entity_is_refused():
    from tthc_pipeline.orchestration.daily import daily_dag

    source = sources.load().source("quang_nam")
    with pytest.raises(ValueError, match=r"daily_dossiers loads \['giao_dich'\]"):
        daily_dag("daily_dossiers", ["giao_dich"], source=source, description="x",
                  doc_md="### x\n\nx", tags=["x"])

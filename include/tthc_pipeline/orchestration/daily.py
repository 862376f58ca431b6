"""The tasks of the daily loads, and the task group that takes one entity through them.

Each task is a thin call into the pipeline package; heavy modules (GX, pandas) are imported
inside the task functions so that parsing a DAG file stays cheap.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, task, task_group

from tthc_pipeline.orchestration import resources

log = logging.getLogger(__name__)

LOCAL_TZ = resources.LOCAL_TZ
DAILY_START = pendulum.datetime(2026, 1, 1, tz=LOCAL_TZ)
ENTITY_ASSETS = {
    "don_vi": Asset("warehouse://dw/dim_unit"),
    "thu_tuc": Asset("warehouse://dw/dim_procedure"),
    "ho_so": Asset("warehouse://dw/fact_dossier"),
    "giao_dich": Asset("warehouse://dw/fact_payment"),
}
DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=1),
}


@task
def prepare_warehouse(**context: Any) -> None:
    """Apply pending schema migrations and make sure the date dimension covers the window."""
    from tthc_pipeline.transform.load import refresh_dim_date
    from tthc_pipeline.warehouse.migrations import apply_migrations

    conninfo = resources.warehouse_conninfo()
    applied = apply_migrations(conninfo)
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))
    first, last = resources.calendar_span(resources.run_window(context))
    refresh_dim_date(conninfo, first.date(), last.date())


@task
def extract(entity: str, **context: Any) -> dict[str, Any]:
    """Page through the source for the run's window and land every record in raw, as received."""
    from tthc_pipeline.extract.extract import extract_to_raw

    window = resources.run_window(context)
    with resources.source_client(entity) as client:
        landed = extract_to_raw(client, resources.warehouse_conninfo(), entity, window.start,
                                window.end, dag_id=context["dag"].dag_id, run_id=context["run_id"])
    log.info("%s %s: landed %d records as batch %d",
             entity, window, landed.n_received, landed.batch_id)
    return {"entity": entity, "batch_id": landed.batch_id, "n_received": landed.n_received}


@task
def stage(batch: dict[str, Any]) -> dict[str, Any]:
    """Type and normalise the batch's raw records into staging (identical copies collapse)."""
    from tthc_pipeline.transform.stage import stage_batch

    staged = stage_batch(resources.warehouse_conninfo(), batch["batch_id"])
    log.info("batch %d: %s", batch["batch_id"], staged)
    return {**batch, "n_staged": staged.n_staged, "n_duplicates": staged.n_duplicates}


@task
def validate(batch: dict[str, Any]) -> dict[str, Any]:
    """Run the entity's Great Expectations suite; quarantine failing rows with their rule."""
    from tthc_pipeline.quality.gate import validate_batch

    result = validate_batch(resources.warehouse_conninfo(), batch["batch_id"],
                            resources.max_bad_share())
    log.info("batch %d: %d checked, %d quarantined %s", batch["batch_id"],
             result.n_checked, result.n_quarantined, dict(result.by_rule))
    return {**batch, "n_quarantined": result.n_quarantined, "quarantined_by_rule": dict(result.by_rule)}


def load_task(entity: str):
    """The load task of ``entity``, declaring the warehouse table it updates as its asset."""

    @task(task_id="load", outlets=[ENTITY_ASSETS[entity]])
    def load(batch: dict[str, Any]) -> dict[str, Any]:
        """Load the batch's good rows into the star schema in one transaction; record the watermark."""
        from tthc_pipeline.transform.load import load_batch

        loaded = load_batch(resources.warehouse_conninfo(), batch["batch_id"],
                            resources.hash_key())
        log.info("batch %d: %s", batch["batch_id"], loaded)
        return {**batch, "n_loaded": loaded.n_loaded}

    return load


@task
def release_parked(entity: str) -> list[int]:
    """Load rows parked for a reference that has arrived since (e.g. a payment's dossier)."""
    from tthc_pipeline.quality.gate import release_parked as find_and_reland
    from tthc_pipeline.quality.gate import validate_batch
    from tthc_pipeline.transform.load import load_batch
    from tthc_pipeline.transform.stage import stage_batch

    conninfo = resources.warehouse_conninfo()
    batch_ids = find_and_reland(conninfo, entity)
    for batch_id in batch_ids:
        stage_batch(conninfo, batch_id)
        validate_batch(conninfo, batch_id, resources.max_bad_share())
        load_batch(conninfo, batch_id, resources.hash_key())
    log.info("%s: released %d parked batches %s", entity, len(batch_ids), batch_ids)
    return batch_ids


def load_entity(entity: str):
    """Task group: extract → stage → validate → load for one entity and the run's window."""

    @task_group(group_id=entity)
    def pipeline():
        landed = extract(entity)
        return load_task(entity)(validate(stage(landed)))

    return pipeline()

"""Run hand-made records through the pipeline's own steps: land → stage → load."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tthc_pipeline.extract.landing import land_records
from tthc_pipeline.transform.load import LoadResult, load_batch
from tthc_pipeline.transform.stage import stage_batch
from tthc_pipeline.warehouse.migrations import apply_migrations

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HASH_KEY = "test-only-applicant-hash-key"
DEFAULT_DAY = date(2025, 3, 3)


def day_window(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=VN)
    return start, start + timedelta(days=1)


def land_and_stage(conninfo: str, entity: str, records: list[dict],
                   day: date = DEFAULT_DAY) -> int:
    """Land ``records`` as the batch of ``day``'s window, stage it, and return its id."""
    batch = land_records(conninfo, entity, *day_window(day), records)
    stage_batch(conninfo, batch.batch_id)
    return batch.batch_id


def ingest(conninfo: str, entity: str, records: list[dict], day: date = DEFAULT_DAY,
           hash_key: str = HASH_KEY) -> LoadResult:
    """Land, stage and load ``records`` as one batch (no quality gate: nothing quarantined)."""
    return load_batch(conninfo, land_and_stage(conninfo, entity, records, day), hash_key)


@contextmanager
def fresh_warehouse(postgres_server) -> Iterator[str]:
    """A second migrated database beside the ``warehouse`` fixture's, for A/B comparisons."""
    uri = postgres_server.create_database()
    try:
        apply_migrations(uri)
        yield uri
    finally:
        postgres_server.drop_database(uri)

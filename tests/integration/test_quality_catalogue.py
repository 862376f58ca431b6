"""The suites against the real schema and realistic data: no rule is broken or over-eager."""

from datetime import datetime

import psycopg
import pytest
from helpers.pipeline import HASH_KEY, VN

from tthc_pipeline.entities import ENTITIES
from tthc_pipeline.extract.landing import land_records
from tthc_pipeline.quality.gate import validate_batch
from tthc_pipeline.quality.suites import batch_rows_sql, suite_rules
from tthc_pipeline.transform.load import load_batch
from tthc_pipeline.transform.stage import stage_batch

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("entity", ENTITIES)
def test_every_column_a_rule_reads_is_in_the_batch_query(warehouse, entity):
    with psycopg.connect(warehouse) as conn:
        cursor = conn.execute(f"{batch_rows_sql(entity, 0)} limit 0")
        columns = {column.name for column in cursor.description}
    read = {rule.kwargs[key] for rule in suite_rules(entity)
            for key in ("column", "column_A", "column_B") if key in rule.kwargs}
    assert read <= columns
    assert "record_no" in columns  # GX names failing rows by it


def test_a_generated_province_passes_every_rule(warehouse):
    """The simulator's realistic records, source quirks included, break no rule."""
    from simulator.province import Province

    province = Province(seed=7, scale=300, rate_quirks=0.3)
    window = (datetime(2022, 1, 1, tzinfo=VN), datetime(2030, 1, 1, tzinfo=VN))
    for entity in ENTITIES:  # catalogues first: the references resolve
        batch = land_records(warehouse, entity, *window, province.records(entity))
        stage_batch(warehouse, batch.batch_id)
        result = validate_batch(warehouse, batch.batch_id, 0.0)
        assert result.by_rule == {}, entity
        load_batch(warehouse, batch.batch_id, HASH_KEY)

"""The rule catalogue and the GX helper's pure parts: suites, batch SQL, connection URLs."""

import re

import pytest
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url

from tthc_pipeline.entities import ENTITIES
from tthc_pipeline.paths import read_sql
from tthc_pipeline.quality.gx_runner import sqlalchemy_url
from tthc_pipeline.quality.suites import (
    batch_rows_sql,
    load_suite,
    reference_conditions,
    suite_rules,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("entity", ENTITIES)
def test_every_suite_loads_into_great_expectations(entity):
    import great_expectations as gx

    suite = gx.ExpectationSuite(**load_suite(entity))
    assert suite.name == entity
    assert len(suite.expectations) == len(suite_rules(entity))


@pytest.mark.parametrize("entity", ENTITIES)
def test_every_rule_has_a_stable_unique_name_and_a_vietnamese_description(entity):
    rules = suite_rules(entity)
    names = [rule.name for rule in rules]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(rf"{entity}\.[a-z_]+", name) for name in names)
    assert all(rule.description_vi.strip() for rule in rules)


def test_reference_rules_are_the_parkable_lookups():
    references = {rule.name: rule.kwargs for entity in ENTITIES
                  for rule in suite_rules(entity) if rule.is_reference}
    assert references == {
        "don_vi.unknown_parent": {"column": "is_parent_known", "value_set": [True]},
        "don_vi.unknown_ancestor": {"column": "unknown_ancestor"},
        "don_vi.unknown_successor": {"column": "is_successor_known", "value_set": [True]},
        "ho_so.unknown_unit": {"column": "is_unit_known", "value_set": [True]},
        "ho_so.unknown_procedure": {"column": "is_procedure_known", "value_set": [True]},
        "giao_dich.unknown_dossier": {"column": "is_dossier_known", "value_set": [True]},
    }


def test_reference_rules_compile_to_the_sql_the_load_releases_with():
    # the load decides in SQL, on its own connection, which parked records now pass
    assert {entity: reference_conditions(entity) for entity in ENTITIES} == {
        "don_vi": ["coalesce(is_parent_known, true)", "unknown_ancestor is null",
                   "coalesce(is_successor_known, true)"],
        "thu_tuc": [],
        "ho_so": ["coalesce(is_unit_known, true)", "coalesce(is_procedure_known, true)"],
        "giao_dich": ["coalesce(is_dossier_known, true)"],
    }


def test_a_reference_rule_of_another_form_is_refused(monkeypatch):
    from tthc_pipeline.quality import suites

    def suite_with_a_range_reference(entity):
        suite = load_suite(entity)
        suite["expectations"].append({
            "type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "min_value": 1},
            "meta": {"rule": "ho_so.odd", "reference": True, "description_vi": "lạ"}})
        return suite

    monkeypatch.setattr(suites, "load_suite", suite_with_a_range_reference)
    with pytest.raises(ValueError, match="ho_so.odd must be"):
        suites.reference_conditions("ho_so")


@pytest.mark.parametrize("entity", ENTITIES)
def test_batch_sql_has_no_percent_sign_but_its_placeholder(entity):
    # GX doubles '%' in a query asset, so a literal one would reach Postgres as '%%'.
    text = read_sql(f"quality/{entity}_batch.sql").replace("%(batch_id)s", "")
    assert "%" not in text


def test_the_batch_query_selects_one_batch_and_optionally_some_records():
    whole = batch_rows_sql("ho_so", 42)
    assert whole.startswith("select * from (")
    assert "where batch_id = 42" in whole
    assert batch_rows_sql("ho_so", 42, [3, 5]).endswith("where record_no in (3, 5)")
    with pytest.raises(ValueError, match="unknown entity"):
        batch_rows_sql("ho_so; drop table raw.ho_so", 1)


def test_the_gx_url_encodes_the_password_and_keeps_other_settings():
    conninfo = make_conninfo(host="db.local", port=5433, user="etl", password="p@ss/w:rd%",
                             dbname="warehouse", sslmode="require")
    url = sqlalchemy_url(conninfo, "-c jit=off")
    assert "p%40ss%2Fw%3Ard%25" in url
    parsed = make_url(url)
    assert (parsed.drivername, parsed.host, parsed.port, parsed.database) == (
        "postgresql+psycopg2", "db.local", 5433, "warehouse")
    assert parsed.password == "p@ss/w:rd%"
    assert dict(parsed.query) == {"sslmode": "require", "options": "-c jit=off"}


def test_the_gx_url_passes_socket_directories_and_own_options_through():
    conninfo = make_conninfo(host="/var/run/postgresql", user="etl", dbname="warehouse",
                             options="-c search_path=dw")
    parsed = make_url(sqlalchemy_url(conninfo, "-c jit=off"))
    assert parsed.host is None
    assert dict(parsed.query) == {"host": "/var/run/postgresql",
                                  "options": "-c search_path=dw -c jit=off"}

"""The SQL compiler of the suites: what it emits, what it refuses, and what it never imports.

That it agrees with GX on every rule is tests/integration/test_quality_compiled_agrees.py.
"""

import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tthc_pipeline.quality.compiled import (
    GX_VERSION,
    UnsupportedRule,
    compile_rule,
    compile_suite,
)
from tthc_pipeline.quality.suites import Rule

pytestmark = pytest.mark.unit

WINDOW = {"window_start": datetime(2025, 3, 3, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
          "window_end": datetime(2025, 3, 4, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))}


def rule(expectation: str, **kwargs) -> Rule:
    return Rule("ho_so.test_rule", expectation, kwargs, "thử", is_reference=False)


def text(composable) -> str:
    return composable.as_string(None)


def test_a_range_rule_compiles_to_gx_condition_with_gx_bounds():
    compiled = compile_rule(rule("expect_column_values_to_be_between", column="fee_total",
                                 max_value=9223372036854775807), "ho_so", {})
    assert text(compiled.considered) == '"fee_total" is not null'
    # GX coerces the bound to a float, which psycopg2 sends as its repr
    assert text(compiled.fails) == 'not ("fee_total" <= 9.223372036854776e+18)'
    assert compiled.kwargs == {"batch_id": "warehouse-staging_ho_so", "column": "fee_total",
                               "max_value": 9.223372036854776e+18}


def test_runtime_parameters_are_substituted_and_reported():
    compiled = compile_rule(rule("expect_column_values_to_be_between", column="source_updated_at",
                                 min_value={"$PARAMETER": "window_start"},
                                 max_value={"$PARAMETER": "window_end"}, strict_max=True),
                            "ho_so", WINDOW)
    assert text(compiled.fails) == (
        "not (\"source_updated_at\" >= '2025-03-03 00:00:00+07:00'::timestamptz"
        " and \"source_updated_at\" < '2025-03-04 00:00:00+07:00'::timestamptz)")
    assert compiled.kwargs["min_value"] == WINDOW["window_start"]


def test_null_rules_consider_every_row_and_pairs_skip_missing_values():
    not_null = compile_rule(rule("expect_column_values_to_not_be_null", column="unit_code"),
                            "ho_so", {})
    assert (not_null.considered, text(not_null.fails)) == (None, '"unit_code" is null')
    pair = compile_rule(rule("expect_column_pair_values_a_to_be_greater_than_b",
                             column_A="due_at", column_B="received_at", or_equal=True,
                             ignore_row_if="either_value_is_missing"), "ho_so", {})
    assert text(pair.considered) == '"due_at" is not null and "received_at" is not null'
    assert text(pair.fails) == (
        'not ("due_at" >= "received_at" or ("due_at" is null and "received_at" is null))')
    assert pair.columns == ("due_at", "received_at")


@pytest.mark.parametrize(("expectation", "kwargs", "message"), [
    ("expect_column_values_to_be_unique", {"column": "x"}, "does not know"),
    ("expect_column_values_to_not_be_null", {"column": "x", "mostly": 0.9}, "mostly"),
    ("expect_column_values_to_be_in_set", {"column": "x", "value_set": [1],
                                           "row_condition": "y > 1"}, "row_condition"),
    ("expect_column_values_to_be_in_set", {"column": "x", "value_set": []}, "non-empty"),
    ("expect_column_values_to_be_between", {"column": "x"}, "both be None"),
    ("expect_column_value_lengths_to_be_between", {"column": "x", "max_value": 1.5},
     "integer"),
])
def test_what_the_compiler_cannot_translate_faithfully_is_refused(expectation, kwargs, message):
    with pytest.raises(UnsupportedRule, match=message):
        compile_rule(rule(expectation, **kwargs), "ho_so", WINDOW)


@pytest.mark.parametrize("entity", ["don_vi", "thu_tuc", "ho_so", "giao_dich"])
def test_every_suite_compiles(entity):
    assert compile_suite(entity, WINDOW)


def test_the_recorded_gx_version_is_the_installed_one():
    # meta.dq_run.gx_version: the GX whose semantics the agreement test checked
    from importlib.metadata import version

    assert version("great_expectations") == GX_VERSION


def test_the_gate_imports_no_great_expectations_pandas_or_sqlalchemy():
    # the validate task's own imports: a batch must not pay GX's start-up
    code = ("import sys; import tthc_pipeline.quality.gate;"
            " print(sorted({m.split('.')[0] for m in sys.modules}"
            " & {'great_expectations', 'pandas', 'sqlalchemy', 'numpy', 'scipy'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"

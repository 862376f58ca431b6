"""The suites compiled to SQL: every rule of ``expectations/<entity>.json`` evaluated in Postgres
the way GX 1.x's SQL execution engine evaluates it, without importing GX.

The suites stay the contract; this module is a second reader of them. Each expectation type the
suites use is translated to the condition GX's SQLAlchemy engine builds for Postgres (read from
GX 1.24's metric providers) and its figures are computed with GX's own formulas
(``_format_map_output``, ``_mostly_success``):

A row fails a rule when (``c`` its column; "considered" is GX's nonnull or filtered count):

- ``expect_column_values_to_not_be_null`` / ``_to_be_null``: every row considered;
  ``c is null`` / ``c is not null``;
- ``expect_column_values_to_be_in_set``: rows with ``c is not null``; ``not (c in (…))``;
- ``expect_column_values_to_be_between``: ``c is not null``; ``not (c >= min and c <= max)``
  (``>`` / ``<`` when strict), with the bounds as GX coerces them: numbers become floats;
- ``expect_column_value_lengths_to_be_between``: the same over ``length(c)``;
- ``expect_column_values_to_match_regex`` / ``_not_match_regex``: ``c is not null``;
  ``not (c ~ regex)`` / ``not (c !~ regex)``;
- ``expect_column_pair_values_a_to_be_greater_than_b``: rows per ``ignore_row_if``
  (``either_value_is_missing``: both not null); ``not (a > b)``, with ``or_equal``
  ``not (a >= b or (a is null and b is null))``.

Anything else (another type, ``mostly``, a row condition) is refused when the suite is compiled,
never ignored. ``tests/integration/test_quality_compiled_agrees.py`` runs GX itself and this
module over batches that break every rule of every suite and requires the same figures and the
same failing rows with the same details.

``evaluate_suite`` works on the caller's connection and transaction: it materialises the batch
rows once (``dq_batch``, as GX did with ``create_temp_table``), counts every rule in one scan,
and writes the failing rows of the failing rules into ``dq_failure`` in one statement.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
import psycopg
from psycopg import sql

from tthc_pipeline.quality.failures import (
    QualityCheckMismatch,
    RuleExecutionError,
    RuleOutcome,
)
from tthc_pipeline.quality.suites import Rule, batch_rows_sql, suite_rules

# The GX release whose semantics this module reproduces, recorded as meta.dq_run.gx_version; a
# unit test holds it to the installed GX, so a GX upgrade re-runs the agreement test before it
# can change the figures. (Reading it from the installed metadata costs a task ~0.2 s.)
GX_VERSION = "1.24.1"
# GX reports the batch a result belongs to in every expectation's kwargs: <data source>-<asset>,
# as gx_runner names them.
GX_BATCH_ID = "warehouse-staging_{entity}"

_NUMERIC, _NUMERIC_ARRAY = 1700, 1231  # pg_type oids: psycopg2 reads them as Decimal
_NULL_RULES = ("expect_column_values_to_not_be_null", "expect_column_values_to_be_null")
_COLUMN_RULES = (
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_between",
    "expect_column_value_lengths_to_be_between",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex",
)
_PAIR_RULES = ("expect_column_pair_values_a_to_be_greater_than_b",)
_ALLOWED_KWARGS = {
    "expect_column_values_to_not_be_null": {"column"},
    "expect_column_values_to_be_null": {"column"},
    "expect_column_values_to_be_in_set": {"column", "value_set"},
    "expect_column_values_to_be_between": {"column", "min_value", "max_value", "strict_min",
                                           "strict_max"},
    "expect_column_value_lengths_to_be_between": {"column", "min_value", "max_value",
                                                  "strict_min", "strict_max"},
    "expect_column_values_to_match_regex": {"column", "regex"},
    "expect_column_values_to_not_match_regex": {"column", "regex"},
    "expect_column_pair_values_a_to_be_greater_than_b": {"column_A", "column_B", "or_equal",
                                                         "ignore_row_if"},
}
_FAILURE_TABLE = """
create temporary table dq_failure (
    record_no integer not null,
    rule text not null,
    expectation text not null,
    details jsonb not null
) on commit drop
"""


class UnsupportedRule(ValueError):
    """A rule the compiler cannot translate faithfully: extend it (and the agreement test)."""


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    kwargs: dict[str, Any]  # as GX reports them: parameters substituted, GX's coercions
    considered: sql.Composable | None  # the rows the rule looks at; None: every row
    fails: sql.Composable  # true for a considered row that breaks the rule
    columns: tuple[str, ...]  # the checked columns: a failing row's details

    @property
    def counts_missing(self) -> bool:
        """GX reports missing_count and unexpected_percent_total (not for the null rules)."""
        return self.considered is not None


def compile_suite(entity: str, parameters: Mapping[str, Any] | None = None,
                  ) -> list[CompiledRule]:
    """Every rule of the entity's suite, in suite order, as SQL over its batch rows."""
    return [compile_rule(rule, entity, parameters or {}) for rule in suite_rules(entity)]


def compile_rule(rule: Rule, entity: str, parameters: Mapping[str, Any]) -> CompiledRule:
    kind = rule.expectation
    if kind not in _ALLOWED_KWARGS:
        raise UnsupportedRule(f"rule {rule.name}: the SQL compiler does not know {kind}")
    extra = set(rule.kwargs) - _ALLOWED_KWARGS[kind]
    if extra:
        raise UnsupportedRule(f"rule {rule.name}: the SQL compiler does not support"
                              f" {sorted(extra)} of {kind}")
    kwargs = {name: _substituted(value, parameters, rule) for name, value in rule.kwargs.items()}
    if kind == "expect_column_values_to_be_between":
        # GX's field type is Union[float, date, datetime]: a JSON integer becomes a float
        kwargs.update({name: float(kwargs[name]) for name in ("min_value", "max_value")
                       if _is_number(kwargs.get(name)) and not isinstance(kwargs[name], float)})
    reported = {"batch_id": GX_BATCH_ID.format(entity=entity), **kwargs}
    if kind in _PAIR_RULES:
        return _compile_pair(rule, kwargs, reported)
    column = sql.Identifier(kwargs["column"])
    if kind == "expect_column_values_to_not_be_null":
        return CompiledRule(rule, reported, None, sql.SQL("{} is null").format(column),
                            (kwargs["column"],))
    if kind == "expect_column_values_to_be_null":
        return CompiledRule(rule, reported, None, sql.SQL("{} is not null").format(column),
                            (kwargs["column"],))
    expected = _expected(rule, kind, column, kwargs)
    return CompiledRule(rule, reported, sql.SQL("{} is not null").format(column),
                        sql.SQL("not ({})").format(expected), (kwargs["column"],))


def _expected(rule: Rule, kind: str, column: sql.Identifier,
              kwargs: Mapping[str, Any]) -> sql.Composable:
    if kind == "expect_column_values_to_be_in_set":
        values = kwargs.get("value_set")
        if not isinstance(values, list) or not values:
            raise UnsupportedRule(f"rule {rule.name}: value_set must be a non-empty list")
        return sql.SQL("{} in ({})").format(column, sql.SQL(", ").join(
            _literal(rule, value) for value in values))
    if kind == "expect_column_values_to_be_between":
        return _between(rule, column, kwargs)
    if kind == "expect_column_value_lengths_to_be_between":
        for name in ("min_value", "max_value"):
            value = kwargs.get(name)
            if value is not None and not (_is_number(value) and float(value).is_integer()):
                raise UnsupportedRule(f"rule {rule.name}: {name} must be an integer")
        return _between(rule, sql.SQL("length({})").format(column), kwargs)
    operator = "~" if kind == "expect_column_values_to_match_regex" else "!~"
    regex = kwargs.get("regex")
    if not isinstance(regex, str):
        raise UnsupportedRule(f"rule {rule.name}: regex must be a string")
    return sql.SQL("{} {} {}").format(column, sql.SQL(operator), sql.Literal(regex))


def _between(rule: Rule, value: sql.Composable, kwargs: Mapping[str, Any]) -> sql.Composable:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is None and high is None:
        raise UnsupportedRule(f"rule {rule.name}: min_value and max_value cannot both be None")
    if low is not None and high is not None and low > high:
        raise UnsupportedRule(f"rule {rule.name}: min_value is greater than max_value")
    conditions = []
    if low is not None:
        operator = ">" if kwargs.get("strict_min") else ">="
        conditions.append(sql.SQL("{} {} {}").format(value, sql.SQL(operator),
                                                      _literal(rule, low)))
    if high is not None:
        operator = "<" if kwargs.get("strict_max") else "<="
        conditions.append(sql.SQL("{} {} {}").format(value, sql.SQL(operator),
                                                      _literal(rule, high)))
    return sql.SQL(" and ").join(conditions)


def _compile_pair(rule: Rule, kwargs: Mapping[str, Any],
                  reported: dict[str, Any]) -> CompiledRule:
    a, b = sql.Identifier(kwargs["column_A"]), sql.Identifier(kwargs["column_B"])
    ignore = kwargs.get("ignore_row_if", "both_values_are_missing")
    considered = {
        "either_value_is_missing": sql.SQL("{} is not null and {} is not null").format(a, b),
        "both_values_are_missing": sql.SQL("not ({} is null and {} is null)").format(a, b),
        "neither": sql.SQL("true"),
    }.get(ignore)
    if considered is None:
        raise UnsupportedRule(f"rule {rule.name}: ignore_row_if {ignore!r}")
    if kwargs.get("or_equal"):
        expected = sql.SQL("{a} >= {b} or ({a} is null and {b} is null)").format(a=a, b=b)
    else:
        expected = sql.SQL("{} > {}").format(a, b)
    return CompiledRule(rule, reported, considered, sql.SQL("not ({})").format(expected),
                        (kwargs["column_A"], kwargs["column_B"]))


def _substituted(value: Any, parameters: Mapping[str, Any], rule: Rule) -> Any:
    if isinstance(value, dict) and set(value) == {"$PARAMETER"}:
        name = value["$PARAMETER"]
        if name not in parameters:
            raise RuleExecutionError(f"rule {rule.name}: no value for parameter {name!r}")
        return parameters[name]
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _literal(rule: Rule, value: Any) -> sql.Composable:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UnsupportedRule(f"rule {rule.name}: bound {value!r} is not finite")
        # As psycopg2 sends a float for GX: its repr, which Postgres reads as a numeric
        # constant (9.223372036854776e+18 is 9223372036854776000, not 2^63 - 1).
        return sql.SQL(repr(value))
    if isinstance(value, bool | int | str | datetime | date):
        return sql.Literal(value)
    raise UnsupportedRule(f"rule {rule.name}: value {value!r} of type {type(value).__name__}")


# -- evaluation ------------------------------------------------------------------------------

def evaluate_suite(conn: psycopg.Connection, entity: str, batch_id: int,
                   parameters: Mapping[str, Any] | None = None) -> list[RuleOutcome]:
    """Every rule of the suite over batch ``batch_id``; its failing rows into ``dq_failure``.

    Runs inside the caller's transaction (the temporary tables drop at its commit). Returns one
    outcome per rule, in suite order, with GX's figures.
    """
    compiled = compile_suite(entity, parameters)
    conn.execute(sql.SQL("create temporary table dq_batch on commit drop as {}").format(
        sql.SQL(batch_rows_sql(entity, batch_id))))
    types = _column_types(conn)
    for rule in compiled:
        missing = [column for column in rule.columns if column not in types]
        if missing:
            raise RuleExecutionError(f"rule {rule.rule.name}: the batch rows have no column"
                                     f" {', '.join(missing)}")
    element_count, *counts = conn.execute(_counts_query(compiled)).fetchone()
    outcomes = []
    for position, rule in enumerate(compiled):
        considered, unexpected = counts[2 * position:2 * position + 2]
        outcomes.append(_outcome(rule, element_count, considered, unexpected))
    conn.execute(_FAILURE_TABLE)
    failing = [rule for rule, outcome in zip(compiled, outcomes, strict=True)
               if outcome.unexpected_count]
    expected = sum(outcome.unexpected_count for outcome in outcomes)
    named = conn.execute(_failures_statement(failing, types)).rowcount if failing else 0
    if named != expected:
        raise QualityCheckMismatch(f"batch {batch_id}: {expected} failures counted but {named}"
                                   " rows named")
    return outcomes


def _column_types(conn: psycopg.Connection) -> dict[str, int]:
    cursor = conn.execute("select * from dq_batch limit 0")
    return {column.name: column.type_code for column in cursor.description}


def _counts_query(compiled: list[CompiledRule]) -> sql.Composed:
    columns = [sql.SQL("count(*)")]
    for rule in compiled:
        considered = rule.considered or sql.SQL("true")
        columns.append(sql.SQL("count(*) filter (where {})").format(considered))
        columns.append(sql.SQL("count(*) filter (where ({}) and ({}))").format(considered,
                                                                            rule.fails))
    return sql.SQL("select {} from dq_batch").format(sql.SQL(", ").join(columns))


def _failures_statement(failing: list[CompiledRule], types: Mapping[str, int]) -> sql.Composed:
    selects = [
        sql.SQL("select record_no, {rule}, {expectation}, jsonb_build_object({details})"
                " from dq_batch where ({considered}) and ({fails})").format(
            rule=sql.Literal(rule.rule.name),
            expectation=sql.Literal(rule.rule.expectation),
            details=sql.SQL(", ").join(
                sql.SQL("{}, {}").format(sql.Literal(column), _detail_value(column, types))
                for column in rule.columns),
            considered=rule.considered or sql.SQL("true"),
            fails=rule.fails,
        )
        for rule in failing
    ]
    return sql.SQL("insert into dq_failure (record_no, rule, expectation, details) {}").format(
        sql.SQL(" union all ").join(selects))


def _detail_value(column: str, types: Mapping[str, int]) -> sql.Composable:
    """The column's value as GX's path stored it: psycopg2 reads numeric as Decimal, which the
    details' JSON encoder writes as a string."""
    identifier = sql.Identifier(column)
    if types[column] == _NUMERIC:
        return sql.SQL("{}::text").format(identifier)
    if types[column] == _NUMERIC_ARRAY:
        return sql.SQL("{}::text[]").format(identifier)
    return identifier


def _outcome(rule: CompiledRule, element_count: int, considered: int,
             unexpected: int) -> RuleOutcome:
    """GX 1.24's figures for a map expectation (``_format_map_output``, BASIC format)."""
    rows = considered if rule.counts_missing else element_count
    success = True if element_count == 0 or rows == 0 else (rows - unexpected) / rows >= 1.0
    percent_total = unexpected / element_count * 100 if element_count > 0 else None
    observed: dict[str, Any] = {}
    if rule.counts_missing:
        percent = (unexpected / considered * 100
                   if element_count > 0 and considered > 0 else None)
        observed = {"missing_count": element_count - considered,
                    "unexpected_percent_total": percent_total}
    else:
        percent = percent_total
    return RuleOutcome(
        rule=rule.rule,
        success=success,
        unexpected_count=unexpected,
        element_count=element_count,
        unexpected_percent=percent,
        kwargs=_json_safe(rule.kwargs),
        observed=_json_safe(observed),
    )


def _json_safe(value: Any) -> Any:
    return orjson.loads(orjson.dumps(value, default=str))

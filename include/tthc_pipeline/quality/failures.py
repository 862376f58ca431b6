"""GX's own verdict on a batch, and the outcome types the gate records.

The gate evaluates the suites in SQL (``compiled``); this module keeps GX's own run of them as
the reference the compiled SQL is tested against (``evaluate_with_gx``), and a way to cross-check
a batch by hand. It asks GX twice. Pass 1 runs the whole suite for counts only
(``COUNTS_FORMAT``): GX bundles the column-map metrics of one table into a few aggregate
queries. Pass 2 runs only the rules that failed, with ``COMPLETE`` results and
``unexpected_index_column_names=["record_no"]``, so GX returns the ``record_no`` (and offending
values) of every failing row. On SQL sources GX truncates that index list to
``partial_unexpected_count`` (20 by default), so pass 2 raises it to the largest failure count,
and every list is checked against the count before it is used. GX's ``unexpected_index_query``
is no substitute: for a query asset it is not valid SQL, and it drops row conditions and
``ignore_row_if``. Nothing here imports GX at module level.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from tthc_pipeline.errors import PermanentError
from tthc_pipeline.quality.gx_runner import run_suite
from tthc_pipeline.quality.suites import Rule, suite_rules

if TYPE_CHECKING:
    from great_expectations.core import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )

# Counts only: partial_unexpected_count 0 turns GX's per-rule sample query into LIMIT 0.
COUNTS_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 0}
_OBSERVED_FIELDS = ("missing_count", "unexpected_percent_total")


class QualityCheckMismatch(PermanentError, RuntimeError):
    """The rows named for a rule are not as many as GX counted: the gate cannot trust them."""


class RuleExecutionError(RuntimeError):
    """GX could not evaluate a rule (a missing column, a bad parameter): not the data's fault."""


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    success: bool
    unexpected_count: int
    element_count: int | None
    unexpected_percent: float | None
    kwargs: dict[str, Any]  # as GX ran it: runtime parameters substituted
    observed: dict[str, Any]


@dataclass(frozen=True)
class FailingRow:
    record_no: int
    rule: str
    expectation: str
    details: str  # JSON: the checked columns' values in the row


def rule_outcomes(validation: ExpectationSuiteValidationResult,
                  rules: Mapping[str, Rule]) -> list[RuleOutcome]:
    """One outcome per expectation; raises if GX failed to evaluate any of them."""
    return [_outcome(result, rules) for result in validation.results]


def evaluate_with_gx(conninfo: str, entity: str, batch_id: int,
                     parameters: Mapping[str, Any] | None = None,
                     ) -> tuple[list[RuleOutcome], list[FailingRow]]:
    """GX's outcome of every rule over the batch and every failing row it names (two passes)."""
    rules = {rule.name: rule for rule in suite_rules(entity)}
    counted = run_suite(conninfo, entity, batch_id, parameters=parameters,
                        result_format=COUNTS_FORMAT)
    outcomes = rule_outcomes(counted, rules)
    failures = failing_rows(
        conninfo, entity, batch_id,
        {o.rule.name: o.unexpected_count for o in outcomes if o.unexpected_count},
        parameters=parameters,
    )
    return outcomes, failures


def failing_rows(
    conninfo: str,
    entity: str,
    batch_id: int,
    expected_counts: Mapping[str, int],
    *,
    parameters: Mapping[str, Any] | None = None,
    record_nos: Collection[int] | None = None,
) -> list[FailingRow]:
    """Every row of the batch failing one of the rules in ``expected_counts``, named by GX.

    ``expected_counts`` maps each rule to how many rows fail it (from pass 1), or to an upper
    bound when the caller only needs GX to be exhaustive (``record_nos`` given: their number).
    """
    if not expected_counts:
        return []
    rules = {rule.name: rule for rule in suite_rules(entity) if rule.name in expected_counts}
    validation = run_suite(
        conninfo, entity, batch_id, parameters=parameters, rules=list(expected_counts),
        record_nos=record_nos,
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": ["record_no"],
            "partial_unexpected_count": max(max(expected_counts.values()), 1),
            "return_unexpected_index_query": False,
        },
    )
    rows = []
    for outcome, result in zip(rule_outcomes(validation, rules), validation.results,
                               strict=True):
        index_list = result.result.get("unexpected_index_list") or []
        _check_exhaustive(outcome, index_list, expected_counts, exact=record_nos is None)
        rows.extend(_failing_row(outcome.rule, entry) for entry in index_list)
    return rows


def _outcome(result: ExpectationValidationResult, rules: Mapping[str, Rule]) -> RuleOutcome:
    rule = rules[result.expectation_config.meta["rule"]]
    if result.exception_info.get("raised_exception"):
        message = result.exception_info.get("exception_message")
        raise RuleExecutionError(f"GX could not evaluate rule {rule.name}: {message}")
    details = result.result
    return RuleOutcome(
        rule=rule,
        success=bool(result.success),
        unexpected_count=int(details.get("unexpected_count") or 0),
        element_count=details.get("element_count"),
        unexpected_percent=details.get("unexpected_percent"),
        kwargs=_json_safe(result.expectation_config.kwargs),
        observed=_json_safe({k: details[k] for k in _OBSERVED_FIELDS if k in details}),
    )


def _check_exhaustive(outcome: RuleOutcome, index_list: list[dict[str, Any]],
                      expected_counts: Mapping[str, int], exact: bool) -> None:
    named, counted = len(index_list), outcome.unexpected_count
    expected = expected_counts[outcome.rule.name]
    if named != counted or (exact and counted != expected):
        raise QualityCheckMismatch(
            f"rule {outcome.rule.name}: GX counted {counted} failing rows"
            f"{f' (first pass: {expected})' if exact else ''} but named {named}; the batch or"
            " a table it is checked against changed during the gate"
        )


def _failing_row(rule: Rule, entry: Mapping[str, Any]) -> FailingRow:
    # GX's column names are SQLAlchemy quoted_name objects, not plain str.
    details = {str(column): value for column, value in entry.items() if column != "record_no"}
    return FailingRow(entry["record_no"], rule.name, rule.expectation,
                      orjson.dumps(details, default=str).decode())


def _json_safe(value: Any) -> Any:
    return orjson.loads(orjson.dumps(value, default=str))

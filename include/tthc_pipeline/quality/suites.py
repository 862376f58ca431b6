"""The rule catalogue: one Great Expectations suite per entity in ``expectations/<entity>.json``.

Every expectation is one rule. ``meta.rule`` names it (``ho_so.unknown_status``) in quarantine
and in ``meta.dq_result``; ``meta.description_vi`` explains it to the data engineer; and
``meta.reference: true`` marks a rule that fails only because another record has not arrived
yet (a unit, a procedure, a dossier), and ``meta.references`` names that record's entity: such
rows are parked and later released. Rules look at
the rows of ``sql/quality/<entity>_batch.sql``: the staged columns plus check columns derived
from child tables, the batch itself and ``dw``. Reading the catalogue needs no GX import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from tthc_pipeline.entities import ENTITIES
from tthc_pipeline.entities import entity as entity_definition
from tthc_pipeline.paths import EXPECTATIONS_DIR, read_sql

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Rule:
    name: str
    expectation: str
    kwargs: Mapping[str, Any]
    description_vi: str
    is_reference: bool
    references: str | None = None  # the entity a reference rule waits for (meta.references)


def load_suite(entity: str) -> dict[str, Any]:
    """The entity's suite as stored: ``name``, ``meta`` and ``expectations``."""
    _check_entity(entity)
    return json.loads((EXPECTATIONS_DIR / f"{entity}.json").read_text(encoding="utf-8"))


def suite_rules(entity: str) -> list[Rule]:
    """The entity's rules, in suite order."""
    return [
        Rule(
            name=expectation["meta"]["rule"],
            expectation=expectation["type"],
            kwargs=expectation["kwargs"],
            description_vi=expectation["meta"]["description_vi"],
            is_reference=bool(expectation["meta"].get("reference", False)),
            references=expectation["meta"].get("references"),
        )
        for expectation in load_suite(entity)["expectations"]
    ]


def awaited_entities(entity: str) -> tuple[str, ...]:
    """The other incremental entities the entity's reference rules name (a payment's dossier):
    a batch's gate waits for their loads of the same day when they are on their way
    (``orchestration.waiting``). Catalogue references are not among them: a whole catalogue
    is loaded or not, and the gate reads which (``gate._excused_rules``)."""
    named = {rule.references for rule in suite_rules(entity)
             if rule.is_reference and rule.references not in (None, entity)}
    return tuple(name for name in ENTITIES
                 if name in named and entity_definition(name).is_incremental)


def batch_rows_sql(entity: str, batch_id: int, record_nos: Collection[int] | None = None) -> str:
    """The SELECT of the rows the suite validates: one per staged record of the batch.

    ``record_nos`` narrows it to some records; check columns are still computed over the
    whole batch (a unit's parent may be elsewhere in the same catalogue).
    """
    _check_entity(entity)
    body = read_sql(f"quality/{entity}_batch.sql") % {"batch_id": int(batch_id)}
    # GX accepts only queries that start with SELECT; the file starts with its header.
    query = f"select * from (\n{body}\n) as batch_rows"
    if record_nos is None:
        return query
    return f"{query} where record_no in ({', '.join(str(int(n)) for n in record_nos)})"


def reference_conditions(entity: str) -> list[str]:
    """The entity's reference rules as SQL conditions over the batch rows, true when they pass.

    Reference rules are written in one of two forms, so that the load can evaluate them in SQL
    inside its own transaction, where it sees the references it has just written: a boolean
    check column that must be true (``expect_column_values_to_be_in_set``, value set
    ``[true]``; NULL passes, as in GX), or a check column that names what is missing and must be
    NULL (``expect_column_values_to_be_null``).
    """
    conditions = []
    for rule in suite_rules(entity):
        if not rule.is_reference:
            continue
        column = rule.kwargs.get("column", "")
        if not _IDENTIFIER.fullmatch(column):
            raise ValueError(f"reference rule {rule.name}: {column!r} is not a column name")
        if (rule.expectation == "expect_column_values_to_be_in_set"
                and list(rule.kwargs.get("value_set", ())) == [True]
                and not set(rule.kwargs) - {"column", "value_set"}):
            conditions.append(f"coalesce({column}, true)")
        elif (rule.expectation == "expect_column_values_to_be_null"
              and not set(rule.kwargs) - {"column"}):
            conditions.append(f"{column} is null")
        else:
            raise ValueError(
                f"reference rule {rule.name} must be expect_column_values_to_be_in_set over a"
                " boolean check column with value_set [true], or expect_column_values_to_be_null")
    return conditions


def resolved_records_sql(entity: str, batch_id: int) -> str:
    """The SELECT of the records of a batch parked for a missing reference
    (``meta.parked_record``) that pass every reference rule now.

    The parked records are named by a subquery, never listed: a batch can hold hundreds of
    thousands of them (a day's payments extracted before its dossiers).
    """
    _check_entity(entity)
    passes = " and ".join(reference_conditions(entity))
    return (f"select record_no from ({batch_rows_sql(entity, batch_id)}) as parked"
            " where record_no in (select p.record_no from meta.parked_record as p"
            f" where p.entity = '{entity}' and p.batch_id = {int(batch_id)})"
            f" and {passes or 'true'}")


def _check_entity(entity: str) -> None:
    if entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity!r}; expected one of {ENTITIES}")

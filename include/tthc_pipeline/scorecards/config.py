"""Read and check a scorecard definition (config/scorecards/<code>.yaml).

A definition names its items, the measures of each ratio (columns of
sql/scorecard/measures.sql), the points and the scoring rule, the zero-denominator policy and
the periods it is published for. Every defect is reported with its place in the file, as
sources.py does for config/sources.yaml, so a province can edit the file without reading Python.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from tthc_pipeline.errors import PermanentError
from tthc_pipeline.paths import PROJECT_ROOT

SCORECARDS_DIR = PROJECT_ROOT / "config" / "scorecards"
SCORECARD_FILES = ("cs766.yaml", "par_qn.yaml")
PERIOD_TYPES = ("month", "quarter", "ytd")
ZERO_DENOMINATOR_POLICIES = ("full_points", "zero")

# The measures sql/scorecard/measures.sql computes per unit (its output columns but unit_code):
# counts of dossiers (members: sql/scorecard/dossier_members.sql) or of procedures
# (sql/scorecard/procedure_members.sql); tests/integration/test_scorecard_publish.py checks the
# lists agree with the SQL.
DOSSIER_MEASURES = (
    "received", "received_online", "received_digitised", "received_vneid",
    "fee_dossiers", "paid_online_dossiers",
    "finished", "finished_electronic_result", "finished_online_full_process",
    "finished_fee_dossiers", "finished_fee_dossiers_paid_online",
    "on_time_766", "rated_766",
)
PROCEDURE_MEASURES = (
    "handled_procedures", "online_services", "online_services_used",
    "fee_procedures", "fee_procedures_with_fee_dossiers", "fee_procedures_paid_online",
    "fee_procedures_with_online_payment",
    "online_payment_procedures", "online_payment_procedures_used",
    "eligible_procedures", "eligible_full_process_services",
)
SUM_MEASURES = ("handling_working_days",)  # a sum over dossiers, not a count: no member list
MEASURES = (*DOSSIER_MEASURES, *PROCEDURE_MEASURES, *SUM_MEASURES)

# rule -> the parameter it needs besides points (None: none)
RULE_PARAMETERS = {
    "linear": None, "target": "target", "scaled": "factor", "cut": "cut", "step": "threshold",
    "tracked": None,
}
_ITEM = re.compile(r"^[0-9]+(\.[0-9]+)?[a-z]?$")
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ScorecardConfigError(PermanentError, ValueError):
    """A scorecard file is not a usable definition; the message names the file and the place
    (a retry cannot fix it: the run fails at once)."""


@dataclass(frozen=True)
class Item:
    item: str
    label: str
    numerator: str
    denominator: str
    points: Decimal
    rule: str
    parameter: Decimal | None = None  # target, factor, cut or threshold, as the rule says


@dataclass(frozen=True)
class Scorecard:
    scorecard: str
    name: str
    periods: tuple[str, ...]
    zero_denominator: str
    items: tuple[Item, ...]
    not_computable: str | None = None

    @property
    def points_possible(self) -> Decimal:
        return sum((item.points for item in self.items), Decimal(0))

    def as_json(self) -> dict[str, Any]:
        """The definition as stored with every published version (numbers as strings, exact)."""
        document = asdict(self)
        document["periods"] = list(self.periods)
        document["items"] = [{key: (str(value) if isinstance(value, Decimal) else value)
                              for key, value in asdict(item).items()} for item in self.items]
        return document


def load_all(directory: Path = SCORECARDS_DIR) -> tuple[Scorecard, ...]:
    """Every scorecard the project publishes (cs766, par_qn), checked."""
    return tuple(load(directory / name) for name in SCORECARD_FILES)


def load(path: Path) -> Scorecard:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScorecardConfigError(f"{path}: no such file") from None
    except yaml.YAMLError as error:
        raise ScorecardConfigError(f"{path}: not YAML: {error}") from None
    return parse(document, where=path.name)


def parse(document: object, where: str = "scorecard") -> Scorecard:
    """Check and build a scorecard from its parsed YAML; a clear error for every defect."""
    if not isinstance(document, dict):
        raise ScorecardConfigError(f"{where}: expected a mapping with `scorecard` and `items`")
    _no_unknown(document, where, ("scorecard", "name", "periods", "zero_denominator", "items",
                                  "not_computable"))
    code = _text(document, "scorecard", where)
    if not _CODE.match(code):
        raise ScorecardConfigError(f"{where}: `scorecard` {code!r} must be 2–40 lowercase"
                                   " letters, digits or _, starting with a letter")
    periods = document.get("periods")
    if (not isinstance(periods, list) or not periods
            or any(p not in PERIOD_TYPES for p in periods) or len(set(periods)) != len(periods)):
        raise ScorecardConfigError(f"{where}: `periods` must be a non-empty list of distinct"
                                   f" {list(PERIOD_TYPES)}, got {periods!r}")
    policy = document.get("zero_denominator")
    if policy not in ZERO_DENOMINATOR_POLICIES:
        raise ScorecardConfigError(f"{where}: `zero_denominator` must be one of"
                                   f" {list(ZERO_DENOMINATOR_POLICIES)}, got {policy!r}")
    items = document.get("items")
    if not isinstance(items, list) or not items:
        raise ScorecardConfigError(f"{where}: `items` must be a non-empty list")
    parsed = tuple(_item(entry, f"{where}: items[{i}]") for i, entry in enumerate(items))
    names = [item.item for item in parsed]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ScorecardConfigError(f"{where}: item(s) {repeated} listed more than once")
    not_computable = document.get("not_computable")
    if not_computable is not None and not isinstance(not_computable, str):
        raise ScorecardConfigError(f"{where}: `not_computable` must be text")
    return Scorecard(code, _text(document, "name", where), tuple(periods), policy, parsed,
                     not_computable)


def _item(entry: object, where: str) -> Item:
    if not isinstance(entry, dict):
        raise ScorecardConfigError(f"{where}: expected a mapping")
    rule = entry.get("rule")
    if rule not in RULE_PARAMETERS:
        raise ScorecardConfigError(f"{where}: `rule` must be one of {list(RULE_PARAMETERS)},"
                                   f" got {rule!r}")
    parameter_name = RULE_PARAMETERS[rule]
    _no_unknown(entry, where, ("item", "label", "numerator", "denominator", "points", "rule",
                               *([parameter_name] if parameter_name else [])))
    # quoted: YAML reads 3.10 as the number 3.1
    name = entry.get("item").strip() if isinstance(entry.get("item"), str) else ""
    if not _ITEM.match(name):
        raise ScorecardConfigError(f"{where}: `item` must be a quoted item number like \"2.1\""
                                   f" or \"3.6a\", got {entry.get('item')!r}")
    where = f"{where} (item {name})"
    measures = {}
    for key in ("numerator", "denominator"):
        measure = _text(entry, key, where)
        if measure not in MEASURES:
            raise ScorecardConfigError(f"{where}: `{key}` {measure!r} is not a measure of"
                                       f" sql/scorecard/measures.sql; known: {', '.join(MEASURES)}")
        measures[key] = measure
    if (measures["numerator"] in PROCEDURE_MEASURES) != (
            measures["denominator"] in PROCEDURE_MEASURES):
        raise ScorecardConfigError(f"{where}: `numerator` and `denominator` must both count"
                                   " dossiers or both count procedures")
    points = _number(entry, "points", where)
    if (rule == "tracked") != (points == 0):
        raise ScorecardConfigError(f"{where}: `points` must be 0 exactly when the rule is"
                                   f" tracked (rule {rule}, points {points})")
    parameter = _number(entry, parameter_name, where) if parameter_name else None
    if parameter is not None and parameter <= 0:
        raise ScorecardConfigError(f"{where}: `{parameter_name}` must be greater than 0")
    if rule in ("target", "cut", "step") and parameter is not None and parameter > 1:
        raise ScorecardConfigError(f"{where}: `{parameter_name}` is a ratio, at most 1,"
                                   f" got {parameter}")
    return Item(name, _text(entry, "label", where), measures["numerator"],
                measures["denominator"], points, rule, parameter)


def _no_unknown(mapping: dict, where: str, known: tuple[str, ...]) -> None:
    unknown = sorted(set(mapping) - set(known))
    if unknown:
        raise ScorecardConfigError(f"{where}: unknown field(s) {unknown}; expected {list(known)}")


def _text(mapping: dict, key: str, where: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ScorecardConfigError(f"{where}: `{key}` must be non-empty text")
    return value.strip()


def _number(mapping: dict, key: str, where: str) -> Decimal:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ScorecardConfigError(f"{where}: `{key}` must be a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ScorecardConfigError(f"{where}: `{key}` must be a number, got {value!r}") from None
    if not number.is_finite() or number < 0:
        raise ScorecardConfigError(f"{where}: `{key}` must be a number ≥ 0, got {value!r}")
    return number

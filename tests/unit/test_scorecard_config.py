"""config/scorecards/*.yaml: what a scorecard file may say, and the clear error for what it may
not (the place named, so a province can fix its file without reading Python)."""

from __future__ import annotations

import copy

import pytest
import yaml

from tthc_pipeline.scorecards.config import (
    SCORECARDS_DIR,
    ScorecardConfigError,
    load,
    load_all,
    parse,
)

pytestmark = pytest.mark.unit

VALID = yaml.safe_load((SCORECARDS_DIR / "par_qn.yaml").read_text(encoding="utf-8"))


def broken(**changes):
    document = copy.deepcopy(VALID)
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = document
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is None:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return document


def test_the_shipped_scorecards_are_valid():
    cs766, par = load_all()
    assert (cs766.scorecard, cs766.periods, cs766.zero_denominator) == (
        "cs766", ("month", "quarter", "ytd"), "full_points")
    assert cs766.points_possible == 52
    assert (par.scorecard, par.periods, par.zero_denominator, str(par.points_possible)) == (
        "par_qn", ("ytd",), "zero", "4.5")


@pytest.mark.parametrize("changes, message", [
    ({"items__0__numerator": "eligble_procedures"},
     r"par_qn: items\[0\] \(item 3.3\): `numerator` 'eligble_procedures' is not a measure"),
    ({"items__2__rule": "threshold"}, r"items\[2\]: `rule` must be one of"),
    ({"items__2__threshold": None}, r"items\[2\] \(item 3.5\): `threshold` must be a number"),
    ({"items__0__cut": 1.5}, r"item 3.3\): `cut` is a ratio, at most 1"),
    ({"items__0__points": "many"}, r"item 3.3\): `points` must be a number"),
    ({"items__0__points": 0}, r"`points` must be 0 exactly when the rule is tracked"),
    ({"items__1__item": 3.4}, r"items\[1\]: `item` must be a quoted item number"),
    ({"items__1__item": "3.3"}, r"item\(s\) \['3.3'\] listed more than once"),
    ({"items__1__weight": 2}, r"items\[1\]: unknown field\(s\) \['weight'\]"),
    ({"periods": ["year"]}, r"`periods` must be a non-empty list of distinct"),
    ({"zero_denominator": "skip"}, r"`zero_denominator` must be one of"),
    ({"scorecard": "PAR QN"}, r"`scorecard` 'PAR QN' must be"),
    ({"items": []}, r"`items` must be a non-empty list"),
])
def test_defects_are_named_with_their_place(changes, message):
    with pytest.raises(ScorecardConfigError, match=message):
        parse(broken(**changes), where="par_qn")


def test_a_file_that_is_not_yaml_or_missing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("items: [unclosed", encoding="utf-8")
    with pytest.raises(ScorecardConfigError, match="bad.yaml: not YAML"):
        load(bad)
    with pytest.raises(ScorecardConfigError, match="missing.yaml: no such file"):
        load(tmp_path / "missing.yaml")


def test_the_stored_configuration_is_exact_text():
    stored = load_all()[1].as_json()
    assert stored["items"][0] == {
        "item": "3.3", "label": stored["items"][0]["label"], "numerator":
        "eligible_full_process_services", "denominator": "eligible_procedures",
        "points": "1.0", "rule": "cut", "parameter": "0.9"}


def test_a_ratio_of_procedures_over_dossiers_is_refused():
    with pytest.raises(ScorecardConfigError, match=r"item 3.4\): `numerator` and `denominator`"
                                                   " must both count dossiers or both"):
        parse(broken(items__1__numerator="fee_procedures"), where="par_qn")

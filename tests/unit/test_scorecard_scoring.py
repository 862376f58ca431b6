"""Every item of the shipped 766 and PAR scorecards at its edges: caps, cuts, steps, zero
denominators under both policies (numbers worked out by hand from shared/spec/scorecards.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tthc_pipeline.scorecards.config import MEASURES, load_all
from tthc_pipeline.scorecards.scoring import NOT_APPLICABLE, score_item, score_unit

pytestmark = pytest.mark.unit

CS766, PAR = load_all()


def item(card, name):
    (found,) = [i for i in card.items if i.item == name]
    return found


def points(card, name, numerator, denominator):
    return score_item(item(card, name), numerator, denominator, card.zero_denominator).points


@pytest.mark.parametrize("name, numerator, denominator, expected", [
    ("2.1", 49, 50, "19.6000"),       # 20 × 0.98
    ("2.1", 50, 50, "20.0000"),
    ("2.1", 0, 50, "0.0000"),
    ("3.1", 40, 50, "2.0000"),        # ratio 0.80 = target: full points
    ("3.1", 50, 50, "2"),             # above the target: capped at 2
    ("3.1", 20, 50, "1.0000"),        # 2 × 0.40 / 0.80
    ("3.2", 3, 4, "3.0000"),          # 4 × 0.75
    ("3.3", 1, 4, "3.0000"),          # 6 × 0.25 / 0.50
    ("3.3", 3, 4, "6"),               # capped
    ("3.5a", 2, 5, "1.0000"),         # 2.5 × 0.40
    ("3.5a", 4, 5, "2"),              # 2.5 × 0.80 = 2: the cap
    ("3.5a", 5, 5, "2"),              # 2.5 capped at 2
    ("3.5b", 1, 10, "0.2500"),
    ("3.6", 1, 3, "2.0000"),          # 6 × 1/3
    ("4.1", 1, 4, "1.5000"),
    ("4.3", 2, 5, "1.0000"),          # 2 × 0.40 / 0.80
    ("4.3", 5, 5, "2"),
    ("4.5b", 1, 2, "1.0000"),
])
def test_766_items(name, numerator, denominator, expected):
    assert points(CS766, name, numerator, denominator) == Decimal(expected)


def test_766_zero_denominator_scores_full_points_flagged():
    for entry in CS766.items:
        score = score_item(entry, 0, 0, CS766.zero_denominator)
        assert (score.points, score.max_points, score.ratio, score.flag) == (
            entry.points, entry.points, None, NOT_APPLICABLE), entry.item


def test_766_average_handling_time_is_tracked_without_points():
    score = score_item(item(CS766, "2.2"), 35, 10, CS766.zero_denominator)
    assert (score.ratio, score.points, score.max_points) == (Decimal("3.500000"), 0, 0)


@pytest.mark.parametrize("name, numerator, denominator, expected", [
    ("3.3", 9, 10, "0.9000"),         # at the 0.90 cut: (b/a) × 1
    ("3.3", 89, 100, "0"),            # below the cut: 0
    ("3.3", 10, 10, "1.0000"),
    ("3.4", 1, 4, "0.2500"),
    ("3.5", 2, 5, "1.00"),            # 0.40: the step is reached
    ("3.5", 39, 100, "0"),            # below the step
    ("3.5", 1, 1, "1.00"),
    ("3.6a", 1, 2, "0.2500"),         # 0.50 × 0.5
    ("3.6b", 3, 3, "0.5000"),
    ("3.6c", 1, 4, "0.1250"),
])
def test_par_items(name, numerator, denominator, expected):
    assert points(PAR, name, numerator, denominator) == Decimal(expected)


def test_par_zero_denominator_scores_zero_flagged():
    for entry in PAR.items:
        score = score_item(entry, 0, 0, PAR.zero_denominator)
        assert (score.points, score.flag) == (0, NOT_APPLICABLE), entry.item


def test_totals_are_points_computed_of_points_possible():
    nothing = dict.fromkeys(MEASURES, 0)
    *items, total = score_unit(CS766, nothing)
    assert (total.item, total.points, total.max_points) == ("total", 52, 52)
    assert [s.item for s in items] == ["2.1", "2.2", "3.1", "3.2", "3.3", "3.5a", "3.5b", "3.6",
                                       "4.1", "4.3", "4.5b"]
    *_, par_total = score_unit(PAR, nothing)
    assert (par_total.points, par_total.max_points) == (0, Decimal("4.50"))
    half = nothing | {"on_time_766": 1, "rated_766": 2}
    assert score_unit(CS766, half)[-1].points == Decimal(42)  # 52 − 10 points of 2.1

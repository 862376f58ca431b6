"""Score a scorecard's items from a unit's measures: the rules of config/scorecards/*.yaml.

Pure functions over exact decimals, so that a score is the same on every machine and a re-run
hashes to the same content. The ratios are rounded to 6 decimals and the points to 4 only when
stored, after scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from tthc_pipeline.scorecards.config import Item, Scorecard

NOT_APPLICABLE = "khong_phat_sinh"  # the denominator is zero: nothing happened to score
RATIO_PLACES = Decimal("0.000001")
POINT_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class ItemScore:
    item: str
    numerator: Decimal | None
    denominator: Decimal | None
    ratio: Decimal | None
    points: Decimal
    max_points: Decimal
    flag: str | None = None


def rule_points(item: Item, ratio: Decimal) -> Decimal:
    """The points the item's rule gives a ratio (the denominator is not zero)."""
    points, parameter = item.points, item.parameter
    if item.rule == "linear":
        return points * ratio
    if item.rule == "target":
        return min(points, points * ratio / parameter)
    if item.rule == "scaled":
        return min(points, parameter * ratio)
    if item.rule == "cut":
        return Decimal(0) if ratio < parameter else points * ratio
    if item.rule == "step":
        return points if ratio >= parameter else Decimal(0)
    if item.rule == "tracked":
        return Decimal(0)
    raise ValueError(f"item {item.item}: unknown rule {item.rule!r}")


def score_item(item: Item, numerator: int | Decimal, denominator: int | Decimal,
               zero_denominator: str) -> ItemScore:
    """One item of one unit: ``zero_denominator`` is the scorecard's policy (full_points: the
    766's "nothing to fail"; zero: KH 258 gives no rule)."""
    numerator, denominator = Decimal(numerator), Decimal(denominator)
    if denominator == 0:
        points = item.points if zero_denominator == "full_points" else Decimal(0)
        return ItemScore(item.item, numerator, denominator, None, points, item.points,
                         NOT_APPLICABLE)
    ratio = numerator / denominator
    return ItemScore(item.item, numerator, denominator,
                     ratio.quantize(RATIO_PLACES, ROUND_HALF_EVEN),
                     rule_points(item, ratio).quantize(POINT_PLACES, ROUND_HALF_EVEN),
                     item.points)


def score_unit(scorecard: Scorecard, measures: dict[str, int | Decimal]) -> list[ItemScore]:
    """Every item of ``scorecard`` for one unit, then its total row: points_computed over
    points_possible (the sum of the computable items' maxima, e.g. 766's 52, not 100)."""
    items = [score_item(item, measures[item.numerator], measures[item.denominator],
                        scorecard.zero_denominator) for item in scorecard.items]
    total = ItemScore("total", None, None, None, sum((s.points for s in items), Decimal(0)),
                      scorecard.points_possible)
    return [*items, total]

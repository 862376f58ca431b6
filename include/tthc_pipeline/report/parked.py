"""How a report says what was still parked when it was published: records quarantined only
because the unit, procedure or dossier they refer to had not arrived (``meta.parked_record``).
They are not in the report's figures; the information sheet and the summary give their count.
"""

from __future__ import annotations

from collections.abc import Mapping

from tthc_pipeline.entities import ENTITIES
from tthc_pipeline.entities import entity as entity_definition
from tthc_pipeline.quality.suites import suite_rules


def parked_lines(parked_by_rule: Mapping[str, int]) -> list[str]:
    """One line per reference rule with parked records, e.g. "3 giao dịch / payments: Giao dịch
    cho hồ sơ chưa có trong kho … (giao_dich.unknown_dossier)"."""
    lines = []
    for rule, count in sorted(parked_by_rule.items()):
        entity = rule.split(".", 1)[0]
        noun_vi, noun_en = _nouns(entity)
        lines.append(f"{count} {noun_vi} / {noun_en}: {_description(entity, rule)} ({rule})")
    return lines


def parked_warnings(parked_in_period: Mapping[str, list[int]],
                    max_parked_share: float | None) -> list[str]:
    """A warning line per entity whose share of the period's records still parked passes
    ``max_parked_share``: the report's figures leave those records out."""
    if max_parked_share is None:
        return []
    lines = []
    for entity, (n_extracted, n_parked) in sorted(parked_in_period.items()):
        if n_extracted and n_parked / n_extracted > max_parked_share:
            noun_vi, noun_en = _nouns(entity)
            share = n_parked / n_extracted
            lines.append(
                f"CẢNH BÁO / WARNING: {n_parked} trên {n_extracted} {noun_vi} của kỳ ({share:.1%})"
                f" chưa được tính vì còn chờ dữ liệu tham chiếu, vượt ngưỡng"
                f" {float(max_parked_share):.1%} / {n_parked} of the period's {n_extracted}"
                f" {noun_en} are not counted, still waiting for a reference")
    return lines


def _nouns(entity: str) -> tuple[str, str]:
    if entity not in ENTITIES:
        return entity, entity
    definition = entity_definition(entity)
    return definition.noun_vi, definition.noun_en


def _description(entity: str, rule: str) -> str:
    if entity not in ENTITIES:
        return "chờ dữ liệu tham chiếu"
    return next((r.description_vi for r in suite_rules(entity) if r.name == rule),
                "chờ dữ liệu tham chiếu")

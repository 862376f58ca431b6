"""The Directive 04 dashboard in Metabase, created (or brought up to date) by metabase-init.

Four native-SQL questions on the warehouse connection (``sql/bi/dashboard_*.sql``, read by
``bi_reader`` like any analyst): the province's trend over the last twelve weeks, the colour
distribution of the latest report, its regressions with their drill-down counts, and the units
with the most one-stop compliance flags. Questions and the dashboard are found by name: a second
run updates them in place (``PUT /api/card/:id``, ``PUT /api/dashboard/:id`` with the full list
of dashboard cards, those already there keeping their id) instead of adding copies. Metabase's
own API, as its editor uses it; no file Metabase reads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)

DASHBOARD_NAME = "Chỉ thị 04 / Directive 04"
DASHBOARD_DESCRIPTION = (
    "Báo cáo tuần theo Chỉ thị 04/CT-UBND: xu hướng toàn tỉnh, phân bố màu, đơn vị tụt hạng, "
    "tuân thủ một cửa / the weekly Directive 04 report: province trend, colour distribution, "
    "regressions, one-stop compliance (created by metabase-init; edits are overwritten on its "
    "next run)")


class Api(Protocol):
    def call(self, method: str, path: str, body: dict | None = None) -> Any: ...


@dataclass(frozen=True)
class Card:
    name: str
    sql_file: str  # under sql/
    display: str  # Metabase's visualisation: line, bar, pie, table...
    layout: tuple[int, int, int, int]  # row, col, size_x, size_y on the 24-column grid
    settings: dict[str, Any] = field(default_factory=dict)


RATES = ["on_time_rate", "online_rate", "online_payment_rate"]
CARDS = (
    Card("Xu hướng toàn tỉnh (12 tuần) / province trend", "bi/dashboard_province_trend.sql",
         "line", (0, 0, 16, 6),
         {"graph.dimensions": ["report_date"], "graph.metrics": RATES,
          "column_settings": {f'["name","{rate}"]': {"number_style": "percent"}
                              for rate in RATES}}),
    Card("Phân bố màu (báo cáo mới nhất) / colour distribution",
         "bi/dashboard_colour_distribution.sql", "bar", (0, 16, 8, 6),
         {"graph.dimensions": ["colour"], "graph.metrics": ["units"]}),
    Card("Đơn vị tụt hạng / regressions", "bi/dashboard_regressions.sql", "table",
         (6, 0, 12, 8)),
    Card("Tuân thủ một cửa / one-stop compliance", "bi/dashboard_compliance.sql", "table",
         (6, 12, 12, 8)),
)


def card_payload(card: Card, database_id: int) -> dict[str, Any]:
    from tthc_pipeline.paths import read_sql

    return {
        "name": card.name,
        "display": card.display,
        "visualization_settings": card.settings,
        "dataset_query": {"type": "native", "database": database_id,
                          "native": {"query": read_sql(card.sql_file)}},
    }


def _listed(reply: Any) -> list[dict]:
    """Metabase lists some collections bare and others as {"data": [...]}."""
    return reply["data"] if isinstance(reply, dict) else reply


def ensure_card(api: Api, card: Card, database_id: int) -> int:
    """Create the question, or update the one of that name; return its id."""
    payload = card_payload(card, database_id)
    existing = [c for c in _listed(api.call("GET", "/api/card?f=all"))
                if c.get("name") == card.name and not c.get("archived")]
    if existing:
        card_id = existing[0]["id"]
        api.call("PUT", f"/api/card/{card_id}", payload)
        return card_id
    return api.call("POST", "/api/card", payload)["id"]


def ensure_dashboard(api: Api, database_id: int) -> int:
    """The dashboard with its four questions laid out; return its id."""
    card_ids = [ensure_card(api, card, database_id) for card in CARDS]
    existing = [d for d in _listed(api.call("GET", "/api/dashboard"))
                if d.get("name") == DASHBOARD_NAME and not d.get("archived")]
    if existing:
        dashboard_id = existing[0]["id"]
    else:
        dashboard_id = api.call("POST", "/api/dashboard", {
            "name": DASHBOARD_NAME, "description": DASHBOARD_DESCRIPTION})["id"]
        log.info("Metabase: created the dashboard %d", dashboard_id)
    placed = {dc.get("card_id"): dc["id"] for dc in
              api.call("GET", f"/api/dashboard/{dashboard_id}").get("dashcards", [])}
    dashcards = []
    for number, (card, card_id) in enumerate(zip(CARDS, card_ids, strict=True), start=1):
        row, col, size_x, size_y = card.layout
        # a negative id asks Metabase to add the card; an existing one keeps its id
        dashcards.append({"id": placed.get(card_id, -number), "card_id": card_id, "row": row,
                          "col": col, "size_x": size_x, "size_y": size_y, "series": [],
                          "parameter_mappings": [], "visualization_settings": {}})
    api.call("PUT", f"/api/dashboard/{dashboard_id}",
             {"description": DASHBOARD_DESCRIPTION, "dashcards": dashcards})
    log.info("Metabase: dashboard %d has its %d questions", dashboard_id, len(dashcards))
    return dashboard_id

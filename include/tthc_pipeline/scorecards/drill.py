"""Where the points went: the dossiers or procedures that count against an item of a unit.

An analyst who sees "S1 lost 8 points on 2.1 this month" asks for the list: the members of the
item's denominator that are not members of its numerator (the late dossiers of 2.1, the unused
online services of 3.2, the fee dossiers not paid online of 3.6, ...). For the newest Friday of
a tree the view mart.scorecard_shortfall (V019) has them, from the members stored with the
scores; this function computes them again, with the same model and the configuration stored in
the version, for any published version, older Fridays included (storing every Friday's would
hold most dossiers of the province again each week).
"""

from __future__ import annotations

from datetime import date, datetime

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from tthc_pipeline import sources
from tthc_pipeline.paths import read_sql
from tthc_pipeline.scorecards.config import DOSSIER_MEASURES, PROCEDURE_MEASURES
from tthc_pipeline.scorecards.periods import ScorePeriod
from tthc_pipeline.scorecards.publish import build_model


class NoSuchScore(LookupError):
    """No published version of that scorecard, period and cut-off, or no such item."""


def where_points_went(conninfo: str, scorecard: str, period_type: str, period_start: date,
                      as_of: datetime, unit_code: str, item: str,
                      tree_code: str | None = None) -> list[dict]:
    """The dossiers (or procedures) that count against ``item`` of ``unit_code``'s score in the
    latest published version of (scorecard, period, as_of)."""
    tree_code = sources.tree_or_default(tree_code)
    with psycopg.connect(conninfo) as conn, conn.transaction():
        conn.execute("set local timezone to 'Asia/Ho_Chi_Minh'")
        period, definition = _published(conn, tree_code, scorecard, period_type, period_start,
                                        as_of, item)
        numerator, denominator = definition["numerator"], definition["denominator"]
        if denominator in DOSSIER_MEASURES and numerator in DOSSIER_MEASURES:
            template = "scorecard/shortfall_dossiers.sql"
        elif denominator in PROCEDURE_MEASURES and numerator in PROCEDURE_MEASURES:
            template = "scorecard/shortfall_procedures.sql"
        else:
            raise NoSuchScore(f"{scorecard} item {item} divides {numerator} by {denominator}:"
                              " no list of members (a tracked sum)")
        build_model(conn, tree_code, [period])
        query = sql.SQL(read_sql(template)).format(
            numerator=sql.Identifier(numerator), denominator=sql.Identifier(denominator))
        with conn.cursor(row_factory=dict_row) as cursor:
            return cursor.execute(query, {"unit_code": unit_code}).fetchall()


def _published(conn: psycopg.Connection, tree_code: str, scorecard: str, period_type: str,
               period_start: date, as_of: datetime, item: str) -> tuple[ScorePeriod, dict]:
    row = conn.execute(
        "select period_end, is_forecast, config from mart.scorecard_version"
        " where tree_code = %s and scorecard = %s and period_type = %s and period_start = %s"
        " and as_of = %s order by version desc limit 1",
        (tree_code, scorecard, period_type, period_start, as_of)).fetchone()
    if row is None:
        raise NoSuchScore(f"no published {scorecard} {period_type} from {period_start} as of"
                          f" {as_of.isoformat()} for tree {tree_code}")
    period_end, is_forecast, config = row
    items = [entry for entry in config["items"] if entry["item"] == item]
    if not items:
        raise NoSuchScore(f"{scorecard} has no item {item!r} in the published configuration")
    return ScorePeriod(period_type, period_start, period_end, as_of, is_forecast), items[0]

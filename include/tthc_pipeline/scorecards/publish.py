"""Publish the scorecards of a Friday: every period it covers, every unit, as immutable versions.

For each cutoff of the periods (periods.py) the dossier state (sql/model/dossier_state.sql) and
the measures of every unit of the tree (sql/scorecard/measures.sql) are computed once in
Postgres, for every period ending at that cutoff together (a Friday's month, quarter and year
to date read the dossiers once); each scorecard whose configuration lists the period type
scores them (scoring.py, a few rows per unit: no loop over dossiers). The rows' content hash,
configuration included, is compared with the latest version of the same (tree, scorecard,
period, as_of): equal means nothing is written, different means version n + 1 beside the
older ones. All of a Friday's scorecards are written in one transaction, which reads one state
of the warehouse, under an advisory lock per tree and date (tthc_pipeline.warehouse.publishing).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from tthc_pipeline import model, sources
from tthc_pipeline.paths import read_sql
from tthc_pipeline.report.period import LOCAL_TZ
from tthc_pipeline.scorecards.config import Scorecard, load_all
from tthc_pipeline.scorecards.periods import ScorePeriod, periods_of_report
from tthc_pipeline.scorecards.scoring import POINT_PLACES, ItemScore, score_unit
from tthc_pipeline.warehouse.publishing import publishing_transaction

log = logging.getLogger(__name__)

_LOCK_CLASS = 0x7474_7363  # advisory lock namespace of scorecard publishing
_MEASURE_TABLES = ("scorecard_measures", "procedure_members", "dossier_members")
_MEASURE_STEPS = ("scorecard/dossier_members.sql", "scorecard/procedure_members.sql",
                  "scorecard/measures.sql")
_ITEM_COLUMNS = ("tree_code", "scorecard", "period_type", "period_start", "as_of", "is_forecast",
                 "version", "unit_code", "item", "numerator", "denominator", "ratio", "points",
                 "max_points", "flag")


@dataclass(frozen=True)
class Published:
    scorecard: str
    period_type: str
    period_start: date
    as_of: str
    is_forecast: bool
    version: int
    is_new: bool  # False: unchanged data and configuration, nothing written
    unit_count: int


def publish_scorecards(conninfo: str, report_date: date, tree_code: str | None = None,
                       dag_run_id: str | None = None,
                       scorecards: tuple[Scorecard, ...] | None = None) -> list[Published]:
    """Publish every scorecard (default: config/scorecards/*.yaml) of the Friday
    ``report_date`` over report tree ``tree_code`` (default: the configured default tree)."""
    tree_code = sources.tree_or_default(tree_code)
    scorecards = scorecards if scorecards is not None else load_all()
    period_types = tuple(sorted({t for card in scorecards for t in card.periods}))
    published = []
    # one state of dw for every statement, and one publisher of a (tree, Friday) at a time
    with publishing_transaction(conninfo, _LOCK_CLASS, f"{tree_code}/{report_date}") as conn:
        conn.execute("set local timezone to 'Asia/Ho_Chi_Minh'")
        conn.execute("set local jit = off")  # one large plan, as the Directive 04 report's
        # hash joins over the year's dossiers instead of sorts for merge joins (5M dossiers)
        conn.execute("set local work_mem = '1GB'")
        periods = periods_of_report(report_date, period_types)
        members = _members_to_write(conn, tree_code, report_date)
        for cutoff in dict.fromkeys(period.as_of for period in periods):
            ending = [period for period in periods if period.as_of == cutoff]
            # one model for the periods that end at the cutoff (the first quarter is the year
            # to date: the same window is measured once)
            measured = unit_measures(conn, tree_code, ending)
            is_new = False
            for period in ending:
                for card in scorecards:
                    if period.period_type in card.periods:
                        published.append(_publish_one(conn, tree_code, card, period,
                                                      measured[period.start], dag_run_id))
                        is_new = is_new or published[-1].is_new
            if members == _ALL or (members == _NEW_VERSIONS and is_new):
                _store_members(conn, tree_code, report_date, cutoff, members)
        conn.execute(read_sql("scorecard/analyze_published.sql"))  # committed with the rows
    return published


_ALL, _NEW_VERSIONS = "all", "new versions"


def _members_to_write(conn: psycopg.Connection, tree_code: str, report_date: date) -> str | None:
    """Which members behind its scores this run writes for mart.scorecard_shortfall (V019):
    all of them for a Friday newer than the one held (the tree's are cleared first), those of
    a cut-off with a new version for the Friday held (a re-run on unchanged data writes
    nothing), none for an older Friday (a backfill: the newest Friday's lists stay)."""
    held = conn.execute("select report_date from mart.scorecard_member_run where tree_code = %s",
                        (tree_code,)).fetchone()
    if held is None or held[0] < report_date:
        conn.execute(read_sql("scorecard/members_clear.sql"),
                     {"tree_code": tree_code, "report_date": report_date, "as_of": None})
        return _ALL
    return _NEW_VERSIONS if held[0] == report_date else None


def _store_members(conn: psycopg.Connection, tree_code: str, report_date: date,
                   cutoff: datetime, members: str) -> None:
    params = {"tree_code": tree_code, "report_date": report_date, "as_of": cutoff}
    if members == _NEW_VERSIONS:  # the cut-off's older members go first
        conn.execute(read_sql("scorecard/members_clear.sql"), params)
    conn.execute(read_sql("scorecard/members_store.sql"), params)


def build_model(conn: psycopg.Connection, tree_code: str,
                periods: list[ScorePeriod]) -> None:
    """The temporary tables of periods that end at the same cutoff: the shared model
    (tthc_pipeline.model), the measures' members and the measures (dropped first: one
    transaction scores several cutoffs)."""
    cutoffs = {period.as_of for period in periods}
    if len(cutoffs) != 1:
        raise ValueError(f"one model is one cutoff, not {sorted(cutoffs)}")
    for table in _MEASURE_TABLES:
        conn.execute(f"drop table if exists pg_temp.{table}")
    starts = sorted({_start_moment(period) for period in periods})
    model.build(conn, tree_code, starts, cutoffs.pop())
    for step in _MEASURE_STEPS:
        conn.execute(read_sql(step), {"period_starts": starts})
        if step == "scorecard/dossier_members.sql":  # the rows procedure_members groups
            conn.execute("analyze pg_temp.dossier_members")


def unit_measures(conn: psycopg.Connection, tree_code: str,
                  periods: list[ScorePeriod]) -> dict[date, list[dict[str, int]]]:
    """Every measure of every unit of the tree over each of ``periods`` (ending at the same
    cutoff), by period start: {start: [one dict per unit, in unit order]}."""
    build_model(conn, tree_code, periods)
    measured: dict[date, list[dict[str, int]]] = {period.start: [] for period in periods}
    with conn.cursor(row_factory=dict_row) as cursor:
        for row in cursor.execute(
                "select * from scorecard_measures order by period_start, unit_code"):
            start = row.pop("period_start").astimezone(LOCAL_TZ).date()
            measured[start].append(row)
    return measured


def score_rows(card: Scorecard, measures: list[dict[str, int]]) -> list[tuple[str, ItemScore]]:
    """(unit_code, score) of every item and total of every unit, in unit then item order."""
    return [(unit["unit_code"], score) for unit in measures for score in score_unit(card, unit)]


def content_hash(card: Scorecard, rows: list[tuple[str, ItemScore]]) -> str:
    """sha256 of the configuration and every row's values, in a fixed text form."""
    body = [[unit, s.item, _text(s.numerator), _text(s.denominator), _text(s.ratio),
             _text(s.points), _text(s.max_points), s.flag] for unit, s in rows]
    document = json.dumps({"config": card.as_json(), "rows": body}, ensure_ascii=False,
                          sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def _publish_one(conn: psycopg.Connection, tree_code: str, card: Scorecard, period: ScorePeriod,
                 measures: list[dict[str, int]], dag_run_id: str | None) -> Published:
    rows = score_rows(card, measures)
    digest = content_hash(card, rows)
    key = (tree_code, card.scorecard, period.period_type, period.start, period.as_of)
    latest = conn.execute(
        "select version, content_hash from mart.scorecard_version where tree_code = %s"
        " and scorecard = %s and period_type = %s and period_start = %s and as_of = %s"
        " order by version desc limit 1", key).fetchone()
    result = dict(scorecard=card.scorecard, period_type=period.period_type,
                  period_start=period.start, as_of=period.as_of.isoformat(),
                  is_forecast=period.is_forecast, unit_count=len(measures))
    if latest is not None and latest[1] == digest:
        return Published(**result, version=latest[0], is_new=False)
    version = 1 if latest is None else latest[0] + 1
    conn.execute(
        "insert into mart.scorecard_version (tree_code, scorecard, period_type, period_start,"
        " period_end, as_of, is_forecast, version, config, content_hash, unit_count,"
        " published_at, dag_run_id) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
        " clock_timestamp(), %s)",
        (*key[:4], period.end, period.as_of, period.is_forecast, version,
         Jsonb(card.as_json()), digest, len(measures), dag_run_id))
    with conn.cursor().copy(
            f"copy mart.scorecard_item ({', '.join(_ITEM_COLUMNS)}) from stdin") as copy:
        for unit, s in rows:
            copy.write_row((*key, period.is_forecast, version, unit, s.item, s.numerator,
                            s.denominator, s.ratio, s.points.quantize(POINT_PLACES),
                            s.max_points, s.flag))
    log.info("scorecard %s %s %s as of %s (%s): version %d, %d units", card.scorecard,
             period.period_type, period.start, period.as_of.isoformat(), tree_code, version,
             len(measures))
    return Published(**result, version=version, is_new=True)


def _start_moment(period: ScorePeriod) -> datetime:
    return datetime.combine(period.start, time(0), LOCAL_TZ)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")

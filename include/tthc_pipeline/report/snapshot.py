"""Publish the Directive 04 snapshot of a report date: compute, compare, version, in one
transaction.

The rows are computed in SQL (``sql/report/chi_thi_04_*.sql``: the unit tree at the cutoff, the
dossiers classified, the rows) with the colour thresholds in force (``meta.colour_threshold``).
A report whose root rows are not the whole source is refused. The rows' content hash,
thresholds included, is compared with the latest published version of the report date: equal
means nothing is written; different means version n + 1 is inserted beside the older ones,
which stay, with its regression drill-down (the dossiers that count against every indicator
whose colour fell, ``sql/report/regression_dossiers.sql``) and its one-stop compliance flags
(``sql/report/compliance_dossiers.sql``, ``compliance_counts.sql``). The transaction reads one
state of the warehouse (REPEATABLE READ), and an advisory lock per report date makes two runs of
the same date publish one after the other (tthc_pipeline.warehouse.publishing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

import psycopg
from psycopg.types.json import Jsonb

from tthc_pipeline import model, sources
from tthc_pipeline.crashpoints import crash_point
from tthc_pipeline.errors import PermanentError
from tthc_pipeline.paths import read_sql
from tthc_pipeline.report.period import ReportPeriod
from tthc_pipeline.warehouse.publishing import publishing_transaction

log = logging.getLogger(__name__)

INDICATORS = ("on_time_rate", "online_rate", "online_payment_rate")
RANKED_COLOURS = ("xanh", "vang", "cam", "do")  # best first
DEFAULT_MAX_PARKED_SHARE = 0.01  # Variable tthc_max_parked_share
_LOCK_CLASS = 0x7474_6872  # advisory lock namespace of report publishing; key 2 = the date


class ReportWithoutRoot(PermanentError, RuntimeError):
    """The unit tree at the cutoff has no root: a report without a province row."""


class ReportDoesNotAddUp(PermanentError, RuntimeError):
    """The root rows are not the whole source: some dossiers would count for nobody."""


class InvalidThresholds(PermanentError, ValueError):
    """meta.colour_threshold does not define a usable scale for every indicator."""


@dataclass(frozen=True)
class Snapshot:
    report_date: date
    snapshot_version: int
    is_new: bool  # False: the data was unchanged and nothing was written
    published_at: datetime
    unit_count: int
    report_file: str
    content_hash: str
    tree_code: str = ""


def publish_snapshot(conninfo: str, report_date: date, dag_run_id: str | None = None,
                     max_parked_share: float = DEFAULT_MAX_PARKED_SHARE,
                     tree_code: str | None = None) -> Snapshot:
    """Publish the report of ``report_date`` over report tree ``tree_code`` (default: the
    configured default tree) unless its latest version already says the same.

    The records still parked are stored with a new version (not part of its content hash); a
    share of the period's records above ``max_parked_share`` puts a warning on the report.
    """
    period = ReportPeriod(report_date)
    tree_code = sources.tree_or_default(tree_code)
    # one state of dw for every statement, and one publisher of a (tree, date) at a time
    with publishing_transaction(conninfo, _LOCK_CLASS, f"{tree_code}/{report_date}") as conn:
        # Text forms (and so the content hash) must not depend on the session's time zone.
        conn.execute("set local timezone to 'Asia/Ho_Chi_Minh'")
        # The report query is one large plan: over a million dossiers JIT compiling it took
        # 2.0 s of its 3.2 s, and without JIT it runs in 2.3 s; its sorts and hashes over the
        # candidate dossiers spilled to disk at 4 MB (bench/RESULTS.md).
        conn.execute("set local jit = off")
        conn.execute("set local work_mem = '256MB'")
        thresholds = read_thresholds(conn)
        compute_rows(conn, period, thresholds, tree_code)
        content_hash, unit_count, root_count = conn.execute(
            read_sql("report/content_hash.sql"), {"thresholds": Jsonb(thresholds)}).fetchone()
        if root_count == 0:
            raise ReportWithoutRoot(
                f"report {report_date} ({tree_code}): the unit tree valid at"
                f" {period.cutoff.isoformat()} has no root unit (a unit without a parent) among"
                f" its {unit_count} units, so there is no province row; nothing is published."
                " Check dw.dim_unit and the parent rules in quarantine.don_vi, load the"
                " catalogue, then clear this run.")
        check_root_adds_up(conn, report_date)
        latest = _latest(conn, tree_code, report_date)
        if latest is not None and latest.content_hash == content_hash:
            log.info("report %s (%s): unchanged since version %d, nothing published",
                     report_date, tree_code, latest.snapshot_version)
            return latest
        version = 1 if latest is None else latest.snapshot_version + 1
        report_file = f"chi_thi_04_{tree_code}_{report_date.isoformat()}_v{version}.xlsx"
        (parked_by_rule,) = conn.execute(read_sql("report/parked_by_rule.sql"),
                                         {"tree_code": tree_code}).fetchone()
        parked_in_period = {entity: [n_extracted, n_parked] for entity, n_extracted, n_parked
                            in conn.execute(read_sql("report/parked_share.sql"), {
                                "tree_code": tree_code, "period_start": period.start,
                                "cutoff": period.cutoff})}
        (published_at,) = conn.execute(read_sql("report/publish_snapshot.sql"), {
            "tree_code": tree_code,
            "report_date": report_date,
            "snapshot_version": version,
            "period_start": period.start,
            "period_end": period.cutoff,
            "thresholds": Jsonb(thresholds),
            "content_hash": content_hash,
            "unit_count": unit_count,
            "report_file": report_file,
            "dag_run_id": dag_run_id,
            "parked_by_rule": Jsonb(parked_by_rule),
            "parked_in_period": Jsonb(parked_in_period),
            "max_parked_share": max_parked_share,
        }).fetchone()
        conn.execute(read_sql("report/publish_rows.sql"), {
            "tree_code": tree_code, "snapshot_version": version, "published_at": published_at})
        # the drill-down is part of the version: written with it, never later (V016)
        conn.execute(read_sql("report/regression_dossiers.sql"), {
            "tree_code": tree_code, "report_date": report_date, "snapshot_version": version,
            "period_start": period.start})
        # so are the compliance flags, per dossier then per unit over its subtree (V018)
        flag_params = {"tree_code": tree_code, "report_date": report_date,
                       "snapshot_version": version, "cutoff": period.cutoff}
        conn.execute(read_sql("report/compliance_dossiers.sql"), flag_params)
        conn.execute(read_sql("report/compliance_counts.sql"), flag_params)
        crash_point("publish.before_commit")
    crash_point("publish.after_commit")
    log.info("report %s (%s): published version %d (%d units)",
             report_date, tree_code, version, unit_count)
    return Snapshot(report_date, version, True, published_at, unit_count, report_file,
                    content_hash, tree_code)


def compute_rows(conn: psycopg.Connection, period: ReportPeriod,
                 thresholds: dict[str, dict[str, float]], tree_code: str | None = None) -> None:
    """Build the temporary tables report_dossiers and report_rows of a period over report tree
    ``tree_code`` (default: the configured default tree), on the shared dossier-state model
    (tthc_pipeline.model: model_units, model_unit_closure, model_procedures, dossier_state)
    that the scorecards read too."""
    tree_code = sources.tree_or_default(tree_code)
    model.build(conn, tree_code, [period.start], period.cutoff)
    conn.execute(read_sql("report/chi_thi_04_dossiers.sql"), {"report_date": period.report_date})
    conn.execute(read_sql("report/chi_thi_04_rows.sql"), {
        "tree_code": tree_code,
        "report_date": period.report_date,
        "period_start": period.start,
        "cutoff": period.cutoff,
        "previous_date": period.previous_report_date,
        "thresholds": Jsonb(thresholds),
    })


def check_root_adds_up(conn: psycopg.Connection, report_date: date) -> None:
    """Refuse a report whose root rows are not the whole source (domain.md, "Reorganisation")."""
    source, root, uncounted, examples = conn.execute(
        read_sql("report/root_check.sql")).fetchone()
    if source == root and uncounted == 0:
        return
    differences = ", ".join(f"{name} {root[name]} instead of {source[name]}"
                            for name in source if root[name] != source[name])
    raise ReportDoesNotAddUp(
        f"report {report_date}: the root row does not add up to the whole source"
        f" ({differences or 'totals equal'}); {uncounted} dossier(s) count for no unit of the"
        f" tree, e.g. {', '.join(examples) or 'none'}. Nothing is published. Look at their units"
        " in dw.unit_tree_at(cutoff): a parent cycle, or a unit whose branch does not reach the"
        " root; fix the catalogue at the source, load it, then clear this run.")


def read_thresholds(conn: psycopg.Connection) -> dict[str, dict[str, float]]:
    """The colour cut-offs in force, checked: {indicator: {"xanh": x, "vang": v, "cam": c}}."""
    rows = conn.execute(
        "select indicator, colour, min_rate from meta.colour_threshold").fetchall()
    cuts: dict[str, dict[str, float]] = {}
    for indicator, colour, min_rate in rows:
        cuts.setdefault(indicator, {})[colour] = float(min_rate)
    for indicator in INDICATORS:
        scale = cuts.get(indicator, {})
        values = [scale.get(colour) for colour in RANKED_COLOURS]
        if None in values or values != sorted(values, reverse=True) or values[-1] != 0:
            raise InvalidThresholds(
                f"meta.colour_threshold for {indicator} must give xanh ≥ vang ≥ cam ≥ do = 0,"
                f" got {dict(zip(RANKED_COLOURS, values, strict=True))}")
    return {indicator: {c: cuts[indicator][c] for c in RANKED_COLOURS[:-1]}
            for indicator in INDICATORS}


def _latest(conn: psycopg.Connection, tree_code: str, report_date: date) -> Snapshot | None:
    row = conn.execute(
        "select snapshot_version, published_at, unit_count, report_file, content_hash"
        " from mart.chi_thi_04_snapshot where tree_code = %s and report_date = %s"
        " order by snapshot_version desc limit 1", (tree_code, report_date)).fetchone()
    if row is None:
        return None
    version, published_at, unit_count, report_file, content_hash = row
    return Snapshot(report_date, version, False, published_at, unit_count, report_file,
                    content_hash, tree_code)

"""The text officials and engineers read first: the province's figures and who slipped."""

from __future__ import annotations

from datetime import date

import psycopg
from psycopg.rows import dict_row

from tthc_pipeline import sources
from tthc_pipeline.paths import read_sql
from tthc_pipeline.report.parked import parked_lines, parked_warnings
from tthc_pipeline.report.period import ReportPeriod
from tthc_pipeline.report.workbook import COLOUR_NAMES, INDICATOR_NAMES


def regressed_unit_count(conninfo: str, report_date: date, snapshot_version: int,
                         tree_code: str | None = None) -> int:
    """How many units of a snapshot version of a report tree slipped on some indicator."""
    params = {"tree_code": sources.tree_or_default(tree_code), "report_date": report_date,
              "snapshot_version": snapshot_version}
    with psycopg.connect(conninfo) as conn:
        (count,) = conn.execute(read_sql("report/regressed_unit_count.sql"), params).fetchone()
    return count


def regression_summary(conninfo: str, report_date: date, snapshot_version: int,
                       max_units: int | None = None, tree_code: str | None = None) -> str:
    """Root units' figures and the regressed units of a snapshot version of a report tree
    (default: the configured default tree; all of them, or the first ``max_units`` in tree
    order), one line per unit, as plain text; then the compliance flags (``compliance_lines``),
    whose most flagged units are named only in the full summary."""
    params = {"tree_code": sources.tree_or_default(tree_code), "report_date": report_date,
              "snapshot_version": snapshot_version}
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        roots = conn.execute(
            "select * from mart.chi_thi_04_weekly where tree_code = %(tree_code)s"
            " and report_date = %(report_date)s"
            " and snapshot_version = %(snapshot_version)s and unit_depth = 0"
            " order by tree_path", params).fetchall()
        regressions = conn.execute(read_sql("report/workbook_regressions.sql"), params).fetchall()
        unit_changes = conn.execute(read_sql("report/unit_changes.sql"), params).fetchall()
        cutoff = ReportPeriod(report_date).cutoff
        scores = conn.execute(read_sql("report/summary_scorecard_766.sql"),
                              {**params, "cutoff": cutoff}).fetchall()
        par_scores = conn.execute(read_sql("report/summary_scorecard_totals.sql"),
                                  {**params, "cutoff": cutoff, "scorecard": "par_qn"}).fetchall()
        parked = conn.execute(
            "select parked_by_rule, parked_in_period, max_parked_share"
            " from mart.chi_thi_04_snapshot"
            " where tree_code = %(tree_code)s and report_date = %(report_date)s"
            " and snapshot_version = %(snapshot_version)s", params).fetchone()
    lines = [f"Báo cáo Chỉ thị 04 ngày {report_date:%d/%m/%Y} (phiên bản {snapshot_version})"]
    if parked:
        lines += parked_warnings(parked["parked_in_period"], parked["max_parked_share"])
    lines += [_unit_line(row) for row in roots]
    # a summary shortened to max_units names no other units: the 766 forecast and the
    # compliance totals stay, the units that lost most and the most flagged units are left to
    # the workbook's sheets
    lines += scorecard_766_lines(scores, report_date, name_units=max_units is None)
    lines += par_lines(par_scores, report_date)
    lines += compliance_lines(conninfo, report_date, snapshot_version, tree_code,
                              name_units=max_units is None)
    lines += _unit_change_lines(unit_changes)
    if parked and parked["parked_by_rule"]:
        lines.append("Chưa tính, còn chờ dữ liệu tham chiếu / not counted, still waiting:")
        lines += [f"  - {line}" for line in parked_lines(parked["parked_by_rule"])]
    if not regressions:
        lines.append("Không có đơn vị tụt hạng / no unit regressed.")
        return "\n".join(lines)
    by_unit: dict[str, list[dict]] = {}
    for regression in regressions:  # in tree order, then indicator order
        by_unit.setdefault(regression["unit_code"], []).append(regression)
    lines.append(f"{len(by_unit)} đơn vị tụt hạng / units regressed:")
    shown = list(by_unit.values())[:max_units]
    lines += [_regression_line(unit_regressions) for unit_regressions in shown]
    if len(shown) < len(by_unit):
        lines.append(f"  … và {len(by_unit) - len(shown)} đơn vị khác (xem tệp báo cáo)"
                     f" / and {len(by_unit) - len(shown)} more (see the workbook)")
    return "\n".join(lines)


MOST_POINTS_LOST = 3  # the units the summary names as losing the most 766 points


def scorecard_766_lines(scores: list[dict], report_date: date,
                        name_units: bool = True) -> list[str]:
    """The roots' 766 forecasts (month and year to date, points computed of points possible,
    the change since the previous Friday) and (with ``name_units``) the MOST_POINTS_LOST leaf
    units that lost the most points year to date. Leaves only: a parent's score is its
    subtree's, so it would repeat the losses of the children listed beside it. Nothing when no
    766 was published."""
    if not scores:
        return []
    lines = []
    for unit_code in dict.fromkeys(s["unit_code"] for s in scores if s["unit_depth"] == 0):
        periods = {s["period_type"]: s for s in scores if s["unit_code"] == unit_code}
        first = next(iter(periods.values()))
        parts = [f"{name} {_points(periods[kind])}" for kind, name in
                 (("month", f"tháng {report_date:%m/%Y}"), ("ytd", f"năm {report_date:%Y}"))
                 if kind in periods]
        lines.append(f"Chỉ số 766 dự báo / 766 forecast, {first['unit_name']} ({unit_code}):"
                     f" {'; '.join(parts)}. Trên {_decimal(first['points_possible'])} điểm"
                     " tính được, không phải 100 / out of the computable points, not 100.")
    losers = sorted((s for s in scores if name_units and s["period_type"] == "ytd"
                     and s["is_leaf"] and s["points_lost"] > 0),
                    key=lambda s: (-s["points_lost"], s["tree_path"]))[:MOST_POINTS_LOST]
    if losers:
        lines.append(f"{len(losers)} đơn vị mất nhiều điểm 766 nhất từ đầu năm / units that lost"
                     " the most 766 points year to date:")
        lines += [f"  - {s['unit_name']} ({s['unit_code']}): mất {_decimal(s['points_lost'])}"
                  f" điểm, đạt {_decimal(s['points_computed'])}/"
                  f"{_decimal(s['points_possible'])}" for s in losers]
    return lines


def par_lines(scores: list[dict], report_date: date) -> list[str]:
    """The roots' PAR (Quảng Ninh, items 3.3–3.6) forecast of the year to date, with the change
    since the previous Friday. Nothing when no PAR score was published."""
    return [f"Chỉ số CCHC PAR tiêu chí 3.3–3.6 dự báo / PAR forecast, {s['unit_name']}"
            f" ({s['unit_code']}): năm {report_date:%Y} {_points(s)}."
            for s in scores if s["period_type"] == "ytd"]


def _points(score: dict) -> str:
    """"31.85/52 (+1.20 so với thứ Sáu trước)"."""
    text = f"{_decimal(score['points_computed'])}/{_decimal(score['points_possible'])}"
    if score["points_change"] is None:
        return f"{text} (chưa có số thứ Sáu trước / no previous Friday)"
    return f"{text} ({score['points_change']:+.2f} so với thứ Sáu trước / since last Friday)"


def _decimal(value) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


# The units the summary names for each compliance flag: the most flagged dossiers of their own
# (not their subtree's: a district's count would only repeat its communes'), at every level.
MAX_FLAGGED_UNITS = 5
FLAG_HEADINGS = {
    "same_officer": "Nhiều hồ sơ một cán bộ vừa tiếp nhận vừa xử lý nhất",
    "late_without_apology": "Nhiều hồ sơ trễ hạn không xin lỗi nhất",
}


def compliance_lines(conninfo: str, report_date: date, snapshot_version: int,
                     tree_code: str | None = None, name_units: bool = True) -> list[str]:
    """The one-stop compliance flags of a version: each root's counts over its denominators,
    and (with ``name_units``) per flag the ``MAX_FLAGGED_UNITS`` units with the most flagged
    dossiers of their own (ties in tree order); nothing for a version published before the
    flags existed."""
    params = {"tree_code": sources.tree_or_default(tree_code), "report_date": report_date,
              "snapshot_version": snapshot_version}
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        units = conn.execute(read_sql("report/workbook_compliance.sql"), params).fetchall()
    lines = [f"Tuân thủ một cửa, {u['unit_name']}: {u['same_officer']}/{u['resolved']} hồ sơ"
             f" một cán bộ vừa tiếp nhận vừa xử lý; {u['late_without_apology']}/"
             f"{u['late_or_overdue']} hồ sơ trễ hạn không xin lỗi đúng hạn"
             for u in units if u["unit_depth"] == 0]
    for flag, heading in FLAG_HEADINGS.items() if name_units else ():
        flagged = sorted((u for u in units if u[f"own_{flag}"] > 0),
                         key=lambda u: -u[f"own_{flag}"])[:MAX_FLAGGED_UNITS]  # stable: tree order
        if flagged:
            lines.append(f"  {heading}: " + "; ".join(
                f"{u['unit_name']} ({u['unit_code']}) {u[f'own_{flag}']}" for u in flagged))
    return lines


UNIT_CHANGE_HEADINGS = {"appeared": "Đơn vị mới / new units", "disappeared":
                        "Đơn vị không còn (sáp nhập, giải thể) / units merged or dissolved"}
MAX_CHANGED_UNITS = 10  # per line; the workbook's information sheet lists them all


def _unit_change_lines(unit_changes: list[dict]) -> list[str]:
    """The units that appeared and disappeared since the previous report, when any did."""
    lines = []
    for change, heading in UNIT_CHANGE_HEADINGS.items():
        units = [f"{u['unit_name']} ({u['unit_code']})" for u in unit_changes
                 if u["change"] == change]
        if units:
            more = len(units) - MAX_CHANGED_UNITS
            lines.append(f"{heading} ({len(units)}): {'; '.join(units[:MAX_CHANGED_UNITS])}"
                         + (f"; … và {more} đơn vị khác / and {more} more" if more > 0 else ""))
    return lines


def _regression_line(regressions: list[dict]) -> str:
    first = regressions[0]
    changes = "; ".join(f"{INDICATOR_NAMES[r['indicator']]} {COLOUR_NAMES[r['previous_colour']]}"
                        f" → {COLOUR_NAMES[r['colour']]}" for r in regressions)
    return f"  - {first['unit_name']} ({first['unit_code']}): {changes}"


def _unit_line(row: dict) -> str:
    def rate(value) -> str:
        return "—" if value is None else f"{value:.1%}"

    return (f"{row['unit_name']} ({row['unit_code']}): tiếp nhận {row['received']},"
            f" giải quyết {row['resolved']} (trễ {row['resolved_late']}),"
            f" đang giải quyết {row['pending']} (quá hạn {row['pending_overdue']});"
            f" đúng hạn {rate(row['on_time_rate'])} [{COLOUR_NAMES[row['on_time_colour']]}],"
            f" trực tuyến {rate(row['online_rate'])} [{COLOUR_NAMES[row['online_colour']]}],"
            f" thanh toán trực tuyến {rate(row['online_payment_rate'])}"
            f" [{COLOUR_NAMES[row['payment_colour']]}]; màu chung"
            f" {COLOUR_NAMES[row['overall_colour']]}")


def unit_summary(conninfo: str, report_date: date, snapshot_version: int,
                 unit_codes: list[str], tree_code: str | None = None) -> tuple[str, list[str]]:
    """The text of a unit head's mail: for each of ``unit_codes`` in the version, its figures,
    the indicators whose colour fell and how many dossiers the drill-down lists for each (new
    since last week in brackets); and the codes among ``unit_codes`` the version has."""
    params = {"tree_code": sources.tree_or_default(tree_code), "report_date": report_date,
              "snapshot_version": snapshot_version, "unit_codes": unit_codes}
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        rows = conn.execute(read_sql("report/unit_summary_rows.sql"), params).fetchall()
        regressions = conn.execute(read_sql("report/workbook_regressions.sql"), params).fetchall()
    lines = [f"Báo cáo Chỉ thị 04 ngày {report_date:%d/%m/%Y} (phiên bản {snapshot_version})"]
    for row in rows:
        lines.append(_unit_line(row))
        fell = [r for r in regressions if r["unit_code"] == row["unit_code"]]
        if not fell:
            lines.append("  Không tụt hạng / no regression.")
        for regression in fell:
            counts = row["drilldown_counts"].get(regression["indicator"], {})
            lines.append(f"  - {INDICATOR_NAMES[regression['indicator']]}"
                         f" {COLOUR_NAMES[regression['previous_colour']]}"
                         f" → {COLOUR_NAMES[regression['colour']]}:"
                         f" {counts.get('dossiers', 0)} hồ sơ làm tụt hạng"
                         f" ({counts.get('new', 0)} mới so với tuần trước)")
    lines.append("Danh sách hồ sơ: tệp đính kèm, trang \"Hồ sơ làm tụt hạng\".")
    return "\n".join(lines), [row["unit_code"] for row in rows]

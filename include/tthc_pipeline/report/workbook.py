"""The weekly report file: an Excel workbook per snapshot version, with Vietnamese headings.

Sheets: report information (with the units that appeared and disappeared since the previous
report), one per indicator group, the colour map (cells filled with the unit's colours), the
regressions, and their drill-down ("Hồ sơ làm tụt hạng": for each regressed unit and indicator
its worst dossiers, at most ``MAX_DOSSIERS_PER_LIST``, and a line counting the rest; the full
lists are in ``mart.chi_thi_04_regression_dossiers``), and the one-stop compliance counts ("Tuân
thủ một cửa": one row per unit, over its subtree, with the denominators; the flagged dossiers are
in ``mart.chi_thi_04_compliance_dossiers``). Every text cell is written as a string
cell, never parsed: a unit named ``=HYPERLINK("x")`` stays that text instead of becoming a
formula (S4). Characters a workbook cannot hold (the control characters other than tab and line
breaks, which XML 1.0 forbids and openpyxl refuses with ``IllegalCharacterError``, and
U+FFFE/U+FFFF) are replaced by U+FFFD in every text cell and counted: the count is logged and
stated on the information sheet, so a unit name with a stray ``\x0b`` or ``\x1b`` costs one
character, not the report. A version's file is written once; an existing file for that version
is left as it is.

Made to be printed and read by officials: unit levels by name, numbers and dates as such, every
sheet on A4 landscape one page wide with its heading row on each page, and a line saying so
where a sheet has no rows.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from tthc_pipeline import sources
from tthc_pipeline.paths import read_sql
from tthc_pipeline.report.parked import parked_lines, parked_warnings

log = logging.getLogger(__name__)

COLOUR_NAMES = {"xanh": "Xanh", "vang": "Vàng", "cam": "Cam", "do": "Đỏ", "trang": "Trắng"}
COLOUR_FILLS = {"xanh": "63BE7B", "vang": "FFEB84", "cam": "F8A45C", "do": "F8696B",
                "trang": "FFFFFF"}
# What a cell cannot hold: XML 1.0's forbidden characters (openpyxl's ILLEGAL_CHARACTERS_RE,
# plus the two non-characters it lets through and Excel refuses).
EXCEL_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXCEL_REPLACEMENT = "\ufffd"
REPLACED_LABEL = "Ký tự điều khiển đã thay bằng \ufffd"
INDICATOR_NAMES = {"on_time": "Đúng hạn", "online": "Trực tuyến",
                   "payment": "Thanh toán trực tuyến", "overall": "Chung"}
# The source's CapDonVi codes (spec/source-api.md) as officials name the levels.
UNIT_LEVEL_NAMES = {"tinh": "Tỉnh", "so": "Sở/ban/ngành", "huyen": "Huyện", "phong": "Phòng",
                    "xa": "Xã"}
NO_REGRESSION = "Không có đơn vị tụt hạng"
NO_PREVIOUS_REPORT = f"{NO_REGRESSION} (chưa có báo cáo tuần trước để so sánh)"


@dataclass(frozen=True)
class Column:
    field: str
    heading: str
    kind: str = "int"  # int, rate, text, colour, date, number, ratio, points
    labels: Mapping[str, str] | None = None  # text codes shown by name


# Number formats of the scorecard sheets' kinds (a Decimal is written as a number).
NUMBER_FORMATS = {"number": "General", "ratio": "0.00%", "points": "0.00##"}

UNIT_COLUMNS = (
    Column("unit_code", "Mã đơn vị", "text"),
    Column("unit_name", "Tên đơn vị", "text"),
    Column("unit_level", "Cấp", "text", UNIT_LEVEL_NAMES),
)
SHEETS: dict[str, Sequence[Column]] = {
    "Tiếp nhận - Giải quyết": (
        Column("received", "Tiếp nhận trong kỳ"),
        Column("carried_over", "Kỳ trước chuyển sang"),
        Column("resolved", "Đã giải quyết"),
        Column("resolved_early", "Trước hạn"),
        Column("resolved_on_time", "Đúng hạn"),
        Column("resolved_late", "Quá hạn"),
        Column("pending", "Đang giải quyết"),
        Column("pending_within", "Trong hạn"),
        Column("pending_overdue", "Quá hạn chưa giải quyết"),
        Column("on_time_rate", "Tỷ lệ đúng hạn", "rate"),
        Column("late_rate", "Tỷ lệ trễ hạn", "rate"),
    ),
    "DVC trực tuyến": (
        Column("dvc_deployed", "DVC trực tuyến đã triển khai"),
        Column("dvc_with_online_dossiers", "DVC có phát sinh hồ sơ trực tuyến"),
        Column("received", "Hồ sơ tiếp nhận"),
        Column("received_online", "Hồ sơ trực tuyến"),
        Column("online_rate", "Tỷ lệ hồ sơ trực tuyến", "rate"),
    ),
    "Thanh toán trực tuyến": (
        Column("fee_dossiers", "Hồ sơ có phí, lệ phí"),
        Column("paid_online_dossiers", "Hồ sơ thanh toán trực tuyến"),
        Column("dvc_with_online_payment", "Thủ tục có thanh toán trực tuyến"),
        Column("online_payment_rate", "Tỷ lệ thanh toán trực tuyến", "rate"),
    ),
    "Bản đồ màu": (
        Column("on_time_colour", "Đúng hạn", "colour"),
        Column("online_colour", "Trực tuyến", "colour"),
        Column("payment_colour", "Thanh toán trực tuyến", "colour"),
        Column("overall_colour", "Màu chung", "colour"),
        Column("prev_overall_colour", "Màu chung tuần trước", "colour"),
        Column("regressed", "Tụt hạng", "text"),
    ),
}
REGRESSION_COLUMNS = (
    Column("unit_code", "Mã đơn vị", "text"),
    Column("unit_name", "Tên đơn vị", "text"),
    Column("unit_level", "Cấp", "text", UNIT_LEVEL_NAMES),
    Column("indicator", "Chỉ số", "text"),
    Column("previous_colour", "Màu tuần trước", "colour"),
    Column("colour", "Màu tuần này", "colour"),
)

# The regression drill-down sheet: the worst dossiers of each regressed unit and indicator.
DRILLDOWN_SHEET = "Hồ sơ làm tụt hạng"
MAX_DOSSIERS_PER_LIST = 50
REASON_NAMES = {
    "resolved_late": "Giải quyết quá hạn",
    "pending_overdue": "Đang giải quyết, đã quá hạn",
    "received_in_person": "Nộp trực tiếp (thủ tục có DVC trực tuyến)",
    "received_by_post": "Nộp qua bưu chính (thủ tục có DVC trực tuyến)",
    "received_unknown_channel": "Kênh nộp không xác định (thủ tục có DVC trực tuyến)",
    "not_paid_online": "Có phí, lệ phí, chưa thanh toán trực tuyến",
}
CHANNEL_NAMES = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}
DRILLDOWN_COLUMNS = (
    Column("unit_code", "Mã đơn vị", "text"),
    Column("unit_name", "Tên đơn vị", "text"),
    Column("unit_level", "Cấp", "text", UNIT_LEVEL_NAMES),
    Column("indicator", "Chỉ số", "text", INDICATOR_NAMES),
    Column("dossier_code", "Mã hồ sơ", "text"),
    Column("reason", "Lý do", "text"),
    Column("is_new", "Mới so với tuần trước", "text"),
    Column("days_overdue", "Số ngày quá hạn"),
    Column("due_date", "Hạn trả (lúc chốt)", "date"),
    Column("received_at", "Ngày tiếp nhận", "date"),
    Column("finished_date", "Ngày kết thúc xử lý", "date"),
    Column("handling_room", "Phòng ban xử lý", "text"),
    Column("officer_code", "Cán bộ xử lý", "text"),
    Column("procedure_code", "Mã thủ tục", "text"),
    Column("channel_code", "Kênh nộp", "text", CHANNEL_NAMES),
    Column("counted_unit_code", "Đơn vị tính hồ sơ", "text"),
)

# The one-stop compliance flags (V018): one row per unit with its counts over its subtree.
COMPLIANCE_SHEET = "Tuân thủ một cửa"
COMPLIANCE_COLUMNS = (
    Column("resolved", "Hồ sơ đã giải quyết"),
    Column("same_officer", "Một cán bộ vừa tiếp nhận vừa xử lý"),
    Column("late_or_overdue", "Hồ sơ trễ hạn (quá hạn + đang quá hạn)"),
    Column("late_without_apology", "Trễ hạn không xin lỗi đúng hạn"),
    Column("own_same_officer", "Của riêng đơn vị: một cán bộ"),
    Column("own_late_without_apology", "Của riêng đơn vị: trễ hạn không xin lỗi"),
)
NO_COMPLIANCE = "Phiên bản này công bố trước khi có cờ tuân thủ một cửa"


def reports_dir() -> Path:
    """The reports folder: ``TTHC_REPORTS_DIR``, else ``reports/`` in the project."""
    from tthc_pipeline.paths import PROJECT_ROOT

    return Path(os.environ.get("TTHC_REPORTS_DIR") or PROJECT_ROOT / "reports")


def write_workbook(conninfo: str, report_date: date, snapshot_version: int,
                   folder: Path, tree_code: str | None = None,
                   unit_code: str | None = None) -> Path:
    """Write (once) the workbook of a snapshot version of report tree ``tree_code`` (default:
    the configured default tree) into ``folder``; return its path. With ``unit_code``, the
    workbook of that unit's subtree only (its rows, regressions and drill-down dossiers), for
    the unit's head, named after the version's file with the unit code appended."""
    [path] = write_workbooks(conninfo, report_date, snapshot_version, folder, tree_code,
                             (unit_code,))
    return path


def write_workbooks(conninfo: str, report_date: date, snapshot_version: int, folder: Path,
                    tree_code: str | None = None,
                    unit_codes: Sequence[str | None] = (None,)) -> list[Path]:
    """Write (once each) workbooks of a snapshot version: the version's own (unit code None)
    and those of units' subtrees (write_workbook). The version's figures are read once for all
    of them, and not at all when every file already exists (a retried or cleared task)."""
    tree_code = sources.tree_or_default(tree_code)
    params = {"tree_code": tree_code, "report_date": report_date,
              "snapshot_version": snapshot_version}
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        conn.execute("set timezone to 'Asia/Ho_Chi_Minh'")
        snapshot = conn.execute(read_sql("report/snapshot_info.sql"), params).fetchone()
        if snapshot is None:
            raise LookupError(f"no snapshot version {snapshot_version} of report {report_date}"
                              f" of tree {tree_code}")
        version_path = folder / snapshot["report_file"]
        paths = [version_path if unit_code is None else version_path.with_name(
                     f"{version_path.stem}_{_file_safe(unit_code)}{version_path.suffix}")
                 for unit_code in unit_codes]
        missing = [(unit_code, path) for unit_code, path in zip(unit_codes, paths, strict=True)
                   if not path.exists()]
        if missing:
            figures = _version_figures(conn, params, tree_code, report_date)
    for unit_code, path in missing:
        _save(path, snapshot, figures, unit_code)
    return paths


def _version_figures(conn: psycopg.Connection, params: dict[str, Any], tree_code: str,
                     report_date: date) -> dict[str, list[dict]]:
    """Everything a workbook of the version shows, for the whole tree."""
    return {
        "rows": conn.execute(read_sql("report/workbook_rows.sql"), params).fetchall(),
        "regressions": conn.execute(read_sql("report/workbook_regressions.sql"),
                                    params).fetchall(),
        "dossiers": conn.execute(read_sql("report/workbook_regression_dossiers.sql"),
                                 {**params, "max_dossiers": MAX_DOSSIERS_PER_LIST}).fetchall(),
        "unit_changes": conn.execute(read_sql("report/unit_changes.sql"), params).fetchall(),
        "compliance": conn.execute(read_sql("report/workbook_compliance.sql"),
                                   params).fetchall(),
        "scorecards": scorecard_rows(conn, tree_code, report_date),
    }


def _save(path: Path, snapshot: dict[str, Any], figures: dict[str, list[dict]],
          unit_code: str | None) -> None:
    """Build and save one workbook: the whole tree's, or ``unit_code``'s subtree's."""
    rows, regressions, dossiers = figures["rows"], figures["regressions"], figures["dossiers"]
    compliance, scorecards = figures["compliance"], figures["scorecards"]
    if unit_code is not None:
        rows, regressions, dossiers = _subtree_only(unit_code, rows, regressions, dossiers)
        in_subtree = {r["unit_code"] for r in rows}
        compliance = [c for c in compliance if c["unit_code"] in in_subtree]
        scorecards = [row for row in scorecards if row["unit_code"] in in_subtree]
        snapshot = {**snapshot, "unit_scope": next(f"{r['unit_name']} ({unit_code})"
                                                   for r in rows if r["unit_code"] == unit_code)}
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = _build(snapshot, rows, regressions, figures["unit_changes"], dossiers, compliance,
                      scorecards)
    partial = path.with_name(f".{path.name}.partial")
    workbook.save(partial)
    partial.replace(path)  # atomic: a crash never leaves a half-written report under its name


def _subtree_only(unit_code: str, rows: list[dict], regressions: list[dict],
                  dossiers: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """The rows, regressions and drill-down dossiers of ``unit_code``'s subtree."""
    subtree = {r["unit_code"] for r in rows if unit_code in r["tree_path"].split("/")}
    if not subtree:
        raise LookupError(f"unit {unit_code} has no row in this version")
    return ([r for r in rows if r["unit_code"] in subtree],
            [r for r in regressions if r["unit_code"] in subtree],
            [d for d in dossiers if d["unit_code"] in subtree])


def _file_safe(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]", "_", text)


def _build(snapshot: dict[str, Any], rows: list[dict], regressions: list[dict],
           unit_changes: Sequence[dict] = (), dossiers: Sequence[dict] = (),
           compliance: Sequence[dict] = (), scorecards: Sequence[dict] = ()):
    from openpyxl import Workbook

    workbook = Workbook()
    info = workbook.active
    info.title = "Thông tin báo cáo"
    _info_sheet(info, snapshot)
    _unit_change_lines(info, unit_changes)
    for title, columns in SHEETS.items():
        _table_sheet(workbook.create_sheet(title), (*UNIT_COLUMNS, *columns), rows)
    regression_sheet = workbook.create_sheet("Đơn vị tụt hạng")
    labelled = [{**r, "indicator": INDICATOR_NAMES.get(r["indicator"], r["indicator"])}
                for r in regressions]
    _table_sheet(regression_sheet, REGRESSION_COLUMNS, labelled)
    if not labelled:
        has_previous = any(row.get("prev_overall_colour") for row in rows)
        _none_line(regression_sheet, NO_REGRESSION if has_previous else NO_PREVIOUS_REPORT)
    _drilldown_sheet(workbook.create_sheet(DRILLDOWN_SHEET), dossiers)
    if not labelled:
        _none_line(workbook[DRILLDOWN_SHEET],
                   NO_REGRESSION if has_previous else NO_PREVIOUS_REPORT)
    compliance_sheet = workbook.create_sheet(COMPLIANCE_SHEET)
    _table_sheet(compliance_sheet, (*UNIT_COLUMNS, *COMPLIANCE_COLUMNS), list(compliance))
    if not compliance:
        _none_line(compliance_sheet, NO_COMPLIANCE)
    _scorecard_sheets(workbook, scorecards, rows)
    published = snapshot["published_at"].replace(tzinfo=None)
    replaced = getattr(workbook, "tthc_replaced_characters", 0)
    if replaced:
        log.warning("report %s v%s: %d control characters a workbook cannot hold were replaced"
                    " by U+FFFD", snapshot["report_date"], snapshot["snapshot_version"], replaced)
        row_no = info.max_row + 1
        _text(info.cell(row_no, 1), REPLACED_LABEL).font = _bold()
        info.cell(row_no, 2).value = replaced
    for sheet in workbook.worksheets:
        _print_setup(sheet)
    workbook.properties.creator = "tthc-pipeline"
    workbook.properties.title = f"Báo cáo Chỉ thị 04 ngày {snapshot['report_date']:%d/%m/%Y}"
    workbook.properties.created = published
    workbook.properties.modified = published
    return workbook


# The 766 and PAR sheets (issue 15, item 5): the scores the Friday published, unit by unit.
SCORECARD_SHEETS = {"cs766": "Chỉ số 766", "par_qn": "PAR Quảng Ninh"}
SCORECARD_COLUMNS = (
    *UNIT_COLUMNS,
    Column("period_label", "Kỳ", "text"),
    Column("forecast_label", "Dự báo / Chính thức", "text"),
    Column("item_label", "Chỉ tiêu", "text"),
    Column("label", "Nội dung", "text"),
    Column("numerator", "Tử số", "number"),
    Column("denominator", "Mẫu số", "number"),
    RATIO_COLUMN := Column("ratio", "Tỷ lệ", "ratio"),
    Column("points", "Điểm đạt", "points"),
    Column("max_points", "Điểm tối đa", "points"),
    Column("flag_label", "Ghi chú", "text"),
)
PERIOD_ORDER = {"month": 0, "quarter": 1, "ytd": 2}
FORECAST = "Dự báo"
FINAL = "Chính thức"
TOTAL_ITEM = "Tổng"
TOTAL_LABEL = "Tổng điểm các chỉ tiêu tính được"
ZERO_DENOMINATOR_NOTES = {
    "full_points": "Không phát sinh (mẫu số bằng 0): đủ điểm",
    "zero": "Không phát sinh (mẫu số bằng 0): 0 điểm",
}
ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def scorecard_rows(conn: psycopg.Connection, tree_code: str, report_date: date) -> list[dict]:
    """Every item and total row of the scorecard periods the Friday ``report_date`` published
    for the tree (mart.scorecard_item, the latest version of each), with the item labels of
    that version's configuration; none when the scorecards were not published."""
    from tthc_pipeline.report.period import ReportPeriod

    return conn.execute(read_sql("report/workbook_scorecards.sql"),
                        {"tree_code": tree_code,
                         "cutoff": ReportPeriod(report_date).cutoff}).fetchall()


def _scorecard_sheets(workbook, scorecards: Sequence[dict], rows: Sequence[dict]) -> None:
    """One sheet per scorecard: for each published period (finals, then the month-, quarter-
    and year-to-date forecasts) a heading line, then every unit in tree order, its items and
    its total; under the column headings, what the total is out of and what is not counted."""
    units = {row["unit_code"]: (position, row) for position, row in enumerate(rows)}
    for scorecard, title in SCORECARD_SHEETS.items():
        sheet = workbook.create_sheet(title)
        _table_sheet(sheet, SCORECARD_COLUMNS, [])
        sheet.column_dimensions["G"].width = 48  # the item's label
        own = [row for row in scorecards if row["scorecard"] == scorecard]
        if not own:
            _none_line(sheet, f"Chưa có điểm {title} được công bố cho ngày báo cáo này")
            continue
        for note in scorecard_notes(own):
            _note_line(sheet, note)
        for period_rows in _by_period(own):
            _note_line(sheet, period_heading(period_rows[0]), bold=True)
            # rows numbered here: sheet.max_row scans every cell, quadratic over a province
            first_row = sheet.max_row + 1
            ordered = sorted(period_rows, key=lambda r: _unit_item_order(r, units))
            for row_no, row in enumerate(ordered, start=first_row):
                _scorecard_row(sheet, row_no, row, units)


def scorecard_notes(rows: Sequence[dict]) -> list[str]:
    """What the sheet's totals are out of, what the scorecard cannot compute, and how an item
    with a zero denominator scores (from the published configuration)."""
    first = rows[0]
    possible = next((r["max_points"] for r in rows if r["item"] == "total"), None)
    notes = []
    if first["scorecard"] == "cs766":
        notes.append(f"Tổng điểm là điểm trên {_number(possible)} điểm của các chỉ tiêu tính"
                     " được từ dữ liệu một cửa, không phải trên 100 điểm của Bộ chỉ số 766.")
    elif possible is not None:
        notes.append(f"Tổng điểm tối đa {_number(possible)} điểm (tiêu chí 3.3–3.6).")
    if first.get("not_computable"):
        notes.append(f"Không tính: {first['not_computable']}")
    if first.get("zero_denominator") in ZERO_DENOMINATOR_NOTES:
        notes.append(f"{ZERO_DENOMINATOR_NOTES[first['zero_denominator']]}.")
    notes.append(f"{FORECAST}: kỳ chưa kết thúc, số liệu tính đến 00:00 ngày báo cáo.")
    return notes


def period_heading(row: Mapping[str, Any]) -> str:
    """E.g. "Tháng 03/2026: 01/03/2026 – 12/03/2026 (Dự báo, số liệu đến 00:00 13/03/2026;
    phiên bản 1)"."""
    from datetime import timedelta

    as_of = row["as_of"]
    last_day = min(row["period_end"], as_of.date()) - timedelta(days=1)
    status = FORECAST if row["is_forecast"] else FINAL
    return (f"{period_label(row['period_type'], row['period_start'])}:"
            f" {row['period_start']:%d/%m/%Y} – {last_day:%d/%m/%Y} ({status}, số liệu đến"
            f" {as_of:%H:%M %d/%m/%Y}; phiên bản {row['version']})")


def period_label(period_type: str, start: date) -> str:
    if period_type == "month":
        return f"Tháng {start:%m/%Y}"
    if period_type == "quarter":
        return f"Quý {ROMAN_QUARTERS[(start.month - 1) // 3 + 1]}/{start.year}"
    return f"Năm {start.year} (từ đầu năm)"


def _by_period(rows: Sequence[dict]) -> list[list[dict]]:
    """The rows grouped by period: finals first, then month, quarter and year to date."""
    periods: dict[tuple, list[dict]] = {}
    for row in rows:
        periods.setdefault((row["period_type"], row["period_start"], row["as_of"]),
                           []).append(row)
    return sorted(periods.values(), key=lambda group: (
        group[0]["is_forecast"], group[0]["as_of"], PERIOD_ORDER[group[0]["period_type"]]))


def _unit_item_order(row: Mapping[str, Any], units: Mapping[str, tuple]) -> tuple:
    position = units.get(row["unit_code"], (len(units), None))[0]
    return position, row["unit_code"], row["item"] == "total", _item_key(row["item"])


def _item_key(item: str) -> tuple:
    """2.1 < 3.5a < 3.5b < 4.1 < 10.1, as the items are numbered."""
    major, _, minor = item.partition(".")
    digits = re.match(r"\d*", minor).group()
    return (int(major) if major.isdigit() else 0, int(digits) if digits else 0,
            minor[len(digits):])


def _scorecard_row(sheet, row_no: int, row: Mapping[str, Any],
                   units: Mapping[str, tuple]) -> None:
    unit = units.get(row["unit_code"], (None, {}))[1]
    is_total = row["item"] == "total"
    labelled = {
        **row,
        "period_label": period_label(row["period_type"], row["period_start"]),
        "forecast_label": FORECAST if row["is_forecast"] else FINAL,
        "unit_name": unit.get("unit_name", ""),
        "unit_level": unit.get("unit_level"),
        "item_label": TOTAL_ITEM if is_total else row["item"],
        "label": TOTAL_LABEL if is_total else row.get("item_text") or "",
        "flag_label": ("Không phát sinh" if row["flag"] == "khong_phat_sinh" else ""),
    }
    _table_row(sheet, row_no, SCORECARD_COLUMNS, labelled)
    ratio = sheet.cell(row_no, SCORECARD_COLUMNS.index(RATIO_COLUMN) + 1)
    if row.get("item_rule") == "tracked":  # 2.2: a mean in working days, not a share
        ratio.number_format = "0.00"
    if is_total:
        for col_no in range(1, len(SCORECARD_COLUMNS) + 1):
            sheet.cell(row_no, col_no).font = _bold()


NOTE_CHARACTERS_PER_LINE = 200  # about the scorecard table's width, printed on A4 landscape


def _note_line(sheet, text: str, bold: bool = False) -> None:
    """A line across the table (merged over its columns, wrapped): printed one page wide, a
    long note must not run off the page."""
    from math import ceil

    from openpyxl.styles import Alignment, Font

    row_no = sheet.max_row + 1
    cell = _text(sheet.cell(row_no, 1), text)
    cell.font = Font(bold=bold, italic=not bold)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row_no, start_column=1, end_row=row_no,
                      end_column=len(SCORECARD_COLUMNS))
    sheet.row_dimensions[row_no].height = 15 * ceil(len(text) / NOTE_CHARACTERS_PER_LINE)


def _number(value: Any) -> str:
    """52 as "52", 4.5 as "4,50" (Vietnamese decimal comma)."""
    if value is None:
        return "?"
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".replace(".", ",")


def _scope_line(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    """What the report covers: its report tree and the source systems it sums."""
    if not snapshot.get("tree_code"):
        return []
    name = snapshot.get("tree_name") or snapshot["tree_code"]
    return [("Phạm vi", f"{name} ({snapshot['tree_code']});"
                        f" nguồn: {', '.join(snapshot.get('source_codes') or [])}")]


def _info_sheet(sheet, snapshot: dict[str, Any]) -> None:
    start, end = snapshot["period_start"], snapshot["period_end"]
    lines = [
        ("Báo cáo", "Tình hình giải quyết TTHC theo Chỉ thị 04/CT-UBND"),
        *_scope_line(snapshot),
        *([("Đơn vị", snapshot["unit_scope"])] if snapshot.get("unit_scope") else []),
        ("Ngày báo cáo", snapshot["report_date"]),
        ("Kỳ báo cáo", f"{start:%H:%M %d/%m/%Y} – trước {end:%H:%M %d/%m/%Y} (giờ Việt Nam)"),
        ("Phiên bản", snapshot["snapshot_version"]),
        ("Thời điểm công bố", snapshot["published_at"]),
        ("Số đơn vị", snapshot["unit_count"]),
    ]
    names = {"on_time_rate": "Ngưỡng tỷ lệ đúng hạn", "online_rate": "Ngưỡng tỷ lệ trực tuyến",
             "online_payment_rate": "Ngưỡng tỷ lệ thanh toán trực tuyến"}
    for indicator, cuts in snapshot["thresholds"].items():
        lines.append((names.get(indicator, indicator), ", ".join(
            f"{COLOUR_NAMES[c]} ≥ {v:.0%}" for c, v in cuts.items())))
    parked = parked_lines(snapshot["parked_by_rule"])
    lines.append(("Bản ghi chờ dữ liệu tham chiếu (chưa tính)",
                  "\n".join(parked) if parked else "Không có / none"))
    lines += [("Cảnh báo", warning) for warning in parked_warnings(
        snapshot["parked_in_period"], snapshot["max_parked_share"])]
    for row_no, (label, value) in enumerate(lines, start=1):
        _text(sheet.cell(row_no, 1), label).font = _bold()
        _value(sheet.cell(row_no, 2), value)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 70


UNIT_CHANGE_LABELS = {"appeared": "Đơn vị mới so với báo cáo tuần trước",
                      "disappeared": "Đơn vị không còn so với báo cáo tuần trước"}


def _unit_change_lines(sheet, unit_changes: Sequence[dict]) -> None:
    """The units that appeared and disappeared since the previous report (sáp nhập, giải thể)."""
    for change, label in UNIT_CHANGE_LABELS.items():
        units = [f"{u['unit_code']} {u['unit_name']}" for u in unit_changes
                 if u["change"] == change]
        row_no = sheet.max_row + 1
        _text(sheet.cell(row_no, 1), label).font = _bold()
        _text(sheet.cell(row_no, 2), "\n".join(units) if units else "Không có / none")


def _table_sheet(sheet, columns: Sequence[Column], rows: list[dict]) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for col_no, column in enumerate(columns, start=1):
        cell = _text(sheet.cell(1, col_no), column.heading)
        cell.font = _bold()
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col_no)].width = (
            40 if column.field == "unit_name" else 16)
    for row_no, row in enumerate(rows, start=2):
        _table_row(sheet, row_no, columns, row)
    sheet.freeze_panes = "D2" if columns[0].field == "unit_code" else "A2"


def _table_row(sheet, row_no: int, columns: Sequence[Column], row: Mapping[str, Any]) -> None:
    from openpyxl.styles import PatternFill

    for col_no, column in enumerate(columns, start=1):
        cell = sheet.cell(row_no, col_no)
        value = row.get(column.field)
        if column.kind == "colour":
            _text(cell, COLOUR_NAMES.get(value, "") if value else "")
            if value:
                cell.fill = PatternFill("solid", fgColor=COLOUR_FILLS[value])
        elif column.kind == "rate":
            cell.value = None if value is None else float(value)
            cell.number_format = "0.00%"
        elif column.kind == "text":
            _text(cell, _display((column.labels or {}).get(value, value)))
        elif column.kind == "date":
            if value is not None:
                _value(cell, value)
        elif column.kind in NUMBER_FORMATS:
            cell.value = value
            cell.number_format = NUMBER_FORMATS[column.kind]
        else:
            cell.value = value


def _drilldown_sheet(sheet, dossiers: Sequence[dict]) -> None:
    """The listed dossiers (at most MAX_DOSSIERS_PER_LIST per unit and indicator, worst first),
    each list followed by a line counting the dossiers it leaves out."""
    from openpyxl.styles import Font

    _table_sheet(sheet, DRILLDOWN_COLUMNS, [])
    row_no = 1
    for dossier in dossiers:
        row_no += 1
        _table_row(sheet, row_no, DRILLDOWN_COLUMNS, {
            **dossier, "reason": "; ".join(REASON_NAMES.get(r, r)
                                           for r in dossier["reason"].split(", "))})
        rest = dossier["dossiers_in_list"] - dossier["position_in_list"]
        if dossier["position_in_list"] == MAX_DOSSIERS_PER_LIST and rest > 0:
            row_no += 1
            _table_row(sheet, row_no, DRILLDOWN_COLUMNS[:4], dossier)
            _text(sheet.cell(row_no, 5), more_dossiers_line(rest)).font = Font(italic=True)


def more_dossiers_line(count: int) -> str:
    """The line under a list cut at MAX_DOSSIERS_PER_LIST: how many dossiers it leaves out."""
    return (f"… và {count} hồ sơ khác (danh sách đầy đủ:"
            " mart.chi_thi_04_regression_dossiers)")


def _none_line(sheet, text: str) -> None:
    """Say in the first data row that the sheet has no rows, rather than print headings only."""
    from openpyxl.styles import Font

    _text(sheet.cell(2, 1), text).font = Font(italic=True)


def _print_setup(sheet) -> None:
    """A4 landscape, every column on one page wide (as many pages down as it takes), the
    heading row on every page, page numbers in the footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # without it Excel ignores fitTo*
    sheet.print_title_rows = "1:1"
    sheet.oddFooter.center.text = "Trang &P / &N"


def _value(cell, value: Any):
    """A number, date or time as itself (Excel can sort and sum it); anything else as text."""
    from openpyxl.styles import Alignment

    if isinstance(value, str):
        return _text(cell, value)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)  # already local: the session runs in local time
        cell.number_format = "hh:mm:ss dd/mm/yyyy"
    elif isinstance(value, date):
        cell.number_format = "dd/mm/yyyy"
    cell.value = value
    cell.alignment = Alignment(horizontal="left")
    return cell


def _text(cell, value: str):
    """Put ``value`` in ``cell`` as a plain string: openpyxl would turn '=…' into a formula.
    Characters no cell can hold become U+FFFD, counted on the workbook."""
    value, replaced = excel_safe(value)
    if replaced:
        workbook = cell.parent.parent
        workbook.tthc_replaced_characters = (
            getattr(workbook, "tthc_replaced_characters", 0) + replaced)
    cell.value = value
    cell.data_type = "s"
    return cell


def excel_safe(value: str) -> tuple[str, int]:
    """``value`` with every character a workbook cell cannot hold as U+FFFD, and their count."""
    return EXCEL_ILLEGAL.subn(EXCEL_REPLACEMENT, value)


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return str(value)


def _bold():
    from openpyxl.styles import Font

    return Font(bold=True)

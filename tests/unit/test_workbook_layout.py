"""The workbook as an official prints and reads it: level names, numbers as numbers, print
setup on every sheet, and an explicit line where a sheet has no rows."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tthc_pipeline.report.workbook import (
    NO_PREVIOUS_REPORT,
    NO_REGRESSION,
    SCORECARD_COLUMNS,
    _build,
    period_heading,
)

pytestmark = pytest.mark.unit

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
LEVELS = {"tinh": "Tỉnh", "so": "Sở/ban/ngành", "huyen": "Huyện", "phong": "Phòng", "xa": "Xã"}


def snapshot() -> dict:
    return {
        "report_date": date(2026, 3, 13), "snapshot_version": 2, "unit_count": 5,
        "period_start": datetime(2026, 3, 6, tzinfo=LOCAL),
        "period_end": datetime(2026, 3, 13, tzinfo=LOCAL),
        "published_at": datetime(2026, 3, 13, 8, 15, 30, tzinfo=LOCAL),
        "thresholds": {"on_time_rate": {"xanh": 0.98, "vang": 0.95, "cam": 0.9}},
        "parked_by_rule": {}, "parked_in_period": {}, "max_parked_share": None,
    }


def unit_row(code: str, level: str, previous: str | None = "xanh") -> dict:
    return {"unit_code": code, "unit_name": f"Đơn vị {code}", "unit_level": level,
            "received": 10, "on_time_rate": 0.95, "overall_colour": "xanh",
            "prev_overall_colour": previous, "regressed": False}


def saved(tmp_path, rows: list[dict], regressions: list[dict]):
    """The workbook written to a file and opened again, as an official's Excel would."""
    from openpyxl import load_workbook

    path = tmp_path / "report.xlsx"
    _build(snapshot(), rows, regressions).save(path)
    return load_workbook(path)


def level_rows(previous: str | None = "xanh") -> list[dict]:
    return [unit_row(f"U{i}", level, previous) for i, level in enumerate(LEVELS)]


def test_the_level_column_shows_vietnamese_names(tmp_path):
    regression = {"unit_code": "U4", "unit_name": "Đơn vị U4", "unit_level": "xa",
                  "indicator": "on_time", "previous_colour": "xanh", "colour": "vang"}
    book = saved(tmp_path, level_rows(), [regression])
    for sheet in book.worksheets[1:]:
        assert sheet.cell(1, 3).value == "Cấp", sheet.title
    received = book["Tiếp nhận - Giải quyết"]
    assert [received.cell(row, 3).value for row in range(2, 7)] == list(LEVELS.values())
    assert book["Đơn vị tụt hạng"].cell(2, 3).value == "Xã"


def test_the_information_sheet_holds_numbers_and_dates_as_such(tmp_path):
    info = saved(tmp_path, level_rows(), [])["Thông tin báo cáo"]
    cells = {row[0].value: row[1] for row in info.iter_rows()}
    assert (cells["Phiên bản"].value, cells["Phiên bản"].data_type) == (2, "n")
    assert (cells["Số đơn vị"].value, cells["Số đơn vị"].data_type) == (5, "n")
    assert cells["Ngày báo cáo"].value == datetime(2026, 3, 13)  # openpyxl reads dates back so
    assert cells["Ngày báo cáo"].number_format == "dd/mm/yyyy"
    assert cells["Thời điểm công bố"].value == datetime(2026, 3, 13, 8, 15, 30)  # local time
    assert cells["Báo cáo"].data_type == "s"


def test_every_sheet_prints_on_a4_landscape_one_page_wide_with_its_headings(tmp_path):
    book = saved(tmp_path, level_rows(), [])
    assert len(book.worksheets) == 10  # the drill-down and compliance sheets (issue 16), 766, PAR
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation) == (9, "landscape"), sheet.title  # 9 = A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title


def test_a_report_without_regressions_says_so(tmp_path):
    sheet = saved(tmp_path, level_rows(), [])["Đơn vị tụt hạng"]
    assert sheet.cell(1, 1).value == "Mã đơn vị"
    assert (sheet.cell(2, 1).value, sheet.max_row) == (NO_REGRESSION, 2)


def test_a_first_report_says_there_is_nothing_to_compare_with(tmp_path):
    sheet = saved(tmp_path, level_rows(previous=None), [])["Đơn vị tụt hạng"]
    assert sheet.cell(2, 1).value == NO_PREVIOUS_REPORT
    assert NO_PREVIOUS_REPORT.startswith("Không có đơn vị tụt hạng")


def scorecard_row(item: str, points, max_points, **fields) -> dict:
    return {"scorecard": "cs766", "period_type": "month", "period_start": date(2026, 3, 1),
            "period_end": date(2026, 4, 1), "as_of": datetime(2026, 3, 13, tzinfo=LOCAL),
            "is_forecast": True, "version": 1, "unit_code": "U0", "item": item,
            "item_text": f"Chỉ tiêu {item}", "item_rule": "linear", "numerator": 1,
            "denominator": 2, "ratio": 0.5, "points": points, "max_points": max_points,
            "flag": None,
            "not_computable": "Nhóm 1, nhóm 5", "zero_denominator": "full_points", **fields}


def test_the_scorecard_sheets_have_vietnamese_headings_and_print_on_a4(tmp_path):
    from openpyxl import load_workbook

    rows = [scorecard_row("2.2", 0, 0, item_rule="tracked", ratio=3.75),
            scorecard_row("2.1", 10, 20, flag="khong_phat_sinh"),
            scorecard_row("total", 10, 52, numerator=None, denominator=None, ratio=None)]
    path = tmp_path / "report.xlsx"
    _build(snapshot(), level_rows(), [], scorecards=rows).save(path)
    book = load_workbook(path)
    sheet = book["Chỉ số 766"]
    assert [cell.value for cell in sheet[1]] == [c.heading for c in SCORECARD_COLUMNS]
    assert [cell.value for cell in sheet[1]][:7] == [
        "Mã đơn vị", "Tên đơn vị", "Cấp", "Kỳ", "Dự báo / Chính thức", "Chỉ tiêu", "Nội dung"]
    lines = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    table = [row for row in lines if row[0] == "U0"]
    assert [row[5] for row in table] == ["2.1", "2.2", "Tổng"]  # items in order, total last
    assert table[0][2] == "Tỉnh" and table[0][3] == "Tháng 03/2026"
    assert table[0][12] == "Không phát sinh" and table[0][4] == "Dự báo"
    assert sheet.cell(lines.index(table[1]) + 2, 10).number_format == "0.00"  # 2.2: days
    assert sheet.cell(lines.index(table[0]) + 2, 10).number_format == "0.00%"
    assert "không phải trên 100 điểm" in lines[0][0]
    par = book["PAR Quảng Ninh"]
    assert par.cell(2, 1).value.startswith("Chưa có điểm PAR Quảng Ninh")
    for printed in (sheet, par):
        assert (printed.page_setup.paperSize, printed.page_setup.orientation) == (9, "landscape")
        assert printed.print_title_rows == "$1:$1"


def test_a_final_period_heading_says_so():
    row = scorecard_row("total", 10, 52, period_type="quarter", period_start=date(2026, 1, 1),
                        as_of=datetime(2026, 4, 1, tzinfo=LOCAL), is_forecast=False, version=2)
    assert period_heading(row) == ("Quý I/2026: 01/01/2026 – 31/03/2026 (Chính thức, số liệu"
                                   " đến 00:00 01/04/2026; phiên bản 2)")

"""The 766 and PAR sheets of the workbook and the 766 and PAR lines of the Friday summary
(issue 15, item 5), over the hand-made province of test_scorecard_publish.py, whose numbers are
worked out by hand there: 766 month to date S1 36.9/52, S2 22/52, the root T 31.8453/52; PAR
year to date T 2.4833/4.5, S2 1.5/4.5.

Worked out by hand here, for the summary: the 766 year to date [1/1, 13/3).
    S1 has no dossier before March: its year is its month, 36.9 (lost 15.1).
    S2 (D5 overdue, D6 paused, D7 finished on time in February, with an e-result, paid online):
      2.1 2 of 3 → 13.3333; 3.1 0 of 1 → 0; 3.2 no online service → 4 (khong_phat_sinh);
      3.3 0 of 3 → 0; 3.5a 1 of 1 → 2; 3.5b 1 of 1 → 2; 3.6 1 of 2 → 3; 4.1 1 of 1 → 6;
      4.3, 4.5b 0 of 3 → 0: 30.3333 (lost 21.6667).
    T: 2.1 5 of 8 (D1, D4, D7 finished on time; D6, D8 within) → 12.5; 3.1 2 of 3 → 1.6667;
      3.2 2 of 2 → 4; 3.3 4 of 8 → 6; 3.5a, 3.5b 2 of 2 → 2 + 2; 3.6 2 of 3 → 4;
      4.1 2 of 5 → 2.4; 4.3 2 of 8 → 0.625; 4.5b 1 of 8 → 0.25: 35.4417.
"""

from __future__ import annotations

import pytest
from pytest import approx
from test_scorecard_publish import FRIDAY, province  # noqa: F401 (the fixture)

from tthc_pipeline.report.snapshot import publish_snapshot
from tthc_pipeline.report.summary import regression_summary
from tthc_pipeline.report.workbook import SCORECARD_COLUMNS, write_workbook
from tthc_pipeline.scorecards.publish import publish_scorecards

pytestmark = pytest.mark.integration

HEADINGS = [column.heading for column in SCORECARD_COLUMNS]


@pytest.fixture
def friday(province) -> dict:  # noqa: F811
    version = publish_snapshot(province, FRIDAY).snapshot_version
    publish_scorecards(province, FRIDAY)
    return {"warehouse": province, "version": version}


def table(sheet) -> dict[tuple[str, str, str], dict]:
    """{(period, unit, item): row as {heading: value}} of the sheet's table rows."""
    rows = {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        row = dict(zip(HEADINGS, values, strict=False))
        if row["Chỉ tiêu"]:  # not a note or period line (those are in the first column only)
            rows[(row["Kỳ"], row["Mã đơn vị"], row["Chỉ tiêu"])] = row
    return rows


def first_column(sheet) -> list[str]:
    return [row[0] for row in sheet.iter_rows(values_only=True)]


def test_the_766_sheet_shows_every_unit_s_items_and_total_by_period(friday, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(write_workbook(friday["warehouse"], FRIDAY, friday["version"],
                                        tmp_path))
    assert book.sheetnames[-2:] == ["Chỉ số 766", "PAR Quảng Ninh"]
    sheet = book["Chỉ số 766"]
    assert [cell.value for cell in sheet[1]] == HEADINGS
    rows = table(sheet)
    month = "Tháng 03/2026"
    assert {unit: rows[(month, unit, "Tổng")]["Điểm đạt"] for unit in ("T", "S1", "S2")} == {
        "T": approx(31.8453), "S1": approx(36.9), "S2": 22}
    assert rows[(month, "S1", "Tổng")]["Điểm tối đa"] == 52
    assert rows[(month, "S1", "2.1")] == {
        "Kỳ": month, "Dự báo / Chính thức": "Dự báo", "Mã đơn vị": "S1",
        "Tên đơn vị": "Sở Một", "Cấp": "Sở/ban/ngành", "Chỉ tiêu": "2.1",
        "Nội dung": "Tỷ lệ hồ sơ giải quyết đúng hạn (kể cả hồ sơ đang giải quyết trong hạn)",
        "Tử số": 3, "Mẫu số": 5, "Tỷ lệ": approx(0.6), "Điểm đạt": 12, "Điểm tối đa": 20,
        "Ghi chú": None}
    assert {item for (period, unit, item), row in rows.items()
            if (period, unit) == (month, "S2") and row["Ghi chú"] == "Không phát sinh"} == {
        "2.2", "3.2", "4.1"}
    assert {period for period, _, _ in rows} == {month, "Quý I/2026", "Năm 2026 (từ đầu năm)"}
    assert {row["Dự báo / Chính thức"] for row in rows.values()} == {"Dự báo"}
    # the units in tree order, the items in their order, the total last
    units_items = [(unit, item) for (period, unit, item) in rows if period == month]
    assert units_items[:12] == [("T", item) for item in (
        "2.1", "2.2", "3.1", "3.2", "3.3", "3.5a", "3.5b", "3.6", "4.1", "4.3", "4.5b", "Tổng")]
    notes = " ".join(str(value) for value in first_column(sheet)[1:6])
    assert "trên 52 điểm" in notes and "không phải trên 100 điểm" in notes
    assert "Nhóm 1 (công khai, minh bạch; 18 điểm)" in notes
    assert "Không phát sinh (mẫu số bằng 0): đủ điểm" in notes
    assert ("Tháng 03/2026: 01/03/2026 – 12/03/2026 (Dự báo, số liệu đến 00:00 13/03/2026;"
            " phiên bản 1)") in first_column(sheet)


def test_the_par_sheet_shows_the_year_to_date(friday, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(write_workbook(friday["warehouse"], FRIDAY, friday["version"],
                                        tmp_path))
    sheet = book["PAR Quảng Ninh"]
    rows = table(sheet)
    year = "Năm 2026 (từ đầu năm)"
    assert {period for period, _, _ in rows} == {year}
    assert rows[(year, "T", "Tổng")]["Điểm đạt"] == approx(2.4833)
    assert rows[(year, "S2", "Tổng")]["Điểm đạt"] == approx(1.5)
    assert rows[(year, "S2", "Tổng")]["Điểm tối đa"] == approx(4.5)
    assert rows[(year, "T", "3.3")]["Điểm đạt"] == 0  # 1 of 2 eligible: under the 0.90 cut
    assert {item for (_, unit, item), row in rows.items()
            if unit == "S2" and row["Ghi chú"] == "Không phát sinh"} == {"3.3", "3.6b"}
    notes = " ".join(str(value) for value in first_column(sheet)[1:5])
    assert "Tổng điểm tối đa 4,50 điểm" in notes and "0 điểm" in notes


def test_a_unit_workbook_shows_its_subtree_s_scores_only(friday, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(write_workbook(friday["warehouse"], FRIDAY, friday["version"],
                                        tmp_path, unit_code="S2"))
    assert {unit for _, unit, _ in table(book["Chỉ số 766"])} == {"S2"}
    assert {unit for _, unit, _ in table(book["PAR Quảng Ninh"])} == {"S2"}


def test_a_workbook_before_the_scorecards_says_they_are_not_published(province, tmp_path):  # noqa: F811
    from openpyxl import load_workbook

    version = publish_snapshot(province, FRIDAY).snapshot_version
    book = load_workbook(write_workbook(province, FRIDAY, version, tmp_path))
    assert first_column(book["Chỉ số 766"])[1] == (
        "Chưa có điểm Chỉ số 766 được công bố cho ngày báo cáo này")


def test_the_summary_names_the_766_forecast_and_the_units_that_lost_most(friday):
    text = regression_summary(friday["warehouse"], FRIDAY, friday["version"])
    assert ("Chỉ số 766 dự báo / 766 forecast, UBND tỉnh (T):"
            " tháng 03/2026 31.85/52 (chưa có số thứ Sáu trước / no previous Friday);"
            " năm 2026 35.44/52 (chưa có số thứ Sáu trước / no previous Friday)."
            " Trên 52 điểm tính được, không phải 100 / out of the computable points, not 100."
            ) in text.splitlines()
    lines = text.splitlines()
    start = lines.index("2 đơn vị mất nhiều điểm 766 nhất từ đầu năm / units that lost the"
                        " most 766 points year to date:")
    assert lines[start + 1:start + 3] == [
        "  - Sở Hai (S2): mất 21.67 điểm, đạt 30.33/52",
        "  - Sở Một (S1): mất 15.1 điểm, đạt 36.9/52"]
    shortened = regression_summary(friday["warehouse"], FRIDAY, friday["version"], max_units=1)
    assert "Chỉ số 766 dự báo / 766 forecast, UBND tỉnh (T):" in shortened
    assert "Chỉ số CCHC PAR tiêu chí 3.3–3.6 dự báo / PAR forecast, UBND tỉnh (T)" in shortened
    assert "mất nhiều điểm 766" not in shortened  # a shortened summary names no other units


def test_the_summary_names_the_par_forecast(friday):
    lines = regression_summary(friday["warehouse"], FRIDAY, friday["version"]).splitlines()
    assert ("Chỉ số CCHC PAR tiêu chí 3.3–3.6 dự báo / PAR forecast, UBND tỉnh (T): năm 2026"
            " 2.48/4.5 (chưa có số thứ Sáu trước / no previous Friday).") in lines


def test_the_summary_changes_since_the_previous_friday(friday):
    from datetime import date

    later = date(2026, 3, 20)
    version = publish_snapshot(friday["warehouse"], later).snapshot_version
    publish_scorecards(friday["warehouse"], later)
    text = regression_summary(friday["warehouse"], later, version)
    [line] = [line for line in text.splitlines() if line.startswith("Chỉ số 766 dự báo")]
    assert "so với thứ Sáu trước / since last Friday" in line
    assert "chưa có số thứ Sáu trước" not in line
    [par] = [line for line in text.splitlines() if line.startswith("Chỉ số CCHC PAR")]
    assert "so với thứ Sáu trước / since last Friday" in par

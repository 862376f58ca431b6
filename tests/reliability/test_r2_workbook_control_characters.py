"""A unit name with control characters (``\\x0b``, ``\\x1b``) comes from the source through the
real daily DAGs into dw exactly as sent; the Friday report publishes, and its workbook, which
no cell of can hold such a character, is written with U+FFFD in their place and the count on
the information sheet, instead of failing with IllegalCharacterError on every retry."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from helpers.pipeline import fresh_warehouse
from helpers.scenario import bad_share_threshold, run_scenario, write_scenario
from test_r2_bad_input import DAY, GOOD, NOW, UNIT, good_unit

from tthc_pipeline.report.snapshot import publish_snapshot
from tthc_pipeline.report.workbook import REPLACED_LABEL, write_workbook

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]

REPORT_DATE = date(2026, 4, 10)  # the Friday after DAY
NAME = "Sở\x0bNội vụ\x1b"


@pytest.fixture(scope="module")
def exported(postgres_server, tmp_path_factory):
    units = [good_unit(UNIT, name=NAME) if u["MaDinhDanh"] == UNIT else u for u in GOOD["don_vi"]]
    folder = write_scenario(tmp_path_factory.mktemp("control"), **{**GOOD, "don_vi": units})
    reports = tmp_path_factory.mktemp("reports")
    with fresh_warehouse(postgres_server) as warehouse, bad_share_threshold(0.0):
        run_scenario(warehouse, folder, [DAY], NOW)
        snapshot = publish_snapshot(warehouse, REPORT_DATE)
        path = write_workbook(warehouse, REPORT_DATE, snapshot.snapshot_version, reports)
        yield warehouse, path


def test_the_name_reaches_dw_and_the_report_exactly_as_sent(exported):
    warehouse, _ = exported
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select unit_name from dw.dim_unit where unit_code = %s",
                            (UNIT,)).fetchall() == [(NAME,)]
        assert conn.execute("select distinct unit_name from mart.chi_thi_04_latest"
                            " where unit_code = %s", (UNIT,)).fetchall() == [(NAME,)]
        assert conn.execute("select count(*) from quarantine.don_vi").fetchone() == (0,)


def test_the_workbook_holds_the_name_with_replacements_and_says_how_many(exported):
    from openpyxl import load_workbook

    _, path = exported
    workbook = load_workbook(path)
    names = {sheet.title: [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
             for sheet in workbook.worksheets[1:]}
    n_units = len(names["Tiếp nhận - Giải quyết"])
    assert n_units == 2  # the root and the unit: the report is whole
    for title in ("Tiếp nhận - Giải quyết", "DVC trực tuyến", "Thanh toán trực tuyến",
                  "Bản đồ màu", "Tuân thủ một cửa"):
        assert "Sở\ufffdNội vụ\ufffd" in names[title], title
    info = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True)}
    assert info[REPLACED_LABEL] == 2 * 5  # two characters in each of the five unit sheets

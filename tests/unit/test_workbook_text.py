"""Text a workbook cell cannot hold: replaced and counted, never an IllegalCharacterError."""

import pytest

from tthc_pipeline.report.workbook import excel_safe

pytestmark = pytest.mark.unit


def test_control_characters_are_replaced_and_counted():
    assert excel_safe("Sở\x0bNội vụ\x1b") == ("Sở\ufffdNội vụ\ufffd", 2)
    assert excel_safe("".join(map(chr, range(32)))) == (
        "\ufffd" * 9 + "\t\n" + "\ufffd" * 2 + "\r" + "\ufffd" * 18, 29)
    assert excel_safe("\ufffe\uffff") == ("\ufffd\ufffd", 2)


def test_ordinary_text_is_left_alone():
    text = 'Tab\tline\nbreak\r "=HYPERLINK(x)" Đà Nẵng \u0085 \u00a0'
    assert excel_safe(text) == (text, 0)


def test_every_replaced_text_is_accepted_by_openpyxl():
    from openpyxl import Workbook

    sheet = Workbook().active
    sheet.cell(1, 1).value = excel_safe("".join(map(chr, range(0x20))) + "\ufffe")[0]

"""The report's mails (issue 16, item 4) through a real SMTP server (a local sink): the summary
carries the workbook, and every address of the Variable tthc_report_recipients gets one mail per
version with a workbook of each of its units: their subtree's rows, regressions and drill-down
dossiers. Over the drill-down's hand-made scenario (test_regression_dossiers.py): H (district)
and X (its commune) regressed on every indicator, S (department) did not."""

from __future__ import annotations

import io

import psycopg
import pytest
from helpers.smtp import RECIPIENTS, running_sink
from test_regression_dossiers import R1, H, S, X, published  # noqa: F401 (the fixture)

from tthc_pipeline.report.delivery import (
    InvalidRecipients,
    deliver_once,
    deliver_unit_reports,
    parse_recipients,
    summary_attachments,
)
from tthc_pipeline.report.page import write_page

pytestmark = pytest.mark.integration

HEAD = "truong.phong@example.vn"  # heads the district and, standing in, its commune
RECIPIENTS_BY_UNIT = {H: [HEAD], X: ["chu.tich.xa@example.vn", HEAD.upper()],
                      S: ["giam.doc.so@example.vn"], "000.99.99.H49": ["nobody@example.vn"]}


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def workbook(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


def first_column(book, title: str) -> list:
    return [row[0] for row in book[title].iter_rows(min_row=2, values_only=True)]


def test_the_summary_mail_carries_the_workbook_and_the_page(published, tmp_path):  # noqa: F811
    version, book = published["versions"][1], published["workbook"]
    with pytest.raises(FileNotFoundError, match=r"\.html"):
        summary_attachments(book)  # the page is written by the export step, before any mail
    page = write_page(published["warehouse"], R1, version, book.parent)
    files = summary_attachments(book)
    with running_sink() as mailbox:
        assert deliver_once(published["warehouse"], R1, version, "Tóm tắt", "Nội dung",
                            attachments=files)
        assert not deliver_once(published["warehouse"], R1, version, "Tóm tắt", "Nội dung",
                                attachments=files)
    [(envelope, message)] = mailbox.messages
    assert sorted(envelope) == sorted(RECIPIENTS)
    sent = attachments(message)
    assert list(sent) == [book.name, page.name]
    assert "Hồ sơ làm tụt hạng" in workbook(sent[book.name]).sheetnames
    html = sent[page.name]
    html = html.decode() if isinstance(html, bytes) else html
    assert html == page.read_text(encoding="utf-8")
    assert f'data-unit-code="{H}"' in html


def test_each_address_gets_its_units_reports_once_per_version(published, tmp_path):  # noqa: F811
    conninfo, version = published["warehouse"], published["versions"][1]
    with running_sink() as mailbox:
        sent = deliver_unit_reports(conninfo, R1, version, RECIPIENTS_BY_UNIT, tmp_path)
        assert deliver_unit_reports(conninfo, R1, version, RECIPIENTS_BY_UNIT, tmp_path) == []
    # one mail per address, whatever units it heads; nobody@ heads no unit of the report
    assert sent == ["chu.tich.xa@example.vn", "giam.doc.so@example.vn", HEAD]
    mails = {envelope[0]: message for envelope, message in mailbox.messages}
    assert sorted(mails) == sent
    stem = f"chi_thi_04_quang_nam_{R1}_v{version}"
    head = attachments(mails[HEAD])
    assert sorted(head) == [f"{stem}_{H}.xlsx", f"{stem}_{X}.xlsx"]
    body = mails[HEAD].get_body(("html", "plain")).get_content()
    assert "UBND huyện Duy Xuyên (000.00.31.H49): tiếp nhận 59" in body
    assert "Đúng hạn Cam → Đỏ: 3 hồ sơ làm tụt hạng (2 mới so với tuần trước)" in body
    assert "Chung Cam → Đỏ: 58 hồ sơ làm tụt hạng (57 mới so với tuần trước)" in body

    district = workbook(head[f"{stem}_{H}.xlsx"])
    assert first_column(district, "Bản đồ màu") == [H, X]  # the district's subtree only
    listed = first_column(district, "Hồ sơ làm tụt hạng")
    assert set(listed) == {H, X} and len(listed) == 2 * (3 + 51 + 1 + 51)  # 50 + "… và N"
    department = workbook(attachments(mails["giam.doc.so@example.vn"])[f"{stem}_{S}.xlsx"])
    assert first_column(department, "Bản đồ màu") == [S]
    assert first_column(department, "Hồ sơ làm tụt hạng") == ["Không có đơn vị tụt hạng"]
    with psycopg.connect(conninfo) as conn:
        channels = conn.execute("select channel, recipients from meta.report_delivery"
                                " where report_date = %s order by channel", (R1,)).fetchall()
    assert channels == [(f"recipient:{address}", [address]) for address in sent]


def test_the_recipients_variable_is_checked():
    assert parse_recipients(None) == {}
    assert parse_recipients('{"U1": ["a@example.vn", " b@example.vn"]}') == {
        "U1": ("a@example.vn", "b@example.vn")}
    for bad in ('["a@example.vn"]', '{"U1": "a@example.vn"}', '{"U1": ["no-at"]}', "{"):
        with pytest.raises(InvalidRecipients):
            parse_recipients(bad)

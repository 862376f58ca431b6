"""The weekly report page's content without a browser, over the drill-down's hand-made scenario
(tests/integration/test_regression_dossiers.py): the drill-down cut at the 50 worst dossiers
per list with a line counting the rest, the trend over the last twelve published weeks as they
stood when the version was published, and a page that is the same bytes when written again.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import psycopg
import pytest
from test_regression_dossiers import BULK, R0, R1, X, published  # noqa: F401 (a fixture)

from tthc_pipeline.report.page import TREND_WEEKS, write_page
from tthc_pipeline.report.workbook import MAX_DOSSIERS_PER_LIST, more_dossiers_line

pytestmark = pytest.mark.integration


class DrillDowns(HTMLParser):
    """{(unit, indicator): [dossier codes]} and the "… và N hồ sơ khác" lines of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.lists: dict[tuple[str, str], list[str]] = {}
        self.more: dict[tuple[str, str], str] = {}
        self._list: tuple[str, str] | None = None
        self._in_more = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "details" and "dossiers" in classes:
            self._list = (attributes["data-unit-code"], attributes["data-indicator"])
            self.lists[self._list] = []
        elif tag == "tr" and self._list and "data-dossier-code" in attributes:
            self.lists[self._list].append(attributes["data-dossier-code"])
        self._in_more = tag == "p" and "more" in classes

    def handle_data(self, data):
        if self._in_more and self._list:
            self.more[self._list] = data

    def handle_endtag(self, tag):
        self._in_more = False
        if tag == "details":
            self._list = None


def drill_downs(html: str) -> DrillDowns:
    parser = DrillDowns()
    parser.feed(html)
    return parser


def trend_dates(html: str) -> list[str]:
    """The report dates of the trend table, oldest first."""
    table = html.split('<section id="xu-huong">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>(\d\d/\d\d/\d{4})</td>", table)


def test_a_long_list_shows_its_50_worst_and_counts_the_rest(published, tmp_path):  # noqa: F811
    page = write_page(published["warehouse"], R1, published["versions"][1], tmp_path)
    found = drill_downs(page.read_text(encoding="utf-8"))
    online = found.lists[(X, "online")]
    assert len(online) == MAX_DOSSIERS_PER_LIST
    assert online == ["HS-X-NEW", "HS-X-LATE", *BULK[:MAX_DOSSIERS_PER_LIST - 2]]
    assert found.more[(X, "online")] == more_dossiers_line(7)  # 57 in all
    assert found.lists[(X, "on_time")] == ["HS-X-OLD", "HS-X-NEW", "HS-X-LATE"]
    assert (X, "on_time") not in found.more


def copy_version(conn, report_date, version, new_date, new_version, published_at,
                 on_time_rate=None) -> None:
    """A copy of a published version under another date or version number (every column kept
    but those named), as if published at ``published_at``."""
    changes = {"report_date": new_date.isoformat(), "snapshot_version": new_version,
               "published_at": published_at.isoformat()}
    key = {"report_date": report_date, "snapshot_version": version}
    conn.execute(
        "insert into mart.chi_thi_04_snapshot select (jsonb_populate_record("
        " null::mart.chi_thi_04_snapshot, to_jsonb(s) || %(changes)s::jsonb)).*"
        " from mart.chi_thi_04_snapshot as s where report_date = %(report_date)s"
        " and snapshot_version = %(snapshot_version)s",
        {**key, "changes": psycopg.types.json.Jsonb(changes)})
    if on_time_rate is not None:
        changes["on_time_rate"] = on_time_rate
    conn.execute(
        "insert into mart.chi_thi_04_weekly select (jsonb_populate_record("
        " null::mart.chi_thi_04_weekly, to_jsonb(w) || %(changes)s::jsonb)).*"
        " from mart.chi_thi_04_weekly as w where report_date = %(report_date)s"
        " and snapshot_version = %(snapshot_version)s",
        {**key, "changes": psycopg.types.json.Jsonb(changes)})


def test_the_trend_is_the_last_twelve_weeks_as_published_then(published, tmp_path):  # noqa: F811
    conninfo, (v0, v1) = published["warehouse"], published["versions"]
    with psycopg.connect(conninfo) as conn:
        (published_r1,) = conn.execute(
            "select published_at from mart.chi_thi_04_snapshot where report_date = %s"
            " and snapshot_version = %s", (R1, v1)).fetchone()
        earlier = [R0 - timedelta(weeks=n) for n in range(1, 14)]  # 13 more Fridays
        for day in earlier:
            copy_version(conn, R0, v0, day, 1, published_r1 - timedelta(days=1))
        # a correction of R0 published after R1's version: not on R1's page
        copy_version(conn, R0, v0, R0, v0 + 1, published_r1 + timedelta(hours=1),
                     on_time_rate=0.5)
    html = write_page(conninfo, R1, v1, tmp_path).read_text(encoding="utf-8")
    weeks = [R1 - timedelta(weeks=n) for n in reversed(range(TREND_WEEKS))]
    assert trend_dates(html) == [f"{day:%d/%m/%Y}" for day in weeks]
    r0_row = html.split(f"<tr><td>{R0:%d/%m/%Y}</td>", 1)[1].split("</tr>", 1)[0]
    assert r0_row.startswith("<td>90,0 %</td>")  # version 1's 9/10, not the correction's 50 %
    assert "<svg" in html and "<script" not in html and "<!--" not in html


def test_the_page_is_the_same_bytes_whenever_it_is_written(published, tmp_path):  # noqa: F811
    conninfo, version = published["warehouse"], published["versions"][1]
    first = write_page(conninfo, R1, version, tmp_path / "a")
    with psycopg.connect(conninfo) as conn:  # a later report changes nothing on this page
        copy_version(conn, R1, version, R1 + timedelta(weeks=1), 1, datetime.now().astimezone())
    second = write_page(conninfo, R1, version, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    assert not list(tmp_path.glob("*/.*.partial"))
    first.write_text("left alone", encoding="utf-8")  # written once, like the workbook
    assert write_page(conninfo, R1, version, tmp_path / "a").read_text() == "left alone"

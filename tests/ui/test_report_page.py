"""The weekly report page in a real browser: headless Chromium through Playwright.

A hand-made province goes through the real daily DAGs for one day of each of two weeks; the
reports of Friday 6 and 13 March 2026 are published, and the page of the second is written and
opened from its file. Every unit's tile must carry its unit's overall colour (as
mart.chi_thi_04_weekly has it) in its attribute and on screen, a tile must show the unit's
rates when tapped, the regressions must name the units that slipped and a regressed unit's
drill-down must list its dossiers (as mart.chi_thi_04_regression_dossiers), nothing may be fetched
from anywhere, and the page must fit a phone's width. Screenshots go to the test's tmp dir.

Units: P (province) > S1, S2 (departments), H1 (district) > X1, X2, X3 (communes). Every dossier
is resolved early, online or in person, without fees, so the on-time rate is 100 % (xanh), the
payment rate has nothing to rate (trắng), and each unit's overall colour is its online colour
(thresholds 80/50/30 %). Week 0 (2 March): five online dossiers at each of S1, S2, X1, X2,
nothing at X3. Week 1 (9 March): online S1 5/5 xanh, S2 3/5 vàng, X1 2/5 cam, X2 1/5 đỏ, X3
nothing (trắng); H1 3/10 cam, P 11/20 vàng. So S2, X1, X2, H1 and P regressed, online and
overall, and each one's drill-down lists its week-1 dossiers received in person (dossiers 2–5
of X2, 3–5 of S2 and X1...), all new.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest
from helpers.pipeline import fresh_warehouse
from helpers.reconcile import VN
from helpers.records import dossier, procedure, unit
from helpers.scenario import run_scenario, write_scenario
from psycopg.rows import dict_row

from tthc_pipeline.report.page import write_page
from tthc_pipeline.report.snapshot import publish_snapshot
from tthc_pipeline.report.workbook import COLOUR_FILLS

pytestmark = pytest.mark.e2e

R0, R1 = date(2026, 3, 6), date(2026, 3, 13)
WEEK0_DAY, WEEK1_DAY = date(2026, 3, 2), date(2026, 3, 9)
P, S1, S2, H1 = "000.00.00.H49", "000.00.01.H49", "000.00.02.H49", "000.00.31.H49"
X1, X2, X3 = "000.31.01.H49", "000.31.02.H49", "000.31.03.H49"
PROCEDURE = "1.000001"
CATALOGUED = "20260115080000"
ODD_NAME = 'UBND xã <b>Điện</b> & "Hòa"'  # markup in a source text stays text on the page
# online dossiers out of five, per unit and week (X3 and P, H1 have none of their own)
ONLINE_OF_FIVE = {WEEK0_DAY: {S1: 5, S2: 5, X1: 5, X2: 5}, WEEK1_DAY: {S1: 5, S2: 3, X1: 2, X2: 1}}
EXPECTED_COLOURS = {P: "vang", S1: "xanh", S2: "vang", H1: "cam", X1: "cam", X2: "do",
                    X3: "trang"}
SHORT = {S1: "S1", S2: "S2", X1: "X1", X2: "X2"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def units() -> list[dict]:
    return [
        unit(P, "UBND tỉnh Quảng Nam", CATALOGUED, CapDonVi="tinh", MaDVHC="49"),
        unit(S1, "Sở Tư pháp", CATALOGUED, MaDonViCha=P),
        unit(S2, "Sở Nội vụ", CATALOGUED, MaDonViCha=P),
        unit(H1, "UBND huyện Điện Bàn", CATALOGUED, CapDonVi="huyen", MaDonViCha=P),
        unit(X1, "UBND xã Điện Minh", CATALOGUED, CapDonVi="xa", MaDonViCha=H1),
        unit(X2, ODD_NAME, CATALOGUED, CapDonVi="xa", MaDonViCha=H1),
        unit(X3, "UBND xã Điện Phước", CATALOGUED, CapDonVi="xa", MaDonViCha=H1),
    ]


def dossiers() -> list[dict]:
    """Five dossiers per unit and day, received at 08:0n, resolved early at 15:00."""
    records = []
    for day, online_by_unit in ONLINE_OF_FIVE.items():
        on = f"{day:%Y%m%d}"
        for unit_code, online in online_by_unit.items():
            for n in range(1, 6):
                steps = [(2, f"{on}080{n}00"), (4, f"{on}090000"), (9, f"{on}150000")]
                records.append(dossier(
                    f"HS-{SHORT[unit_code]}-{on}-{n}", steps[-1][1], steps,
                    MaTTHC=PROCEDURE, DonViXuLy=unit_code, KenhThucHien=2 if n <= online else 1,
                    NgayHenTra=f"{day:%Y%m}{day.day + 3:02}170000",
                    NgayKetThucXuLy=steps[-1][1]))
    return records


@pytest.fixture(scope="module")
def published(postgres_server, tmp_path_factory):
    """The warehouse after both weeks' loads and reports, and the page of 13 March."""
    folder = write_scenario(
        tmp_path_factory.mktemp("page-scenario"), don_vi=units(),
        thu_tuc=[procedure(PROCEDURE, CATALOGUED, [S1, S2, H1, X1, X2, X3], CoPhiLePhi=False)],
        ho_so=dossiers())
    reports = tmp_path_factory.mktemp("page-reports")
    with fresh_warehouse(postgres_server) as warehouse:
        run_scenario(warehouse, folder, [WEEK0_DAY, WEEK1_DAY], datetime(2026, 3, 14, tzinfo=VN))
        publish_snapshot(warehouse, R0)
        snapshot = publish_snapshot(warehouse, R1)
        page = write_page(warehouse, R1, snapshot.snapshot_version, reports)
        yield {"warehouse": warehouse, "page": page, "version": snapshot.snapshot_version}


def report_rows(published) -> dict[str, dict]:
    with psycopg.connect(published["warehouse"], row_factory=dict_row) as conn:
        rows = conn.execute(
            "select * from mart.chi_thi_04_weekly where report_date = %s"
            " and snapshot_version = %s", (R1, published["version"])).fetchall()
    return {row["unit_code"]: row for row in rows}


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.skip("no Chromium on this machine (Debian: apt-get install chromium); the page's"
                " browser test needs one, Playwright's own download is not used")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright is not installed (requirements-dev.txt)")
    executable = chromium_path()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def opened(browser, published):
    """The page opened from its file on a desktop-sized viewport; every request it made."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(published["page"].as_uri())
    yield page, requests
    context.close()


def rgb(fill: str) -> str:
    """A workbook fill ("63BE7B") as the browser's computed style writes it."""
    red, green, blue = (int(fill[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


def test_the_scenario_gives_the_colours_worked_out_by_hand(published):
    assert {code: row["overall_colour"] for code, row in report_rows(published).items()} \
        == EXPECTED_COLOURS


def test_every_unit_has_one_tile_in_its_overall_colour(opened, published, tmp_path):
    page, _ = opened
    rows = report_rows(published)
    tiles = page.locator(".tile")
    seen = {}
    for i in range(tiles.count()):
        tile = tiles.nth(i)
        code, colour = tile.get_attribute("data-unit-code"), tile.get_attribute("data-colour")
        assert code not in seen, f"{code} has two tiles"
        seen[code] = colour
        painted = tile.evaluate("element => getComputedStyle(element).backgroundColor")
        assert painted == rgb(COLOUR_FILLS[rows[code]["overall_colour"]]), code
    assert seen == {code: row["overall_colour"] for code, row in rows.items()}
    page.screenshot(path=tmp_path / "report-page-desktop.png", full_page=True)
    assert (tmp_path / "report-page-desktop.png").stat().st_size > 10_000


def test_tiles_are_grouped_by_level_and_parent(opened):
    page, _ = opened
    groups = page.locator(".group")
    layout = [(groups.nth(i).locator("h3").inner_text(),
               groups.nth(i).locator(".tile").evaluate_all(
                   "tiles => tiles.map(t => t.dataset.unitCode)"))
              for i in range(groups.count())]
    assert layout == [
        ("Tỉnh", [P]),
        ("Sở/ban/ngành thuộc UBND tỉnh Quảng Nam", [S1, S2]),
        ("Huyện thuộc UBND tỉnh Quảng Nam", [H1]),
        ("Xã thuộc UBND huyện Điện Bàn", [X1, X2, X3]),
    ]


def test_a_tapped_tile_shows_the_units_rates_and_its_name_stays_text(opened):
    page, _ = opened
    tile = page.locator(f'.tile[data-unit-code="{X2}"]')
    assert tile.locator(".name").inner_text() == ODD_NAME
    assert "Trực tuyến: 20,0 % (Đỏ)" in tile.locator("summary").get_attribute("title")
    assert not tile.locator("dl").is_visible()
    tile.locator("summary").click()
    details = tile.locator("dl").inner_text()
    assert tile.locator("dl").is_visible()
    for text in ("Đúng hạn", "100,0 % · Xanh", "Trực tuyến", "20,0 % · Đỏ",
                 "Thanh toán trực tuyến", "— · Trắng", "Tuần trước", "Xanh"):
        assert text in details


def test_the_province_figures_are_the_roots_row(opened):
    page, _ = opened
    root = page.locator(f'#tinh-hinh .root[data-unit-code="{P}"]')
    text = root.inner_text()
    assert "20\ntiếp nhận trong kỳ (11 trực tuyến)" in text
    assert "20\nđã giải quyết (0 quá hạn)" in text
    assert {root.locator(".rate").nth(i).get_attribute("data-colour") for i in range(3)} \
        == {"xanh", "vang", "trang"}
    assert "55,0 %" in root.locator('.rate[data-indicator="online"]').inner_text()


def test_the_regressions_name_every_unit_that_slipped(opened):
    page, _ = opened
    regressed = page.locator("#tut-hang .regressed").evaluate_all(
        "units => units.map(u => u.dataset.unitCode)")
    assert regressed == [P, S2, H1, X1, X2]  # tree order
    x2 = page.locator(f'#tut-hang .regressed[data-unit-code="{X2}"]').inner_text()
    assert "Trực tuyến: Xanh → Đỏ" in x2 and "Chung: Xanh → Đỏ" in x2


def test_the_drill_down_of_a_regressed_unit_lists_its_dossiers_and_why(opened, tmp_path):
    page, _ = opened
    drill = page.locator(f'.dossiers[data-unit-code="{X2}"][data-indicator="online"]')
    assert "4 hồ sơ làm tụt hạng, 4 mới so với tuần trước" in drill.locator("summary").inner_text()
    assert not drill.locator("table").is_visible()
    drill.locator("summary").click()
    assert drill.locator("table").is_visible()
    rows = drill.locator("tbody tr")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.dossierCode)") \
        == [f"HS-X2-20260309-{n}" for n in (2, 3, 4, 5)]  # worst first, then by code
    assert rows.first.locator("td").all_text_contents()[:3] \
        == ["HS-X2-20260309-2", "Nộp trực tiếp (thủ tục có DVC trực tuyến)", "Có"]
    page.screenshot(path=tmp_path / "report-page-drill-down.png", full_page=True)


def test_every_drill_down_lists_what_the_mart_view_lists(opened, published):
    page, _ = opened
    shown = page.locator(".dossiers").evaluate_all(
        "lists => lists.map(l => [l.dataset.unitCode, l.dataset.indicator,"
        " [...l.querySelectorAll('tbody tr')].map(r => r.dataset.dossierCode)])")
    with psycopg.connect(published["warehouse"]) as conn:
        listed = conn.execute(
            "select unit_code, indicator, array_agg(dossier_code)"
            " from mart.chi_thi_04_regression_dossiers where report_date = %s and version = %s"
            " group by 1, 2", (R1, published["version"])).fetchall()
    assert {(unit, indicator): sorted(codes) for unit, indicator, codes in shown} \
        == {(unit, indicator): sorted(codes) for unit, indicator, codes in listed}
    assert {unit for unit, _, _ in shown} == {P, S2, H1, X1, X2}


def test_the_trend_is_an_inline_chart_of_both_weeks(opened):
    page, _ = opened
    chart = page.locator("#xu-huong svg")
    assert chart.count() == 1
    assert page.locator("#xu-huong table tbody tr").count() == 2
    cells = page.locator("#xu-huong table tbody tr").nth(1).locator("td").all_text_contents()
    assert cells == ["13/03/2026", "100,0 %", "55,0 %", "—", "Vàng"]


def test_the_page_fetches_nothing_and_runs_no_script(opened, published):
    page, requests = opened
    assert requests == [published["page"].as_uri()]
    assert page.locator("script").count() == 0
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0


def test_the_page_fits_a_phone(browser, published, tmp_path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(published["page"].as_uri())
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator(f'.tile[data-unit-code="{X1}"] summary').tap()
        assert page.locator(f'.tile[data-unit-code="{X1}"] dl').is_visible()
        page.screenshot(path=tmp_path / "report-page-phone.png", full_page=True)
    finally:
        context.close()
    assert (tmp_path / "report-page-phone.png").stat().st_size > 10_000


def test_writing_the_page_again_gives_the_same_bytes(published, tmp_path):
    again = write_page(published["warehouse"], R1, published["version"], tmp_path)
    assert again.name == Path(published["page"]).name == "chi_thi_04_quang_nam_2026-03-13_v1.html"
    assert again.read_bytes() == published["page"].read_bytes()

"""Screenshots of the Airflow UI and the weekly report page for the README, with headless
Chromium (Debian's `chromium`).

    make screenshots                       # or: .venv/bin/python docs/screenshots.py
    .venv/bin/python docs/screenshots.py --load-day 2026-03-09   # run the daily DAGs first
    .venv/bin/python docs/screenshots.py --report-page-only      # only the report page's

It starts a local `airflow api-server` over the project's metadata DB (.airflow/, as `make demo`
and the tests leave it), finds the latest successful run of the DAG, and writes PNGs to
docs/img/. With --load-day it first runs the daily DAGs for that day against an embedded
Postgres and the simulator, so a clean checkout gets a run to show.

Adding a picture: append a `Shot` to `shots()`. A page of the Airflow UI is a path ("/dags/…");
anything else Chromium can open is a URL, e.g. `file:///…/colour-map.html`. The weekly
workbook's colour map is read back from the newest workbook in reports/ (as `make demo` leaves
it) and drawn as an HTML table with the cells' own texts and fills. The newest weekly report
page in reports/ is shot through Playwright on a desktop and a phone-sized viewport (their
first screens: a province's whole colour map is thousands of pixels long), as
`report-page-desktop.png` and `report-page-phone.png`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
IMG_DIR = ROOT / "docs" / "img"
WEEKLY_DAG = "weekly_chi_thi_04__quang_nam"
# The project's Airflow settings, as the Makefile exports them (before Airflow is imported).
for name, value in {
    "AIRFLOW_HOME": str(ROOT / ".airflow"),
    "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
    "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{ROOT / '.airflow' / 'airflow.db'}",
    "GX_ANALYTICS_ENABLED": "false",
    "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
}.items():
    os.environ.setdefault(name, value)

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--window-size=1600,1000",
    # The UI is a React app that loads its data after the page: let it settle.
    "--virtual-time-budget=20000",
)


@dataclass(frozen=True)
class Shot:
    name: str  # the file is docs/img/<name>.png
    page: str  # an Airflow UI path ("/dags/...") or any URL Chromium can open


def shots(dag_id: str, run_id: str) -> list[Shot]:
    """What the README shows: the grid of a daily run, and the quality gate's XCom."""
    run = f"/dags/{dag_id}/runs/{quote(run_id, safe='')}"
    return [
        Shot("airflow-grid", run),
        Shot("airflow-validate-xcom", f"{run}/tasks/don_vi.validate/xcom"),
        *report_shots(),
    ]


def report_shots() -> list[Shot]:
    """The colour map sheet of the newest weekly workbook, if there is one."""
    workbooks = sorted((ROOT / "reports").glob("chi_thi_04_*.xlsx"))
    if not workbooks:
        print("no workbook in reports/ (run `make demo`): colour map skipped")
        return []
    page = Path(tempfile.mkdtemp(prefix="tthc-colour-map-")) / "colour-map.html"
    page.write_text(colour_map_html(workbooks[-1]), encoding="utf-8")
    return [Shot("chi-thi-04-colour-map", page.as_uri())]


def colour_map_html(workbook: Path, max_rows: int = 28) -> str:
    """The workbook's "Bản đồ màu" sheet as an HTML table: its cells' values and fill colours."""
    from html import escape

    from openpyxl import load_workbook

    sheet = load_workbook(workbook, read_only=False)["Bản đồ màu"]
    rows = []
    for row in sheet.iter_rows(max_row=max_rows + 1):
        cells = []
        for cell in row:
            fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
            style = f' style="background:#{fill[-6:]}"' if isinstance(fill, str) else ""
            tag = "th" if cell.row == 1 else "td"
            cells.append(f"<{tag}{style}>{escape(str(cell.value or ''))}</{tag}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return ("<!doctype html><meta charset='utf-8'><style>body{font:14px sans-serif;margin:16px}"
            "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px}"
            "th{background:#eee}</style>"
            f"<h3>{escape(workbook.name)} — Bản đồ màu</h3><table>{''.join(rows)}</table>")


REPORT_PAGE_VIEWS = {  # name: (viewport, device scale): the page's first screens
    "report-page-desktop": ({"width": 1280, "height": 1700}, 1),
    "report-page-phone": ({"width": 390, "height": 1200}, 2),
}


def report_page_shots(out: Path) -> None:
    """The newest weekly report page (reports/*.html) on a desktop and on a phone, if any."""
    pages = sorted((ROOT / "reports").glob("chi_thi_04_*.html"), key=lambda p: p.stat().st_mtime)
    if not pages:
        print("no report page in reports/ (run `make demo`): report page skipped")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium())
        try:
            for name, (viewport, scale) in REPORT_PAGE_VIEWS.items():
                context = browser.new_context(viewport=viewport, device_scale_factor=scale,
                                              is_mobile=scale > 1, locale="vi-VN")
                page = context.new_page()
                page.goto(pages[-1].as_uri())
                target = out / f"{name}.png"
                page.screenshot(path=target)
                context.close()
                print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                      f" ({pages[-1].name})")
        finally:
            browser.close()


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise SystemExit("no Chromium: `apt-get install chromium` (Debian)")


def screenshot(url: str, target: Path) -> None:
    """One PNG of ``url``, from a fresh, empty browser profile."""
    with tempfile.TemporaryDirectory(prefix="tthc-chromium-") as profile:
        result = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             f"--screenshot={target}", url],
            # The UI shows times in the browser's zone: a province's officials see local time.
            env={**os.environ, "TZ": "Asia/Ho_Chi_Minh"},
            capture_output=True, text=True, timeout=180)
    if result.returncode != 0 or not target.is_file():
        raise RuntimeError(f"chromium failed for {url}: {result.stderr[-1000:]}")


def successful_runs(server, dag_id: str) -> list[str]:
    """The id of the latest successful run of ``dag_id``, in a list; empty when none."""
    runs = server.get(f"/api/v2/dags/{dag_id}/dagRuns?state=success&order_by=-run_after&limit=1")
    return [run["dag_run_id"] for run in runs["dag_runs"]]


def latest_successful_run(server, dag_id: str) -> str:
    runs = successful_runs(server, dag_id)
    if not runs:
        raise SystemExit(f"no successful run of {dag_id} yet: use --load-day or `make demo`")
    return runs[0]


def load_day(day: date) -> None:
    """Run the daily DAGs for ``day`` against an embedded Postgres and the simulator."""
    from datetime import timedelta

    from tthc_devtools.backfill import DAILY_DAGS, load_dags, run_day
    from tthc_devtools.local_stack import ProvinceSpec, local_stack

    with local_stack(ProvinceSpec(start=day - timedelta(days=28), end=day + timedelta(days=1),
                                  scale=600)):
        run_day(load_dags(DAILY_DAGS), day)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dag", default="daily_catalogues__quang_nam")
    parser.add_argument("--out", type=Path, default=IMG_DIR)
    parser.add_argument("--load-day", type=date.fromisoformat,
                        help="first run the daily DAGs for this day (embedded Postgres)")
    parser.add_argument("--report-page-only", action="store_true",
                        help="only the weekly report page's pictures (no Airflow UI)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    report_page_shots(args.out)
    if args.report_page_only:
        return

    from tthc_devtools.api_server import api_server

    if args.load_day:
        load_day(args.load_day)
    with api_server() as server:
        pictures = shots(args.dag, latest_successful_run(server, args.dag))
        if weekly_run := successful_runs(server, WEEKLY_DAG):
            pictures.append(Shot("airflow-weekly-grid",
                                 f"/dags/{WEEKLY_DAG}/runs/{quote(weekly_run[0], safe='')}"))
        for shot in pictures:
            url = server.login_url(shot.page) if shot.page.startswith("/") else shot.page
            target = args.out / f"{shot.name}.png"
            screenshot(url, target)
            print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


if __name__ == "__main__":
    main()

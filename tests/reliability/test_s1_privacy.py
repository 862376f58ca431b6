"""S1: no applicant name, identity number, phone, e-mail or address anywhere in ``dw``, ``mart``
or the report files.

A generated province (with its source quirks: NFD text, padded codes) goes through the real
daily DAGs, a hand-made dossier with the applicant of tests/helpers/records.py is loaded beside
it, and the Friday report is published and exported as the weekly job does. Then every text,
JSON and array column of every table and view of ``dw`` and ``mart`` (found generically in
information_schema, so a table added later is searched too) and every file in the reports
folder are searched for every applicant value the source served, in NFC and NFD, ignoring case.
"""

from __future__ import annotations

import html
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest
from helpers.dag_runs import TEST_HASH_KEY, pipeline_environment, run_daily_dags
from helpers.pipeline import day_window, fresh_warehouse, ingest
from helpers.reconcile import VN, newest_versions
from helpers.records import APPLICANT, dossier
from psycopg import sql

from simulator import SimulatorConfig, start_simulator, window_records
from simulator.server import build_source
from tthc_pipeline.report.page import write_page
from tthc_pipeline.report.snapshot import publish_snapshot
from tthc_pipeline.report.workbook import write_workbook

pytestmark = pytest.mark.reliability

DAYS = [date(2026, 6, 3), date(2026, 6, 4)]
REPORT_DATE = date(2026, 6, 5)  # the Friday after
CONFIG = SimulatorConfig(token="s1-token", seed=41, scale=800, start=date(2026, 5, 4),
                         end=date(2026, 6, 6), now=datetime(2026, 6, 8, tzinfo=VN),
                         rate_quirks=0.3)
PERSONAL_FIELDS = ("ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai", "Email", "DiaChi")
SEARCHED_TYPES = ("text", "character varying", "character", "json", "jsonb", "ARRAY",
                  "USER-DEFINED")


def fold(text: str) -> str:
    """The form both sides are compared in: NFC, lower case."""
    return unicodedata.normalize("NFC", text).lower()


def needles(values: set[str]) -> dict[str, str]:
    """folded needle → the value it came from. Case and normal form are folded on both sides;
    identity numbers and phones are also searched as staging writes them (no spaces, upper)."""
    found = {}
    for value in values:
        compact = "".join(value.split()).upper()
        for variant in (value, compact) if any(c.isdigit() for c in compact) else (value,):
            if len(variant.strip()) >= 5:
                found[fold(variant)] = value
    return found


def served_personal_values() -> set[str]:
    """Every applicant value that the source served in the loaded windows, and APPLICANT's."""
    source = build_source(CONFIG)
    values = {str(record[field]) for day in DAYS
              for record in window_records(source, "ho_so", *day_window(day))
              for field in PERSONAL_FIELDS if record.get(field)}
    return values | set(APPLICANT.values())


def column_texts(conninfo: str) -> dict[str, str]:
    """'schema.table.column' → every value of that column as text, folded, one per line.
    bytea columns (the applicant hash) are read as UTF-8 too, in case one held plain text."""
    with psycopg.connect(conninfo) as conn:
        columns = conn.execute(
            "select table_schema, table_name, column_name, data_type"
            " from information_schema.columns where table_schema in ('dw', 'mart')"
            " and data_type = any(%s) order by 1, 2, 3",
            ([*SEARCHED_TYPES, "bytea"],)).fetchall()
        texts = {}
        for schema, table, column, data_type in columns:
            as_text = sql.SQL("{}" if data_type == "bytea" else "{}::text").format(
                sql.Identifier(column))
            values = conn.execute(sql.SQL("select distinct {} from {}").format(
                as_text, sql.Identifier(schema, table)))
            text = "\n".join(bytes(value).decode("utf-8", "replace") if data_type == "bytea"
                             else value for (value,) in values if value is not None)
            texts[f"{schema}.{table}.{column}"] = fold(text)
    return texts


def file_texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as folded text; a workbook (zip) member by member."""
    texts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    raw = archive.read(member).decode("utf-8", "replace")
                    texts[f"{path.name}:{member}"] = fold(html.unescape(raw))
        else:  # the page: its texts are HTML-escaped
            texts[path.name] = fold(html.unescape(path.read_bytes().decode("utf-8", "replace")))
    return texts


def findings(texts: dict[str, str], searched: dict[str, str]) -> list[tuple[str, str]]:
    return [(where, value) for where, text in texts.items()
            for needle, value in searched.items() if needle in text]


@pytest.fixture(scope="module")
def published(postgres_server, tmp_path_factory):
    """The daily DAGs over the generated days, the hand-made applicant, the Friday report."""
    reports = tmp_path_factory.mktemp("reports")
    with fresh_warehouse(postgres_server) as warehouse, start_simulator(CONFIG) as sim:
        with pipeline_environment(warehouse, sim.url, CONFIG.token):
            run_daily_dags(DAYS)
        served = next(iter(newest_versions(build_source(CONFIG), "ho_so", DAYS).values()))
        moment = f"{DAYS[-1]:%Y%m%d}100000"  # at a unit and procedure of the province
        ingest(warehouse, "ho_so", [dossier("HS-S1-APPLICANT", moment, [(2, moment)],
                                            DonViXuLy=served["DonViXuLy"].strip(),
                                            MaTTHC=served["MaTTHC"].strip())],
               day=DAYS[-1], hash_key=TEST_HASH_KEY)
        snapshot = publish_snapshot(warehouse, REPORT_DATE)
        write_workbook(warehouse, REPORT_DATE, snapshot.snapshot_version, reports)
        write_page(warehouse, REPORT_DATE, snapshot.snapshot_version, reports)
        yield warehouse, reports


@pytest.mark.e2e
def test_s1_no_applicant_data_in_any_dw_or_mart_column(published):
    warehouse, _ = published
    texts = column_texts(warehouse)
    assert {where.split(".")[0] for where in texts} == {"dw", "mart"}
    assert len(texts) > 40
    searched = needles(served_personal_values() | {TEST_HASH_KEY})
    assert len(searched) > 500  # hundreds of applicants, every field
    assert findings(texts, searched) == []
    # the search itself finds what is there: dossier codes, unit names
    assert findings(texts, {fold("HS-S1-APPLICANT"): "code"}) != []
    assert findings(texts, {fold("Sở Nội vụ"): "unit"}) != []


@pytest.mark.e2e
def test_s1_no_applicant_data_in_the_report_files(published):
    _, reports = published
    texts = file_texts(reports)
    assert any(name.endswith(".xlsx:xl/sharedStrings.xml") or ".xlsx:xl/worksheets/" in name
               for name in texts), sorted(texts)
    assert any(name.endswith(".html") for name in texts), sorted(texts)
    assert findings(texts, needles(served_personal_values())) == []
    assert findings(texts, {fold("Sở Nội vụ"): "unit"}) != []  # the report names units


@pytest.mark.unit
def test_s1_the_source_really_served_applicant_data():
    """Otherwise the searches above would look for nothing."""
    values = served_personal_values()
    assert set(APPLICANT.values()) <= values
    assert sum(1 for value in values if "@" in value) > 50  # e-mails of generated applicants
    assert any(not unicodedata.is_normalized("NFC", value) for value in values)  # NFD quirks

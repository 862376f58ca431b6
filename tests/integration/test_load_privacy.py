"""S1: no applicant name, identity number, phone, e-mail or address anywhere in dw."""

import hashlib
import hmac

import psycopg
import pytest
from helpers.pipeline import HASH_KEY, fresh_warehouse, ingest
from helpers.records import APPLICANT, dossier, payment

pytestmark = pytest.mark.integration

RECEIVED = "20250303080000"


def text_columns(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return conn.execute(
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'dw' and (data_type in ('text', 'character varying', 'character',"
        " 'json', 'jsonb') or udt_name in ('_text', '_varchar'))"
        " order by table_name, column_name").fetchall()


def tables_and_columns_containing(conninfo: str, needle: str) -> list[tuple[str, str]]:
    with psycopg.connect(conninfo) as conn:
        return [(table, column) for table, column in text_columns(conn)
                if conn.execute(f'select exists (select from dw."{table}"'
                                f' where "{column}"::text ilike %s)',
                                (f"%{needle}%",)).fetchone()[0]]


def applicant_hashes(conninfo: str) -> dict[str, bytes]:
    with psycopg.connect(conninfo) as conn:
        return dict(conn.execute("select dossier_code, applicant_hash from dw.fact_dossier"))


def test_no_personal_data_reaches_dw(warehouse):
    ingest(warehouse, "ho_so", [dossier("HS1", RECEIVED, [(2, RECEIVED)])])
    ingest(warehouse, "giao_dich", [payment("T1", "HS1", RECEIVED)])
    with psycopg.connect(warehouse) as conn:
        assert len(text_columns(conn)) > 20  # the search below really looks at dw
    for value in [*APPLICANT.values(), HASH_KEY]:
        assert tables_and_columns_containing(warehouse, value) == [], value
    assert tables_and_columns_containing(warehouse, "HS1") != []  # the search does find values


def test_the_applicant_hash_is_a_keyed_hmac_of_the_normalised_identity_number(warehouse):
    ingest(warehouse, "ho_so", [
        dossier("HS1", RECEIVED, [(2, RECEIVED)], SoGiayToChuHoSo="079123456789"),
        dossier("HS2", RECEIVED, [(2, RECEIVED)], SoGiayToChuHoSo=" 079 123 456 789 "),
        dossier("HS3", RECEIVED, [(2, RECEIVED)], SoGiayToChuHoSo="079123456780"),
        dossier("HS4", RECEIVED, [(2, RECEIVED)], SoGiayToChuHoSo="")])
    hashes = applicant_hashes(warehouse)
    expected = hmac.new(HASH_KEY.encode(), b"079123456789", hashlib.sha256).digest()
    assert hashes["HS1"] == hashes["HS2"] == expected
    assert hashes["HS3"] != expected
    assert hashes["HS4"] is None


def test_another_key_gives_other_hashes(warehouse, postgres_server):
    records = [dossier("HS1", RECEIVED, [(2, RECEIVED)])]
    ingest(warehouse, "ho_so", records)
    with fresh_warehouse(postgres_server) as other:
        ingest(other, "ho_so", records, hash_key="another-key-of-the-province")
        assert applicant_hashes(other)["HS1"] != applicant_hashes(warehouse)["HS1"]

"""The dw facts name only sources of meta.source (V020): checked once per statement on insert
and row by row when an update changes a row's source, with the foreign key's error code."""

import psycopg
import pytest
from psycopg import sql

pytestmark = pytest.mark.integration

FACTS = ["fact_dossier", "fact_dossier_status", "fact_dossier_supplement",
         "fact_dossier_apology", "fact_payment"]
KNOWN = "quang_nam"  # config/sources.yaml's source
OTHER = "da_nang"  # a second source, recorded by the test

# a value of each type the facts' NOT NULL columns have
FILLERS = {"bigint": "1", "integer": "1", "smallint": "1", "numeric": "1", "text": "'x'",
           "boolean": "false", "timestamp with time zone": "'2026-03-02 08:00+07'",
           "date": "'2026-03-02'", "bytea": "'\\x00'", "jsonb": "'[]'"}


def fact_row(conn: psycopg.Connection, fact: str, key: int, source: str) -> sql.Composed:
    """``insert into dw.<fact>`` of one row: every NOT NULL column filled, keys from ``key``."""
    columns = conn.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = 'dw' and table_name = %s and is_nullable = 'NO'"
        " order by ordinal_position", (fact,)).fetchall()
    values = [sql.Literal(source) if name == "source_code"
              else sql.Literal(key) if data_type == "bigint"
              else sql.Literal(f"{name}-{key}") if data_type == "text"
              else sql.SQL(FILLERS[data_type])
              for name, data_type in columns]
    return sql.SQL("insert into dw.{} ({}) values ({})").format(
        sql.Identifier(fact), sql.SQL(", ").join(sql.Identifier(n) for n, _ in columns),
        sql.SQL(", ").join(values))


@pytest.fixture
def conn(warehouse):
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute("insert into meta.source (source_code, source_name, tree_code,"
                     " tthc_connection, payment_connection, config_order)"
                     " select %s, 'Đà Nẵng', tree_code, tthc_connection, payment_connection,"
                     " config_order + 1 from meta.source where source_code = %s", (OTHER, KNOWN))
        yield conn


@pytest.mark.parametrize("fact", FACTS)
def test_an_insert_naming_an_unknown_source_is_refused(conn, fact):
    conn.execute(fact_row(conn, fact, 1, KNOWN))
    refused = f"dw.{fact} names source 'nowhere'"
    with pytest.raises(psycopg.errors.ForeignKeyViolation, match=refused):
        conn.execute(fact_row(conn, fact, 2, "nowhere"))
    counts = conn.execute(sql.SQL("select count(*) from dw.{}").format(sql.Identifier(fact)))
    assert counts.fetchone() == (1,)


@pytest.mark.parametrize("fact", FACTS)
def test_one_unknown_source_refuses_the_whole_statement(conn, fact):
    """Rows of known sources in the same statement go too: nothing half-written."""
    with pytest.raises(psycopg.errors.ForeignKeyViolation), conn.transaction():
        conn.execute(fact_row(conn, fact, 1, KNOWN))
        conn.execute(fact_row(conn, fact, 2, OTHER))
        conn.execute(fact_row(conn, fact, 3, "nowhere"))
    counts = conn.execute(sql.SQL("select count(*) from dw.{}").format(sql.Identifier(fact)))
    assert counts.fetchone() == (0,)


def test_an_insert_inside_a_data_modifying_cte_is_checked(conn):
    """The loads insert from CTEs (sql/load/fact_dossier.sql, fact_dossier_status.sql)."""
    insert = fact_row(conn, "fact_dossier_status", 1, "nowhere").as_string(conn)
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute(f"with written as ({insert} returning 1) select count(*) from written")


@pytest.mark.parametrize("fact", FACTS)
def test_an_update_to_an_unknown_source_is_refused(conn, fact):
    conn.execute(fact_row(conn, fact, 1, KNOWN))
    table = sql.Identifier("dw", fact)
    refused = f"dw.{fact} names source 'nowhere'"
    with pytest.raises(psycopg.errors.ForeignKeyViolation, match=refused):
        conn.execute(sql.SQL("update {} set source_code = 'nowhere'").format(table))
    conn.execute(sql.SQL("update {} set source_code = %s").format(table), (OTHER,))
    sources = conn.execute(sql.SQL("select source_code from {}").format(table)).fetchall()
    assert sources == [(OTHER,)]


def test_a_source_with_loaded_facts_cannot_be_deleted(conn):
    """What the facts' foreign key also did, meta.load_batch's does: facts come from batches."""
    conn.execute("insert into meta.load_batch (source_code, entity, window_start, window_end)"
                 " values (%s, 'ho_so', '2026-03-01 00:00+07', '2026-03-02 00:00+07')", (KNOWN,))
    conn.execute(fact_row(conn, "fact_dossier", 1, KNOWN))
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("delete from meta.source where source_code = %s", (KNOWN,))

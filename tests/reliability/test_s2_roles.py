"""S2: ``bi_reader`` (sql/migrations/V006) reads ``dw`` and ``mart`` and nothing else, and writes
nowhere. Every check really tries, as bi_reader, and expects Postgres to allow or refuse it;
the tables come from the catalogue, so a table added later is checked without editing this."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from helpers.pipeline import fresh_warehouse, ingest
from helpers.records import dossier, payment, unit
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.errors import InsufficientPrivilege, ObjectNotInPrerequisiteState

from tthc_pipeline.warehouse.migrations import apply_migrations

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

READABLE = ("dw", "mart")
PRIVATE = ("raw", "staging", "quarantine", "meta")
RECEIVED = "20250303080000"


@pytest.fixture
def loaded(warehouse: str) -> str:
    """A warehouse with a row in every layer, so that a refused read is not an empty one."""
    ingest(warehouse, "don_vi", [unit("000.00.02.H49", "Sở Nội vụ", RECEIVED)])
    ingest(warehouse, "ho_so", [dossier("HS1", RECEIVED, [(2, RECEIVED)])])
    ingest(warehouse, "giao_dich", [payment("T1", "HS1", RECEIVED)])
    return warehouse


def relations(conninfo: str, schemas: tuple[str, ...],
              kinds: tuple[str, ...] = ("r", "p", "v", "m", "f")) -> list[tuple[str, str]]:
    """Every relation of ``schemas`` of the given kinds (default: tables and views)."""
    with psycopg.connect(conninfo) as conn:
        return conn.execute(
            "select n.nspname, c.relname from pg_class c"
            " join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = any(%s) and c.relkind = any(%s::\"char\"[]) order by 1, 2",
            (list(schemas), list(kinds))).fetchall()


@contextmanager
def as_bi_reader(conninfo: str) -> Iterator[psycopg.Connection]:
    """A connection acting as bi_reader (the test's superuser drops its own rights)."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("set role bi_reader")
        assert conn.execute("select current_user").fetchone() == ("bi_reader",)
        yield conn


def attempt(conn: psycopg.Connection, statement: sql.Composable) -> str:
    """'ok', 'refused' (permission denied) or 'impossible' (a view no one can write through);
    any other error fails the test."""
    try:
        with conn.transaction():
            conn.execute(statement)
            raise _RolledBack
    except _RolledBack:
        return "ok"
    except InsufficientPrivilege:
        return "refused"
    except ObjectNotInPrerequisiteState:
        return "impossible"


class _RolledBack(Exception):
    """Leaves the savepoint so that an allowed write (a bug) changes nothing."""


def role(conninfo: str) -> tuple:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(
            "select rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication,"
            " rolcanlogin, rolpassword from pg_authid where rolname = 'bi_reader'").fetchone()


def test_s2_the_role_has_no_special_rights_and_migrating_again_keeps_its_login(
        warehouse, postgres_server):
    """The role is server-wide: a deployment may have given it a login (V006's header says
    how), and migrating another database must neither create it twice nor undo that."""
    before = role(warehouse)
    assert before[:5] == (False, False, False, False, False)
    with fresh_warehouse(postgres_server) as another:
        assert role(another) == before


def test_s2_bi_reader_reads_every_table_and_view_of_dw_and_mart(loaded):
    readable = relations(loaded, READABLE)
    assert ("dw", "fact_dossier") in readable and any(s == "mart" for s, _ in readable)
    with psycopg.connect(loaded) as conn:
        n_dossiers = conn.execute("select count(*) from dw.fact_dossier").fetchone()
    with as_bi_reader(loaded) as conn:
        for schema, name in readable:
            assert attempt(conn, sql.SQL("select * from {} limit 1").format(
                sql.Identifier(schema, name))) == "ok", (schema, name)
        assert conn.execute("select count(*) from dw.fact_dossier").fetchone() == n_dossiers
    assert n_dossiers == (1,)


def test_s2_bi_reader_reads_nothing_in_raw_staging_quarantine_or_meta(loaded):
    private = relations(loaded, PRIVATE)
    assert {schema for schema, _ in private} == set(PRIVATE)
    with as_bi_reader(loaded) as conn:
        for schema, name in private:
            assert attempt(conn, sql.SQL("select * from {} limit 1").format(
                sql.Identifier(schema, name))) == "refused", (schema, name)


@pytest.mark.parametrize("write", ["insert into {} default values", "delete from {}",
                                   "truncate {}", "update {} set {} = {}"])
def test_s2_bi_reader_writes_no_table_anywhere(loaded, write):
    with psycopg.connect(loaded) as conn:
        first_columns = dict(conn.execute(
            "select table_schema || '.' || table_name, column_name from information_schema.columns"
            " where ordinal_position = 1 and table_schema = any(%s)",
            (list(READABLE + PRIVATE),)).fetchall())
    tables = relations(loaded, READABLE + PRIVATE, ("r", "p"))
    # a view: refused, or one that nobody can write through (TRUNCATE takes tables only)
    views = [] if write.startswith("truncate") else relations(loaded, READABLE, ("v", "m"))
    assert len(tables) > 30 and len(views) >= (0 if write.startswith("truncate") else 3)
    with as_bi_reader(loaded) as conn:
        for (schema, name), allowed in [*((t, {"refused"}) for t in tables),
                                        *((v, {"refused", "impossible"}) for v in views)]:
            column = sql.Identifier(first_columns[f"{schema}.{name}"])
            statement = sql.SQL(write).format(sql.Identifier(schema, name), column, column)
            assert attempt(conn, statement) in allowed, (write, schema, name)


@pytest.mark.parametrize("schema", [*READABLE, *PRIVATE, "public"])
def test_s2_bi_reader_creates_nothing_in_any_schema(warehouse, schema):
    with as_bi_reader(warehouse) as conn:
        assert attempt(conn, sql.SQL("create table {} (a int)").format(
            sql.Identifier(schema, "bi_reader_was_here"))) == "refused"
        assert attempt(conn, sql.SQL("create view {} as select 1 as a").format(
            sql.Identifier(schema, "bi_reader_view"))) == "refused"
        assert attempt(conn, sql.SQL("create function {}() returns int language sql"
                                     " as 'select 1'").format(
            sql.Identifier(schema, "bi_reader_function"))) == "refused"


# -- V011: nothing left behind, no session holding the server, no other database ----------------

def test_s2_bi_reader_creates_no_large_object(warehouse):
    """Large objects outlive the session and no quota bounds them."""
    with as_bi_reader(warehouse) as conn:
        assert attempt(conn, sql.SQL("select lo_create(0)")) == "refused"
        assert attempt(conn, sql.SQL("select lo_creat(-1)")) == "refused"
        assert attempt(conn, sql.SQL("select lo_from_bytea(0, 'x')")) == "refused"
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from pg_largeobject_metadata").fetchone() == (0,)


def test_s2_bi_reader_creates_no_temporary_object(warehouse):
    with as_bi_reader(warehouse) as conn:
        assert attempt(conn, sql.SQL("create temporary table bi_reader_temp (a int)")) == (
            "refused")
        assert attempt(conn, sql.SQL("create temporary view bi_reader_temp_view as select 1")
                       ) == "refused"
        assert attempt(conn, sql.SQL("create function pg_temp.bi_reader_f() returns int"
                                     " language sql as 'select 1'")) == "refused"


def test_s2_the_pipeline_keeps_its_temporary_tables(warehouse):
    """The role that applies the migrations (the pipeline) still gets TEMPORARY: the gate and
    the weekly report need it."""
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select has_database_privilege(current_user, current_database(),"
                            " 'temporary')").fetchone() == (True,)


@contextmanager
def bi_reader_login(conninfo: str) -> Iterator[str]:
    """bi_reader with a login for the test, given back its login state afterwards."""
    with psycopg.connect(conninfo, autocommit=True) as admin:
        can_login, password = admin.execute(
            "select rolcanlogin, rolpassword from pg_authid where rolname = 'bi_reader'"
        ).fetchone()
        admin.execute("alter role bi_reader login password 'bi-reader-test-secret'")
    try:
        yield make_conninfo(conninfo, user="bi_reader", password="bi-reader-test-secret")
    finally:
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(sql.SQL("alter role bi_reader {} password {}").format(
                sql.SQL("login" if can_login else "nologin"), sql.Literal(password)))


def test_s2_bi_reader_sessions_have_a_statement_and_idle_timeouts(warehouse):
    with bi_reader_login(warehouse) as login, psycopg.connect(login) as conn:
        settings = [conn.execute(f"show {name}").fetchone()[0] for name in (
            "statement_timeout", "idle_in_transaction_session_timeout", "idle_session_timeout")]
    assert settings == ["2min", "5min", "1h"]


def test_s2_bi_reader_connects_to_the_warehouse_only(warehouse):
    with bi_reader_login(warehouse) as login:
        with psycopg.connect(login) as conn:
            assert conn.execute("select current_user").fetchone() == ("bi_reader",)
        for other in ("postgres", "template1"):
            with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
                psycopg.connect(make_conninfo(login, dbname=other)).close()


def test_s2_tables_that_later_migrations_add_to_dw_and_mart_are_readable_too(warehouse,
                                                                           tmp_path):
    (tmp_path / "V900__later_tables.sql").write_text(
        "create table dw.fact_later (a int); insert into dw.fact_later values (1);"
        " create view mart.later_report as select a from dw.fact_later;"
        " create table meta.later_settings (a int);", encoding="utf-8")
    assert apply_migrations(warehouse, tmp_path) == ["V900__later_tables.sql"]
    with as_bi_reader(warehouse) as conn:
        assert conn.execute("select a from mart.later_report").fetchall() == [(1,)]
        assert attempt(conn, sql.SQL("select * from meta.later_settings")) == "refused"


def test_s2_a_login_role_in_bi_reader_connects_and_reads_dw_only(loaded):
    """The documented way to let a BI tool in: its own login role, a member of bi_reader."""
    role = f"bi_tool_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(loaded, autocommit=True) as admin:
        admin.execute(sql.SQL("create role {} login password {} in role bi_reader").format(
            sql.Identifier(role), sql.Literal("bi-tool-secret")))
    try:
        tool = make_conninfo(loaded, user=role, password="bi-tool-secret")
        with psycopg.connect(tool, autocommit=True) as conn:
            assert conn.execute("select dossier_code from dw.fact_dossier").fetchall() == [
                ("HS1",)]
            assert attempt(conn, sql.SQL("select * from raw.ho_so")) == "refused"
            assert attempt(conn, sql.SQL("delete from dw.fact_dossier")) == "refused"
    finally:
        with psycopg.connect(loaded, autocommit=True) as admin:
            admin.execute(sql.SQL("drop role {}").format(sql.Identifier(role)))

"""Checksums of whole tables, to assert that two warehouses (or two moments) hold the same data."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import sql

# Text output that depends on session settings is pinned, so equal data gives equal text.
_CANONICAL_SETTINGS = (
    "set timezone = 'UTC'",
    "set datestyle = 'ISO, YMD'",
    "set intervalstyle = 'postgres'",
    "set bytea_output = 'hex'",
    "set extra_float_digits = 1",
)


def dw_checksum(conninfo: str, schemas: Sequence[str] = ("dw",)) -> dict[str, str]:
    """The md5 of every base table's rows in ``schemas``, keyed by ``schema.table``.

    Rows are hashed in their text form, sorted bytewise, so physical and load order do not
    matter while any changed value does. A dict (rather than one hash) lets a failing
    assertion name the tables that differ.
    """
    with psycopg.connect(conninfo) as conn:
        for setting in _CANONICAL_SETTINGS:
            conn.execute(setting)
        tables = conn.execute(
            "select schemaname, tablename from pg_tables where schemaname = any(%s)"
            " order by schemaname, tablename",
            (list(schemas),),
        ).fetchall()
        return {f"{schema}.{table}": _table_checksum(conn, schema, table)
                for schema, table in tables}


def _table_checksum(conn: psycopg.Connection, schema: str, table: str) -> str:
    query = sql.SQL(
        "select md5(coalesce(string_agg(r::text, E'\\n' order by r::text collate \"C\"), ''))"
        " from {} as r"
    ).format(sql.Identifier(schema, table))
    return conn.execute(query).fetchone()[0]

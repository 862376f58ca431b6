"""Checksums of whole tables, to assert that two warehouses (or two moments) hold the same data."""

from __future__ import annotations

from collections.abc import Collection, Sequence

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


def dw_checksum(conninfo: str, schemas: Sequence[str] = ("dw",),
                exclude_columns: Collection[str] = ()) -> dict[str, str]:
    """The md5 of every base table's rows in ``schemas``, keyed by ``schema.table``.

    Rows are hashed in their text form, sorted bytewise, so physical and load order do not
    matter while any changed value does. A dict (rather than one hash) lets a failing
    assertion name the tables that differ. Columns named in ``exclude_columns`` (in any table)
    are left out, for values that are wall-clock time by design, such as mart's
    ``published_at``.
    """
    with psycopg.connect(conninfo) as conn:
        for setting in _CANONICAL_SETTINGS:
            conn.execute(setting)
        tables = conn.execute(
            "select schemaname, tablename from pg_tables where schemaname = any(%s)"
            " order by schemaname, tablename",
            (list(schemas),),
        ).fetchall()
        return {f"{schema}.{table}": _table_checksum(conn, schema, table, exclude_columns)
                for schema, table in tables}


def _table_checksum(conn: psycopg.Connection, schema: str, table: str,
                    exclude_columns: Collection[str]) -> str:
    rows: sql.Composable = sql.Identifier(schema, table)
    columns = [name for (name,) in conn.execute(
        "select column_name from information_schema.columns where table_schema = %s"
        " and table_name = %s order by ordinal_position", (schema, table))]
    kept = [name for name in columns if name not in exclude_columns]
    if kept != columns:
        rows = sql.SQL("(select {} from {})").format(
            sql.SQL(", ").join(map(sql.Identifier, kept)), rows)
    query = sql.SQL(
        "select md5(coalesce(string_agg(r::text, E'\\n' order by r::text collate \"C\"), ''))"
        " from {} as r"
    ).format(rows)
    return conn.execute(query).fetchone()[0]

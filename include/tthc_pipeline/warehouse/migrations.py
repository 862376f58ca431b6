"""Versioned schema migrations: ``sql/migrations/V<nnn>__<name>.sql``, applied in order, once.

Each file runs in its own transaction with its checksum recorded in ``meta.schema_migration``;
an applied file that later changes is an error (write a new migration instead). An advisory
lock makes concurrent callers (parallel DAG runs) wait instead of racing. Then the source list
(config/sources.yaml) is recorded in ``meta.source`` and ``meta.report_tree``: every batch and
``dw`` row names a recorded source. Migrations that give rows written before them a source (V014)
read the configuration's first source and tree from the settings ``tthc.legacy_source`` and
``tthc.legacy_tree``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tthc_pipeline import sources
from tthc_pipeline.paths import MIGRATIONS_DIR

log = logging.getLogger(__name__)

_FILE_PATTERN = re.compile(r"^V(\d{3})__([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x7474_6863  # "tthc": one advisory lock for schema changes

_BOOTSTRAP = """
create schema if not exists meta;
create table if not exists meta.schema_migration (
    version integer primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
);
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_PATTERN.match(path.name)
        if not match:
            raise ValueError(f"migration file name {path.name!r} is not V<nnn>__<name>.sql")
        migrations.append(Migration(int(match[1]), match[2], path))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration versions in {directory}")
    return migrations


def apply_migrations(conninfo: str, directory: Path = MIGRATIONS_DIR,
                     source_list: sources.SourceList | None = None) -> list[str]:
    """Bring the warehouse schema up to date and record the source list (default: the
    configured one); return the names of the migrations applied."""
    source_list = source_list or sources.load()
    applied_now: list[str] = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            conn.execute(_BOOTSTRAP)
            legacy = source_list.default
            conn.execute("select set_config('tthc.legacy_source', %s, false),"
                         " set_config('tthc.legacy_tree', %s, false)", (legacy.code, legacy.tree))
            done = dict(conn.execute("select version, checksum from meta.schema_migration"))
            for migration in discover(directory):
                if migration.version in done:
                    _check_unchanged(migration, done[migration.version])
                    continue
                with conn.transaction():
                    conn.execute(migration.sql)
                    conn.execute(
                        "insert into meta.schema_migration (version, name, checksum)"
                        " values (%s, %s, %s)",
                        (migration.version, migration.name, migration.checksum),
                    )
                log.info("applied migration V%03d %s", migration.version, migration.name)
                applied_now.append(migration.path.name)
            if conn.execute("select to_regclass('meta.source')").fetchone()[0]:  # V014 on
                with conn.transaction():
                    sources.record(conn, source_list)
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return applied_now


def _check_unchanged(migration: Migration, recorded_checksum: str) -> None:
    if migration.checksum != recorded_checksum:
        raise RuntimeError(
            f"migration {migration.path.name} changed after it was applied; "
            "add a new migration instead of editing an applied one"
        )

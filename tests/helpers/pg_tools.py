"""Postgres client tools (pg_dump, pg_restore) of the same major version as a running server."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg


def server_major(conninfo: str) -> int:
    with psycopg.connect(conninfo) as conn:
        return int(conn.execute("show server_version_num").fetchone()[0]) // 10000


def matching_tool(name: str, major: int) -> Path | None:
    """``name`` (e.g. pg_dump) of Postgres ``major``, from the places the embedded server's
    binaries come from, then Debian's versioned folders, then PATH; None when none matches.
    pg_restore refuses archives of a newer pg_dump, and pg_dump refuses newer servers, so the
    round trip uses the server's own version."""
    for folder in _candidate_folders(major):
        tool = folder / name
        if tool.is_file() and _tool_major(tool) == major:
            return tool
    return None


def _candidate_folders(major: int) -> Iterator[Path]:
    from tthc_devtools.embedded_postgres import _bindir_candidates

    yield from _bindir_candidates()
    yield Path(f"/usr/lib/postgresql/{major}/bin")
    for name in ("pg_dump", "pg_restore"):
        found = shutil.which(name)
        if found:
            yield Path(found).resolve().parent


def _tool_major(tool: Path) -> int | None:
    out = subprocess.run([str(tool), "--version"], capture_output=True, text=True)
    found = re.search(r"\(PostgreSQL\) (\d+)", out.stdout)
    return int(found[1]) if found else None

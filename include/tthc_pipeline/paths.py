"""Where the project's non-Python assets live (SQL, GX suites), in a checkout and in compose."""

from __future__ import annotations

import os
from pathlib import Path

# include/tthc_pipeline/paths.py -> the project root is two levels above the package.
PROJECT_ROOT = Path(os.environ.get("TTHC_PROJECT_ROOT", Path(__file__).resolve().parents[2]))
SQL_DIR = PROJECT_ROOT / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


def read_sql(relative_path: str) -> str:
    """The text of a SQL file under sql/, e.g. ``read_sql("load/dim_unit.sql")``."""
    return (SQL_DIR / relative_path).read_text(encoding="utf-8")

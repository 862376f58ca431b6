"""`make lint`'s SQL half: sql/ passes sqlfluff with the project's config, and the config bites."""

from pathlib import Path

import pytest
from sqlfluff.core import FluffConfig, Linter

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def linter() -> Linter:
    # the project's config (pyproject.toml), as `sqlfluff lint` from the root reads it
    return Linter(config=FluffConfig.from_path(str(ROOT)))


def codes(linter: Linter, sql: str) -> set[str]:
    return {v.rule_code() for v in linter.lint_string(sql).get_violations()}


def test_every_sql_file_passes(linter):
    # two processes, as `make lint` runs it: sql/ (migrations included) takes ~25 s on one core
    result = linter.lint_paths((str(ROOT / "sql"),), processes=2)
    found = [f"{record['filepath']}: {v['code']} line {v['start_line_no']}: {v['description']}"
             for record in result.as_records() for v in record["violations"]]
    assert len(result.as_records()) == len(list((ROOT / "sql").rglob("*.sql")))  # none skipped
    assert found == []


def test_psycopg_placeholders_parse(linter):
    sql = (
        "-- Grain: one row per batch.\n"
        "select b.batch_id, b.entity\n"
        "from meta.load_batch as b\n"
        "where b.batch_id = any(%(batch_ids)s) and b.entity = %(entity)s::text\n"
    )
    assert codes(linter, sql) == set()
    assert codes(linter, "delete from {quarantine} where batch_id = %(batch_id)s\n") == set()


def test_style_violations_are_caught(linter):
    assert "CP01" in codes(linter, "SELECT b.batch_id FROM meta.load_batch AS b\n")
    assert "AL01" in codes(linter, "select b.batch_id from meta.load_batch b\n")
    leading_comma = "select\n    b.batch_id\n    , b.entity\nfrom meta.load_batch as b\n"
    assert "LT04" in codes(linter, leading_comma)
    assert "LT05" in codes(linter, f"select {'x' * 100} from t\n")
    assert "PRS" in codes(linter, "select from from where\n")


def test_make_lint_runs_ruff_and_sqlfluff_over_sql():
    import subprocess

    dry_run = subprocess.run(["make", "-n", "-s", "lint"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    commands = [line for line in dry_run.splitlines() if "ruff" in line or "sqlfluff" in line]
    assert any("ruff check ." in line for line in commands), dry_run
    assert any("sqlfluff lint sql/" in line for line in commands), dry_run

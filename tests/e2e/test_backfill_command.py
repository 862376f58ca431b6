"""``make backfill``: any START and END give either a clean run with a summary or one line.

The runs go to a metadata DB of the test's own and the warehouse is the test's database; the
simulator is the local one the command starts itself, small (``SCALE``) to keep the runtime
modest.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta

import psycopg
import pytest

from tests.helpers.dag_runs import conninfo_to_uri, migrated_metadata_db, own_metadata_db
from tthc_devtools import backfill as command

pytestmark = pytest.mark.e2e

PROJECT_ROOT = command.PROJECT_ROOT


def command_environment(warehouse: str, metadata_url: str, reports) -> dict[str, str]:
    return {**os.environ, "AIRFLOW_CONN_WAREHOUSE": conninfo_to_uri(warehouse),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
            "TTHC_REPORTS_DIR": str(reports), "TTHC_HASH_KEY": "backfill-command-test-key-01"}


@pytest.mark.parametrize("start, end, message", [
    ("2026-10-31", "2026-10-01", "END 2026-10-01 is before START 2026-10-31"),
    ("2026-13-01", "2026-10-31", "START '2026-13-01' is not a date (YYYY-MM-DD)"),
    ("2026-10-01", "31/10/2026", "END '31/10/2026' is not a date (YYYY-MM-DD)"),
    ("2025-12-01", "2025-12-31", "START 2025-12-01 is before the DAGs' start date 2026-01-01"
                                 " (TTHC_START_DATE); set TTHC_START_DATE to 2025-12-01 or"
                                 " earlier"),
    ("2026-10-01", "2099-01-01", "END 2099-01-01 has not ended yet in Asia/Ho_Chi_Minh: the last"
                                 " day a backfill can load is yesterday"),
], ids=["end-before-start", "bad-start", "bad-end", "before-start-date", "end-in-future"])
def test_bad_arguments_fail_with_one_line_before_anything_starts(tmp_path, start, end, message):
    log_file = tmp_path / "backfill.log"
    env = {key: value for key, value in os.environ.items() if key != "TTHC_START_DATE"}
    done = subprocess.run([sys.executable, "-m", "tthc_devtools.backfill", "--start",
                           start, "--end", end, "--log-file", str(log_file)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()  # no traceback, no Postgres or simulator log line
    assert line.startswith(f"make backfill: {message}")
    assert not log_file.exists()  # Airflow never ran


def test_make_backfill_without_dates_prints_its_usage():
    done = subprocess.run(["make", "-s", "backfill"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert "usage: make backfill START=YYYY-MM-DD END=YYYY-MM-DD" in done.stdout


def test_a_start_on_monday_skips_the_friday_it_cannot_cover_with_one_line(
        warehouse, tmp_path, monkeypatch, capfd):
    """START Monday 2/3/2026: Friday 6/3's period starts on 27/2, which nothing loaded."""
    for name, value in command_environment(warehouse, "unused", tmp_path).items():
        if name != "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN":
            monkeypatch.setenv(name, value)
    with own_metadata_db(tmp_path):
        status = command.main(["--start", "2026-03-02", "--end", "2026-03-05", "--scale", "600",
                               "--log-file", str(tmp_path / "backfill.log")])
    out, err = capfd.readouterr()
    assert status == 0, out + err
    assert "Traceback" not in out + err
    skipped = [line for line in out.splitlines() if line.startswith("report 2026-03-06")]
    assert skipped == ["report 2026-03-06 skipped: its period starts 2026-02-27, before START"
                       " 2026-03-02, and the warehouse lacks 2026-02-27 .. 2026-03-01"
                       " (START=2026-02-27 would include it)"]
    assert "Days loaded: 4 (2026-03-02 .. 2026-03-05)" in out
    assert "Reports published: none" in out
    assert "kept (AIRFLOW_CONN_WAREHOUSE)" in out
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from meta.watermark").fetchone() == (4 * 4,)


@pytest.mark.timeout(1800)  # 97 DAG runs: about 7 minutes on a busy 2-core machine
def test_the_readme_example_works_as_written(warehouse, tmp_path):
    """``make backfill START=2026-10-01 END=2026-10-31`` (START a Thursday), with a small
    simulated province: every day loads, the Fridays 9/10 .. 30/10 publish, 2/10 is skipped
    with one line, Airflow's output goes to the log file, and a summary closes it."""
    env = command_environment(warehouse, migrated_metadata_db(tmp_path), tmp_path / "reports")
    done = subprocess.run(["make", "-s", "backfill", "START=2026-10-01", "END=2026-10-31",
                           "SCALE=2500"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=1800, env=env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "Traceback" not in output
    assert len(output.splitlines()) < 80, "Airflow's log lines belong in the log file"
    assert "Days loaded: 31 (2026-10-01 .. 2026-10-31)" in output
    print(output)  # shown when an assertion fails
    assert [line for line in output.splitlines()
            if line.startswith("report ") and "skipped" in line] == [
        "report 2026-10-02 skipped: its period starts 2026-09-25, before START 2026-10-01, and"
        " the warehouse lacks 2026-09-25 .. 2026-09-30 (START=2026-09-25 would include it)"]
    for friday in ("2026-10-09", "2026-10-16", "2026-10-23", "2026-10-30"):
        workbook = tmp_path / "reports" / f"chi_thi_04_quang_nam_{friday}_v1.xlsx"
        page = workbook.with_suffix(".html")
        assert f"  {friday} version 1: {workbook}, {page}" in output
        assert workbook.exists() and page.exists()
    assert "DagRun Finished" in (PROJECT_ROOT / ".airflow" / "backfill.log").read_text()
    assert_runs_are_airflow_backfill_runs(tmp_path / "airflow.db")


def assert_runs_are_airflow_backfill_runs(metadata_db) -> None:
    """Run type backfill, logical date = interval start, real start and end times."""
    with sqlite3.connect(metadata_db) as db:
        runs = db.execute("select dag_id, run_type, logical_date, data_interval_start,"
                          " data_interval_end, start_date, end_date, state from dag_run").fetchall()
    by_dag: dict[str, int] = {}
    for dag_id, run_type, logical, start, end, started, ended, state in runs:
        by_dag[dag_id] = by_dag.get(dag_id, 0) + 1
        assert (run_type, state) == ("backfill", "success")
        assert logical == start
        span = timedelta(days=7 if dag_id == "weekly_chi_thi_04__quang_nam" else 1)
        assert parse(end) - parse(start) == span
        assert parse(started) > parse(end) and parse(ended) >= parse(started)
    assert by_dag == {"daily_catalogues__quang_nam": 31, "daily_dossiers__quang_nam": 31,
                      "daily_payments__quang_nam": 31,
                      "weekly_chi_thi_04__quang_nam": 4}


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


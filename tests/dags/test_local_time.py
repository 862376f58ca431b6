"""Airflow runs in Asia/Ho_Chi_Minh wherever the project starts it (tests, Makefile, compose),
and the DAGs' windows do not depend on that setting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.dags

ROOT = Path(__file__).resolve().parents[2]
LOCAL_TZ = "Asia/Ho_Chi_Minh"
SETTING = "AIRFLOW__CORE__DEFAULT_TIMEZONE"


def test_the_tests_airflow_runs_in_local_time():
    from airflow import settings
    from airflow.configuration import conf
    from airflow.sdk import timezone

    assert conf.get("core", "default_timezone") == LOCAL_TZ
    assert settings.TIMEZONE.name == LOCAL_TZ
    # A naive date (e.g. `airflow backfill create --from-date 2026-03-01`) is local midnight.
    assert timezone.parse("2026-03-01").isoformat() == "2026-03-01T00:00:00+07:00"


def test_make_gives_every_command_local_time():
    env = {name: value for name, value in os.environ.items() if name != SETTING}
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval",
         f"print-tz: ; @echo $${SETTING}", "print-tz"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == LOCAL_TZ


# The first scheduled window of every DAG, printed as JSON, under a given default_timezone.
FIRST_WINDOWS = """
import json
from zoneinfo import ZoneInfo
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.encoders import coerce_to_core_timetable
from airflow.timetables.base import TimeRestriction

windows = {}
for dag_id, dag in sorted(DagBag(%r).dags.items()):
    timetable = coerce_to_core_timetable(dag.timetable)
    info = timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True))
    local = [moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).isoformat() for moment in
             (info.data_interval.start, info.data_interval.end, info.run_after)]
    windows[dag_id] = [str(dag.timezone), *local]
print("WINDOWS=" + json.dumps(windows))
"""


def first_windows(default_timezone: str) -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", FIRST_WINDOWS % str(ROOT / "dags")],
        env={**os.environ, SETTING: default_timezone, "TTHC_START_DATE": "2026-03-02"},
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("WINDOWS=")]
    return json.loads(line.removeprefix("WINDOWS="))


def test_the_dags_windows_do_not_depend_on_the_default_timezone():
    """The DAGs use aware local start dates and timetables: switching Airflow's default zone
    from UTC to local time moves no window."""
    local, utc = first_windows(LOCAL_TZ), first_windows("UTC")
    assert local == utc
    assert local["daily_dossiers__quang_nam"] == [LOCAL_TZ, "2026-03-02T00:00:00+07:00",
                                       "2026-03-03T00:00:00+07:00", "2026-03-03T00:00:00+07:00"]
    # The first whole Friday-to-Friday period after the start date.
    assert local["weekly_chi_thi_04__quang_nam"][1:3] == ["2026-03-06T00:00:00+07:00",
                                               "2026-03-13T00:00:00+07:00"]

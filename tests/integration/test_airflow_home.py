"""Two local commands in one clone never share Airflow's SQLite metadata DB at once: the second
gets an Airflow home of its own and says so."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

CLAIM = ("from tthc_devtools.airflow_home import claim_airflow_home;"
         " print(claim_airflow_home())")


def claim_in_a_new_process(home) -> subprocess.CompletedProcess:
    environ = {**os.environ, "AIRFLOW_HOME": str(home)}
    environ.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
    return subprocess.run([sys.executable, "-c", CLAIM], env=environ, capture_output=True,
                          text=True, check=True, timeout=300)


def test_a_command_alone_uses_the_clone_s_airflow_home(tmp_path):
    claimed = claim_in_a_new_process(tmp_path)
    assert claimed.stdout.strip() == str(tmp_path) and claimed.stderr == ""


def test_a_second_command_at_once_gets_its_own_migrated_home(tmp_path):
    with (tmp_path / "local-run.lock").open("w") as first_command:
        fcntl.flock(first_command, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a demo is running
        claimed = claim_in_a_new_process(tmp_path)
    own = tmp_path / "runs"
    [private] = list(own.iterdir())
    assert claimed.stdout.strip() == str(private)
    assert (private / "airflow.db").stat().st_size > 0  # migrated, ready for dag.test
    assert claimed.stderr.count("\n") == 1
    assert "Another make demo or make backfill" in claimed.stderr

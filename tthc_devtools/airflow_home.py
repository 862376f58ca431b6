"""One Airflow metadata DB per local command at a time.

``make demo`` and ``make backfill`` run Airflow in-process against the clone's SQLite
metadata DB (``.airflow/``, what ``make ui`` shows). Two at once in one clone would write the
same runs into one SQLite file and crash. The first command holds a lock on the home and uses
it; a second one, while the first still runs, gets an Airflow home of its own under
``.airflow/runs/<pid>/``, migrated on the spot, and says so in one line. Call
``claim_airflow_home`` before anything imports Airflow: Airflow reads its home at import.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from tthc_pipeline.paths import PROJECT_ROOT

_held_locks: list = []  # open lock files, held until the process exits


def claim_airflow_home() -> Path:
    """Lock the configured Airflow home for this process, or switch to a private one."""
    if "airflow" in sys.modules:
        raise RuntimeError("claim_airflow_home() must run before Airflow is imported")
    home = Path(os.environ.get("AIRFLOW_HOME") or PROJECT_ROOT / ".airflow")
    home.mkdir(parents=True, exist_ok=True)
    lock = (home / "local-run.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return _private_home(home / "runs" / str(os.getpid()))
    _held_locks.append(lock)
    return home


def _private_home(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'airflow.db'}"
    migrated = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"],
                              capture_output=True, text=True)
    if migrated.returncode != 0:
        raise RuntimeError(f"could not create the Airflow metadata DB in {home}:\n"
                           f"{migrated.stdout}{migrated.stderr}")
    print(f"Another make demo or make backfill is running in this clone: this one keeps its"
          f" Airflow runs in {home} (make ui AIRFLOW_HOME={home} shows them)", file=sys.stderr)
    return home

"""A backfill against a simulator faulting at 10 % on every kind gives the same warehouse and the
same Friday report as one against a fault-free simulator of the same province.

A week (Friday 1/5 .. Thursday 7/5/2026) and the report of Friday 8/5 go through Airflow's
backfill (``tthc_devtools.backfill.backfill``, what ``make backfill`` runs) twice: into
one database from the faulty simulator, into another from the clean one. ``dw`` and ``mart`` are
compared table by table (``published_at``, wall-clock time by design, left out).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime

import pytest
from helpers.checksums import dw_checksum
from helpers.dag_runs import own_metadata_db, pipeline_environment
from helpers.pipeline import fresh_warehouse
from helpers.reconcile import VN

from simulator import FaultRates, SimulatorConfig, start_simulator
from simulator.faults import KINDS
from tthc_devtools.backfill import backfill

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]

FIRST, LAST, REPORT_DATE = date(2026, 5, 1), date(2026, 5, 7), date(2026, 5, 8)
CLEAN = SimulatorConfig(token="backfill-faults", seed=41, scale=1200, start=date(2026, 4, 1),
                        end=date(2026, 5, 9), now=datetime(2026, 5, 12, tzinfo=VN))
FAULTY = replace(CLEAN, faults=FaultRates(
    rate_429=0.1, rate_5xx=0.1, rate_error_code=0.1, rate_slow=0.1, rate_drop=0.1,
    rate_duplicate=0.1, retry_after=1, slow_seconds=1.5, seed=8))
# As in R1: read timeout under the slow answers, Retry-After honoured, pages of 100 records.
PATIENCE = {"TTHC_SOURCE_TIMEOUT": "2,0.5", "TTHC_SOURCE_MAX_ATTEMPTS": "25",
            "TTHC_SOURCE_BACKOFF_BASE": "0.02", "TTHC_SOURCE_BACKOFF_MAX": "1",
            "TTHC_SOURCE_PAGE_LIMIT": "100"}


def checksum(conninfo: str) -> dict[str, str]:
    return dw_checksum(conninfo, ("dw", "mart"), exclude_columns={"published_at"})


def backfill_from(config: SimulatorConfig, conninfo: str) -> dict[str, int]:
    """Backfill the week and its report from a simulator of ``config``; its fault counts."""
    with start_simulator(config) as sim, pipeline_environment(conninfo, sim.url, config.token):
        result = backfill(FIRST, LAST)
        faults = sim.fault_counts()
    assert result.report_dates == [REPORT_DATE] and not result.skipped_reports
    return faults


@pytest.mark.timeout(1800)  # two backfills of a week: about 5 minutes on a busy machine
def test_a_fault_injected_backfill_equals_a_fault_free_one(warehouse, postgres_server, tmp_path,
                                                           monkeypatch):
    for name, value in PATIENCE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TTHC_REPORTS_DIR", str(tmp_path / "reports"))
    with own_metadata_db(tmp_path):
        faults = backfill_from(FAULTY, warehouse)
        with fresh_warehouse(postgres_server) as clean:
            assert set(backfill_from(CLEAN, clean)) <= {"none"}
            expected = checksum(clean)
    assert all(faults.get(kind, 0) > 0 for kind in KINDS), faults  # every kind really happened
    found = checksum(warehouse)
    assert expected["mart.chi_thi_04_weekly"] != hashlib.md5(b"").hexdigest()  # not empty
    assert {table for table in expected if found.get(table) != expected[table]} == set()

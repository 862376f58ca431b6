"""A warehouse backed up with ``pg_dump -Fc`` and restored with ``pg_restore`` into a new
database is the same warehouse: the published snapshot survives unchanged, and the next
Friday's report published over the copy equals the one published over the original.

The scenario is the weekly report's (tests/e2e/test_weekly_report.py): its records of
27/2–12/3/2026, loaded through the pipeline's own extract → stage → gate → load in one window
(the daily DAGs' runs are tests/e2e/test_weekly_report.py's business), and the report of
Friday 6/3 published by the weekly DAG are in the warehouse when it is dumped; the report of
Friday 13/3 (which compares its colours with 6/3's) is then published by the weekly DAG over
both. The procedure is the one docs/deployment.md gives for production.
"""

from __future__ import annotations

import subprocess
from datetime import date

import psycopg
import pytest

from simulator import SimulatorConfig, start_simulator
from tests.e2e.test_weekly_report import R0, R1, write_scenario
from tests.helpers.checksums import dw_checksum
from tests.helpers.dag_runs import load_dags_without_retries, pipeline_environment
from tests.helpers.generated_province import load_province, local_midnight
from tests.helpers.pg_tools import matching_tool, server_major
from tthc_devtools.backfill import WEEKLY_DAG, run_weekly
from tthc_devtools.local_stack import environment

pytestmark = pytest.mark.e2e

SCHEMAS = ("raw", "staging", "quarantine", "dw", "mart", "meta")
# Wall-clock values of the publication itself, different by design between two publishes.
PUBLICATION_TIME = ("published_at", "dag_run_id")


def snapshots(conninfo: str) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute("select report_date, snapshot_version, content_hash, unit_count,"
                            " published_at from mart.chi_thi_04_snapshot order by 1, 2").fetchall()


def dump_and_restore(source: str, target: str, folder) -> None:
    """What a backup and a restore do: pg_dump -Fc of the whole warehouse database, then
    pg_restore into an empty database, all or nothing."""
    major = server_major(source)
    pg_dump, pg_restore = matching_tool("pg_dump", major), matching_tool("pg_restore", major)
    if pg_dump is None or pg_restore is None:
        pytest.skip(f"no pg_dump/pg_restore of Postgres {major} (the test server's version)")
    archive = folder / "warehouse.dump"
    subprocess.run([str(pg_dump), "--format=custom", f"--file={archive}", f"--dbname={source}"],
                   check=True, capture_output=True)
    subprocess.run([str(pg_restore), "--exit-on-error", "--single-transaction",
                    f"--dbname={target}", str(archive)], check=True, capture_output=True)


def test_a_restored_warehouse_keeps_its_snapshots_and_publishes_the_same_next_report(
        warehouse, postgres_server, tmp_path):
    scenario = tmp_path / "scenario"
    scenario.mkdir()
    config = SimulatorConfig(token="backup-token", scenario_dir=write_scenario(scenario))
    [weekly] = load_dags_without_retries((WEEKLY_DAG,))
    restored = postgres_server.create_database()
    try:
        with start_simulator(config) as sim:
            load_province(warehouse, sim.url, config.token, date(2026, 2, 27),
                          local_midnight(R1))
            with pipeline_environment(warehouse, sim.url, config.token), \
                    reports_in(tmp_path / "reports-original"):
                run_weekly(weekly, R0)

            dump_and_restore(warehouse, restored, tmp_path)
            assert dw_checksum(restored, SCHEMAS) == dw_checksum(warehouse, SCHEMAS)
            first_report = snapshots(warehouse)
            assert [row[:2] for row in first_report] == [(R0, 1)]

            for conninfo, reports in ((warehouse, "reports-original"),
                                      (restored, "reports-restored")):
                with pipeline_environment(conninfo, sim.url, config.token), \
                        reports_in(tmp_path / reports):
                    run_weekly(weekly, R1)

        assert snapshots(restored)[0] == first_report[0], "the published version survives as is"
        assert [row[:4] for row in snapshots(restored)] == [row[:4] for row in snapshots(warehouse)]
        assert dw_checksum(restored, ("mart",), PUBLICATION_TIME) == \
            dw_checksum(warehouse, ("mart",), PUBLICATION_TIME)
        assert regressions(restored) == regressions(warehouse) != []
    finally:
        postgres_server.drop_database(restored)


def regressions(conninfo: str) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute("select unit_code, indicator, previous_colour, colour"
                            " from mart.chi_thi_04_regressions where report_date = %s"
                            " order by 1, 2", (R1,)).fetchall()


def reports_in(folder):
    """TTHC_REPORTS_DIR for the block: each warehouse writes its own workbooks."""
    return environment({"TTHC_REPORTS_DIR": str(folder)})

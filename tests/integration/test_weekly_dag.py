"""The weekly DAG on a warehouse whose daily loads do not cover the period: it fails at the
wait, after the waiting time, with the missing windows named, and publishes nothing."""

from datetime import date

import psycopg
import pytest

from tests.helpers.dag_runs import load_dags_without_retries, pipeline_environment
from tthc_devtools.backfill import WEEKLY_DAG, BackfillFailed, run_weekly

pytestmark = pytest.mark.integration


def test_incomplete_daily_loads_fail_the_report_with_the_missing_windows(warehouse, capfd):
    [weekly] = load_dags_without_retries((WEEKLY_DAG,))
    with pipeline_environment(warehouse, "http://127.0.0.1:9", "unused"), \
            pytest.raises(BackfillFailed, match=r"failed: \['wait_for_daily_loads'\]"):
        run_weekly(weekly, date(2026, 3, 13))  # long past 16:00 on that day: no more waiting
    output = capfd.readouterr().out
    assert "the daily loads do not cover the period" in output
    assert "don_vi: 2026-03-06, 2026-03-07" in output and "ho_so: 2026-03-06" in output
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from mart.chi_thi_04_snapshot").fetchone() == (0,)

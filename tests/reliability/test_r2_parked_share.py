"""Parked rows count (issue 13, item 1): ten of eleven dossiers naming a unit the loaded
catalogue lacks are bad data, not a green day with one dossier in the report; payments waiting
for a dossier that may still come do not count. Through the real extractor and daily DAGs.
"""

from __future__ import annotations

import psycopg
import pytest
from helpers.pipeline import fresh_warehouse
from helpers.scenario import bad_share_threshold, run_scenario, write_scenario
from test_r2_bad_input import DAY, GOOD, NOW, good_dossier, good_payment

from tthc_devtools.backfill import DAILY_DAGS, BackfillFailed

pytestmark = [pytest.mark.reliability, pytest.mark.e2e]

UNKNOWN_UNIT = "000.00.77.H49"


def query(conninfo: str, sql: str) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql).fetchall()


def test_dossiers_of_a_unit_the_loaded_catalogue_lacks_count_and_reject_the_batch(
        postgres_server, tmp_path):
    dossiers = [good_dossier("HS-OK")] + [good_dossier(f"HS-U{i}", DonViXuLy=UNKNOWN_UNIT)
                                          for i in range(10)]
    folder = write_scenario(tmp_path, don_vi=GOOD["don_vi"], thu_tuc=GOOD["thu_tuc"],
                            ho_so=dossiers)
    with fresh_warehouse(postgres_server) as warehouse, bad_share_threshold(0.05):
        with pytest.raises(BackfillFailed, match=r"failed: \['ho_so.validate'\]"):
            run_scenario(warehouse, folder, [DAY], NOW, DAILY_DAGS[:2])
        assert query(warehouse, "select status, n_quarantined from meta.load_batch"
                                " where entity = 'ho_so'") == [("rejected", 10)]
        assert query(warehouse, "select n_bad_rows, bad_share > 0.9 from meta.dq_run"
                                " join meta.load_batch as b using (batch_id)"
                                " where b.entity = 'ho_so'") == [(10, True)]
        assert query(warehouse, "select count(*) from dw.fact_dossier") == [(0,)]


def test_payments_waiting_for_a_dossier_that_may_still_come_do_not_count(
        postgres_server, tmp_path):
    payments = [good_payment("T-OK", "HS-OK")] + [good_payment(f"T-W{i}", f"HS-LATER-{i}")
                                                  for i in range(5)]
    folder = write_scenario(tmp_path, don_vi=GOOD["don_vi"], thu_tuc=GOOD["thu_tuc"],
                            ho_so=[good_dossier("HS-OK")], giao_dich=payments)
    with fresh_warehouse(postgres_server) as warehouse, bad_share_threshold(0.05):
        run_scenario(warehouse, folder, [DAY], NOW)  # no failure: the day completes
        assert query(warehouse, "select payment_ref from dw.fact_payment") == [("T-OK",)]
        assert query(warehouse, "select count(*) from meta.parked_record"
                                " where entity = 'giao_dich'") == [(5,)]
        assert query(warehouse, "select bad_share from meta.dq_run join meta.load_batch"
                                " as b using (batch_id) where b.entity = 'giao_dich'") == [(0.0,)]

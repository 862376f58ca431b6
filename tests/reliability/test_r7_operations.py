"""R7: operations over time. Every daily task dies once at every step of its work (the release
of parked records included) and is retried by Airflow; afterwards every record of the source is
in ``dw`` or parked in quarantine exactly once, and the warehouse equals a clean run's. A
payment extracted in the same window as, and before, its dossier on the last day of a period is
in that Friday's report; a publish retried after its commit sends one summary.

The real DAGs run through ``dag.test()`` with retries on; ``tthc_pipeline.crashpoints`` makes
the first process that reaches each named point raise, as a worker killed there would.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from helpers.checksums import dw_checksum
from helpers.dag_runs import pipeline_environment
from helpers.pipeline import fresh_warehouse
from helpers.records import dossier, payment, procedure, unit
from helpers.scenario import write_scenario
from helpers.smtp import running_sink

from simulator import SimulatorConfig, start_simulator
from tthc_devtools.backfill import WEEKLY_DAG, load_dags, run_day, run_weekly
from tthc_devtools.local_stack import environment
from tthc_pipeline.crashpoints import CRASH_AT, CRASH_ONCE_DIR

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT, DEPT = "000.00.00.H49", "000.00.01.H49"
PROC = "1.000001"
CATALOGUE_UPDATED = "20260115080000"
REPORT_DATE = date(2026, 3, 13)  # its period: 6/3 00:00 to 13/3 00:00
LAST_DAY = date(2026, 3, 12)
# Payments before dossiers: a payment and its dossier extracted in the same window park the
# payment first, and the dossier's load must release it.
PAYMENTS_FIRST = ("daily_catalogues__quang_nam", "daily_payments__quang_nam",
                  "daily_dossiers__quang_nam")
ENTITIES = ("don_vi", "ho_so", "giao_dich")
STEPS = ("extract.after_land", "stage.after_unstage", "stage.before_counts",
         "validate.after_commit", "load.before_commit", "load.after_commit")
# Every step of every daily task, the release inside the dossier load (of a payment), and the
# dossier load's rows prepared before its transaction.
CRASH_POINTS = [f"{step}:{entity}" for step in STEPS for entity in ENTITIES] + [
    "release.after_mark:giao_dich", "prepare.after_commit:ho_so"]


def ts(day: date, clock: str) -> str:
    return f"{day:%Y%m%d}{clock}"


def scenario_records() -> dict[str, list[dict]]:
    d11, d12 = LAST_DAY - timedelta(days=1), LAST_DAY

    def fee_dossier(code: str, steps: list[tuple[int, str]]) -> dict:
        return dossier(code, steps[-1][1], steps, MaTTHC=PROC, DonViXuLy=DEPT, KenhThucHien=2,
                       NgayTiepNhan=steps[0][1], NgayHenTra=ts(d12 + timedelta(days=10),
                                                                "170000"),
                       DanhSachLePhi=[{"MaPhiLePhi": "LP01", "TenPhiLePhi": "Lệ phí",
                                       "LoaiPhiLePhi": 2, "SoTien": 50000}])

    def paid(ref: str, code: str, at: str) -> dict:
        return payment(ref, code, at, MaTTHC=PROC, MaDonVi=DEPT, SoTien=50000, Phi=0,
                       LePhi=50000)

    return {
        "don_vi": [unit(ROOT, "UBND tỉnh", CATALOGUE_UPDATED, CapDonVi="tinh"),
                   unit(DEPT, "Sở Tư pháp", CATALOGUE_UPDATED, MaDonViCha=ROOT)],
        "thu_tuc": [procedure(PROC, CATALOGUE_UPDATED, [DEPT])],
        "ho_so": [
            fee_dossier("HS-1", [(2, ts(d11, "080000")), (4, ts(d11, "090000"))]),
            fee_dossier("HS-2", [(2, ts(d11, "083000")), (4, ts(d11, "093000")),
                                 (9, ts(d12, "100000"))]),
            # received on the last day, paid at 08:30, its last step at 09:00: both in the
            # window of 12/3, and the payments DAG runs first
            fee_dossier("HS-3", [(2, ts(d12, "080000")), (4, ts(d12, "090000"))]),
        ],
        "giao_dich": [
            paid("TT-1", "HS-1", ts(d11, "100000")),
            paid("TT-3", "HS-3", ts(d12, "083000")),
            paid("TT-NEVER", "HS-NEVER", ts(d12, "110000")),  # its dossier never comes
        ],
    }


@pytest.fixture(scope="module")
def scenario_folder(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("r7"), **scenario_records())


def daily_dags(retries: int):
    dags = load_dags(PAYMENTS_FIRST)
    for dag in dags:
        for task in dag.tasks:
            task.retries = retries
            task.retry_delay = timedelta(0)
            task.retry_exponential_backoff = False
    return dags


def run_days(warehouse: str, folder, days: list[date], retries: int = 0) -> None:
    config = SimulatorConfig(token="r7-token", scenario_dir=folder,
                             now=datetime(2026, 3, 13, 0, 30, tzinfo=VN))
    dags = daily_dags(retries)
    with start_simulator(config) as sim, pipeline_environment(warehouse, sim.url, config.token):
        for day in days:
            run_day(dags, day)


def query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


def exactly_once(conninfo: str) -> dict:
    """Where each source record ended: dw, or parked (open, in a batch still in force)."""
    return {
        "dossiers": query(conninfo, "select dossier_code from dw.fact_dossier order by 1"),
        "payments": query(conninfo, "select payment_ref from dw.fact_payment order by 1"),
        "parked": query(conninfo,
                        "select p.entity, r.record ->> 'MaThamChieu', p.rules"
                        " from meta.parked_record as p join raw.giao_dich as r"
                        " using (batch_id, record_no) order by 2"),
        # one batch in force per entity and window, loaded
        "batches": query(conninfo,
                         "select entity, window_start, count(*) filter (where status = 'loaded')"
                         " , count(*) filter (where status not in ('loaded', 'superseded'))"
                         " from meta.load_batch group by 1, 2 order by 1, 2"),
        "staging": query(conninfo, "select (select count(*) from staging.ho_so),"
                                   " (select count(*) from staging.giao_dich),"
                                   " (select count(*) from staging.ho_so_prepared),"
                                   " (select count(*) from staging.ho_so_applicant_hash)"),
    }


def test_every_task_killed_at_every_step_and_retried_ends_as_a_clean_run(
        warehouse, postgres_server, scenario_folder, tmp_path):
    days = [LAST_DAY - timedelta(days=1), LAST_DAY]
    with environment({CRASH_AT: ",".join(CRASH_POINTS), CRASH_ONCE_DIR: str(tmp_path)}):
        # the dossier load dies four times: after its prepare, inside, after its commit, and in
        # the release
        run_days(warehouse, scenario_folder, days, retries=4)
    crashed = sorted(marker.name for marker in tmp_path.iterdir())
    assert crashed == sorted(CRASH_POINTS), "every crash point must have been reached"

    with fresh_warehouse(postgres_server) as clean:
        run_days(clean, scenario_folder, days)
        assert dw_checksum(warehouse) == dw_checksum(clean)
        assert exactly_once(warehouse) == exactly_once(clean)
    outcome = exactly_once(warehouse)
    assert outcome["dossiers"] == [("HS-1",), ("HS-2",), ("HS-3",)]
    assert outcome["payments"] == [("TT-1",), ("TT-3",)]
    assert outcome["parked"] == [("giao_dich", "TT-NEVER", ["giao_dich.unknown_dossier"])]
    assert all(loaded == 1 and unfinished == 0 for *_, loaded, unfinished in outcome["batches"])
    # staging keeps the parked payment only, and nothing the dossier loads prepared
    assert outcome["staging"] == [(0, 1, 0, 0)]


def test_a_payment_before_its_dossier_on_the_last_day_counts_and_one_summary_goes_out(
        warehouse, scenario_folder, tmp_path):
    period = [REPORT_DATE - timedelta(days=7 - i) for i in range(7)]
    run_days(warehouse, scenario_folder, period)
    [weekly] = load_dags((WEEKLY_DAG,))
    for task in weekly.tasks:
        task.retries, task.retry_delay = 2, timedelta(0)
    reports = tmp_path / "reports"
    config = SimulatorConfig(token="r7-token", scenario_dir=scenario_folder)
    with start_simulator(config) as sim, pipeline_environment(warehouse, sim.url, config.token), \
            environment({CRASH_AT: "publish.after_commit", CRASH_ONCE_DIR: str(tmp_path),
                         "TTHC_REPORTS_DIR": str(reports)}), running_sink() as mailbox:
        run_weekly(weekly, REPORT_DATE)
        assert (tmp_path / "publish.after_commit").exists(), "the publish did not crash"
        run_weekly(weekly, REPORT_DATE)  # cleared and run again: nothing new to send
    summaries = [message for _, message in mailbox.messages
                 if message["Subject"].startswith("[TTHC] Báo cáo")]
    assert [message["Subject"] for message in summaries] == [
        "[TTHC] Báo cáo Chỉ thị 04 Tỉnh Quảng Nam ngày 13/03/2026 (phiên bản 1)"]
    body = summaries[0].get_body(("html", "plain")).get_content()
    assert "1 giao dịch / payments" in body and "giao_dich.unknown_dossier" in body
    # one of the period's three payments waits: above the 1 % default, the report warns
    assert "CẢNH BÁO / WARNING: 1 trên 3 giao dịch của kỳ (33.3%)" in body

    dept = query(warehouse, "select received, fee_dossiers, paid_online_dossiers"
                            " from mart.chi_thi_04_latest where report_date = %s"
                            " and unit_code = %s", (REPORT_DATE, DEPT))
    assert dept == [(3, 3, 2)]  # HS-1 and HS-3 paid online; HS-3's payment came first
    assert query(warehouse, "select snapshot_version, parked_by_rule, parked_in_period"
                            " from mart.chi_thi_04_snapshot") == [
        (1, {"giao_dich.unknown_dossier": 1},
         {"don_vi": [14, 0], "thu_tuc": [7, 0], "ho_so": [4, 0], "giao_dich": [3, 1]})]
    deliveries = query(warehouse, "select report_date, snapshot_version, subject"
                                  " from meta.report_delivery")
    assert deliveries == [(REPORT_DATE, 1, "[TTHC] Báo cáo Chỉ thị 04 Tỉnh Quảng Nam"
                                           " ngày 13/03/2026 (phiên bản 1)")]
    assert sorted(os.listdir(reports)) == ["chi_thi_04_quang_nam_2026-03-13_v1.html",
                                           "chi_thi_04_quang_nam_2026-03-13_v1.xlsx"]
    from openpyxl import load_workbook

    info = load_workbook(reports / "chi_thi_04_quang_nam_2026-03-13_v1.xlsx")["Thông tin báo cáo"]
    labelled = {row[0]: row[1] for row in info.iter_rows(values_only=True)}
    assert "giao_dich.unknown_dossier" in labelled["Bản ghi chờ dữ liệu tham chiếu (chưa tính)"]
    assert labelled["Cảnh báo"].startswith("CẢNH BÁO / WARNING: 1 trên 3 giao dịch")

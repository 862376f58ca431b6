"""A reorganisation inside the reported weeks (issue 14; shared/spec/domain.md, "Reorganisation").

On Monday 9 March 2026 00:00 (M), inside the week of report R1:
- departments S1 and S2 merge into S3 (S3 announced on 2/3, in force from M);
- district H1 is abolished without a successor; commune X1 is re-parented to the province,
  commune X3 is not (the source still names H1 as its parent);
- commune X2 merges into X1.
Pending dossiers are transferred to the successor (DonViXuLy changes, a status step by the
successor); finished ones keep their old unit. The real daily DAGs load 27/2–19/3, the real
weekly DAG publishes R0 = 6/3, R1 = 13/3 and R2 = 20/3, and every figure is checked against
values worked out by hand below.

Units and dossiers (steps: 2 received, 4 in process, 9 finished; due dates 17:00):
  D1 S1→S3  PA online  fee  received 6/3 09:00, pending, transferred to S3 on M, due 20/3
  D2 S2     PA person  fee  received 4/3, finished 5/3 on its due date (on time)
  D3 S2     PA online  fee  received 5/3, finished 8/3 after its due date 6/3 (late), not moved
  D4 X2→X1  PB online       received 6/3 10:00, transferred on M, finished 11/3 = due (on time)
  D5 X2     PB online       received 3/3, finished 4/3 before its due date 10/3 (early)
  D6 X2     PB person       received 5/3, finished 7/3 after its due date 6/3 (late), not moved
  D7 X1     PB online       received 4/3, finished 5/3, due 10/3 (early)
  D8 X1     PB online       received 10/3, finished 12/3 = due (on time)
  D9 H1     PC person       received 5/3, pending, due 12/3 (overdue from R1): no successor
  D10 X3    PB online       received 11/3, pending, due 25/3
  D11 S3    PA online  fee  received 16/3, finished 18/3 = due (on time)
"""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

import psycopg
import pytest
from psycopg.rows import dict_row

from simulator import SimulatorConfig, start_simulator
from tests.e2e.test_weekly_report import case, ts
from tests.helpers.dag_runs import load_dags_without_retries, pipeline_environment
from tests.helpers.records import procedure, unit
from tthc_devtools.backfill import DAILY_DAGS, WEEKLY_DAG, days, run_day, run_weekly

pytestmark = pytest.mark.e2e

R0, R1, R2 = date(2026, 3, 6), date(2026, 3, 13), date(2026, 3, 20)
P, S1, S2, S3 = "000.00.00.H49", "000.00.01.H49", "000.00.02.H49", "000.00.03.H49"
H1, X1, X2, X3 = "000.00.31.H49", "000.31.01.H49", "000.31.02.H49", "000.31.03.H49"
PA, PB, PC = "1.000001", "1.000002", "1.000003"
CATALOGUED, ANNOUNCED, MERGER, RECORDED = (
    "20260115080000", "20260302080000", "20260309000000", "20260309080000")


def units() -> list[dict]:
    gone = {"HieuLuc": False, "NgayHetHieuLuc": MERGER}
    return [
        unit(P, "UBND tỉnh Quảng Nam", CATALOGUED, CapDonVi="tinh"),
        unit(S1, "Sở Kế hoạch và Đầu tư", CATALOGUED, MaDonViCha=P),
        unit(S1, "Sở Kế hoạch và Đầu tư", RECORDED, MaDonViCha=P, MaDonViKeThua=S3, **gone),
        unit(S2, "Sở Tài chính", CATALOGUED, MaDonViCha=P),
        unit(S2, "Sở Tài chính", RECORDED, MaDonViCha=P, MaDonViKeThua=S3, **gone),
        unit(S3, "Sở Tài chính (hợp nhất)", ANNOUNCED, MaDonViCha=P, NgayHieuLuc=MERGER),
        unit(H1, "UBND huyện Duy Xuyên", CATALOGUED, CapDonVi="huyen", MaDonViCha=P),
        unit(H1, "UBND huyện Duy Xuyên", RECORDED, CapDonVi="huyen", MaDonViCha=P, **gone),
        unit(X1, "UBND xã Duy Sơn", CATALOGUED, CapDonVi="xa", MaDonViCha=H1),
        unit(X1, "UBND xã Duy Sơn", RECORDED, CapDonVi="xa", MaDonViCha=P),
        unit(X2, "UBND xã Duy Trinh", CATALOGUED, CapDonVi="xa", MaDonViCha=H1),
        unit(X2, "UBND xã Duy Trinh", RECORDED, CapDonVi="xa", MaDonViCha=H1,
             MaDonViKeThua=X1, **gone),
        unit(X3, "UBND xã Duy Châu", CATALOGUED, CapDonVi="xa", MaDonViCha=H1),
    ]


def procedures() -> list[dict]:
    return [
        procedure(PA, CATALOGUED, [S1, S2], MucDoDVC="toan_trinh"),
        procedure(PB, CATALOGUED, [X1, X2], MucDoDVC="mot_phan", CoPhiLePhi=False,
                  CapThucHien="xa"),
        procedure(PC, CATALOGUED, [H1], MucDoDVC="khong", CoPhiLePhi=False,
                  CapThucHien="huyen"),
    ]


def dossiers() -> list[dict]:
    def due(day: str) -> str:
        return ts(day, "170000")

    def finished(code, unit_code, proc, received, done, due_day, **fields):
        return case(code, unit_code, proc, [(2, received), (4, received[:8] + "090000"),
                                            (9, done)], due=due(due_day), finished=done, **fields)

    return [
        case("D1", S3, PA, [(2, ts("0306", "090000")), (4, ts("0306", "093000")),
                            (4, ts("0309", "083000"))], channel=2, due=due("0320"), fee=100000),
        finished("D2", S2, PA, ts("0304"), ts("0305", "170000"), "0305", fee=100000),
        finished("D3", S2, PA, ts("0305"), ts("0308", "100000"), "0306", channel=2,
                 fee=100000),
        case("D4", X1, PB, [(2, ts("0306", "100000")), (4, ts("0306", "110000")),
                            (4, ts("0309", "090000")), (9, ts("0311", "150000"))],
             channel=2, due=due("0311"), finished=ts("0311", "150000")),
        finished("D5", X2, PB, ts("0303"), ts("0304", "100000"), "0310", channel=2),
        finished("D6", X2, PB, ts("0305"), ts("0307", "100000"), "0306"),
        finished("D7", X1, PB, ts("0304"), ts("0305", "100000"), "0310", channel=2),
        finished("D8", X1, PB, ts("0310"), ts("0312", "150000"), "0312", channel=2),
        case("D9", H1, PC, [(2, ts("0305")), (4, ts("0305", "090000"))], due=due("0312")),
        case("D10", X3, PB, [(2, ts("0311")), (4, ts("0311", "090000"))], channel=2,
             due=due("0325")),
        finished("D11", S3, PA, ts("0316"), ts("0318", "150000"), "0318", channel=2,
                 fee=50000),
    ]


# --- Expected values, by hand ---------------------------------------------------------------------
# Per unit: (received, received_online, carried_over, resolved, early, on time, late, pending,
# overdue, fee dossiers, dvc_deployed) and the four colours (on time, online, payment, overall).
COLUMNS = ("received", "received_online", "carried_over", "resolved", "resolved_early",
           "resolved_on_time", "resolved_late", "pending", "pending_overdue", "fee_dossiers",
           "dvc_deployed", "on_time_colour", "online_colour", "payment_colour", "overall_colour")


def expected(counts: tuple, colours: str) -> tuple:
    return (*counts, *colours.split())


# R0, before the merger: the old tree P > S1, S2, H1 > X1, X2, X3. S3 is announced (its version
# is in dw) but not in force yet. D2, D3 S2; D5, D6 X2; D7 X1; D9 H1.
WEEK0 = {
    P: expected((6, 3, 0, 3, 2, 1, 0, 3, 0, 2, 2), "xanh vang do do"),
    S1: expected((0,) * 10 + (1,), "trang trang trang trang"),
    S2: expected((2, 1, 0, 1, 0, 1, 0, 1, 0, 2, 1), "xanh vang do do"),
    H1: expected((4, 2, 0, 2, 2, 0, 0, 2, 0, 0, 1), "xanh vang trang vang"),
    X1: expected((1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1), "xanh xanh trang xanh"),
    X2: expected((2, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1), "xanh vang trang vang"),
    X3: expected((0,) * 11, "trang trang trang trang"),
}
# R1, after it: P > S3, X1, X3 (X3's parent H1 is gone without a successor: it hangs from the
# root). S3 counts D1 (received by S1, transferred) and D3 (S2's, finished late before the
# merger) and S1, S2's service PA; X1 counts D4, D8 and X2's D6 (late) and X2's service PB; the
# root counts H1's D9, overdue since 12/3.
WEEK1 = {
    P: expected((4, 4, 3, 4, 0, 2, 2, 3, 1, 1, 2), "do xanh do do"),
    S3: expected((1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1), "do xanh do do"),
    X1: expected((2, 2, 1, 3, 0, 2, 1, 0, 0, 0, 1), "do xanh trang do"),
    X3: expected((1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0), "trang xanh trang xanh"),
}
# R2: S3 resolves D11 on time (fee, not paid online) and still holds D1 (due 20/3: within).
WEEK2 = {
    P: expected((1, 1, 3, 1, 0, 1, 0, 3, 1, 1, 2), "do xanh do do"),
    S3: expected((1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1), "xanh xanh do do"),
    X1: expected((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), "trang trang trang trang"),
    X3: expected((0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0), "trang trang trang trang"),
}
PARENTS = {R0: {P: None, S1: P, S2: P, H1: P, X1: H1, X2: H1, X3: H1},
           R1: {P: None, S3: P, X1: P, X3: P}, R2: {P: None, S3: P, X1: P, X3: P}}
# R1 against R0: P and X1 slip on time (X1 compared with its own R0 row, now with X2's late
# D6); S3 is new and X3 only leaves trang: no regression. R2 against R1: none.
REGRESSIONS = {R0: set(), R1: {(P, "on_time"), (X1, "on_time"), (X1, "overall")}, R2: set()}


# --- The run --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reorganised(postgres_server, tmp_path_factory):
    from tthc_pipeline.warehouse.migrations import apply_migrations

    folder = tmp_path_factory.mktemp("scenario")
    for name, records in (("don_vi", units()), ("thu_tuc", procedures()),
                          ("ho_so", dossiers())):
        (folder / f"{name}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    reports = tmp_path_factory.mktemp("reports")
    config = SimulatorConfig(token="reorganised-token", scenario_dir=folder)
    daily = load_dags_without_retries(DAILY_DAGS)
    [weekly] = load_dags_without_retries((WEEKLY_DAG,))
    os.environ["TTHC_REPORTS_DIR"] = str(reports)
    conninfo = postgres_server.create_database()
    try:
        apply_migrations(conninfo)
        with start_simulator(config) as sim, \
                pipeline_environment(conninfo, sim.url, config.token):
            for day in days(date(2026, 2, 27), date(2026, 3, 19)):
                run_day(daily, day)
                if day + timedelta(days=1) in (R0, R1, R2):
                    run_weekly(weekly, day + timedelta(days=1))
        yield {"conninfo": conninfo, "reports": reports}
    finally:
        os.environ.pop("TTHC_REPORTS_DIR", None)
        postgres_server.drop_database(conninfo)


def latest_rows(conninfo: str, report_date: date) -> dict[str, dict]:
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        found = conn.execute("select * from mart.chi_thi_04_latest where report_date = %s",
                             (report_date,)).fetchall()
    return {row["unit_code"]: row for row in found}


def query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


# --- The checks -----------------------------------------------------------------------------------

@pytest.mark.parametrize("report_date, expected_rows", [(R0, WEEK0), (R1, WEEK1), (R2, WEEK2)],
                         ids=["R0", "R1", "R2"])
def test_each_friday_counts_every_dossier_where_the_rules_say(reorganised, report_date,
                                                               expected_rows):
    found = latest_rows(reorganised["conninfo"], report_date)
    assert set(found) == set(expected_rows), "the tree in force at the cutoff"
    for code, row in expected_rows.items():
        assert tuple(found[code][c] for c in COLUMNS) == row, code
    assert {code: r["parent_unit_code"] for code, r in found.items()} == PARENTS[report_date]


@pytest.mark.parametrize("report_date", [R0, R1, R2], ids=["R0", "R1", "R2"])
def test_the_root_row_is_the_whole_source(reorganised, report_date):
    """Counted straight from the source records, without any unit: the root adds up."""
    cutoff, start = report_date, report_date - timedelta(days=7)
    received = resolved = pending = fees = 0
    for record in dossiers():
        steps = [(s["TrangThai"], date(int(s["ThoiDiemXuLy"][:4]), int(s["ThoiDiemXuLy"][4:6]),
                                       int(s["ThoiDiemXuLy"][6:8]))) for s in record["TienDo"]]
        seen = [status for status, on in steps if on < cutoff]
        if not seen:
            continue
        before = [status for status, on in steps if on < start]
        in_period = steps[0][1] >= start
        finished = seen[-1] == 9
        received += in_period
        resolved += finished and (not before or before[-1] != 9)
        pending += not finished
        fees += in_period and bool(record["DanhSachLePhi"])
    root = latest_rows(reorganised["conninfo"], report_date)[P]
    assert (root["received"], root["resolved"], root["pending"], root["fee_dossiers"]) == (
        received, resolved, pending, fees)


def test_regressions_compare_each_unit_with_its_own_previous_row(reorganised):
    found = query(reorganised["conninfo"],
                  "select report_date, unit_code, indicator from mart.chi_thi_04_regressions")
    for report_date, expected_regressions in REGRESSIONS.items():
        assert {(code, indicator) for day, code, indicator in found
                if day == report_date} == expected_regressions, report_date


def test_the_workbook_lists_the_units_that_appeared_and_disappeared(reorganised):
    from openpyxl import load_workbook

    def changes(report_date: date) -> dict[str, str]:
        info = load_workbook(reorganised["reports"]
                             / f"chi_thi_04_quang_nam_{report_date}_v1.xlsx")["Thông tin báo cáo"]
        return {row[0].value: row[1].value for row in info.iter_rows()
                if row[0].value and row[0].value.startswith("Đơn vị")}

    assert changes(R1) == {
        "Đơn vị mới so với báo cáo tuần trước": f"{S3} Sở Tài chính (hợp nhất)",
        "Đơn vị không còn so với báo cáo tuần trước": "\n".join([
            f"{S1} Sở Kế hoạch và Đầu tư", f"{S2} Sở Tài chính",
            f"{H1} UBND huyện Duy Xuyên", f"{X2} UBND xã Duy Trinh"]),
    }
    assert set(changes(R2).values()) == {"Không có / none"}


def test_the_summary_names_the_units_that_appeared_and_disappeared(reorganised):
    from tthc_pipeline.report.summary import regression_summary

    lines = regression_summary(reorganised["conninfo"], R1, 1).splitlines()
    assert f"Đơn vị mới / new units (1): Sở Tài chính (hợp nhất) ({S3})" in lines
    assert ("Đơn vị không còn (sáp nhập, giải thể) / units merged or dissolved (4):"
            f" Sở Kế hoạch và Đầu tư ({S1}); Sở Tài chính ({S2}); UBND huyện Duy Xuyên ({H1});"
            f" UBND xã Duy Trinh ({X2})") in lines
    assert not any(line.startswith("Đơn vị") for line in
                   regression_summary(reorganised["conninfo"], R2, 1).splitlines())


def test_the_tree_at_any_date_is_one_query_for_bi(reorganised):
    tree_at = ("select unit_code, is_in_force, report_unit_code, parent_unit_code"
               " from dw.unit_tree_at(%s) order by unit_code collate \"C\"")
    before = query(reorganised["conninfo"], tree_at, ("2026-03-08 23:59:59+07",))
    # the dissolutions were recorded at 08:00 on the day they took effect
    after = query(reorganised["conninfo"], tree_at, ("2026-03-09 08:00:00+07",))
    assert before == [(P, True, P, None), (S1, True, S1, P), (S2, True, S2, P),
                      (S3, False, P, None), (H1, True, H1, P), (X1, True, X1, H1),
                      (X2, True, X2, H1), (X3, True, X3, H1)]
    assert after == [(P, True, P, None), (S1, False, S3, None), (S2, False, S3, None),
                     (S3, True, S3, P), (H1, False, P, None), (X1, True, X1, P),
                     (X2, False, X1, None), (X3, True, X3, P)]
    current = query(reorganised["conninfo"], "select unit_code, tree_path from"
                    " dw.v_unit_tree_current where is_in_force order by unit_code collate \"C\"")
    assert current == [(P, P), (S3, f"{P}/{S3}"), (X1, f"{P}/{X1}"), (X3, f"{P}/{X3}")]


def test_a_report_that_does_not_add_up_is_refused(reorganised):
    """A tree broken in dw (X1 and X3 each other's parent) would count D10 for nobody."""
    from tthc_pipeline.report.snapshot import ReportDoesNotAddUp, publish_snapshot

    conninfo = reorganised["conninfo"]
    versions_before = query(conninfo, "select count(*) from mart.chi_thi_04_snapshot")
    broken = ("update dw.dim_unit set parent_unit_code = %s"
              " where unit_code = %s and is_current")
    with psycopg.connect(conninfo) as conn:
        conn.execute(broken, (X3, X1))
        conn.execute(broken, (X1, X3))
    try:
        with pytest.raises(ReportDoesNotAddUp, match=r"pending 2 instead of 3.*D10"):
            publish_snapshot(conninfo, R2)
    finally:
        with psycopg.connect(conninfo) as conn:
            conn.execute(broken, (P, X1))
            conn.execute(broken, (H1, X3))
    assert query(conninfo, "select count(*) from mart.chi_thi_04_snapshot") == versions_before

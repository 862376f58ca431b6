"""The Friday Directive 04 report end to end, over a hand-made scenario folder.

The simulator serves the records below; the real daily DAGs load fourteen days, the real weekly
DAG publishes the reports of Friday 6 and Friday 13 March 2026, and every column is checked
against values worked out by hand from the records (the comments say how).

Units: P (province) > S1 (department), H1 (district) > X1, X2 (communes), R1 (a room of H1);
Z (a department abolished: HieuLuc false, not in the tree; its dossiers count for P).
Procedures: PA full-process online with fees (S1), PB partial online (X1, X2), PC not online
(H1, X1), PD full-process (X2).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from zipfile import ZipFile

import psycopg
import pytest
from psycopg.rows import dict_row

from simulator import SimulatorConfig, start_simulator
from tests.helpers.dag_runs import load_dags_without_retries, pipeline_environment
from tests.helpers.records import dossier, payment, procedure, unit
from tthc_devtools.backfill import DAILY_DAGS, WEEKLY_DAG, run_day, run_weekly

pytestmark = pytest.mark.e2e

R0, R1 = date(2026, 3, 6), date(2026, 3, 13)  # report dates; periods [R − 7, R)
P, S1, Z, H1 = "000.00.00.H49", "000.00.01.H49", "000.00.02.H49", "000.00.31.H49"
X1, X2, R1_ROOM = "000.31.01.H49", "000.31.02.H49", "000.31.50.H49"
PA, PB, PC, PD = "1.000001", "1.000002", "1.000003", "1.000004"
FORMULA_NAME = '=HYPERLINK("x")'  # a source text that must stay text in the workbook
CATALOGUE_UPDATED = "20260115080000"


def ts(day: str, clock: str = "080000") -> str:
    """'0306', '235959' → the source's 20260306235959 (local time)."""
    return f"2026{day}{clock}"


# --- The scenario ---------------------------------------------------------------------------------

def units() -> list[dict]:
    return [
        unit(P, "UBND tỉnh Quảng Nam", CATALOGUE_UPDATED, CapDonVi="tinh", MaDVHC="49"),
        unit(S1, "Sở Tư pháp", CATALOGUE_UPDATED, CapDonVi="so", MaDonViCha=P),
        unit(Z, "Sở đã giải thể", CATALOGUE_UPDATED, CapDonVi="so", MaDonViCha=P,
             HieuLuc=False),
        unit(H1, "UBND huyện Duy Xuyên", CATALOGUE_UPDATED, CapDonVi="huyen", MaDonViCha=P,
             MaDVHC="503"),
        unit(X1, "UBND xã Duy Sơn", CATALOGUE_UPDATED, CapDonVi="xa", MaDonViCha=H1),
        unit(X2, FORMULA_NAME, CATALOGUE_UPDATED, CapDonVi="xa", MaDonViCha=H1),
        unit(R1_ROOM, "Phòng Tư pháp huyện", CATALOGUE_UPDATED, CapDonVi="phong",
             MaDonViCha=H1),
    ]


def procedures() -> list[dict]:
    return [
        procedure(PA, CATALOGUE_UPDATED, [S1], MucDoDVC="toan_trinh", CapThucHien="tinh"),
        procedure(PB, CATALOGUE_UPDATED, [X1, X2], MucDoDVC="mot_phan", CapThucHien="xa"),
        procedure(PC, CATALOGUE_UPDATED, [H1, X1], MucDoDVC="khong", CoPhiLePhi=False,
                  CapThucHien="huyen"),
        procedure(PD, CATALOGUE_UPDATED, [X2], MucDoDVC="toan_trinh", CapThucHien="xa"),
    ]


def case(code: str, unit_code: str, proc: str, steps: list[tuple[int, str]], *, channel: int = 1,
         due: str = "", finished: str = "", fee: int = 0, rounds: list[dict] | None = None,
         submitted: str | None = None) -> dict:
    """A dossier in its final state: ``steps`` is its whole status history."""
    received = next((at for status, at in steps if status == 2), "")
    returned = next((at for status, at in steps if status == 10), "")
    fees = [{"MaPhiLePhi": "LP01", "TenPhiLePhi": "Lệ phí", "LoaiPhiLePhi": 2, "SoTien": fee}]
    return dossier(
        code, steps[-1][1], steps, MaTTHC=proc, TenTTHC=f"Thủ tục {proc}", DonViXuLy=unit_code,
        KenhThucHien=channel, NgayNopHoSo=submitted or steps[0][1], NgayTiepNhan=received,
        NgayHenTra=due, NgayKetThucXuLy=finished, NgayTra=returned,
        DanhSachLePhi=fees if fee else [], DanhSachHoSoBoSung=rounds or [],
        NgayCapNhat=max(at for _, at in steps))


def dossiers() -> list[dict]:
    due_0310 = ts("0310", "170000")
    week1_h1 = [
        # received exactly at the period's start: in week 1; still only submitted (1) at
        # week 1's start, so not carried over; online, pending within (due 20/3)
        case("HS-H1-START", H1, PC, [(1, ts("0305", "200000")), (2, ts("0306", "000000")),
                                      (4, ts("0306", "080000"))],
             channel=2, due=ts("0320", "170000"), fee=30000),
        # received one second before the period: carried over into week 1, pending within
        case("HS-H1-EVE", H1, PC, [(2, ts("0305", "235959")), (4, ts("0306", "090000"))],
             due=ts("0319", "170000")),
        # received exactly at the cutoff: not received at the cutoff, in no column
        case("HS-H1-CUTOFF", H1, PC, [(1, ts("0312", "220000")), (2, ts("0313", "000000")),
                                       (4, ts("0313", "090000"))], due=ts("0327", "170000")),
        # finished on the due date: on time (week 1), carried over from week 0
        case("HS-H1-ONDUE", H1, PC, [(2, ts("0302")), (4, ts("0302", "090000")),
                                      (9, ts("0310", "150000"))],
             due=due_0310, finished=ts("0310", "150000")),
        # finished a day before the due date, returned later: early; online, fee paid in cash
        case("HS-H1-EARLY", H1, PC, [(2, ts("0306", "100000")), (4, ts("0306", "110000")),
                                      (9, ts("0309", "100000")), (10, ts("0311", "090000"))],
             channel=2, due=due_0310, finished=ts("0309", "100000"), fee=50000),
        # finished a day after the due date: late
        case("HS-H1-LATE", H1, PC, [(2, ts("0306", "110000")), (4, ts("0306", "120000")),
                                     (9, ts("0311", "090000"))],
             due=due_0310, finished=ts("0311", "090000")),
        # withdrawn after its due date: on time (week 1); overdue while pending in week 0
        case("HS-H1-WITHDRAWN", H1, PC, [(2, ts("0303")), (4, ts("0303", "090000")),
                                          (7, ts("0309", "100000"))],
             due=ts("0305", "170000"), finished=ts("0309", "100000")),
        # active and past its due date at the cutoff: pending overdue
        case("HS-H1-OVERDUE", H1, PC, [(2, ts("0306", "120000")), (4, ts("0306", "130000"))],
             due=ts("0312", "170000")),
        # paused for a supplement (5), past its due date: pending within
        case("HS-H1-PAUSED", H1, PC, [(2, ts("0306", "140000")), (4, ts("0306", "150000")),
                                       (5, ts("0309", "090000"))],
             due=ts("0311", "170000"),
             rounds=[{"NgayYeuCau": ts("0309", "090000"), "NgayTiepNhanBoSung": None,
                      "NgayHenTraTruoc": ts("0311", "170000"), "NgayHenTraMoi": None}]),
        # processing stopped (8), past its due date: pending within
        case("HS-H1-STOPPED", H1, PC, [(2, ts("0306", "150000")), (4, ts("0306", "160000")),
                                        (8, ts("0310", "090000"))], due=ts("0311", "170000")),
        # refused at reception (3) and never accepted (1): in no column
        case("HS-H1-REFUSED", H1, PC, [(1, ts("0307")), (3, ts("0307", "090000"))]),
        case("HS-H1-SUBMITTED", H1, PC, [(1, ts("0308"))]),
        # a supplement round received only after the cutoff: the due date in force at the
        # cutoff is the round's NgayHenTraTruoc (11/3), so pending overdue although the final
        # NgayHenTra is 25/3; carried over from week 0, where it was within (due 11/3)
        case("HS-H1-ROUND", H1, PC, [(2, ts("0302")), (4, ts("0302", "090000")),
                                      (5, ts("0309", "100000")), (4, ts("0312", "100000"))],
             due=ts("0325", "170000"),
             rounds=[{"NgayYeuCau": ts("0309", "100000"),
                      "NgayTiepNhanBoSung": ts("0314", "090000"),
                      "NgayHenTraTruoc": ts("0311", "170000"),
                      "NgayHenTraMoi": ts("0325", "170000")}]),
    ]
    # X2: week 0 two online dossiers finished on their due date (on time 100 %); week 1 ten
    # dossiers, nine finished early and one late (on time 90 %: cam), five of them online
    week0_x2 = [case(f"HS-X2-W0-{i}", X2, PB, [(2, ts(day, "090000")), (4, ts(day, "100000")),
                                                (9, ts("0303", "150000"))],
                     channel=2, due=ts("0303", "170000"), finished=ts("0303", "150000"))
                for i, day in enumerate(("0227", "0302"), start=1)]
    week1_x2 = [case(f"HS-X2-W1-{i:02}", X2, PB,
                     [(2, ts("0306", f"09{i:02}00")), (4, ts("0306", "100000")),
                      (9, ts(finish, "100000"))],
                     channel=2 if i <= 5 else 1, due=due_0310, finished=ts(finish, "100000"))
                for i, finish in ((i, "0311" if i == 10 else "0309") for i in range(1, 11))]
    # X1: week 0 one online dossier, finished early, fee paid online; nothing in week 1
    week0_x1 = [case("HS-X1-W0", X1, PB, [(2, ts("0302", "100000")), (4, ts("0302", "110000")),
                                          (9, ts("0304", "100000"))],
                     channel=2, due=ts("0306", "170000"), finished=ts("0304", "100000"),
                     fee=20000)]
    # S1: week 1 payments; all pending within (due 20/3)
    week1_s1 = [case(f"HS-S1-{n}", S1, PA, [(2, ts("0309", f"{7 + n:02}0000")),
                                            (4, ts("0309", f"{7 + n:02}3000"))],
                     channel=channel, due=ts("0320", "170000"), fee=fee)
                for n, channel, fee in ((1, 2, 100000), (2, 2, 100000), (3, 1, 100000),
                                        (4, 1, 100000), (5, 2, 100000), (6, 2, 100000),
                                        (7, 2, 0))]
    # Z is not in the tree at the cutoff and names no successor: its dossier counts for the
    # root P only (shared/spec/domain.md, "Reorganisation"; it counted nowhere before issue 14)
    abolished = [case("HS-Z-1", Z, PA, [(2, ts("0309")), (4, ts("0309", "090000"))], channel=2,
                      due=ts("0320", "170000"))]
    return week1_h1 + week0_x2 + week1_x2 + week0_x1 + week1_s1 + abolished


def payments() -> list[dict]:
    def paid(ref: str, code: str, unit_code: str, proc: str, at: str, **fields) -> dict:
        return payment(ref, code, at, MaDonVi=unit_code, MaTTHC=proc, ThoiGianGD=at,
                       ThoiGianGDThanhCong=at, **fields)

    failed = {"TrangThai": "that-bai", "MaLoi": "51", "MaGiaoDich": None,
              "ThoiGianGDThanhCong": None}
    return [
        paid("TT-X1-W0", "HS-X1-W0", X1, PB, ts("0303", "100000")),
        paid("TT-H1-START", "HS-H1-START", H1, PC, ts("0310", "100000")),
        paid("TT-H1-EARLY", "HS-H1-EARLY", H1, PC, ts("0309", "110000"),
             HinhThucThanhToan="tien-mat"),
        paid("TT-S1-1", "HS-S1-1", S1, PA, ts("0310", "100000")),
        # initiated before the cutoff, succeeded after it: not paid at the cutoff
        {**paid("TT-S1-2", "HS-S1-2", S1, PA, ts("0312", "100000")),
         "ThoiGianGDThanhCong": ts("0313", "080000"), "NgayCapNhat": ts("0313", "080000")},
        {**paid("TT-S1-3", "HS-S1-3", S1, PA, ts("0310", "100000")), **failed},
        paid("TT-S1-4", "HS-S1-4", S1, PA, ts("0310", "100000"), HinhThucThanhToan="tien-mat"),
        # refunded before the cutoff: not paid at the cutoff
        paid("TT-S1-5", "HS-S1-5", S1, PA, ts("0310", "100000"), TrangThai="hoan-phi",
             ThoiGianHoanPhi=ts("0311", "100000"), NgayCapNhat=ts("0311", "100000")),
        # failed, then paid on a second try: one paid-online dossier
        {**paid("TT-S1-6A", "HS-S1-6", S1, PA, ts("0310", "090000")), **failed},
        paid("TT-S1-6B", "HS-S1-6", S1, PA, ts("0310", "100000")),
    ]


def write_scenario(folder: Path) -> Path:
    for name, records in (("don_vi", units()), ("thu_tuc", procedures()),
                          ("ho_so", dossiers()), ("giao_dich", payments())):
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    return folder


# --- Expected values, by hand ---------------------------------------------------------------------

COUNT_COLUMNS = ("received", "received_online", "carried_over", "resolved", "resolved_early",
                 "resolved_on_time", "resolved_late", "pending", "pending_within",
                 "pending_overdue", "dvc_deployed", "dvc_with_online_dossiers", "fee_dossiers",
                 "paid_online_dossiers", "dvc_with_online_payment")
RATE_COLUMNS = ("on_time_rate", "late_rate", "online_rate", "online_payment_rate")
COLOUR_COLUMNS = ("on_time_colour", "online_colour", "payment_colour", "overall_colour")


def expected(counts: tuple, rates: tuple, colours: str) -> dict:
    """counts in COUNT_COLUMNS order; rates as (numerator, denominator) or None."""
    row = dict(zip(COUNT_COLUMNS, counts, strict=True))
    row |= {name: None if r is None else _places(Decimal(r[0]) / Decimal(r[1]))
            for name, r in zip(RATE_COLUMNS, rates, strict=True)}
    row |= dict(zip(COLOUR_COLUMNS, colours.split(), strict=True))
    return row


def _places(rate: Decimal | None) -> Decimal | None:
    """Rates compared to 12 places: Postgres keeps 20 significant digits, Python 28."""
    return None if rate is None else rate.quantize(Decimal("1e-12"))


NO_RATES = (None, None, None, None)
# Week 1 (R1): H1's own dossiers — received START EARLY LATE OVERDUE PAUSED STOPPED (6), online
# START EARLY (2), carried over EVE ONDUE WITHDRAWN ROUND (4), resolved EARLY | ONDUE WITHDRAWN
# | LATE, pending START EVE OVERDUE PAUSED STOPPED ROUND (6), overdue OVERDUE ROUND (2), fees
# START EARLY (2), paid online START; X2: 10 received, 5 online, 9 early, 1 late; S1: 7 received,
# 5 online, 7 pending, 6 with fees, paid online S1-1 and S1-6.
WEEK1 = {
    # the province is the whole source: its own sum plus Z's online pending HS-Z-1
    P: expected((24, 13, 4, 14, 10, 2, 2, 14, 12, 2, 3, 2, 8, 3, 2),
                ((12, 16), (4, 16), (13, 24), (3, 8)), "do vang cam do"),
    S1: expected((7, 5, 0, 0, 0, 0, 0, 7, 7, 0, 1, 1, 6, 2, 1),
                 (None, None, (5, 7), (2, 6)), "trang vang cam cam"),
    H1: expected((16, 7, 4, 14, 10, 2, 2, 6, 4, 2, 2, 1, 2, 1, 1),
                 ((12, 16), (4, 16), (7, 16), (1, 2)), "do cam vang do"),
    X1: expected((0,) * 10 + (1, 0, 0, 0, 0), NO_RATES, "trang trang trang trang"),
    X2: expected((10, 5, 0, 10, 9, 0, 1, 0, 0, 0, 2, 1, 0, 0, 0),
                 ((9, 10), (1, 10), (5, 10), None), "cam vang trang cam"),
    R1_ROOM: expected((0,) * 15, NO_RATES, "trang trang trang trang"),
}
# Week 0 (R0): H1 received EVE ONDUE WITHDRAWN ROUND, all pending, WITHDRAWN overdue (due 5/3);
# X2 two online dossiers on time; X1 one online, early, fee paid online; S1 nothing. Only PB
# has online dossiers (X1's and X2's), so one deployed service with online dossiers.
WEEK0 = {
    P: expected((7, 3, 0, 3, 1, 2, 0, 4, 3, 1, 3, 1, 1, 1, 1),
                ((3, 4), (1, 4), (3, 7), (1, 1)), "do cam xanh do"),
    S1: expected((0,) * 10 + (1, 0, 0, 0, 0), NO_RATES, "trang trang trang trang"),
    H1: expected((7, 3, 0, 3, 1, 2, 0, 4, 3, 1, 2, 1, 1, 1, 1),
                 ((3, 4), (1, 4), (3, 7), (1, 1)), "do cam xanh do"),
    X1: expected((1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1),
                 ((1, 1), (0, 1), (1, 1), (1, 1)), "xanh xanh xanh xanh"),
    X2: expected((2, 2, 0, 2, 0, 2, 0, 0, 0, 0, 2, 1, 0, 0, 0),
                 ((2, 2), (0, 2), (2, 2), None), "xanh xanh trang xanh"),
    R1_ROOM: expected((0,) * 15, NO_RATES, "trang trang trang trang"),
}
# R1 against R0: X2 drops on time and overall (xanh → cam) and online (xanh → vang); H1 and P
# drop on payment; X1 going to trang and S1 coming from trang are no regressions.
REGRESSIONS = {
    (X2, "on_time", "xanh", "cam"), (X2, "online", "xanh", "vang"), (X2, "overall", "xanh", "cam"),
    (H1, "payment", "xanh", "vang"), (P, "payment", "xanh", "cam"),
}


# --- The run --------------------------------------------------------------------------------------

def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def module_postgres(tmp_path_factory):
    from tthc_devtools.embedded_postgres import EmbeddedPostgres
    from tthc_pipeline.warehouse.migrations import apply_migrations

    with EmbeddedPostgres() as pg:
        apply_migrations(pg.uri)
        yield pg.uri


@pytest.fixture(scope="module")
def weekly_run(module_postgres, tmp_path_factory):
    """The warehouse after the daily loads of 27/2–12/3 and the reports of 6/3 and 13/3."""
    import os

    folder = write_scenario(tmp_path_factory.mktemp("scenario"))
    reports = tmp_path_factory.mktemp("reports")
    config = SimulatorConfig(token="weekly-token", scenario_dir=folder)
    daily = load_dags_without_retries(DAILY_DAGS)
    [weekly] = load_dags_without_retries((WEEKLY_DAG,))
    os.environ["TTHC_REPORTS_DIR"] = str(reports)
    with start_simulator(config) as sim, \
            pipeline_environment(module_postgres, sim.url, config.token):
        for day in days(date(2026, 2, 27), date(2026, 3, 12)):
            run_day(daily, day)
            if day + timedelta(days=1) in (R0, R1):
                run_weekly(weekly, day + timedelta(days=1))
        yield {"conninfo": module_postgres, "reports": reports, "daily": daily,
               "weekly": weekly, "sim_url": sim.url, "token": config.token}
    os.environ.pop("TTHC_REPORTS_DIR", None)


def rows(conninfo: str, report_date: date, version: int | None = None) -> dict[str, dict]:
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        if version is None:
            found = conn.execute("select * from mart.chi_thi_04_latest where report_date = %s",
                                 (report_date,)).fetchall()
        else:
            found = conn.execute(
                "select * from mart.chi_thi_04_weekly where report_date = %s"
                " and snapshot_version = %s", (report_date, version)).fetchall()
    return {row["unit_code"]: row for row in found}


def query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


def columns_of(row: dict) -> dict:
    return {**{name: row[name] for name in (*COUNT_COLUMNS, *COLOUR_COLUMNS)},
            **{name: _places(row[name]) for name in RATE_COLUMNS}}


@pytest.mark.parametrize("report_date, expected_rows", [(R0, WEEK0), (R1, WEEK1)],
                         ids=["R0", "R1"])
def test_every_column_matches_the_hand_computed_values(weekly_run, report_date, expected_rows):
    found = rows(weekly_run["conninfo"], report_date)
    assert set(found) == set(expected_rows), "one row per unit of the tree; Z is not in it"
    for unit_code, expected_row in expected_rows.items():
        assert columns_of(found[unit_code]) == expected_row, unit_code


def test_rows_carry_the_period_the_tree_and_the_version(weekly_run):
    found = rows(weekly_run["conninfo"], R1)
    x2 = found[X2]
    assert (x2["unit_name"], x2["unit_level"], x2["parent_unit_code"]) == (FORMULA_NAME, "xa", H1)
    assert (x2["unit_depth"], x2["tree_path"]) == (2, f"{P}/{H1}/{X2}")
    assert found[P]["parent_unit_code"] is None and found[P]["unit_depth"] == 0
    assert {row["snapshot_version"] for row in found.values()} == {1}
    starts = {(row["period_start"].isoformat(), row["period_end"].isoformat())
              for row in found.values()}
    assert starts == {("2026-03-05T17:00:00+00:00", "2026-03-12T17:00:00+00:00")}


def test_regressions_name_each_slipped_indicator_with_both_colours(weekly_run):
    conninfo = weekly_run["conninfo"]
    assert set(query(conninfo, "select unit_code, indicator, previous_colour, colour"
                               " from mart.chi_thi_04_regressions where report_date = %s",
                     (R1,))) == REGRESSIONS
    found = rows(conninfo, R1)
    assert {code for code, row in found.items() if row["regressed"]} == {X2, H1, P}
    assert (found[X1]["prev_overall_colour"], found[X1]["overall_colour"]) == ("xanh", "trang")
    assert query(conninfo, "select count(*) from mart.chi_thi_04_regressions"
                           " where report_date = %s", (R0,)) == [(0,)]  # no previous report


def test_the_thresholds_in_force_are_stored_with_the_snapshot(weekly_run):
    [(thresholds,)] = query(weekly_run["conninfo"], "select thresholds from"
                            " mart.chi_thi_04_snapshot where report_date = %s", (R1,))
    assert thresholds == {
        "on_time_rate": {"xanh": 0.98, "vang": 0.95, "cam": 0.9},
        "online_rate": {"xanh": 0.8, "vang": 0.5, "cam": 0.3},
        "online_payment_rate": {"xanh": 0.8, "vang": 0.5, "cam": 0.3},
    }


def test_the_workbook_has_vietnamese_sheets_values_colours_and_no_formula(weekly_run):
    from openpyxl import load_workbook

    path = weekly_run["reports"] / "chi_thi_04_quang_nam_2026-03-13_v1.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["Thông tin báo cáo", "Tiếp nhận - Giải quyết", "DVC trực tuyến",
                               "Thanh toán trực tuyến", "Bản đồ màu", "Đơn vị tụt hạng",
                               "Hồ sơ làm tụt hạng", "Tuân thủ một cửa", "Chỉ số 766",
                               "PAR Quảng Ninh"]
    # the Friday DAG published the scorecards before it wrote the workbook
    scores = [row for row in book["Chỉ số 766"].iter_rows(min_row=2, values_only=True)
              if row[0] == P and row[5] == "Tổng"]
    assert len(scores) == 3 and all(row[11] == 52 for row in scores)  # month, quarter, year
    received = book["Tiếp nhận - Giải quyết"]
    headings = [cell.value for cell in received[1]]
    assert headings[:5] == ["Mã đơn vị", "Tên đơn vị", "Cấp", "Tiếp nhận trong kỳ",
                            "Kỳ trước chuyển sang"]
    by_code = {row[0].value: row for row in received.iter_rows(min_row=2)}
    assert [c.value for c in by_code[P][3:12]] == [24, 4, 14, 10, 2, 2, 14, 12, 2]
    assert by_code[P][12].value == pytest.approx(0.75)
    name_cell = by_code[X2][1]
    assert (name_cell.value, name_cell.data_type) == (FORMULA_NAME, "s")
    colour_map = {row[0].value: row for row in book["Bản đồ màu"].iter_rows(min_row=2)}
    on_time = colour_map[X2][3]
    assert (on_time.value, on_time.fill.fgColor.rgb) == ("Cam", "00F8A45C")
    assert colour_map[X2][8].value == "Có"  # regressed
    regressions = [[c.value for c in row] for row in book["Đơn vị tụt hạng"].iter_rows(min_row=2)]
    assert len(regressions) == len(REGRESSIONS)
    assert ["000.31.02.H49", FORMULA_NAME, "Xã", "Đúng hạn", "Xanh", "Cam"] in regressions
    with ZipFile(path) as archive:
        sheets = [archive.read(name) for name in archive.namelist()
                  if name.startswith("xl/worksheets/")]
    assert not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)


def test_the_first_report_says_it_has_no_regression(weekly_run):
    from openpyxl import load_workbook

    from tthc_pipeline.report.workbook import NO_PREVIOUS_REPORT

    book = load_workbook(weekly_run["reports"] / "chi_thi_04_quang_nam_2026-03-06_v1.xlsx")
    sheet = book["Đơn vị tụt hạng"]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Mã đơn vị",
                                                                     NO_PREVIOUS_REPORT]
    levels = {row[0]: row[2] for row in book["Bản đồ màu"].iter_rows(min_row=2, values_only=True)}
    assert (levels[P], levels[S1], levels[H1], levels[X1], levels[R1_ROOM]) == (
        "Tỉnh", "Sở/ban/ngành", "Huyện", "Xã", "Phòng")


def report_event_extras(reports: Path) -> list[dict]:
    """The extras of the report asset's events whose workbook is in ``reports``, oldest first
    (the metadata DB also holds other sessions' runs)."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        extras = session.scalars(
            select(AssetEvent.extra).join(AssetModel, AssetModel.id == AssetEvent.asset_id)
            .where(AssetModel.uri == "warehouse://mart/chi_thi_04_weekly")
            .order_by(AssetEvent.id)).all()
    return [extra for extra in extras if extra.get("workbook", "").startswith(f"{reports}/")]


def test_the_report_asset_event_names_the_report_its_workbook_and_page(weekly_run):
    reports = weekly_run["reports"]
    assert report_event_extras(reports) == [
        {"tree_code": "quang_nam", "report_date": "2026-03-06", "snapshot_version": 1,
         "is_new_version": True,
         "units": 6, "regressed_units": 0,
         "workbook": str(reports / "chi_thi_04_quang_nam_2026-03-06_v1.xlsx"),
         "page": str(reports / "chi_thi_04_quang_nam_2026-03-06_v1.html")},
        {"tree_code": "quang_nam", "report_date": "2026-03-13", "snapshot_version": 1,
         "is_new_version": True,
         "units": 6, "regressed_units": 3,
         "workbook": str(reports / "chi_thi_04_quang_nam_2026-03-13_v1.xlsx"),
         "page": str(reports / "chi_thi_04_quang_nam_2026-03-13_v1.html")},
    ]


def test_rerunning_on_unchanged_data_publishes_nothing(weekly_run):
    conninfo = weekly_run["conninfo"]
    before = query(conninfo, "select report_date, snapshot_version, published_at"
                             " from mart.chi_thi_04_snapshot order by 1, 2")
    with pipeline_environment(conninfo, weekly_run["sim_url"], weekly_run["token"]):
        run_weekly(weekly_run["weekly"], R1)
    assert query(conninfo, "select report_date, snapshot_version, published_at"
                           " from mart.chi_thi_04_snapshot order by 1, 2") == before


def test_a_published_snapshot_cannot_be_changed(weekly_run):
    with psycopg.connect(weekly_run["conninfo"]) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="published snapshot"):
            conn.execute("update mart.chi_thi_04_weekly set received = 0")
        conn.rollback()
        with pytest.raises(psycopg.errors.RaiseException, match="published snapshot"):
            conn.execute("delete from mart.chi_thi_04_snapshot")


def test_rerunning_after_later_data_gives_the_numbers_it_gave_then(weekly_run):
    """Three more days load: the cutoff dossier is received, the open round is completed and
    extends the due date, the late payment succeeds; the report of 13/3 must not move."""
    conninfo = weekly_run["conninfo"]
    with pipeline_environment(conninfo, weekly_run["sim_url"], weekly_run["token"]):
        for day in days(date(2026, 3, 13), date(2026, 3, 15)):
            run_day(weekly_run["daily"], day)
        assert query(conninfo, "select status_code from dw.fact_dossier d join dw.dim_status s"
                               " on s.status_key = d.current_status_key"
                               " where dossier_code = 'HS-H1-CUTOFF'") == [(4,)]
        assert query(conninfo, "select payment_status from dw.fact_payment"
                               " where payment_ref = 'TT-S1-2'") == [("thanh-cong",)]
        run_weekly(weekly_run["weekly"], R1)
    assert query(conninfo, "select max(snapshot_version) from mart.chi_thi_04_snapshot"
                           " where report_date = %s", (R1,)) == [(1,)]
    assert {code: columns_of(row) for code, row in rows(conninfo, R1).items()} == WEEK1


def test_changed_inputs_publish_a_new_version_and_keep_the_old_one(weekly_run):
    from tthc_pipeline.report.snapshot import publish_snapshot

    conninfo = weekly_run["conninfo"]
    with psycopg.connect(conninfo) as conn:
        conn.execute("update meta.colour_threshold set min_rate = 0.85"
                     " where indicator = 'on_time_rate' and colour = 'cam'")
    try:
        snapshot = publish_snapshot(conninfo, R1)
        assert (snapshot.snapshot_version, snapshot.is_new) == (2, True)
        assert publish_snapshot(conninfo, R1).is_new is False
        latest, first = rows(conninfo, R1), rows(conninfo, R1, version=1)
        assert latest[X2]["on_time_colour"] == "cam" and latest[X2]["snapshot_version"] == 2
        assert latest[P]["on_time_colour"] == "do"
        assert {code: columns_of(row) for code, row in first.items()} == WEEK1
        assert query(conninfo, "select snapshot_version from mart.chi_thi_04_snapshot"
                               " where report_date = %s order by 1", (R1,)) == [(1,), (2,)]
    finally:
        with psycopg.connect(conninfo) as conn:
            conn.execute("update meta.colour_threshold set min_rate = 0.90"
                         " where indicator = 'on_time_rate' and colour = 'cam'")


def test_the_summary_names_the_province_figures_and_each_slipped_unit(weekly_run):
    from tthc_pipeline.report.summary import regression_summary

    text = regression_summary(weekly_run["conninfo"], R1, 1)
    assert ("UBND tỉnh Quảng Nam (000.00.00.H49): tiếp nhận 24, giải quyết 14 (trễ 2),"
            " đang giải quyết 14 (quá hạn 2); đúng hạn 75.0% [Đỏ]") in text
    assert "3 đơn vị tụt hạng / units regressed:" in text
    assert (f"  - {FORMULA_NAME} ({X2}): Đúng hạn Xanh → Cam; Trực tuyến Xanh → Vàng;"
            " Chung Xanh → Cam") in text
    assert "Chỉ số 766 dự báo / 766 forecast, UBND tỉnh Quảng Nam (000.00.00.H49): tháng" in text
    shortened = regression_summary(weekly_run["conninfo"], R1, 1, max_units=1)
    assert "… và 2 đơn vị khác" in shortened and X2 not in shortened

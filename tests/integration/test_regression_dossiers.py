"""The regression drill-down (issue 16, item 1) over a hand-made scenario: which dossiers are
listed for which regressed unit and indicator, why, whether they are new, and the workbook's
"Hồ sơ làm tụt hạng" sheet (the 50 worst per list and a line counting the rest).

Units: P (province) > S (department), H (district) > X (commune).
Procedures: PA full-process online with fees (X, S); PC not online (X).

Week 0 (R0 = 6/3, period 27/2–5/3): X resolves nine online dossiers early, each paid online,
and X-OLD (received 20/2, due 4/3, still in process) is overdue: on time 9/10 = cam, online
9/9 xanh, payment 9/9 xanh, overall cam. H and P are X's sums; S has nothing (trắng).

Week 1 (R1 = 13/3, period 6/3–12/3), X:
- X-OLD still in process: pending overdue 9 days (13/3 − 4/3), already overdue at R0: not new;
- X-NEW in person, due 10/3, in process: pending overdue 3 days, new; fee 20 000 never paid;
- X-LATE by post, due 9/3, finished 11/3: resolved late 2 days;
- X-OK online, finished early, fee paid online;
- X-PC in person for PC (no online service): counts against the online rate, never listed;
- X-BULK-01..55 in person for PA, pending within time.
X: on time 1/4 = đỏ, online 1/59 = đỏ, payment 1/2 = vàng, overall đỏ: every indicator fell
(cam → đỏ, xanh → đỏ, xanh → vàng, cam → đỏ); overall's drivers are the two indicators now đỏ
(on time and online), so overall lists their dossiers, not X-NEW's unpaid fee.
S: S-1 online paid online, S-2 online with an unpaid fee: trắng → payment vàng is no regression.
H = X. P adds S: payment 2/4 = vàng (xanh → vàng), so P's payment list also names S-2.
"""

from __future__ import annotations

from datetime import date, datetime

import psycopg
import pytest
from helpers.pipeline import VN, ingest
from helpers.records import H, P, S, X, dossier, four_unit_province, payment, procedure
from psycopg.rows import dict_row

from tthc_pipeline.report.snapshot import publish_snapshot
from tthc_pipeline.report.workbook import (
    DRILLDOWN_SHEET,
    MAX_DOSSIERS_PER_LIST,
    more_dossiers_line,
    write_workbook,
)

pytestmark = pytest.mark.integration

R0, R1 = date(2026, 3, 6), date(2026, 3, 13)
LOADED = date(2026, 3, 13)  # every record arrives in one batch; the report reads their history
UPDATED = "20260313090000"
CATALOGUED = "20260115080000"
PA, PC = "1.000001", "1.000003"
BULK = [f"HS-X-BULK-{i:02}" for i in range(1, 56)]


def ts(day: str, clock: str = "080000") -> str:
    return f"2026{day}{clock}"


def case(code: str, unit_code: str, proc: str, steps: list[tuple[int, str]], *, channel: int,
         due: str, finished: str = "", fee: int = 0,
         last_step_by: tuple[str, str] = ("Một cửa", "CB01")) -> dict:
    """A dossier in its final state; ``last_step_by`` = (PhongBanXuLy, NguoiXuLy) of its last
    status step, the one in force at R1's cutoff."""
    record = dossier(code, UPDATED, steps, MaTTHC=proc, TenTTHC=f"Thủ tục {proc}",
                     DonViXuLy=unit_code, KenhThucHien=channel, NgayHenTra=due,
                     NgayKetThucXuLy=finished,
                     DanhSachLePhi=[{"MaPhiLePhi": "LP", "TenPhiLePhi": "Lệ phí",
                                     "LoaiPhiLePhi": 2, "SoTien": fee}] if fee else [])
    record["TienDo"][-1] |= {"PhongBanXuLy": last_step_by[0], "NguoiXuLy": last_step_by[1]}
    return record


def dossiers() -> list[dict]:
    week0 = [case(f"HS-X-W0-{i}", X, PA, [(2, ts("0302", f"09{i:02}00")), (4, ts("0302", "100000")),
                                          (9, ts("0303", "100000"))],
                  channel=2, due=ts("0305", "170000"), finished=ts("0303", "100000"), fee=10000)
             for i in range(1, 10)]
    week1 = [
        case("HS-X-OLD", X, PA, [(2, ts("0220")), (4, ts("0220", "090000"))], channel=1,
             due=ts("0304", "170000"), last_step_by=("Phòng Địa chính", "CB-07")),
        case("HS-X-NEW", X, PA, [(2, ts("0306", "100000")), (4, ts("0306", "110000"))],
             channel=1, due=ts("0310", "170000"), fee=20000,
             last_step_by=("Phòng Tư pháp", "CB-11")),
        case("HS-X-LATE", X, PA, [(2, ts("0306", "090000")), (4, ts("0306", "093000")),
                                  (9, ts("0311", "150000"))],
             channel=3, due=ts("0309", "170000"), finished=ts("0311", "150000"),
             last_step_by=("Phòng Kinh tế", "CB-12")),
        case("HS-X-OK", X, PA, [(2, ts("0306")), (4, ts("0306", "083000")),
                                (9, ts("0309", "100000"))],
             channel=2, due=ts("0310", "170000"), finished=ts("0309", "100000"), fee=10000),
        case("HS-X-PC", X, PC, [(2, ts("0309")), (4, ts("0309", "090000"))], channel=1,
             due=ts("0320", "170000")),
        case("HS-S-1", S, PA, [(2, ts("0309")), (4, ts("0309", "090000"))], channel=2,
             due=ts("0320", "170000"), fee=50000),
        case("HS-S-2", S, PA, [(2, ts("0309", "100000")), (4, ts("0309", "110000"))],
             channel=2, due=ts("0320", "170000"), fee=50000),
    ]
    bulk = [case(code, X, PA, [(2, ts("0310")), (4, ts("0310", "090000"))], channel=1,
                 due=ts("0320", "170000")) for code in BULK]
    return week0 + week1 + bulk


def payments() -> list[dict]:
    def paid(ref: str, code: str, unit_code: str, at: str) -> dict:
        return payment(ref, code, UPDATED, MaDonVi=unit_code, MaTTHC=PA, ThoiGianGD=at,
                       ThoiGianGDThanhCong=at)

    return [*(paid(f"TT-X-W0-{i}", f"HS-X-W0-{i}", X, ts("0302", "110000")) for i in range(1, 10)),
            paid("TT-X-OK", "HS-X-OK", X, ts("0306", "090000")),
            paid("TT-S-1", "HS-S-1", S, ts("0309", "100000"))]


@pytest.fixture
def published(warehouse, tmp_path) -> dict:
    ingest(warehouse, "don_vi", four_unit_province(CATALOGUED), LOADED)
    ingest(warehouse, "thu_tuc", [
        procedure(PA, CATALOGUED, [X, S], MucDoDVC="toan_trinh"),
        procedure(PC, CATALOGUED, [X], MucDoDVC="khong", CoPhiLePhi=False),
    ], LOADED)
    ingest(warehouse, "ho_so", dossiers(), LOADED)
    ingest(warehouse, "giao_dich", payments(), LOADED)
    first = publish_snapshot(warehouse, R0)
    second = publish_snapshot(warehouse, R1)
    return {"warehouse": warehouse, "versions": (first.snapshot_version, second.snapshot_version),
            "workbook": write_workbook(warehouse, R1, second.snapshot_version, tmp_path)}


def listed(conninfo: str, report_date: date) -> dict[tuple[str, str], dict[str, tuple]]:
    """{(unit, indicator): {dossier: (reason, is_new)}} of the view, for one report date."""
    with psycopg.connect(conninfo) as conn:
        found = conn.execute(
            "select unit_code, indicator, dossier_code, reason, is_new"
            " from mart.chi_thi_04_regression_dossiers where report_date = %s",
            (report_date,)).fetchall()
    lists: dict[tuple[str, str], dict[str, tuple]] = {}
    for unit_code, indicator, code, reason, is_new in found:
        lists.setdefault((unit_code, indicator), {})[code] = (reason, is_new)
    return lists


# --- Expected, by hand (see the module docstring) ----------------------------------------------

ON_TIME = {"HS-X-OLD": ("pending_overdue", False), "HS-X-NEW": ("pending_overdue", True),
           "HS-X-LATE": ("resolved_late", True)}
# HS-X-PC is offline too, but its procedure has no online service: not listed
ONLINE = {"HS-X-NEW": ("received_in_person", True), "HS-X-LATE": ("received_by_post", True),
          **{code: ("received_in_person", True) for code in BULK}}
PAYMENT_X = {"HS-X-NEW": ("not_paid_online", True)}
PAYMENT_P = {**PAYMENT_X, "HS-S-2": ("not_paid_online", True)}  # the department's too
OVERALL = {"HS-X-OLD": ("pending_overdue", False),
           "HS-X-NEW": ("pending_overdue, received_in_person", True),
           "HS-X-LATE": ("resolved_late, received_by_post", True),
           **{code: ("received_in_person", True) for code in BULK}}
EXPECTED = {
    **{(code, indicator): dossiers_listed for code in (X, H)
       for indicator, dossiers_listed in (("on_time", ON_TIME), ("online", ONLINE),
                                          ("payment", PAYMENT_X), ("overall", OVERALL))},
    (P, "on_time"): ON_TIME, (P, "online"): ONLINE, (P, "payment"): PAYMENT_P,
    (P, "overall"): OVERALL,
}


def test_each_regressed_unit_and_indicator_lists_exactly_its_dossiers_and_why(published):
    conninfo = published["warehouse"]
    assert listed(conninfo, R0) == {}  # the first report has nothing to regress from
    assert listed(conninfo, R1) == EXPECTED
    with psycopg.connect(conninfo) as conn:
        regressions = set(conn.execute(
            "select unit_code, indicator from mart.chi_thi_04_regressions"
            " where report_date = %s", (R1,)).fetchall())
    assert regressions == set(EXPECTED), "one list per regressed unit and indicator"


def test_a_listed_dossier_carries_its_due_date_days_room_and_officer(published):
    with psycopg.connect(published["warehouse"], row_factory=dict_row) as conn:
        found = conn.execute(
            "select dossier_code, unit_name, previous_colour, colour, version, due_date,"
            " days_overdue, finished_date, handling_room, officer_code, counted_unit_code,"
            " procedure_code, channel_code, status_code, received_at, is_latest_version"
            " from mart.chi_thi_04_regression_dossiers"
            " where report_date = %s and unit_code = %s and indicator = 'on_time'"
            " order by days_overdue desc", (R1, H)).fetchall()
    common = {"unit_name": "UBND huyện Duy Xuyên", "previous_colour": "cam", "colour": "do",
              "version": published["versions"][1], "counted_unit_code": X,
              "procedure_code": PA, "is_latest_version": True}
    assert found == [
        {**common, "dossier_code": "HS-X-OLD", "due_date": date(2026, 3, 4), "days_overdue": 9,
         "finished_date": None, "handling_room": "Phòng Địa chính", "officer_code": "CB-07",
         "channel_code": 1, "status_code": 4, "received_at": datetime(2026, 2, 20, 8, tzinfo=VN)},
        {**common, "dossier_code": "HS-X-NEW", "due_date": date(2026, 3, 10), "days_overdue": 3,
         "finished_date": None, "handling_room": "Phòng Tư pháp", "officer_code": "CB-11",
         "channel_code": 1, "status_code": 4,
         "received_at": datetime(2026, 3, 6, 10, tzinfo=VN)},
        {**common, "dossier_code": "HS-X-LATE", "due_date": date(2026, 3, 9),
         "days_overdue": 2, "finished_date": date(2026, 3, 11),
         "handling_room": "Phòng Kinh tế", "officer_code": "CB-12", "channel_code": 3,
         "status_code": 9, "received_at": datetime(2026, 3, 6, 9, tzinfo=VN)},
    ]


def test_the_lists_are_part_of_the_immutable_version(published):
    with psycopg.connect(published["warehouse"]) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="published snapshot"):
            conn.execute("delete from mart.chi_thi_04_regression_dossier")
    # re-publishing unchanged data writes no new version and no new list
    assert publish_snapshot(published["warehouse"], R1).is_new is False
    assert listed(published["warehouse"], R1) == EXPECTED


def test_the_workbook_sheet_shows_the_50_worst_per_list_and_counts_the_rest(published):
    from openpyxl import load_workbook

    sheet = load_workbook(published["workbook"])[DRILLDOWN_SHEET]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:8] == ["Mã đơn vị", "Tên đơn vị", "Cấp", "Chỉ số", "Mã hồ sơ", "Lý do",
                           "Mới so với tuần trước", "Số ngày quá hạn"]
    by_list: dict[tuple[str, str], list[list]] = {}
    for row in rows[1:]:
        by_list.setdefault((row[0], row[3]), []).append(row)
    # tree order P, H, X, then indicator order; each list worst first (most days overdue,
    # then by code)
    assert list(by_list) == [(code, indicator) for code in (P, H, X) for indicator in (
        "Đúng hạn", "Trực tuyến", "Thanh toán trực tuyến", "Chung")]
    x_on_time = by_list[(X, "Đúng hạn")]
    assert [(r[4], r[5], r[6], r[7]) for r in x_on_time] == [
        ("HS-X-OLD", "Đang giải quyết, đã quá hạn", "Không", 9),
        ("HS-X-NEW", "Đang giải quyết, đã quá hạn", "Có", 3),
        ("HS-X-LATE", "Giải quyết quá hạn", "Có", 2)]
    assert x_on_time[0][11:13] == ["Phòng Địa chính", "CB-07"]
    # online: 57 dossiers, the 50 worst shown, then one line for the other 7
    online = by_list[(X, "Trực tuyến")]
    assert len(online) == MAX_DOSSIERS_PER_LIST + 1
    assert [r[4] for r in online[:MAX_DOSSIERS_PER_LIST]] == [
        "HS-X-NEW", "HS-X-LATE", *BULK[:MAX_DOSSIERS_PER_LIST - 2]]
    assert online[-1][4:6] == [more_dossiers_line(7), None]
    overall = by_list[(P, "Chung")]
    assert [r[4] for r in overall[:3]] == ["HS-X-OLD", "HS-X-NEW", "HS-X-LATE"]
    assert overall[1][5] == ("Đang giải quyết, đã quá hạn;"
                             " Nộp trực tiếp (thủ tục có DVC trực tuyến)")
    assert overall[-1][4] == more_dossiers_line(58 - MAX_DOSSIERS_PER_LIST)
    # X-NEW, 3 days overdue, is worse than S-2, within time
    assert [r[4] for r in by_list[(P, "Thanh toán trực tuyến")]] == ["HS-X-NEW", "HS-S-2"]


def test_the_lists_add_up_to_the_rows_counts(published):
    """On time lists exactly the row's late resolutions and overdue dossiers, payment its fee
    dossiers not paid online; online at most its offline dossiers (not those of procedures
    without an online service: X-PC)."""
    with psycopg.connect(published["warehouse"]) as conn:
        found = conn.execute(
            "select l.indicator, w.unit_code, count(*),"
            " case l.indicator when 'on_time' then w.resolved_late + w.pending_overdue"
            " when 'payment' then w.fee_dossiers - w.paid_online_dossiers"
            " when 'online' then w.received - w.received_online end"
            " from mart.chi_thi_04_regression_dossiers as l join mart.chi_thi_04_weekly as w"
            " using (tree_code, report_date, snapshot_version, unit_code)"
            " where l.indicator <> 'overall' group by 1, 2, w.resolved_late, w.pending_overdue,"
            " w.fee_dossiers, w.paid_online_dossiers, w.received, w.received_online"
            " order by 1, 2").fetchall()
    # online: 58 offline dossiers in each subtree (S's are online), 57 listed: all but X-PC
    assert found == [("on_time", code, 3, 3) for code in (P, H, X)] + [
        ("online", code, 57, 58) for code in (P, H, X)] + [
        ("payment", P, 2, 2), ("payment", H, 1, 1), ("payment", X, 1, 1)]

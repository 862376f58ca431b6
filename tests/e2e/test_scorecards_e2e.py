"""The 766 and PAR scorecards end to end, over a hand-made scenario folder.

The simulator serves the records below over HTTP; the real daily DAGs load 27/2–5/3/2026 (every
record carries its whole history: a dossier of January is first seen, complete, on 27/2), and the
real Friday DAG of 6/3/2026 publishes the snapshot and the scorecards: February final (as of
1/3 00:00, is_forecast false) and the year to date forecast (as of 6/3 00:00). Every item of
both scorecards is checked for the commune X1, the district H (its subtree) and the root T
against numbers worked out by hand from shared/spec/scorecards.md (the comments say how), never
by the code under test.

Units: T (tỉnh) > S (sở), H (huyện) > X1, X2 (xã).
Procedures (MucDoDVC, CoPhiLePhi, DuDieuKienToanTrinh, CoThanhToanTrucTuyen; handled by):
    PA toan_trinh fees eligible online-payment   S
    PB mot_phan   —    eligible —                S
    PF toan_trinh —    eligible —                X1
    PD khong      fees —        —                H, X1
    PC toan_trinh fees eligible online-payment   X2
    PE khong      —    eligible —                X2

Working days (dw.dim_date) are only counted in weeks without holidays (Tết 2026 is mid-February;
no handling spans 13/2–22/2 or 1/1), Monday to Friday.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from simulator import SimulatorConfig, start_simulator
from tests.helpers.dag_runs import load_dags_without_retries, pipeline_environment
from tests.helpers.records import dossier, payment, procedure, unit
from tthc_devtools.backfill import DAILY_DAGS, WEEKLY_DAG, run_day, run_weekly

pytestmark = pytest.mark.e2e

FRIDAY = date(2026, 3, 6)
FIRST_DAY, LAST_DAY = date(2026, 2, 27), date(2026, 3, 5)  # the Friday's period [27/2, 6/3)
T, S, H = "000.00.00.H49", "000.00.10.H49", "000.00.20.H49"
X1, X2 = "000.20.01.H49", "000.20.02.H49"
PA, PB, PC, PD, PE, PF = "2.000001", "2.000002", "2.000003", "2.000004", "2.000005", "2.000006"
CATALOGUE_UPDATED = "20251201080000"
FIRST_SEEN = "20260227080000"  # every record is seen on the first loaded day, or when it changes


def ts(day: str, clock: str = "080000") -> str:
    """'0206', '150000' → the source's 20260206150000 (local time)."""
    return f"2026{day}{clock}"


# --- The scenario ---------------------------------------------------------------------------------

def units() -> list[dict]:
    return [
        unit(T, "UBND tỉnh", CATALOGUE_UPDATED, CapDonVi="tinh", MaDVHC="49"),
        unit(S, "Sở Tư pháp", CATALOGUE_UPDATED, CapDonVi="so", MaDonViCha=T),
        unit(H, "UBND huyện Duy Xuyên", CATALOGUE_UPDATED, CapDonVi="huyen", MaDonViCha=T),
        unit(X1, "UBND xã Duy Sơn", CATALOGUE_UPDATED, CapDonVi="xa", MaDonViCha=H),
        unit(X2, "UBND xã Duy Trung", CATALOGUE_UPDATED, CapDonVi="xa", MaDonViCha=H),
    ]


def procedures() -> list[dict]:
    def proc(code, handlers, level, fees, eligible, online_payment, level_of="tinh"):
        return procedure(code, CATALOGUE_UPDATED, handlers, MucDoDVC=level, CoPhiLePhi=fees,
                         DuDieuKienToanTrinh=eligible, CoThanhToanTrucTuyen=online_payment,
                         CapThucHien=level_of)

    return [
        proc(PA, [S], "toan_trinh", True, True, True),
        proc(PB, [S], "mot_phan", False, True, False),
        proc(PF, [X1], "toan_trinh", False, True, False, "xa"),
        proc(PD, [H, X1], "khong", True, False, False, "huyen"),
        proc(PC, [X2], "toan_trinh", True, True, True, "xa"),
        proc(PE, [X2], "khong", False, True, False, "xa"),
    ]


def case(code: str, unit_code: str, proc: str, steps: list[tuple[int, str]], *, channel: int,
         due: str, finished: str = "", fee: int = 0, e_result: int = 0, vneid: int = 0,
         digitised: int = 0, rounds: list[dict] | None = None,
         apologies: list[dict] | None = None) -> dict:
    """A dossier in its final state: ``steps`` is its whole status history."""
    received = next(at for status, at in steps if status == 2)
    fees = [{"MaPhiLePhi": "LP01", "TenPhiLePhi": "Lệ phí", "LoaiPhiLePhi": 2, "SoTien": fee}]
    return dossier(
        code, max(FIRST_SEEN, steps[-1][1]), steps, MaTTHC=proc, TenTTHC=f"Thủ tục {proc}",
        DonViXuLy=unit_code, KenhThucHien=channel, NgayNopHoSo=steps[0][1],
        NgayTiepNhan=received, NgayHenTra=due, NgayKetThucXuLy=finished,
        DanhSachLePhi=fees if fee else [], DanhSachHoSoBoSung=rounds or [],
        CoKetQuaDienTu=e_result, TaiKhoanDuocXacThucVoiVNeID=vneid,
        HoSoCoThanhPhanSoHoa=digitised, DanhSachXinLoi=apologies or [])


def finished_case(code, unit_code, proc, received: str, finished: str, due: str, *,
                  status: int = 9, **fields) -> dict:
    """Received at 08:00 on ``received``, in process at 09:00, finished (9, or withdrawn 7) at
    10:00 on ``finished``; due 17:00 on ``due`` (days as 'MMDD')."""
    steps = [(2, ts(received)), (4, ts(received, "090000")), (status, ts(finished, "100000"))]
    return case(code, unit_code, proc, steps, due=ts(due, "170000"),
                finished=ts(finished, "100000"), **fields)


def pending_case(code, unit_code, proc, received: str, due: str, **fields) -> dict:
    steps = [(2, ts(received)), (4, ts(received, "090000"))]
    return case(code, unit_code, proc, steps, due=ts(due, "170000"), **fields)


ONLINE, IN_PERSON, POSTAL = 2, 1, 3


def dossiers() -> list[dict]:
    two_rounds = [  # both completed before it finished, on 10/2, before its due date 13/2
        {"NgayYeuCau": ts("0206", "090000"), "NgayTiepNhanBoSung": ts("0206", "140000"),
         "NgayHenTraTruoc": ts("0211", "170000"), "NgayHenTraMoi": ts("0212", "170000")},
        {"NgayYeuCau": ts("0209", "090000"), "NgayTiepNhanBoSung": ts("0209", "140000"),
         "NgayHenTraTruoc": ts("0212", "170000"), "NgayHenTraMoi": ts("0213", "170000")},
    ]
    open_round = [{"NgayYeuCau": ts("0211", "090000"), "NgayTiepNhanBoSung": None,
                   "NgayHenTraTruoc": ts("0213", "170000"), "NgayHenTraMoi": None}]
    apology = [{"NgayXinLoi": ts("0205", "160000"), "NgayHenTraMoi": ts("0206", "170000"),
                "LyDo": "Chờ xác minh"}]
    x1 = [
        # wd 12/1 → 15/1 = 3; on time
        finished_case("X1-J1", X1, PD, "0112", "0115", "0116", channel=IN_PERSON),
        # wd 2/2 → 4/2 = 2; on time; e-result, VNeID, digitised
        finished_case("X1-01", X1, PF, "0202", "0204", "0206", channel=ONLINE, e_result=1,
                      vneid=1, digitised=1),
        # wd 3/2 → 9/2 = 4 (4, 5, 6, 9); late (due 6/2); VNeID
        finished_case("X1-02", X1, PF, "0203", "0209", "0206", channel=ONLINE, vneid=1),
        # wd 5/2 → 10/2 = 3 (6, 9, 10); finished before its due date 13/2 after two
        # supplement rounds: late in 766; e-result, digitised
        case("X1-03", X1, PD, [(2, ts("0205")), (4, ts("0205", "090000")),
                               (5, ts("0206", "090000")), (4, ts("0206", "140000")),
                               (5, ts("0209", "090000")), (4, ts("0209", "140000")),
                               (9, ts("0210", "100000"))],
             channel=IN_PERSON, due=ts("0213", "170000"), finished=ts("0210", "100000"),
             e_result=1, digitised=1, rounds=two_rounds),
        # pending at 1/3, due 27/2: overdue; finished late on 3/3, wd 23/2 → 3/3 = 6
        # (24, 25, 26, 27, 2, 3)
        finished_case("X1-04", X1, PF, "0223", "0303", "0227", channel=ONLINE),
        # paused (5) for an open supplement round since 11/2, past its due date: within time
        case("X1-05", X1, PD, [(2, ts("0210")), (4, ts("0210", "090000")),
                               (5, ts("0211", "090000"))],
             channel=POSTAL, due=ts("0213", "170000"), rounds=open_round),
        # withdrawn (7) after its due date: on time; wd 24/2 → 26/2 = 2
        finished_case("X1-06", X1, PF, "0224", "0226", "0225", status=7, channel=ONLINE),
    ]
    x2 = [
        # wd 5/1 → 8/1 = 3; fee paid online 5/1; e-result
        finished_case("X2-J1", X2, PC, "0105", "0108", "0109", channel=ONLINE, fee=50000,
                      e_result=1),
        # wd 19/1 → 22/1 = 3; late (due 21/1)
        finished_case("X2-J2", X2, PE, "0119", "0122", "0121", channel=POSTAL),
        # wd 2/2 → 5/2 = 3; fee paid online 2/2; e-result, VNeID, digitised
        finished_case("X2-01", X2, PC, "0202", "0205", "0206", channel=ONLINE, fee=50000,
                      e_result=1, vneid=1, digitised=1),
        # wd 3/2 → 6/2 = 3; fee paid online 3/2 and refunded 4/2: not paid; e-result
        finished_case("X2-02", X2, PC, "0203", "0206", "0209", channel=ONLINE, fee=50000,
                      e_result=1),
        # wd 4/2 → 9/2 = 3 (5, 6, 9); fee paid in cash; e-result
        finished_case("X2-03", X2, PC, "0204", "0209", "0210", channel=IN_PERSON, fee=50000,
                      e_result=1),
        # wd 9/2 → 11/2 = 2
        finished_case("X2-04", X2, PE, "0209", "0211", "0212", channel=IN_PERSON),
        # pending, due 3/3: within at 1/3, overdue at 6/3
        pending_case("X2-05", X2, PE, "0223", "0303", channel=IN_PERSON),
    ]
    h = [
        # wd 20/1 → 23/1 = 3; e-result
        finished_case("H-J1", H, PD, "0120", "0123", "0127", channel=IN_PERSON, e_result=1),
        # wd 3/2 → 6/2 = 3; late (due 5/2), with an apology letter; fee paid in cash
        finished_case("H-01", H, PD, "0203", "0206", "0205", channel=IN_PERSON, fee=30000,
                      apologies=apology),
        # online, pending, due 26/2: overdue at 1/3 and 6/3; fee unpaid
        pending_case("H-02", H, PD, "0224", "0226", channel=ONLINE, fee=30000),
    ]
    s = [
        # wd 6/1 → 9/1 = 3; fee paid online; e-result
        finished_case("S-J1", S, PA, "0106", "0109", "0112", channel=ONLINE, fee=100000,
                      e_result=1),
        # wd 13/1 → 16/1 = 3
        finished_case("S-J2", S, PB, "0113", "0116", "0120", channel=IN_PERSON),
        # wd 2/2 → 4/2 = 2; fee paid online; e-result, VNeID, digitised
        finished_case("S-01", S, PA, "0202", "0204", "0206", channel=ONLINE, fee=100000,
                      e_result=1, vneid=1, digitised=1),
        # wd 5/2 → 10/2 = 3 (6, 9, 10); fee paid online; e-result, VNeID
        finished_case("S-02", S, PA, "0205", "0210", "0211", channel=ONLINE, fee=100000,
                      e_result=1, vneid=1),
        # wd 9/2 → 12/2 = 3
        finished_case("S-03", S, PB, "0209", "0212", "0213", channel=IN_PERSON),
        # pending at 1/3 within (due 5/3); finished on time 4/3, wd 26/2 → 4/3 = 4
        # (27, 2, 3, 4); e-result
        finished_case("S-04", S, PB, "0226", "0304", "0305", channel=ONLINE, e_result=1),
        # received in March by post, pending within (due 10/3); fee unpaid
        pending_case("S-M1", S, PA, "0302", "0310", channel=POSTAL, fee=100000),
    ]
    return x1 + x2 + h + s


def payments() -> list[dict]:
    def paid(ref, code, unit_code, proc, amount, at, **fields):
        return payment(ref, code, max(FIRST_SEEN, at), MaDonVi=unit_code, MaTTHC=proc,
                       SoTien=amount, Phi=0, LePhi=amount, ThoiGianGD=at,
                       ThoiGianGDThanhCong=at, **fields)

    return [
        paid("TT-X2-J1", "X2-J1", X2, PC, 50000, ts("0105", "100000")),
        paid("TT-X2-01", "X2-01", X2, PC, 50000, ts("0202", "100000")),
        paid("TT-X2-02", "X2-02", X2, PC, 50000, ts("0203", "100000"), TrangThai="hoan-phi",
             ThoiGianHoanPhi=ts("0204", "100000")),
        paid("TT-X2-03", "X2-03", X2, PC, 50000, ts("0204", "100000"),
             HinhThucThanhToan="tien-mat"),
        paid("TT-H-01", "H-01", H, PD, 30000, ts("0203", "100000"),
             HinhThucThanhToan="tien-mat"),
        paid("TT-S-J1", "S-J1", S, PA, 100000, ts("0106", "100000")),
        paid("TT-S-01", "S-01", S, PA, 100000, ts("0202", "100000")),
        paid("TT-S-02", "S-02", S, PA, 100000, ts("0205", "100000")),
    ]


def write_scenario(folder: Path) -> Path:
    for name, records in (("don_vi", units()), ("thu_tuc", procedures()),
                          ("ho_so", dossiers()), ("giao_dich", payments())):
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    return folder


# --- Expected values, by hand ---------------------------------------------------------------------
# (numerator, denominator, points); points to 4 places as stored, the total the sum of the
# stored points. KPS marks a zero denominator (flag khong_phat_sinh).

D = Decimal
KPS = "khong_phat_sinh"

# February, final (as of 1/3 00:00). X1 received 01–06 (6), online 01 02 04 06 (4); finished
# 01 02 03 06 (4), pending 04 (overdue: due 27/2 < 1/3) and 05 (paused: within).
FEB_766_X1 = {
    "2.1": (3, 6, D(10)),               # on time 01 06(withdrawn) 05(paused); 20 × 3/6
    "2.2": (11, 4, D(0)),               # wd 2 + 4 + 3 + 2; tracked
    "3.1": (1, 2, D("1.25")),           # PF of PF PD; min(2, 2 × 0.5 / 0.8)
    "3.2": (1, 1, D(4)),                # PF has online dossiers; 4 × 1
    "3.3": (4, 6, D(6)),                # min(6, 6 × 0.667 / 0.5): capped
    "3.5a": (0, 1, D(0)),               # fee procedure PD, no fee dossier
    "3.5b": (0, 1, D(0)),
    "3.6": (0, 0, D(6), KPS),           # no fee dossier: full points (766)
    "4.1": (2, 4, D(3)),                # e-result 01 03; 6 × 0.5
    "4.3": (2, 6, D("0.8333")),         # digitised 01 03; 2 × (1/3) / 0.8 = 0.83333
    "4.5b": (2, 6, D("0.6667")),        # VNeID 01 02; 2 × 1/3
}
# 10 + 1.25 + 4 + 6 + 0 + 0 + 6 + 3 + 0.8333 + 0.6667
FEB_766_X1_TOTAL = D("31.75")

# H's subtree in February: X1 (above), X2 (received 01–05, online 01 02, all on time or within,
# finished 01–04 with 11 wd, e-result 01 02 03, fee dossiers 01 02 03 of which 01 paid online,
# digitised and VNeID 01), H (H-01 late, H-02 online and overdue, both with fees, none paid
# online).
FEB_766_H = {
    "2.1": (8, 13, D("12.3077")),       # 3 + 5 + 0 of 6 + 5 + 2; 20 × 8/13 = 12.30769
    "2.2": (25, 9, D(0)),               # 11 + 11 + 3 over 4 + 4 + 1
    "3.1": (2, 4, D("1.25")),           # PF PC of PF PD PC PE; min(2, 2 × 0.5 / 0.8)
    "3.2": (2, 2, D(4)),                # PF and PC have online dossiers
    "3.3": (7, 13, D(6)),               # 4 + 2 + 1 of 13 = 0.538 ≥ 0.5: capped
    "3.5a": (2, 2, D(2)),               # PD (H-01) and PC (X2) with fee dossiers; min(2, 2.5)
    "3.5b": (1, 2, D("1.25")),          # PC paid online (X2-01); min(2, 2.5 × 0.5)
    "3.6": (1, 5, D("1.2")),            # X2-01 of X2 01 02 03, H 01 02; 6 × 0.2
    "4.1": (5, 9, D("3.3333")),         # 2 + 3 + 0; 6 × 5/9 = 3.33333
    "4.3": (3, 13, D("0.5769")),        # 2 + 1; 2 × (3/13) / 0.8 = 0.576923
    "4.5b": (3, 13, D("0.4615")),       # 2 + 1; 2 × 3/13 = 0.461538
}
# 12.3077 + 1.25 + 4 + 6 + 2 + 1.25 + 1.2 + 3.3333 + 0.5769 + 0.4615
FEB_766_H_TOTAL = D("32.3794")

# The root in February: H's subtree plus S (received 01–04, online 01 02 04, all on time or
# within, finished 01 02 03 with 2 + 3 + 3 wd, e-result 01 02, fee dossiers 01 02 both paid
# online, digitised 01, VNeID 01 02).
FEB_766_T = {
    "2.1": (12, 17, D("14.1176")),      # 8 + 4 of 13 + 4; 20 × 12/17 = 14.117647
    "2.2": (33, 12, D(0)),              # 25 + 8 over 9 + 3
    "3.1": (4, 6, D("1.6667")),         # PA PB PF PC of six; 2 × (2/3) / 0.8 = 1.666667
    "3.2": (4, 4, D(4)),                # PA (S-01), PB (S-04), PF, PC used online
    "3.3": (10, 17, D(6)),              # 7 + 3 = 0.588: capped
    "3.5a": (3, 3, D(2)),               # PA PD PC all with fee dossiers
    "3.5b": (2, 3, D("1.6667")),        # PA PC paid online; min(2, 2.5 × 2/3 = 1.666667)
    "3.6": (3, 7, D("2.5714")),         # 1 + 2 of 5 + 2; 6 × 3/7 = 2.571429
    "4.1": (7, 12, D("3.5")),           # 5 + 2; 6 × 7/12
    "4.3": (4, 17, D("0.5882")),        # 3 + 1; 2 × (4/17) / 0.8 = 0.588235
    "4.5b": (5, 17, D("0.5882")),       # 3 + 2; 2 × 5/17 = 0.588235
}
# 14.1176 + 1.6667 + 4 + 6 + 2 + 1.6667 + 2.5714 + 3.5 + 0.5882 + 0.5882
FEB_766_T_TOTAL = D("36.6988")

# Year to date (as of 6/3 00:00): X1 adds J1 (on time, 3 wd); 04 finished late on 3/3 (6 wd).
# Received J1 01–06 (7), online 4; finished J1 01 02 03 04 06 (6), pending 05 (paused).
YTD_766_X1 = {
    "2.1": (4, 7, D("11.4286")),        # J1 01 06 05; 20 × 4/7 = 11.428571
    "2.2": (20, 6, D(0)),               # 3 + 2 + 4 + 3 + 6 + 2
    "3.1": (1, 2, D("1.25")),
    "3.2": (1, 1, D(4)),
    "3.3": (4, 7, D(6)),                # 0.571: capped
    "3.5a": (0, 1, D(0)),
    "3.5b": (0, 1, D(0)),
    "3.6": (0, 0, D(6), KPS),
    "4.1": (2, 6, D(2)),                # 01 03; 6 × 1/3
    "4.3": (2, 7, D("0.7143")),         # 2 × (2/7) / 0.8 = 0.714286
    "4.5b": (2, 7, D("0.5714")),        # 2 × 2/7 = 0.571429
}
# 11.4286 + 1.25 + 4 + 6 + 0 + 0 + 6 + 2 + 0.7143 + 0.5714
YTD_766_X1_TOTAL = D("31.9643")

# H's subtree to date: X1 (above); X2 adds J1 (online, fee paid online, e-result, 3 wd) and J2
# (late, 3 wd), and 05 is now overdue (due 3/3 < 6/3): received 7, online 3, on time J1 01–04,
# finished 6 with 17 wd, e-result J1 01 02 03, fee dossiers J1 01 02 03 of which J1 01 paid
# online; H adds J1 (on time, 3 wd, e-result).
YTD_766_H = {
    "2.1": (10, 17, D("11.7647")),      # 4 + 5 + 1 of 7 + 7 + 3; 20 × 10/17 = 11.764706
    "2.2": (43, 14, D(0)),              # 20 + 17 + 6 over 6 + 6 + 2
    "3.1": (2, 4, D("1.25")),
    "3.2": (2, 2, D(4)),
    "3.3": (8, 17, D("5.6471")),        # 4 + 3 + 1 = 0.4706 < 0.5: 6 × (8/17) / 0.5 = 5.647059
    "3.5a": (2, 2, D(2)),
    "3.5b": (1, 2, D("1.25")),
    "3.6": (2, 6, D(2)),                # X2 J1 01 of X2 J1 01 02 03, H 01 02; 6 × 1/3
    "4.1": (7, 14, D(3)),               # 2 + 4 + 1; 6 × 0.5
    "4.3": (3, 17, D("0.4412")),        # 2 × (3/17) / 0.8 = 0.441176
    "4.5b": (3, 17, D("0.3529")),       # 2 × 3/17 = 0.352941
}
# 11.7647 + 1.25 + 4 + 5.6471 + 2 + 1.25 + 2 + 3 + 0.4412 + 0.3529
YTD_766_H_TOTAL = D("31.7059")

# The root to date: H's subtree plus S (received J1 J2 01–04 M1 = 7, online J1 01 02 04, all on
# time or within (M1 due 10/3), finished J1 J2 01 02 03 04 with 3 + 3 + 2 + 3 + 3 + 4 = 18 wd,
# e-result J1 01 02 04, fee dossiers J1 01 02 M1 of which J1 01 02 paid online).
YTD_766_T = {
    "2.1": (17, 24, D("14.1667")),      # 10 + 7 of 17 + 7; 20 × 17/24 = 14.166667
    "2.2": (61, 20, D(0)),              # 43 + 18 over 14 + 6
    "3.1": (4, 6, D("1.6667")),
    "3.2": (4, 4, D(4)),
    "3.3": (12, 24, D(6)),              # 8 + 4 = exactly 0.5: 6 × 0.5 / 0.5, the cap
    "3.5a": (3, 3, D(2)),
    "3.5b": (2, 3, D("1.6667")),
    "3.6": (5, 10, D(3)),               # 2 + 3 of 6 + 4; 6 × 0.5
    "4.1": (11, 20, D("3.3")),          # 7 + 4; 6 × 0.55
    "4.3": (4, 24, D("0.4167")),        # 3 + 1; 2 × (1/6) / 0.8 = 0.416667
    "4.5b": (5, 24, D("0.4167")),       # 3 + 2; 2 × 5/24 = 0.416667
}
# 14.1667 + 1.6667 + 4 + 6 + 2 + 1.6667 + 3 + 3.3 + 0.4167 + 0.4167
YTD_766_T_TOTAL = D("36.6335")

# PAR, year to date only (config/scorecards/par_qn.yaml; KH 258 scores the year).
# X1: eligible PF (full process): 1/1 ≥ 0.90; finished J1 01 02 03 04 06, online full-process
# (PF online) 01 02 04 06, e-result 01 03; fee procedure PD has no online payment; finished PD
# dossiers J1 03, none paid online.
YTD_PAR_X1 = {
    "3.3": (1, 1, D(1)),                # 1.0 ≥ 0.90: 1 × 1.0
    "3.4": (4, 6, D("0.6667")),         # 1 × 4/6
    "3.5": (2, 6, D(0)),                # 0.333 < 0.40: 0
    "3.6a": (0, 1, D(0)),
    "3.6b": (0, 0, D(0), KPS),          # no procedure with online payment: 0 (KH 258)
    "3.6c": (0, 2, D(0)),
}
YTD_PAR_X1_TOTAL = D("1.6667")          # 1 + 0.6667

# H: eligible PF PC PE, full process PF PC: 2/3 < 0.90; finished 14, online full-process
# 4 (X1) + 3 (X2 J1 01 02 on PC); e-result 7; fee procedures PD PC, with online payment PC,
# used (X2-J1, X2-01); finished dossiers of fee procedures X1 J1 03, X2 J1 01 02 03, H J1 01
# (8), paid online X2-J1 X2-01.
YTD_PAR_H = {
    "3.3": (2, 3, D(0)),                # 0.667 < 0.90: 0
    "3.4": (7, 14, D("0.5")),
    "3.5": (7, 14, D(1)),               # 0.5 ≥ 0.40: 1
    "3.6a": (1, 2, D("0.25")),          # 0.5 × 1/2
    "3.6b": (1, 1, D("0.5")),
    "3.6c": (2, 8, D("0.125")),         # 0.5 × 2/8
}
YTD_PAR_H_TOTAL = D("2.375")            # 0 + 0.5 + 1 + 0.25 + 0.5 + 0.125

# T: eligible PA PB PF PC PE, full process PA PF PC: 3/5; finished 14 + 6, online
# full-process 7 + S J1 01 02 (PA; S-04 is PB, partial); e-result 7 + 4; fee procedures
# PA PD PC, with online payment PA PC, both used; finished fee-procedure dossiers 8 + S J1 01
# 02, paid online 2 + 3.
YTD_PAR_T = {
    "3.3": (3, 5, D(0)),                # 0.6 < 0.90: 0
    "3.4": (10, 20, D("0.5")),
    "3.5": (11, 20, D(1)),              # 0.55 ≥ 0.40
    "3.6a": (2, 3, D("0.3333")),        # 0.5 × 2/3 = 0.333333
    "3.6b": (2, 2, D("0.5")),
    "3.6c": (5, 11, D("0.2273")),       # 0.5 × 5/11 = 0.227273
}
YTD_PAR_T_TOTAL = D("2.5606")           # 0 + 0.5 + 1 + 0.3333 + 0.5 + 0.2273

FEB, YEAR = date(2026, 2, 1), date(2026, 1, 1)
EXPECTED = {  # (scorecard, period_type, period_start, unit) → (items, total)
    ("cs766", "month", FEB, X1): (FEB_766_X1, FEB_766_X1_TOTAL),
    ("cs766", "month", FEB, H): (FEB_766_H, FEB_766_H_TOTAL),
    ("cs766", "month", FEB, T): (FEB_766_T, FEB_766_T_TOTAL),
    ("cs766", "ytd", YEAR, X1): (YTD_766_X1, YTD_766_X1_TOTAL),
    ("cs766", "ytd", YEAR, H): (YTD_766_H, YTD_766_H_TOTAL),
    ("cs766", "ytd", YEAR, T): (YTD_766_T, YTD_766_T_TOTAL),
    ("par_qn", "ytd", YEAR, X1): (YTD_PAR_X1, YTD_PAR_X1_TOTAL),
    ("par_qn", "ytd", YEAR, H): (YTD_PAR_H, YTD_PAR_H_TOTAL),
    ("par_qn", "ytd", YEAR, T): (YTD_PAR_T, YTD_PAR_T_TOTAL),
}
POINTS_POSSIBLE = {"cs766": D(52), "par_qn": D("4.5")}


# --- The run --------------------------------------------------------------------------------------

def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def scorecard_run(tmp_path_factory):
    """The warehouse after the daily loads of 27/2–5/3 and the Friday DAG of 6/3."""
    from tthc_devtools.embedded_postgres import EmbeddedPostgres
    from tthc_pipeline.warehouse.migrations import apply_migrations

    folder = write_scenario(tmp_path_factory.mktemp("scorecard_scenario"))
    os.environ["TTHC_REPORTS_DIR"] = str(tmp_path_factory.mktemp("reports"))
    config = SimulatorConfig(token="scorecard-token", scenario_dir=folder)
    daily = load_dags_without_retries(DAILY_DAGS)
    [weekly] = load_dags_without_retries((WEEKLY_DAG,))
    try:
        with EmbeddedPostgres() as pg:
            apply_migrations(pg.uri)
            with start_simulator(config) as sim, \
                    pipeline_environment(pg.uri, sim.url, config.token):
                for day in days(FIRST_DAY, LAST_DAY):
                    run_day(daily, day)
                run_weekly(weekly, FRIDAY)
            yield pg.uri
    finally:
        os.environ.pop("TTHC_REPORTS_DIR", None)


def scores(conninfo: str, scorecard: str, period_type: str, period_start: date,
           unit_code: str) -> dict[str, dict]:
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        found = conn.execute(
            "select * from mart.scorecard_latest where scorecard = %s and period_type = %s"
            " and period_start = %s and unit_code = %s", (scorecard, period_type,
                                                          period_start, unit_code)).fetchall()
    return {row["item"]: row for row in found}


def as_stated(row: dict) -> tuple:
    """A stored item row in the shape of the hand-made constants."""
    stated = (int(row["numerator"]), int(row["denominator"]), row["points"])
    return (*stated, row["flag"]) if row["flag"] else stated


def test_the_friday_published_a_february_final_and_a_year_to_date_forecast(scorecard_run):
    with psycopg.connect(scorecard_run) as conn:
        found = set(conn.execute(
            "select distinct scorecard, period_type, period_start, is_forecast,"
            " (as_of at time zone 'Asia/Ho_Chi_Minh')::date from mart.scorecard_latest"
            " where period_type in ('month', 'ytd')").fetchall())
    assert found == {
        ("cs766", "month", FEB, False, date(2026, 3, 1)),
        ("cs766", "month", date(2026, 3, 1), True, FRIDAY),
        ("cs766", "ytd", YEAR, True, FRIDAY),
        ("par_qn", "ytd", YEAR, True, FRIDAY),
    }


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda key: "-".join(map(str, key)))
def test_every_item_matches_the_hand_computed_score(scorecard_run, key):
    items, total = EXPECTED[key]
    found = scores(scorecard_run, *key)
    assert {item: as_stated(row) for item, row in found.items() if item != "total"} == items
    assert (found["total"]["points"], found["total"]["max_points"]) == (
        total, POINTS_POSSIBLE[key[0]])
    assert total == sum(stated[2] for stated in items.values())  # the constants add up


def test_the_ratios_behind_the_edges(scorecard_run):
    """The edges the scenario is built for, with their ratios: the 3.3 cap, the PAR 0.90 cut
    and 0.40 step on both sides, and the mean of 2.2."""
    def ratio(key, item):
        return scores(scorecard_run, *key)[item]["ratio"]

    assert ratio(("cs766", "ytd", YEAR, T), "3.3") == D("0.5")  # the cap, exactly reached
    assert ratio(("cs766", "month", FEB, X1), "3.3") == D("0.666667")
    assert ratio(("par_qn", "ytd", YEAR, X1), "3.3") == D(1)  # ≥ 0.90
    assert ratio(("par_qn", "ytd", YEAR, H), "3.3") == D("0.666667")  # < 0.90
    assert ratio(("par_qn", "ytd", YEAR, X1), "3.5") == D("0.333333")  # < 0.40
    assert ratio(("par_qn", "ytd", YEAR, H), "3.5") == D("0.5")  # ≥ 0.40
    assert ratio(("cs766", "month", FEB, T), "2.2") == D("2.75")  # 33 / 12 working days
    assert ratio(("cs766", "month", FEB, X1), "3.6") is None  # khong_phat_sinh


def test_where_the_points_went_lists_the_late_dossiers(scorecard_run):
    """2.1's list for X1 in February: the late one, the one with two rounds, the overdue one."""
    from tthc_pipeline.scorecards.drill import where_points_went
    from tthc_pipeline.scorecards.periods import LOCAL_TZ

    rows = where_points_went(scorecard_run, "cs766", "month", FEB,
                             datetime(2026, 3, 1, tzinfo=LOCAL_TZ), X1, "2.1")
    assert sorted(row["dossier_code"] for row in rows) == ["X1-02", "X1-03", "X1-04"]


def test_the_new_contract_fields_reached_the_star_schema(scorecard_run):
    """What the scores read, loaded by the daily DAGs: the dossier flags, the apology letter,
    the procedure flags; and nothing of the scenario parked in quarantine."""
    with psycopg.connect(scorecard_run) as conn:
        flags = conn.execute(
            "select count(*), count(*) filter (where has_electronic_result),"
            " count(*) filter (where is_vneid_verified) from dw.fact_dossier").fetchone()
        letters = conn.execute(
            "select d.dossier_code, a.reason from dw.fact_dossier_apology as a"
            " join dw.fact_dossier as d using (dossier_key)").fetchall()
        eligible = conn.execute(
            "select procedure_code from dw.dim_procedure where is_current"
            " and is_full_process_eligible order by 1").fetchall()
        online_payment = conn.execute(
            "select procedure_code from dw.dim_procedure where is_current"
            " and has_online_payment order by 1").fetchall()
    # 24 dossiers; e-result X1 01 03, X2 J1 01 02 03, H J1, S J1 01 02 04; VNeID X1 01 02,
    # X2 01, S 01 02
    assert flags == (24, 11, 5)
    assert letters == [("H-01", "Chờ xác minh")]
    assert eligible == [(PA,), (PB,), (PC,), (PE,), (PF,)]
    assert online_payment == [(PA,), (PC,)]

"""The scorecards published over a small hand-made province, against a real warehouse.

Numbers are worked out by hand below from shared/spec/scorecards.md, not by the code under
test. The province, on the Friday 13 March 2026 (cutoff 13/3 00:00, month to date [1/3, 13/3),
year to date [1/1, 13/3)):

    T (tỉnh) ── S1 (sở): procedures P1 (toàn trình, fees, eligible, online payment)
            │            and P2 (một phần, no fees, eligible)
            └─ S2 (sở): procedure P3 (none, fees)

    dossier unit proc channel received  end          due   state at the cutoff
    D1      S1   P1   online  2/3       finished 5/3  6/3  on time; fee 100000 paid online 2/3;
                                                           e-result, VNeID, digitised
    D2      S1   P1   online  3/3       finished 10/3 9/3  late
    D3      S1   P2   person  4/3       finished 11/3 20/3 two supplement rounds ⇒ late (766);
                                                           digitised
    D4      S1   P2   online  5/3       withdrawn 9/3 6/3  withdrawn: on time
    D5      S2   P3   person  9/3       in process    12/3 overdue; fee 50000, unpaid
    D6      S2   P3   person  10/3      paused (5)    11/3 paused: within time
    D7      S2   P3   person  10/2      finished 20/2 24/2 on time; fee 50000 paid online 11/2;
                                                           e-result
    D8      S1   P1   online  12/3      received      20/3 within time
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import psycopg
import pytest
from helpers.pipeline import ingest
from helpers.records import dossier, payment, procedure, unit
from psycopg.rows import dict_row

from tthc_pipeline.scorecards.config import MEASURES, load_all
from tthc_pipeline.scorecards.publish import publish_scorecards

pytestmark = pytest.mark.integration

FRIDAY = date(2026, 3, 13)
DAY = date(2026, 3, 12)
UPDATED = "20260312200000"


def fees(amount):
    return [{"MaPhiLePhi": "LP", "LoaiPhiLePhi": 2, "SoTien": amount}]


def new_fields(e_result=0, vneid=0, digitised=0):
    return {"CoKetQuaDienTu": e_result, "TaiKhoanDuocXacThucVoiVNeID": vneid,
            "HoSoCoThanhPhanSoHoa": digitised}


@pytest.fixture
def province(warehouse) -> str:
    ingest(warehouse, "don_vi", [
        unit("T", "UBND tỉnh", "20260101080000", CapDonVi="tinh"),
        unit("S1", "Sở Một", "20260101080000", MaDonViCha="T"),
        unit("S2", "Sở Hai", "20260101080000", MaDonViCha="T"),
    ], DAY)
    ingest(warehouse, "thu_tuc", [
        procedure("P1", "20260101080000", ["S1"], MucDoDVC="toan_trinh", CoPhiLePhi=True,
                  DuDieuKienToanTrinh=True, CoThanhToanTrucTuyen=True),
        procedure("P2", "20260101080000", ["S1"], MucDoDVC="mot_phan", CoPhiLePhi=False,
                  DuDieuKienToanTrinh=True, CoThanhToanTrucTuyen=False),
        procedure("P3", "20260101080000", ["S2"], MucDoDVC="khong", CoPhiLePhi=True,
                  DuDieuKienToanTrinh=False, CoThanhToanTrucTuyen=False),
    ], DAY)
    rounds = [
        {"NgayYeuCau": "20260305090000", "NgayTiepNhanBoSung": "20260306090000",
         "NgayHenTraTruoc": "20260312170000", "NgayHenTraMoi": "20260316170000"},
        {"NgayYeuCau": "20260309090000", "NgayTiepNhanBoSung": "20260310090000",
         "NgayHenTraTruoc": "20260316170000", "NgayHenTraMoi": "20260320170000"},
    ]
    ingest(warehouse, "ho_so", [
        dossier("D1", UPDATED, [(2, "20260302080000"), (9, "20260305150000")], DonViXuLy="S1",
                MaTTHC="P1", KenhThucHien=2, NgayHenTra="20260306170000",
                NgayKetThucXuLy="20260305150000", DanhSachLePhi=fees(100000),
                DuocThanhToanTrucTuyen=2, **new_fields(1, 1, 1)),
        dossier("D2", UPDATED, [(2, "20260303080000"), (9, "20260310150000")], DonViXuLy="S1",
                MaTTHC="P1", KenhThucHien=2, NgayHenTra="20260309170000",
                NgayKetThucXuLy="20260310150000", **new_fields()),
        dossier("D3", UPDATED, [(2, "20260304080000"), (9, "20260311150000")], DonViXuLy="S1",
                MaTTHC="P2", KenhThucHien=1, NgayHenTra="20260320170000",
                NgayKetThucXuLy="20260311150000", DanhSachHoSoBoSung=rounds,
                **new_fields(digitised=1)),
        dossier("D4", UPDATED, [(2, "20260305080000"), (7, "20260309100000")], DonViXuLy="S1",
                MaTTHC="P2", KenhThucHien=2, NgayHenTra="20260306170000",
                NgayKetThucXuLy="20260309100000", **new_fields()),
        dossier("D5", UPDATED, [(2, "20260309080000"), (4, "20260309090000")], DonViXuLy="S2",
                MaTTHC="P3", KenhThucHien=1, NgayHenTra="20260312170000",
                DanhSachLePhi=fees(50000), **new_fields()),
        dossier("D6", UPDATED, [(2, "20260310080000"), (5, "20260311080000")], DonViXuLy="S2",
                MaTTHC="P3", KenhThucHien=1, NgayHenTra="20260311170000", **new_fields()),
        dossier("D7", UPDATED, [(2, "20260210080000"), (9, "20260220150000")], DonViXuLy="S2",
                MaTTHC="P3", KenhThucHien=1, NgayHenTra="20260224170000",
                NgayKetThucXuLy="20260220150000", DanhSachLePhi=fees(50000),
                DuocThanhToanTrucTuyen=2, **new_fields(e_result=1)),
        dossier("D8", UPDATED, [(2, "20260312100000")], DonViXuLy="S1", MaTTHC="P1",
                KenhThucHien=2, NgayHenTra="20260320170000", **new_fields()),
    ], DAY)
    ingest(warehouse, "giao_dich", [
        payment("TT1", "D1", "20260302100000", MaTTHC="P1", MaDonVi="S1", SoTien=100000,
                Phi=0, LePhi=100000),
        payment("TT7", "D7", "20260211100000", MaTTHC="P3", MaDonVi="S2", SoTien=50000,
                Phi=0, LePhi=50000),
    ], DAY)
    return warehouse


def latest(conninfo, scorecard, period_type, unit_code):
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        rows = conn.execute(
            "select * from mart.scorecard_latest where scorecard = %s and period_type = %s"
            " and unit_code = %s and as_of = '2026-03-13 00:00+07'",
            (scorecard, period_type, unit_code)).fetchall()
    return {row["item"]: row for row in rows}


def points(rows):
    return {item: row["points"] for item, row in rows.items()}


def test_766_month_to_date_by_hand(province):
    publish_scorecards(province, FRIDAY)
    s1 = latest(province, "cs766", "month", "S1")
    assert {k: (r["numerator"], r["denominator"]) for k, r in s1.items() if k != "total"} == {
        "2.1": (3, 5), "2.2": (15, 4), "3.1": (2, 2), "3.2": (2, 2), "3.3": (4, 5),
        "3.5a": (1, 1), "3.5b": (1, 1), "3.6": (1, 1), "4.1": (1, 4), "4.3": (2, 5),
        "4.5b": (1, 5)}
    assert s1["2.2"]["ratio"] == Decimal("3.75")
    assert points(s1) == {
        "2.1": 12, "2.2": 0, "3.1": 2, "3.2": 4, "3.3": 6, "3.5a": 2, "3.5b": 2, "3.6": 6,
        "4.1": Decimal("1.5"), "4.3": 1, "4.5b": Decimal("0.4"), "total": Decimal("36.9")}
    assert s1["total"]["max_points"] == 52 and s1["total"]["is_forecast"] is True

    s2 = latest(province, "cs766", "month", "S2")
    assert points(s2) == {
        "2.1": 10, "2.2": 0, "3.1": 0, "3.2": 4, "3.3": 0, "3.5a": 2, "3.5b": 0, "3.6": 0,
        "4.1": 6, "4.3": 0, "4.5b": 0, "total": 22}
    assert {k for k, r in s2.items() if r["flag"] == "khong_phat_sinh"} == {"2.2", "3.2", "4.1"}

    root = latest(province, "cs766", "month", "T")
    assert points(root) == {
        "2.1": Decimal("11.4286"), "2.2": 0, "3.1": Decimal("1.6667"), "3.2": 4, "3.3": 6,
        "3.5a": 2, "3.5b": Decimal("1.25"), "3.6": 3, "4.1": Decimal("1.5"),
        "4.3": Decimal("0.7143"), "4.5b": Decimal("0.2857"), "total": Decimal("31.8453")}


def test_par_year_to_date_by_hand(province):
    publish_scorecards(province, FRIDAY)
    root = latest(province, "par_qn", "ytd", "T")
    assert {k: (r["numerator"], r["denominator"]) for k, r in root.items() if k != "total"} == {
        "3.3": (1, 2), "3.4": (2, 5), "3.5": (2, 5), "3.6a": (1, 2), "3.6b": (1, 1),
        "3.6c": (2, 3)}
    assert points(root) == {"3.3": 0, "3.4": Decimal("0.4"), "3.5": 1, "3.6a": Decimal("0.25"),
                            "3.6b": Decimal("0.5"), "3.6c": Decimal("0.3333"),
                            "total": Decimal("2.4833")}
    s2 = latest(province, "par_qn", "ytd", "S2")
    assert points(s2) == {"3.3": 0, "3.4": 0, "3.5": 1, "3.6a": 0, "3.6b": 0,
                          "3.6c": Decimal("0.5"), "total": Decimal("1.5")}
    assert {k for k, r in s2.items() if r["flag"]} == {"3.3", "3.6b"}
    assert s2["total"]["max_points"] == Decimal("4.5")


def test_a_rerun_publishes_nothing_new_and_a_config_change_a_new_version(province):
    first = publish_scorecards(province, FRIDAY)
    assert {(p.scorecard, p.period_type) for p in first} == {
        ("cs766", "month"), ("cs766", "quarter"), ("cs766", "ytd"), ("par_qn", "ytd")}
    assert all(p.is_new and p.version == 1 and p.is_forecast and p.unit_count == 3
               for p in first)
    again = publish_scorecards(province, FRIDAY)
    assert [(p.version, p.is_new) for p in again] == [(1, False)] * 4
    cs766, par = load_all()
    easier = tuple(i if i.item != "3.1" else type(i)(**{**i.__dict__, "parameter": Decimal("0.5")})
                   for i in cs766.items)
    changed = publish_scorecards(province, FRIDAY,
                                 scorecards=(type(cs766)(**{**cs766.__dict__, "items": easier}),
                                             par))
    assert {(p.scorecard, p.version, p.is_new) for p in changed} == {
        ("cs766", 2, True), ("par_qn", 1, False)}
    with psycopg.connect(province) as conn:
        (stored,) = conn.execute(
            "select config -> 'items' -> 2 ->> 'parameter' from mart.scorecard_version"
            " where scorecard = 'cs766' and period_type = 'month' and version = 2").fetchone()
        assert stored == "0.5"
        with pytest.raises(psycopg.errors.RaiseException, match="published snapshot"):
            conn.execute("delete from mart.scorecard_item")


def test_weekly_766_change_and_finals(province):
    publish_scorecards(province, FRIDAY)
    publish_scorecards(province, date(2026, 3, 20))
    with psycopg.connect(province) as conn:
        rows = conn.execute(
            "select period_type, (as_of at time zone 'Asia/Ho_Chi_Minh')::date, points_computed,"
            " previous_points, points_change from mart.scorecard_766_weekly"
            " where unit_code = 'S1' and period_type = 'month' order by as_of").fetchall()
    assert rows == [("month", date(2026, 3, 13), Decimal("36.9"), None, None),
                    ("month", date(2026, 3, 20), Decimal("36.9"), Decimal("36.9"), 0)]


def test_the_measures_sql_and_the_config_name_the_same_measures(province):
    publish_scorecards(province, FRIDAY)
    with psycopg.connect(province) as conn, conn.transaction():
        from tthc_pipeline.scorecards.periods import periods_of_report
        from tthc_pipeline.scorecards.publish import unit_measures

        (period, *_) = periods_of_report(FRIDAY, ("month",))
        rows = unit_measures(conn, "quang_nam", [period])[period.start]
    assert set(rows[0]) - {"unit_code"} == set(MEASURES)


@pytest.mark.parametrize("friday", [FRIDAY, date(2026, 5, 15)])
def test_periods_modelled_together_measure_what_each_measures_alone(province, friday):
    """A Friday's month, quarter and year to date share one model (one read of the dossiers);
    each period's measures are those of the period modelled on its own. 13/3: the month and
    the year (= quarter) to date, D7 of February in the year only; 15/5: three starts."""
    from tthc_pipeline.scorecards.periods import periods_of_report
    from tthc_pipeline.scorecards.publish import unit_measures

    periods = [p for p in periods_of_report(friday, ("month", "quarter", "ytd")) if p.is_forecast]
    assert len({p.as_of for p in periods}) == 1
    with psycopg.connect(province) as conn, conn.transaction():
        together = unit_measures(conn, "quang_nam", periods)
        alone = {p.start: unit_measures(conn, "quang_nam", [p])[p.start] for p in periods}
    assert together == alone
    month, *_, year = periods  # month, quarter, ytd
    assert together[month.start] != together[year.start]  # the periods differ


def test_where_the_points_went(province):
    from datetime import datetime

    from tthc_pipeline.scorecards.drill import NoSuchScore, where_points_went
    from tthc_pipeline.scorecards.periods import LOCAL_TZ

    publish_scorecards(province, FRIDAY)
    as_of = datetime(2026, 3, 13, tzinfo=LOCAL_TZ)

    def codes(scorecard, period_type, start, unit_code, item):
        rows = where_points_went(province, scorecard, period_type, start, as_of, unit_code, item)
        return [row.get("dossier_code") or row["procedure_code"] for row in rows]

    march, year = date(2026, 3, 1), date(2026, 1, 1)
    # D2 finished after its due date, D3 after two supplement rounds
    assert codes("cs766", "month", march, "S1", "2.1") == ["D2", "D3"]
    assert codes("cs766", "month", march, "T", "2.1") == ["D2", "D3", "D5"]  # D5 overdue
    assert codes("cs766", "month", march, "T", "3.6") == ["D5"]  # a fee not paid online
    assert codes("cs766", "month", march, "T", "3.1") == ["P3"]  # not an online service
    assert codes("par_qn", "ytd", year, "T", "3.3") == ["P2"]  # eligible, not full-process
    with pytest.raises(NoSuchScore, match="a tracked sum"):
        codes("cs766", "month", march, "T", "2.2")
    with pytest.raises(NoSuchScore, match="no item '9.9'"):
        codes("cs766", "month", march, "T", "9.9")


def shortfall(conninfo, scorecard, period_type, start, unit_code, item) -> list[str]:
    """mart.scorecard_shortfall's list, as an analyst reads it (the bi_reader's view)."""
    with psycopg.connect(conninfo) as conn:
        return [code for (code,) in conn.execute(
            "select coalesce(dossier_code, procedure_code) from mart.scorecard_shortfall"
            " where tree_code = 'quang_nam' and scorecard = %s and period_type = %s"
            " and period_start = %s and unit_code = %s and item = %s order by 1",
            (scorecard, period_type, start, unit_code, item))]


def test_the_shortfall_view_lists_the_dossiers_and_procedures_that_cost_points(province):
    """The same lists as test_where_the_points_went's, worked out by hand, from the view."""
    publish_scorecards(province, FRIDAY)
    march, year = date(2026, 3, 1), date(2026, 1, 1)
    assert shortfall(province, "cs766", "month", march, "S1", "2.1") == ["D2", "D3"]
    assert shortfall(province, "cs766", "month", march, "T", "2.1") == ["D2", "D3", "D5"]
    assert shortfall(province, "cs766", "month", march, "S2", "2.1") == ["D5"]
    assert shortfall(province, "cs766", "month", march, "T", "3.6") == ["D5"]
    assert shortfall(province, "cs766", "month", march, "T", "3.1") == ["P3"]
    assert shortfall(province, "par_qn", "ytd", year, "T", "3.3") == ["P2"]
    assert shortfall(province, "cs766", "month", march, "T", "2.2") == []  # a tracked sum
    with psycopg.connect(province, row_factory=dict_row) as conn:
        (late,) = conn.execute(
            "select counting_unit_code, status, received_on, due_on, finished_on,"
            " supplement_rounds, is_online, kind, version, is_forecast"
            " from mart.scorecard_shortfall where scorecard = 'cs766' and period_type = 'month'"
            " and unit_code = 'T' and item = '2.1' and dossier_code = 'D2'").fetchall()
    assert late == {"counting_unit_code": "S1", "status": 9, "received_on": date(2026, 3, 3),
                    "due_on": date(2026, 3, 9), "finished_on": date(2026, 3, 10),
                    "supplement_rounds": 0, "is_online": True, "kind": "dossier", "version": 1,
                    "is_forecast": True}


def test_the_shortfall_view_agrees_with_the_published_scores_and_the_function(province):
    """For every unit and item with a list, the view lists exactly the dossiers or procedures
    where_points_went() computes again, and as many as the published denominator minus the
    numerator."""
    from datetime import datetime

    from tthc_pipeline.scorecards.drill import NoSuchScore, where_points_went
    from tthc_pipeline.scorecards.periods import LOCAL_TZ

    publish_scorecards(province, FRIDAY)
    as_of = datetime(2026, 3, 13, tzinfo=LOCAL_TZ)
    with psycopg.connect(province) as conn:
        scored = conn.execute(
            "select scorecard, period_type, period_start, unit_code, item,"
            " denominator - numerator from mart.scorecard_latest where as_of = %s"
            " and item <> 'total'", (as_of,)).fetchall()
    lists = 0
    for scorecard, period_type, start, unit_code, item, missing in scored:
        try:
            rows = where_points_went(province, scorecard, period_type, start, as_of, unit_code,
                                     item)
        except NoSuchScore:  # 2.2, a tracked sum: no list
            assert shortfall(province, scorecard, period_type, start, unit_code, item) == []
            continue
        expected = sorted(row.get("dossier_code") or row["procedure_code"] for row in rows)
        assert shortfall(province, scorecard, period_type, start, unit_code, item) == expected
        assert len(expected) == missing, (scorecard, period_type, unit_code, item)
        lists += len(expected)
    assert lists > 20  # the scenario has dossiers and procedures on many lists


def test_the_shortfall_lists_are_those_of_the_newest_friday(province):
    """A later Friday replaces the lists, a backfill of an earlier one leaves them, a re-run on
    unchanged data writes nothing."""
    def held():
        with psycopg.connect(province) as conn:
            return conn.execute(
                "select r.report_date,"
                " array_agg(distinct (m.as_of at time zone 'Asia/Ho_Chi_Minh')::date),"
                " max(m.xmin::text::bigint) from mart.scorecard_member_run as r"
                " join mart.scorecard_dossier_member as m using (tree_code)"
                " group by r.report_date").fetchall()

    later = date(2026, 3, 20)
    publish_scorecards(province, FRIDAY)
    ((friday, cutoffs, _),) = held()
    assert (friday, cutoffs) == (FRIDAY, [FRIDAY])
    publish_scorecards(province, later)
    ((friday, cutoffs, written),) = held()
    assert (friday, cutoffs) == (later, [later])
    publish_scorecards(province, FRIDAY)  # a backfill of the earlier Friday
    publish_scorecards(province, later)  # unchanged: nothing rewritten
    assert held() == [(later, [later], written)]
    with psycopg.connect(province) as conn:
        rows = conn.execute("select count(*) from mart.scorecard_shortfall"
                            " where (as_of at time zone 'Asia/Ho_Chi_Minh')::date <> %s",
                            (later,)).fetchone()[0]
    assert rows == 0


def test_the_member_tables_hold_every_measure(warehouse):
    """A new measure (config.DOSSIER_MEASURES, PROCEDURE_MEASURES) needs its column in V019's
    member tables too, or its items would have no list."""
    from tthc_pipeline.scorecards.config import DOSSIER_MEASURES, PROCEDURE_MEASURES

    with psycopg.connect(warehouse) as conn:
        columns = dict(conn.execute(
            "select table_name, array_agg(column_name::text) from information_schema.columns"
            " where table_schema = 'mart' and table_name in"
            " ('scorecard_dossier_member', 'scorecard_procedure_member') group by 1").fetchall())
    assert set(DOSSIER_MEASURES) <= set(columns["scorecard_dossier_member"])
    assert set(PROCEDURE_MEASURES) <= set(columns["scorecard_procedure_member"])


def test_handling_time_per_procedure(province):
    """766 item 2.2 per procedure (mart.scorecard_handling_time), by hand: in March, P1's D1
    (received Mon 2/3, finished Thu 5/3: 3, 4, 5 = 3 working days) and D2 (Tue 3/3 to Tue 10/3:
    5), P2's D3 (Wed 4/3 to Wed 11/3: 5) and D4 (Thu 5/3, withdrawn Mon 9/3: 6, 9 = 2); P3 has
    none finished in March. Over procedures they add up to the published item."""
    publish_scorecards(province, FRIDAY)
    with psycopg.connect(province) as conn:
        rows = conn.execute(
            "select unit_code, procedure_code, finished, handling_working_days,"
            " mean_working_days from mart.scorecard_handling_time where period_type = 'month'"
            " order by 1, 2").fetchall()
        published = conn.execute(
            "select i.unit_code, i.numerator, i.denominator from mart.scorecard_latest as i"
            " where i.scorecard = 'cs766' and i.item = '2.2'"
            " and i.period_type = 'month' and i.as_of::date >= '2026-03-12'"
            " order by 1").fetchall()
    assert rows == [("S1", "P1", 2, 8, Decimal("4.00")), ("S1", "P2", 2, 7, Decimal("3.50")),
                    ("T", "P1", 2, 8, Decimal("4.00")), ("T", "P2", 2, 7, Decimal("3.50"))]
    sums = {}
    for unit_code, _procedure, finished, days, _mean in rows:
        total = sums.setdefault(unit_code, [0, 0])
        total[0] += days
        total[1] += finished
    assert {unit: (Decimal(n), Decimal(d)) for unit, n, d in published if d} == {
        unit: (Decimal(n), Decimal(d)) for unit, (n, d) in sums.items()}

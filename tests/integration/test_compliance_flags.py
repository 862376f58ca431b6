"""The one-stop compliance flags (issue 16, item 2; scorecards.md, "Compliance flags") over a
hand-made scenario: which dossiers are flagged, the per-unit counts over each subtree, the
workbook's "Tuân thủ một cửa" sheet and the summary's units with the most flags.

Units: P (province) > S (department), H (district) > X (commune). One report, R = 13/3/2026
(period 6/3–12/3, cutoff 13/3 00:00). Officers are named per status step (TienDo.NguoiXuLy).

same_officer (over the dossiers resolved in the period):
- HS-X-SAME: received (2) by CB-A, resolved (9) by CB-A: flagged, at X;
- HS-X-SPLIT: received by CB-A, resolved by CB-C: not flagged;
- HS-S-SAME: received and resolved by CB-S: flagged, at S;
- HS-X-LATER: received by CB-A, resolved by CB-A on 13/3, after the cutoff: pending at the
  cutoff, not resolved in the period, so not counted.
late_without_apology (over resolved_late + pending_overdue):
- HS-X-NOAPOL: due 9/3, finished 11/3, no letter: flagged (resolved_late);
- HS-X-AFTER: due 9/3, finished 11/3, letter dated 10/3, after the due date it missed: flagged;
- HS-X-ONDUE: due 9/3, finished 11/3, letter dated on 9/3: not flagged;
- HS-X-ROUNDS: due 6/3, moved to 9/3 by a first supplement round and to 11/3 by a second one,
  finished 12/3 (late); its letter of 10/3 is after the first round's due date but before the
  one it missed (11/3): not flagged;
- HS-H-OVERDUE: the district's own dossier, due 5/3, still in process: pending overdue without a
  letter: flagged, at H.

Counts (subtree): X resolved 6 (SAME, SPLIT, NOAPOL, AFTER, ONDUE, ROUNDS), same 1, late 4,
without apology 2; S 1, 1, 0, 0; H = X plus OVERDUE: 6, 1, 5, 3; P: 7, 2, 5, 3.
"""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from helpers.pipeline import ingest
from helpers.records import H, P, S, X, dossier, four_unit_province, procedure

from tthc_pipeline.report.snapshot import publish_snapshot
from tthc_pipeline.report.summary import compliance_lines, regression_summary
from tthc_pipeline.report.workbook import COMPLIANCE_SHEET, write_workbook

pytestmark = pytest.mark.integration

R = date(2026, 3, 13)
LOADED = date(2026, 3, 13)
UPDATED = "20260313120000"
CATALOGUED = "20260115080000"
PA = "1.000001"


def ts(day: str, clock: str = "080000") -> str:
    return f"2026{day}{clock}"


def case(code: str, unit_code: str, steps: list[tuple[int, str, str]], *, due: str,
         finished: str = "", **fields) -> dict:
    """A dossier whose status steps are (status, at, officer)."""
    record = dossier(code, UPDATED, [(status, at) for status, at, _ in steps], MaTTHC=PA,
                     TenTTHC="Thủ tục PA", DonViXuLy=unit_code, KenhThucHien=2,
                     NgayHenTra=due, NgayKetThucXuLy=finished, **fields)
    for step, (_, _, officer) in zip(record["TienDo"], steps, strict=True):
        step["NguoiXuLy"] = officer
    return record


def letter(day: str, clock: str = "150000") -> dict:
    return {"NgayXinLoi": ts(day, clock), "NgayHenTraMoi": ts("0313", "170000"),
            "LyDo": "Chờ ý kiến cơ quan phối hợp"}


def late(code: str, letters: list[dict]) -> dict:
    return case(code, X, [(2, ts("0306"), "CB-A"), (4, ts("0306", "090000"), "CB-B"),
                          (9, ts("0311", "150000"), "CB-D")],
                due=ts("0309", "170000"), finished=ts("0311", "150000"), DanhSachXinLoi=letters)


def dossiers() -> list[dict]:
    return [
        case("HS-X-SAME", X, [(2, ts("0306"), "CB-A"), (4, ts("0306", "090000"), "CB-B"),
                              (9, ts("0309"), "CB-A")], due=ts("0310", "170000"),
             finished=ts("0309")),
        case("HS-X-SPLIT", X, [(2, ts("0306"), "CB-A"), (4, ts("0306", "090000"), "CB-B"),
                               (9, ts("0309"), "CB-C")], due=ts("0310", "170000"),
             finished=ts("0309")),
        case("HS-S-SAME", S, [(2, ts("0306"), "CB-S"), (9, ts("0310"), "CB-S")],
             due=ts("0310", "170000"), finished=ts("0310")),
        case("HS-X-LATER", X, [(2, ts("0309"), "CB-A"), (4, ts("0309", "090000"), "CB-A"),
                               (9, ts("0313", "100000"), "CB-A")], due=ts("0320", "170000"),
             finished=ts("0313", "100000")),
        late("HS-X-NOAPOL", []),
        late("HS-X-AFTER", [letter("0310", "080000")]),
        late("HS-X-ONDUE", [letter("0309", "150000")]),
        case("HS-X-ROUNDS", X, [(2, ts("0302"), "CB-A"), (4, ts("0302", "090000"), "CB-B"),
                                (5, ts("0303"), "CB-B"), (4, ts("0304"), "CB-B"),
                                (5, ts("0305"), "CB-B"), (4, ts("0306"), "CB-B"),
                                (9, ts("0312"), "CB-D")],
             due=ts("0311", "170000"), finished=ts("0312"), DanhSachXinLoi=[letter("0310")],
             DanhSachHoSoBoSung=[
                 {"NgayYeuCau": ts("0303"), "NgayTiepNhanBoSung": ts("0304"),
                  "NgayHenTraTruoc": ts("0306", "170000"), "NgayHenTraMoi": ts("0309", "170000")},
                 {"NgayYeuCau": ts("0305"), "NgayTiepNhanBoSung": ts("0306"),
                  "NgayHenTraTruoc": ts("0309", "170000"), "NgayHenTraMoi": ts("0311", "170000")},
             ]),
        case("HS-H-OVERDUE", H, [(2, ts("0302"), "CB-H"), (4, ts("0302", "090000"), "CB-H")],
             due=ts("0305", "170000")),
    ]


@pytest.fixture
def published(warehouse, tmp_path) -> dict:
    ingest(warehouse, "don_vi", four_unit_province(CATALOGUED), LOADED)
    ingest(warehouse, "thu_tuc", [procedure(PA, CATALOGUED, [X, S, H], CoPhiLePhi=False)],
           LOADED)
    ingest(warehouse, "ho_so", dossiers(), LOADED)
    snapshot = publish_snapshot(warehouse, R)
    return {"warehouse": warehouse, "version": snapshot.snapshot_version,
            "workbook": write_workbook(warehouse, R, snapshot.snapshot_version, tmp_path)}


# --- Expected, by hand (see the module docstring) ----------------------------------------------

FLAGGED_AT = {  # (flag, dossier): the unit that counts it, and how the row counts it
    ("same_officer", "HS-X-SAME"): (X, "resolved_early"),
    ("same_officer", "HS-S-SAME"): (S, "resolved_on_time"),
    ("late_without_apology", "HS-X-NOAPOL"): (X, "resolved_late"),
    ("late_without_apology", "HS-X-AFTER"): (X, "resolved_late"),
    ("late_without_apology", "HS-H-OVERDUE"): (H, "pending_overdue"),
}
# unit: (resolved, same_officer, late_or_overdue, late_without_apology)
COUNTS = {P: (7, 2, 5, 3), S: (1, 1, 0, 0), H: (6, 1, 5, 3), X: (6, 1, 4, 2)}
OWN = {P: (0, 0), S: (1, 0), H: (0, 1), X: (1, 2)}


def test_exactly_the_hand_picked_dossiers_are_flagged(published):
    with psycopg.connect(published["warehouse"]) as conn:
        found = conn.execute(
            "select flag, dossier_code, counted_unit_code, reason"
            " from mart.chi_thi_04_compliance_dossier where report_date = %s", (R,)).fetchall()
        officers = dict(conn.execute(
            "select dossier_code, officer_code from mart.chi_thi_04_compliance_dossier"
            " where flag = 'same_officer'").fetchall())
        overdue = conn.execute(
            "select due_date, days_overdue from mart.chi_thi_04_compliance_dossier"
            " where dossier_code = 'HS-H-OVERDUE'").fetchone()
    assert {(flag, code): (unit_code, reason) for flag, code, unit_code, reason in found} \
        == FLAGGED_AT
    assert officers == {"HS-X-SAME": "CB-A", "HS-S-SAME": "CB-S"}
    assert overdue == (date(2026, 3, 5), 8)


def test_counts_per_unit_over_its_subtree_next_to_the_rows(published):
    with psycopg.connect(published["warehouse"]) as conn:
        found = conn.execute(
            "select c.unit_code, c.unit_name, c.version, c.resolved, c.same_officer,"
            " c.late_or_overdue, c.late_without_apology, c.own_same_officer,"
            " c.own_late_without_apology, w.resolved, w.resolved_late + w.pending_overdue"
            " from mart.chi_thi_04_compliance as c join mart.chi_thi_04_weekly as w"
            " using (tree_code, report_date, snapshot_version, unit_code)"
            " where c.report_date = %s", (R,)).fetchall()
    assert {row[0]: row[3:7] for row in found} == COUNTS
    assert {row[0]: row[7:9] for row in found} == OWN
    assert all(row[3] == row[9] and row[5] == row[10] for row in found), "the row's denominators"
    assert {row[2] for row in found} == {published["version"]}
    with psycopg.connect(published["warehouse"]) as conn:
        lists = conn.execute(
            "select unit_code, flag, count(*) from mart.chi_thi_04_compliance_dossiers"
            " where report_date = %s group by 1, 2", (R,)).fetchall()
    by_flag = {(unit_code, flag): n for unit_code, flag, n in lists}
    for unit_code, (_, same, _, without) in COUNTS.items():
        assert by_flag.get((unit_code, "same_officer"), 0) == same
        assert by_flag.get((unit_code, "late_without_apology"), 0) == without


def test_the_flags_are_part_of_the_immutable_version(published):
    with psycopg.connect(published["warehouse"]) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="published snapshot"):
            conn.execute("delete from mart.chi_thi_04_compliance_count")
    with psycopg.connect(published["warehouse"]) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="published snapshot"):
            conn.execute("update mart.chi_thi_04_compliance_dossier set reason = 'x'")
    assert publish_snapshot(published["warehouse"], R).is_new is False


def test_the_workbook_sheet_has_one_row_per_unit_with_its_counts(published):
    from openpyxl import load_workbook

    sheet = load_workbook(published["workbook"])[COMPLIANCE_SHEET]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Mã đơn vị", "Tên đơn vị", "Cấp", "Hồ sơ đã giải quyết",
                       "Một cán bộ vừa tiếp nhận vừa xử lý",
                       "Hồ sơ trễ hạn (quá hạn + đang quá hạn)",
                       "Trễ hạn không xin lỗi đúng hạn", "Của riêng đơn vị: một cán bộ",
                       "Của riêng đơn vị: trễ hạn không xin lỗi"]
    assert {row[0]: (tuple(row[3:7]), tuple(row[7:9])) for row in rows[1:]} == {
        code: (COUNTS[code], OWN[code]) for code in COUNTS}


def test_the_summary_names_the_units_with_the_most_flags(published):
    lines = compliance_lines(published["warehouse"], R, published["version"])
    assert lines == [
        "Tuân thủ một cửa, UBND tỉnh Quảng Nam: 2/7 hồ sơ một cán bộ vừa tiếp nhận vừa xử lý;"
        " 3/5 hồ sơ trễ hạn không xin lỗi đúng hạn",
        "  Nhiều hồ sơ một cán bộ vừa tiếp nhận vừa xử lý nhất:"
        " Sở Tài nguyên và Môi trường (000.00.01.H49) 1; UBND xã Duy Sơn (000.31.01.H49) 1",
        "  Nhiều hồ sơ trễ hạn không xin lỗi nhất:"
        " UBND xã Duy Sơn (000.31.01.H49) 2; UBND huyện Duy Xuyên (000.00.31.H49) 1",
    ]
    summary = regression_summary(published["warehouse"], R, published["version"])
    assert all(line in summary.splitlines() for line in lines)
    # shortened to max_units, the summary names no other unit: the totals only
    shortened = regression_summary(published["warehouse"], R, published["version"], max_units=1)
    assert lines[0] in shortened.splitlines() and lines[1] not in shortened

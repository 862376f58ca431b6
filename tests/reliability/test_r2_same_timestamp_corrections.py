"""A correction that keeps its ``NgayCapNhat`` (issue 13, item 5): the source fixes a record
without moving its update time (a unit renamed, a dossier moved from status 4 to 9). Through the
real extractor and daily DAGs, each version is served in turn for the same day.

Rule: newest ``NgayCapNhat`` wins, and between two different contents with the same
``NgayCapNhat``, the content hash decides. Then the outcome is the same whichever version is
loaded first (R3: any order, same warehouse), and a correction is never dropped for being late
only.
"""

from __future__ import annotations

import psycopg
import pytest
from helpers.pipeline import fresh_warehouse
from helpers.scenario import bad_share_threshold, run_scenario, write_scenario
from test_r2_bad_input import DAY, GOOD, NOW, UNIT, at, good_dossier, good_unit, steps

pytestmark = [pytest.mark.reliability, pytest.mark.e2e]

DAGS = ("daily_catalogues__quang_nam", "daily_dossiers__quang_nam")
ORIGINAL = {
    "don_vi": [good_unit(UNIT, name="Sở Nội vụ") if u["MaDinhDanh"] == UNIT else u
               for u in GOOD["don_vi"]],
    "thu_tuc": GOOD["thu_tuc"],
    "ho_so": [good_dossier("HS-FIX")],  # status 4, updated at 10:00
}
CORRECTED = {  # the same NgayCapNhat, different content
    "don_vi": [good_unit(UNIT, name="Sở Nội vụ (tên đã sửa)") if u["MaDinhDanh"] == UNIT else u
               for u in GOOD["don_vi"]],
    "thu_tuc": GOOD["thu_tuc"],
    "ho_so": [good_dossier("HS-FIX", TienDo=steps((1, at("0800")), (2, at("0830")),
                                                  (9, at("1000"))),
                           TrangThaiHoSo=9, NgayKetThucXuLy=at("1000"))],
}


def dw_state(conninfo: str) -> tuple:
    with psycopg.connect(conninfo) as conn:
        units = conn.execute("select unit_code, unit_name, valid_from from dw.dim_unit"
                             " where unit_key <> -1 order by 1, 3").fetchall()
        dossier = conn.execute(
            "select d.dossier_code, s.status_code, d.finished_at, d.source_updated_at"
            " from dw.fact_dossier d join dw.dim_status s on s.status_key = d.current_status_key"
            " order by 1").fetchall()
        history = conn.execute(
            "select f.step_no, st.status_code, f.status_at from dw.fact_dossier_status f"
            " join dw.dim_status st on st.status_key = f.status_key order by 1").fetchall()
    return units, dossier, history


def load_in_order(postgres_server, tmp_path, first: dict, second: dict) -> tuple:
    with fresh_warehouse(postgres_server) as warehouse, bad_share_threshold(0.0):
        for n, records in enumerate((first, second)):
            folder = write_scenario(tmp_path / f"v{n}", **records)
            run_scenario(warehouse, folder, [DAY], NOW, DAGS)  # the same day, served again
        return dw_state(warehouse)


def test_a_correction_with_the_same_timestamp_gives_the_same_dw_in_either_order(
        postgres_server, tmp_path):
    forward = load_in_order(postgres_server, tmp_path / "forward", ORIGINAL, CORRECTED)
    backward = load_in_order(postgres_server, tmp_path / "backward", CORRECTED, ORIGINAL)
    assert forward == backward
    only_original = load_in_order(postgres_server, tmp_path / "original", ORIGINAL, ORIGINAL)
    only_corrected = load_in_order(postgres_server, tmp_path / "corrected", CORRECTED, CORRECTED)
    assert forward in (only_original, only_corrected)  # one version whole, never a mixture


def test_without_a_tie_the_newer_version_wins_in_either_order(postgres_server, tmp_path):
    """The part that holds today: a correction that moves NgayCapNhat wins in either order."""
    later = {**CORRECTED, "ho_so": [{**CORRECTED["ho_so"][0], "NgayCapNhat": at("1100")}]}
    forward = load_in_order(postgres_server, tmp_path / "forward", ORIGINAL, later)
    backward = load_in_order(postgres_server, tmp_path / "backward", later, ORIGINAL)
    assert forward[1:] == backward[1:]
    assert forward[1] == [("HS-FIX", 9, forward[1][0][2], forward[1][0][3])]
    assert forward[1][0][2] is not None

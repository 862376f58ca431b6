"""A generated province reorganised inside the reported weeks (issue 14, item 3).

The simulator abolishes the districts, merges communes and two departments on Monday
19 October 2026; its pending dossiers move to the successors. Loaded through the pipeline's
own extract → stage → gate → load and published every Friday with ``publish_snapshot`` (which
refuses a report whose root does not add up), the root row of every Friday equals counts
taken here straight from the simulator's records as served at the cutoff.

The catalogue is extracted once, at the end, so the warehouse holds each unit's latest version
only, as a warehouse started after the reorganisation would: the Friday before the date still
rebuilds the old tree from the units' NgayHieuLuc / NgayHetHieuLuc.
"""

from __future__ import annotations

from datetime import date, timedelta

import psycopg
import pytest

from simulator import Province, SimulatorConfig, catalogue_records, start_simulator
from tests.helpers.generated_province import (
    load_province,
    local_midnight,
    publish_reports,
    root_counts,
)

pytestmark = pytest.mark.e2e

REPORTS = [date(2026, 10, 16), date(2026, 10, 23), date(2026, 10, 30)]
FIRST_DAY = REPORTS[0] - timedelta(weeks=2)
REORGANISED_ON = date(2026, 10, 19)
CONFIG = SimulatorConfig(token="reorganisation-token", seed=2022,
                         scale=200 * (REPORTS[-1] - FIRST_DAY).days, start=FIRST_DAY,
                         end=REPORTS[-1], now=local_midnight(REPORTS[-1]),
                         reorganise_on=REORGANISED_ON)


def _province() -> Province:
    return Province(CONFIG.seed, CONFIG.scale, CONFIG.start, CONFIG.end,
                    province_code=CONFIG.province_code, reorganise_on=CONFIG.reorganise_on)


@pytest.fixture(scope="module")
def warehouse(postgres_server):
    from tthc_pipeline.warehouse.migrations import apply_migrations

    conninfo = postgres_server.create_database()
    try:
        apply_migrations(conninfo)
        with start_simulator(CONFIG) as sim:
            load_province(conninfo, sim.url, CONFIG.token, FIRST_DAY, CONFIG.now)
        publish_reports(conninfo, REPORTS)
        yield conninfo
    finally:
        postgres_server.drop_database(conninfo)


def _rows(conninfo: str, report_date: date) -> dict[str, tuple]:
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "select unit_code, parent_unit_code, received, resolved, pending"
            " from mart.chi_thi_04_latest where report_date = %s", (report_date,)).fetchall()
    return {code: (parent, received, resolved, pending)
            for code, parent, received, resolved, pending in rows}




def test_every_friday_publishes_and_the_root_is_the_whole_source(warehouse) -> None:
    province = _province()
    for report_date in REPORTS:
        rows = _rows(warehouse, report_date)
        root = next(row for row in rows.values() if row[0] is None)
        assert root[1:] == root_counts(province, local_midnight(report_date)), report_date


def test_the_friday_after_the_date_has_only_units_in_force(warehouse) -> None:
    after = local_midnight(REPORTS[1]) + timedelta(hours=9)
    units = catalogue_records(_province(), "don_vi", after)
    gone = {unit["MaDinhDanh"] for unit in units if not unit["HieuLuc"]}
    assert {unit["CapDonVi"] for unit in units if unit["MaDinhDanh"] in gone} \
        >= {"huyen", "phong", "xa", "so"}
    assert not set(_rows(warehouse, REPORTS[1])) & gone


def test_the_friday_before_the_date_still_has_the_old_units(warehouse) -> None:
    after = local_midnight(REPORTS[1]) + timedelta(hours=9)
    units = catalogue_records(_province(), "don_vi", after)
    districts = {unit["MaDinhDanh"] for unit in units
                 if unit["CapDonVi"] == "huyen" and not unit["HieuLuc"]}
    assert districts
    assert districts <= set(_rows(warehouse, REPORTS[0]))


def test_successors_count_the_dossiers_of_dissolved_units(warehouse) -> None:
    province = _province()
    transferred = [record for record in province.records("ho_so") if "_ChuyenGiao" in record]
    assert transferred
    successors = {record["DonViXuLy"] for record in transferred}
    rows = _rows(warehouse, REPORTS[1])
    # Every successor that took over pending dossiers reports them as pending (or resolved).
    assert all(successor in rows for successor in successors)
    assert sum(rows[successor][3] + rows[successor][2] for successor in successors) > 0

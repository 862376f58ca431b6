"""The daily chain end to end: simulator over HTTP → the real DAGs (dag.test) → the warehouse.

Expected values come from the simulator's own record store cut by its clock (what each window
must have served), computed independently of the pipeline.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import psycopg
import pytest

from simulator import SimulatorConfig, start_simulator, window_records
from simulator.server import build_source
from tests.helpers.checksums import dw_checksum
from tests.helpers.dag_runs import pipeline_environment, run_daily_dags

pytestmark = pytest.mark.e2e

FIRST_DAY = date(2026, 3, 9)
DAYS = [FIRST_DAY + timedelta(days=i) for i in range(5)]
CONFIG = SimulatorConfig(token="e2e-token", seed=11, scale=1500, start=date(2026, 2, 1),
                         end=date(2026, 3, 14))


def local_midnight(day: date) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def newest_versions(entity: str, key: str) -> dict[str, dict]:
    """Per natural key, the record as of its newest appearance across the loaded windows."""
    source = build_source(CONFIG)
    newest: dict[str, dict] = {}
    for day in DAYS:
        start = local_midnight(day)
        for record in window_records(source, entity, start, start + timedelta(days=1)):
            current = newest.get(record[key])
            if current is None or record["NgayCapNhat"] >= current["NgayCapNhat"]:
                newest[record[key]] = record
    return newest


def parse_local(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%d%H%M%S").replace(
        tzinfo=local_midnight(FIRST_DAY).tzinfo)


@pytest.fixture
def simulator_url():
    with start_simulator(CONFIG) as sim:
        yield sim.url


def run(warehouse: str, simulator_url: str, days: list[date]) -> None:
    with pipeline_environment(warehouse, simulator_url, CONFIG.token):
        run_daily_dags(days)


def test_warehouse_matches_the_source_after_the_daily_runs(warehouse, simulator_url):
    run(warehouse, simulator_url, DAYS)
    dossiers = newest_versions("ho_so", "MaHoSo")
    payments = newest_versions("giao_dich", "MaThamChieu")
    assert len(dossiers) > 100 and len(payments) > 20, "the scenario is too small to mean much"

    with psycopg.connect(warehouse) as conn:
        loaded = {code: (updated, status, steps, rounds) for code, updated, status, steps, rounds
                  in conn.execute(
            "select d.dossier_code, d.source_updated_at, s.status_code,"
            " (select count(*) from dw.fact_dossier_status f where f.dossier_key = d.dossier_key),"
            " (select count(*) from dw.fact_dossier_supplement f"
            "   where f.dossier_key = d.dossier_key)"
            " from dw.fact_dossier d join dw.dim_status s on s.status_key = d.current_status_key")}
        loaded_payments = dict(conn.execute(
            "select payment_ref, payment_status from dw.fact_payment"))
        batches = conn.execute(
            "select entity, n_received, n_duplicates, n_extracted, n_loaded, n_quarantined, status"
            " from meta.load_batch").fetchall()
        quarantined_dossiers = conn.execute("select count(*) from quarantine.ho_so").fetchone()[0]
        parked_payments = {ref: rule for ref, rule in conn.execute(
            "select record->>'MaThamChieu', rule from quarantine.giao_dich"
            " where released_at is null")}

    expected = {code: (parse_local(r["NgayCapNhat"]), int(r["TrangThaiHoSo"]), len(r["TienDo"]),
                       len(r["DanhSachHoSoBoSung"] or []))
                for code, r in dossiers.items()}
    assert quarantined_dossiers == 0
    assert loaded == expected
    # A payment whose dossier was last updated before the first loaded day cannot be keyed:
    # it waits in quarantine (parked) instead of loading; every other one loads, newest state.
    orphans = {ref for ref, r in payments.items() if r["MaHoSo"] not in dossiers}
    assert loaded_payments == {ref: r["TrangThai"] for ref, r in payments.items()
                               if ref not in orphans}
    assert set(parked_payments) == orphans
    assert all("dossier" in rule for rule in parked_payments.values())
    for entity, received, duplicates, extracted, n_loaded, n_quarantined, status in batches:
        assert status == "loaded", entity
        assert received == extracted + duplicates, entity
        assert extracted == n_loaded + n_quarantined, entity
    assert {entity for entity, *_ in batches} == {"don_vi", "thu_tuc", "ho_so", "giao_dich"}


def test_rerunning_and_reordering_days_leave_the_same_warehouse(
        warehouse, simulator_url, postgres_server):
    from tests.helpers.pipeline import fresh_warehouse

    run(warehouse, simulator_url, DAYS)
    in_order = dw_checksum(warehouse)

    shuffled = DAYS + DAYS[1:3]
    random.Random(4).shuffle(shuffled)
    with fresh_warehouse(postgres_server) as other:
        run(other, simulator_url, shuffled)
        assert dw_checksum(other) == in_order
    run(warehouse, simulator_url, [DAYS[2]])
    assert dw_checksum(warehouse) == in_order

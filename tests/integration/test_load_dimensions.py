import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import psycopg
import pytest
from helpers.checksums import dw_checksum
from helpers.pipeline import HASH_KEY, VN, fresh_warehouse, ingest, land_and_stage
from helpers.records import procedure, unit

from tthc_pipeline.transform.load import LoadResult, load_batch

pytestmark = pytest.mark.integration

OPEN = datetime(9999, 12, 31, tzinfo=VN)
JAN, MAR, JUL = "20250101000000", "20250301000000", "20250701000000"


def query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


def unit_versions(conninfo: str) -> list[tuple]:
    return query(conninfo, "select unit_code, unit_name, valid_from, valid_to, is_current"
                 " from dw.dim_unit where unit_key <> -1 order by unit_code, valid_from")


def test_a_renamed_unit_gets_a_new_version_and_the_old_one_closes(warehouse):
    ingest(warehouse, "don_vi", [unit("U1", "Phòng Tư pháp huyện", JAN)], date(2025, 1, 2))
    ingest(warehouse, "don_vi", [unit("U1", "Phòng Tư pháp thị xã", MAR)], date(2025, 3, 2))
    january, march = datetime(2025, 1, 1, tzinfo=VN), datetime(2025, 3, 1, tzinfo=VN)
    assert unit_versions(warehouse) == [("U1", "Phòng Tư pháp huyện", january, march, False),
                                        ("U1", "Phòng Tư pháp thị xã", march, OPEN, True)]
    [(durable_keys,)] = query(warehouse, "select array_agg(distinct unit_durable_key)"
                              " from dw.dim_unit where unit_code = 'U1'")
    assert len(durable_keys) == 1


def test_an_unchanged_snapshot_adds_no_version(warehouse):
    catalogue = [unit("U0", "UBND tỉnh", JAN, CapDonVi="tinh"),
                 unit("U1", "Sở Tư pháp", JAN, MaDonViCha="U0")]
    ingest(warehouse, "don_vi", catalogue, date(2025, 1, 2))
    before = dw_checksum(warehouse)
    ingest(warehouse, "don_vi", catalogue[::-1], date(2025, 1, 3))
    assert dw_checksum(warehouse) == before
    assert len(unit_versions(warehouse)) == 2


def test_snapshots_out_of_order_give_the_same_versions(warehouse, postgres_server):
    snapshots = [(date(2025, 1, 2), [unit("U1", "A", JAN)]),
                 (date(2025, 3, 2), [unit("U1", "B", MAR)]),
                 (date(2025, 7, 2), [unit("U1", "A", JUL, HieuLuc=False)])]
    for day, records in snapshots:
        ingest(warehouse, "don_vi", records, day)
    with fresh_warehouse(postgres_server) as other:
        for day, records in [snapshots[2], snapshots[0], snapshots[1]]:
            ingest(other, "don_vi", records, day)
        assert dw_checksum(other) == dw_checksum(warehouse)
    assert [(name, valid_from.astimezone(VN).month, is_current)
            for _, name, valid_from, _, is_current in unit_versions(warehouse)] == [
        ("A", 1, False), ("B", 3, False), ("A", 7, True)]


def test_the_unit_valid_at_a_moment_is_one_join(warehouse):
    ingest(warehouse, "don_vi", [unit("U1", "A", JAN), unit("U1", "B", MAR)], date(2025, 3, 2))
    as_of = "select unit_name from dw.dim_unit where unit_code = 'U1'" \
            " and valid_from <= %s and %s < valid_to"
    moment = datetime(2025, 2, 1, tzinfo=VN)
    assert query(warehouse, as_of, (moment, moment)) == [("A",)]
    moment = datetime(2025, 3, 1, tzinfo=VN)
    assert query(warehouse, as_of, (moment, moment)) == [("B",)]


def test_procedure_versions_keep_their_handling_units_in_the_bridge(warehouse):
    ingest(warehouse, "don_vi", [unit("U0", "UBND tỉnh", JAN, CapDonVi="tinh"),
                                 unit("U1", "Sở Tư pháp", JAN, MaDonViCha="U0"),
                                 unit("U2", "Sở Y tế", JAN, MaDonViCha="U0")], date(2025, 1, 2))
    ingest(warehouse, "thu_tuc", [procedure("P1", JAN, ["U1"], MucDoDVC="khong"),
                                  procedure("P2", JAN, ["U2"])], date(2025, 1, 2))
    ingest(warehouse, "thu_tuc", [procedure("P1", MAR, ["U1", "U2"])], date(2025, 3, 2))
    handled_by_u2_at = (
        "select distinct p.procedure_code from dw.dim_procedure as p"
        " inner join dw.bridge_procedure_unit as b on p.procedure_key = b.procedure_key"
        " inner join dw.dim_unit as u on b.unit_durable_key = u.unit_durable_key"
        " where u.unit_code = 'U2' and u.is_current and p.online_level <> 'khong'"
        " and p.valid_from <= %s and %s < p.valid_to order by 1")
    february, april = datetime(2025, 2, 1, tzinfo=VN), datetime(2025, 4, 1, tzinfo=VN)
    assert query(warehouse, handled_by_u2_at, (february, february)) == [("P2",)]
    assert query(warehouse, handled_by_u2_at, (april, april)) == [("P1",), ("P2",)]
    assert query(warehouse, "select handling_unit_codes, has_fees, legal_duration_days"
                 " from dw.dim_procedure where procedure_code = 'P1' and is_current") == [
        (["U1", "U2"], True, 10)]


def test_every_dimension_has_its_unknown_member(warehouse):
    for table, key in [("dim_date", "date_key"), ("dim_unit", "unit_key"),
                       ("dim_procedure", "procedure_key"), ("dim_channel", "channel_key"),
                       ("dim_status", "status_key"), ("dim_applicant_type", "applicant_type_key")]:
        assert query(warehouse, f"select count(*) from dw.{table} where {key} = -1") == [(1,)]


def test_two_loads_at_once_end_as_one_after_the_other(warehouse, postgres_server):
    """R5: the per-entity lock serialises overlapping runs (without it, both would open a
    current version of U1 and one commit would fail on the one-current-version constraint).
    The runs are of two days: two extractions of one window would not both load, the newer
    supersedes the older (tests/integration/test_batch_states.py)."""
    snapshots = [[unit("U1", "A", JAN)], [unit("U1", "B", MAR)]]
    days = [date(2025, 3, 3), date(2025, 3, 4)]
    batch_ids = [land_and_stage(warehouse, "don_vi", records, day)
                 for records, day in zip(snapshots, days, strict=True)]
    start = threading.Barrier(len(batch_ids))

    def load(batch_id: int) -> LoadResult:
        start.wait()
        return load_batch(warehouse, batch_id, HASH_KEY)

    with ThreadPoolExecutor(max_workers=len(batch_ids)) as pool:
        assert list(pool.map(load, batch_ids)) == [LoadResult(1, 1, 0)] * 2
    with fresh_warehouse(postgres_server) as other:
        for records, day in zip(snapshots, days, strict=True):
            ingest(other, "don_vi", records, day)
        assert dw_checksum(other) == dw_checksum(warehouse)

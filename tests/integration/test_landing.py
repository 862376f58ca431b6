from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest

from tthc_pipeline.extract.landing import land_records

pytestmark = pytest.mark.integration
VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = (datetime(2026, 3, 2, tzinfo=VN), datetime(2026, 3, 3, tzinfo=VN))


def test_records_land_as_received_with_their_batch(warehouse):
    records = [{"MaHoSo": "A", "ChuHoSo": "Nguyễn Văn A", "NgayHenTra": ""},
               {"MaHoSo": "A", "ChuHoSo": "Nguyễn Văn A", "NgayHenTra": ""},
               {"MaHoSo": " B ", "SoTien": -5, "TienDo": [{"TrangThai": 2}]}]
    batch = land_records(warehouse, "ho_so", *DAY, iter(records), dag_id="d", run_id="r")
    assert batch.n_received == 3
    with psycopg.connect(warehouse) as conn:
        rows = conn.execute("select record_no, record from raw.ho_so where batch_id = %s"
                            " order by record_no", (batch.batch_id,)).fetchall()
        meta = conn.execute("select entity, window_start, n_received, run_id from meta.load_batch"
                            " where batch_id = %s", (batch.batch_id,)).fetchone()
    assert [r for _, r in rows] == records
    assert meta == ("ho_so", DAY[0], 3, "r")


def test_a_failure_while_streaming_leaves_no_batch(warehouse):
    def records():
        yield {"MaHoSo": "A"}
        raise ConnectionError("source went away")

    with pytest.raises(ConnectionError):
        land_records(warehouse, "ho_so", *DAY, records())
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from meta.load_batch").fetchone() == (0,)
        assert conn.execute("select count(*) from raw.ho_so").fetchone() == (0,)


def test_exact_and_unparseable_records_land_as_text_and_big_integers_relanded_stay_exact(
        warehouse):
    """An ExactRecord lands as received; a record read back from jsonb with an integer beyond
    64 bits (a parked record being released) lands again exactly, not as an orjson error."""
    from tthc_pipeline.extract.parsing import parse_record

    exact = parse_record(b'{"MaHoSo": 123456789012345678901, "Ghi": "\\u0000"}', "MaHoSo")
    bad = parse_record(b'{"MaHoSo": "HS-NAN", "SoTien": NaN}', "MaHoSo")
    batch = land_records(warehouse, "ho_so", *DAY, [exact, bad, {"MaHoSo": "R", "Phi": 10**20}])
    with psycopg.connect(warehouse) as conn:
        rows = conn.execute("select record::text from raw.ho_so where batch_id = %s"
                            " order by record_no", (batch.batch_id,)).fetchall()
    assert rows == [
        ('{"Ghi": "\ufffd", "MaHoSo": 123456789012345678901}',),
        ('{"MaHoSo": "HS-NAN", "SoTien": null, "_unparseable": {"text": "{\\"MaHoSo\\":'
         ' \\"HS-NAN\\", \\"SoTien\\": NaN}", "reason": "NaN is not JSON"}}',),
        ('{"Phi": 100000000000000000000, "MaHoSo": "R"}',),
    ]


def test_a_large_record_lands_lz4_compressed_and_reads_back_as_received(warehouse):
    """V022: records as received are compressed with lz4 where the server has it (a third of a
    day's dossier records pass the size at which Postgres compresses a row)."""
    with psycopg.connect(warehouse) as conn:
        has_lz4 = "lz4" in conn.execute(
            "select enumvals from pg_settings where name = 'default_toast_compression'"
        ).fetchone()[0]
        columns = conn.execute(
            "select c.oid::regclass::text, a.attcompression from pg_attribute as a"
            " inner join pg_class as c on a.attrelid = c.oid"
            " where a.attname = 'record' and c.relkind = 'r'"
            " and c.relnamespace in ('raw'::regnamespace, 'quarantine'::regnamespace)"
            " order by 1").fetchall()
    if not has_lz4:
        pytest.skip("this Postgres is built without lz4: V022 keeps pglz")
    assert len(columns) == 8 and {compression for _, compression in columns} == {"l"}, columns
    steps = [{"TrangThai": 2, "NgayXuLy": f"202603020{i % 10}0000", "PhongBan": "Một cửa",
              "CanBo": f"CB{i}"} for i in range(60)]
    record = {"MaHoSo": "A", "TienDo": steps}
    batch = land_records(warehouse, "ho_so", *DAY, iter([record]))
    with psycopg.connect(warehouse) as conn:
        landed = conn.execute("select pg_column_compression(record), record from raw.ho_so"
                              " where batch_id = %s", (batch.batch_id,)).fetchone()
    assert landed == ("lz4", record)

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

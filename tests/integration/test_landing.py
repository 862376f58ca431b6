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

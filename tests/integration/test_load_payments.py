from datetime import date, datetime

import psycopg
import pytest
from helpers.pipeline import VN, ingest
from helpers.records import dossier, payment

from tthc_pipeline.transform.load import LoadResult

pytestmark = pytest.mark.integration


def query(conninfo: str, sql: str) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql).fetchall()


def test_the_newest_state_of_a_payment_wins(warehouse):
    initiated = payment("T1", "HS1", "20250303100000", TrangThai="khoi-tao",
                        ThoiGianGDThanhCong=None, MaGiaoDich=None)
    refunded = payment("T1", "HS1", "20250305090000", ThoiGianGD="20250303100000",
                       ThoiGianGDThanhCong="20250303100500", ThoiGianHoanPhi="20250305090000",
                       TrangThai="hoan-phi")
    ingest(warehouse, "giao_dich", [refunded], date(2025, 3, 5))
    assert ingest(warehouse, "giao_dich", [initiated], date(2025, 3, 3)) == LoadResult(1, 1, 0)
    assert query(warehouse, "select payment_ref, transaction_code, payment_status, amount,"
                 " service_fee_amount, levy_amount, payment_method, initiated_at, succeeded_at,"
                 " refunded_at, initiated_date_key, succeeded_date_key, refunded_date_key"
                 " from dw.fact_payment") == [
        ("T1", "GD-T1", "hoan-phi", 150000, 100000, 50000, "truc-tuyen",
         datetime(2025, 3, 3, 10, tzinfo=VN), datetime(2025, 3, 3, 10, 5, tzinfo=VN),
         datetime(2025, 3, 5, 9, tzinfo=VN), 20250303, 20250303, 20250305)]


def test_a_payment_points_at_its_dossier_whichever_arrives_first(warehouse):
    ingest(warehouse, "giao_dich", [payment("T1", "HS1", "20250303100000"),
                                    payment("T2", None, "20250303100000")])
    ingest(warehouse, "ho_so", [dossier("HS1", "20250303090000", [(2, "20250303090000")])])
    assert query(warehouse, "select p.payment_ref, d.dossier_code from dw.fact_payment as p"
                 " left join dw.fact_dossier as d on p.dossier_key = d.dossier_key"
                 " order by 1") == [("T1", "HS1"), ("T2", None)]
    assert query(warehouse, "select dossier_key from dw.fact_payment"
                 " where payment_ref = 'T2'") == [(-1,)]
    assert query(warehouse, "select count(*) from dw.fact_payment as p inner join dw.dim_unit as u"
                 " on p.unit_durable_key = u.unit_durable_key") == [(0,)]  # catalogue not loaded


def test_a_correction_that_keeps_its_ngaycapnhat_settles_the_same_in_either_order(
        warehouse, postgres_server):
    from helpers.checksums import dw_checksum
    from helpers.pipeline import fresh_warehouse

    succeeded = payment("T1", "HS1", "20250303100000")
    failed = payment("T1", "HS1", "20250303100000", TrangThai="that-bai", MaLoi="51",
                     ThoiGianGDThanhCong=None)
    ingest(warehouse, "giao_dich", [succeeded])
    ingest(warehouse, "giao_dich", [failed])  # the same window extracted again
    with fresh_warehouse(postgres_server) as reversed_order:
        ingest(reversed_order, "giao_dich", [failed])
        ingest(reversed_order, "giao_dich", [succeeded])
        assert dw_checksum(reversed_order) == dw_checksum(warehouse)
    [(status,)] = query(warehouse, "select payment_status from dw.fact_payment")
    assert status in ("thanh-cong", "that-bai")  # one version whole, the greater hash

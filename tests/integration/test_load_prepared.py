"""The dossier load's per-record rows computed before its transaction (transform/prepare.py).

Whichever way the applicant and content hashes reach ``fact_dossier.sql`` (prepared on two
connections before the transaction, or computed inside it when the prepared rows are missing or
incomplete), the warehouse must end byte for byte the same, and the scratch rows must go with
the batch's staging rows.
"""

import psycopg
import pytest
from helpers.checksums import dw_checksum
from helpers.pipeline import HASH_KEY, fresh_warehouse, land_and_stage
from helpers.records import dossier

from tthc_pipeline.transform import load as load_module
from tthc_pipeline.transform.load import load_batch
from tthc_pipeline.transform.prepare import PREPARE_CONNECTIONS, prepare_load
from tthc_pipeline.transform.stage import stage_batch

pytestmark = pytest.mark.integration


def records() -> list[dict]:
    """Enough dossiers for every share of the prepare, with every list, one in two versions
    of the same NgayCapNhat (the content hash decides), and one without an applicant number."""
    made = []
    for n in range(1, 13):
        steps = [(2, "20250303080000"), (4, f"20250303{9 + n % 5:02d}0000")]
        made.append(dossier(
            f"HS-{n}", f"20250303{10 + n % 8:02d}0000", steps, NgayHenTra="20250314170000",
            SoGiayToChuHoSo=f"0791234567{n:02d}",
            DanhSachLePhi=[{"MaPhiLePhi": "L", "TenPhiLePhi": "Lệ phí", "LoaiPhiLePhi": 2,
                            "SoTien": 1000 * n}],
            DanhSachHoSoBoSung=[{"NgayYeuCau": "20250303100000", "NgayTiepNhanBoSung": None,
                                 "NgayHenTraTruoc": "20250314170000", "NgayHenTraMoi": None}]
            if n % 3 == 0 else [],
            DanhSachXinLoi=[{"NgayXinLoi": "20250304080000", "NgayHenTraMoi": "20250320170000",
                             "LyDo": f"Lý do {n}"}] if n % 4 == 0 else []))
    twin = {**made[0], "DanhSachLePhi": [{"MaPhiLePhi": "L", "TenPhiLePhi": "Lệ phí khác",
                                          "LoaiPhiLePhi": 2, "SoTien": 7}]}
    made[-1] = {**made[-1], "SoGiayToChuHoSo": None}
    return [*made, twin]


def query(conninfo: str, statement: str) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(statement).fetchall()


def scratch_rows(conninfo: str) -> list[tuple]:
    return query(conninfo, "select (select count(*) from staging.ho_so_prepared),"
                           " (select count(*) from staging.ho_so_applicant_hash)")


@pytest.fixture
def computed_inside(postgres_server):
    """The warehouse that the same batch leaves when the load computes every hash inside its
    transaction (nothing prepared before it)."""
    with fresh_warehouse(postgres_server) as other:
        # a patch of its own, undone before the test: the test's monkeypatch may patch the same
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(load_module, "prepare_load", lambda *args: False)
            load_batch(other, land_and_stage(other, "ho_so", records()), HASH_KEY)
        yield dw_checksum(other)


def test_prepared_rows_load_what_the_transaction_computes_and_leave_with_the_batch(
        warehouse, computed_inside):
    assert load_module.prepare_load is prepare_load
    batch_id = land_and_stage(warehouse, "ho_so", records())
    assert prepare_load(warehouse, batch_id, HASH_KEY)
    # one row per staged record (the two versions of HS-1 included), every share filled
    assert query(warehouse, "select count(*), count(distinct record_no % "
                            f"{PREPARE_CONNECTIONS}) from staging.ho_so_prepared") == [(13, 2)]
    assert scratch_rows(warehouse) == [(13, 11)]  # HS-1's twin shares its number, HS-12 has none

    load_batch(warehouse, batch_id, HASH_KEY)
    assert dw_checksum(warehouse) == computed_inside
    assert query(warehouse, "select count(*) from dw.fact_dossier") == [(12,)]
    assert scratch_rows(warehouse) == [(0, 0)]


def test_a_batch_staged_again_between_its_prepare_and_its_load_loads_its_new_staging(
        warehouse, computed_inside, monkeypatch):
    batch_id = land_and_stage(warehouse, "ho_so", records())
    prepare_load(warehouse, batch_id, HASH_KEY)
    stage_batch(warehouse, batch_id)
    assert scratch_rows(warehouse) == [(0, 0)], "staging again removes the prepared rows"
    # the transaction finds them missing (as after a re-staging that came after the prepare)
    monkeypatch.setattr(load_module, "prepare_load", lambda *args: False)

    load_batch(warehouse, batch_id, HASH_KEY)
    assert dw_checksum(warehouse) == computed_inside


def test_incomplete_prepared_rows_are_all_computed_again_inside_the_transaction(
        warehouse, computed_inside, monkeypatch):
    batch_id = land_and_stage(warehouse, "ho_so", records())
    prepare_load(warehouse, batch_id, HASH_KEY)
    with psycopg.connect(warehouse) as conn:
        # one row lost, and another that no longer says what its record holds
        conn.execute("delete from staging.ho_so_prepared where record_no = 1")
        conn.execute("update staging.ho_so_prepared set content_hash = 'ffff',"
                     " applicant_hash = null where record_no = 2")
    monkeypatch.setattr(load_module, "prepare_load", lambda *args: False)

    load_batch(warehouse, batch_id, HASH_KEY)
    assert dw_checksum(warehouse) == computed_inside
    assert scratch_rows(warehouse) == [(0, 0)]


def test_complete_prepared_rows_are_what_the_transaction_loads(warehouse, monkeypatch):
    """The point of preparing: a transaction that finds every row does not compute them again.
    A row changed after the prepare (no load would do it) shows which one was loaded."""
    batch_id = land_and_stage(warehouse, "ho_so", records())
    prepare_load(warehouse, batch_id, HASH_KEY)
    with psycopg.connect(warehouse) as conn:
        conn.execute("update staging.ho_so_prepared set content_hash = 'prepared'"
                     " from staging.ho_so as s where s.batch_id = ho_so_prepared.batch_id"
                     " and s.record_no = ho_so_prepared.record_no and s.dossier_code = 'HS-5'")
    monkeypatch.setattr(load_module, "prepare_load", lambda *args: False)

    load_batch(warehouse, batch_id, HASH_KEY)
    assert query(warehouse, "select content_hash from dw.fact_dossier"
                            " where dossier_code = 'HS-5'") == [("prepared",)]


def test_a_loaded_batch_is_not_prepared_again(warehouse):
    batch_id = land_and_stage(warehouse, "ho_so", records())
    load_batch(warehouse, batch_id, HASH_KEY)
    assert not prepare_load(warehouse, batch_id, HASH_KEY)
    assert scratch_rows(warehouse) == [(0, 0)]

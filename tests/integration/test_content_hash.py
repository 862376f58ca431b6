"""The content hash of a dossier's version is pinned to its definition, computed here by hand.

fact_dossier.content_hash decides between two versions with the same NgayCapNhat, in the batch
and against dw. A load that computed it differently for the same content would rewrite every
such dossier already loaded, and two codes would disagree on which version wins. So the hash is
fixed by what fact_dossier.sql says it is: md5 of the jsonb text of one array (the dossier's
fields, its applicant's HMAC in hex, times as epochs with six decimals, then its lists of steps,
rounds, fees and letters as arrays of arrays). This test builds that text in Python from the
source record alone.
"""

import hashlib
import hmac
import json
from datetime import datetime

import psycopg
import pytest
from helpers.pipeline import HASH_KEY, VN, ingest
from helpers.records import APPLICANT, dossier

pytestmark = pytest.mark.integration

# Text that jsonb escapes: a quote, a backslash, a line break, a tab, a control character.
ROOM = 'Phòng "Một cửa"\\Tổ 1\nca\tsáng\x01'
STEPS = [(2, "20250303080000"), (4, "20250303090000"), (5, "20250305100000")]
RECORD = dossier(
    "HS-HASH", "20250305100000", STEPS, NgayHenTra="20250314170000",
    TienDo=[{"TrangThai": status, "ThoiDiemXuLy": at, "PhongBanXuLy": ROOM, "NguoiXuLy": "CB01"}
            for status, at in STEPS],
    DanhSachHoSoBoSung=[{"NgayYeuCau": "20250305100000", "NgayTiepNhanBoSung": None,
                         "NgayHenTraTruoc": "20250314170000", "NgayHenTraMoi": None}],
    DanhSachLePhi=[{"MaPhiLePhi": "P", "TenPhiLePhi": "Phí thẩm định", "LoaiPhiLePhi": 1,
                    "SoTien": 100000},
                   {"MaPhiLePhi": "L", "TenPhiLePhi": "Lệ phí \"cấp\" giấy", "LoaiPhiLePhi": 2,
                    "SoTien": 50000}],
    DanhSachXinLoi=[{"NgayXinLoi": "20250306080000", "NgayHenTraMoi": "20250320170000",
                     "LyDo": "Chờ ý kiến\nliên ngành"}],
    DuocThanhToanTrucTuyen=1)


class Epoch(int):
    """A source time as extract(epoch) gives it: numeric with six decimals."""


def epoch(local: str | None) -> Epoch | None:
    if not local:
        return None
    return Epoch(datetime.strptime(local, "%Y%m%d%H%M%S").replace(tzinfo=VN).timestamp())


def jsonb_text(value) -> str:
    """The text of a jsonb value: ``, `` between elements, strings escaped as JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Epoch):
        return f"{int(value)}.000000"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(jsonb_text(item) for item in value) + "]"


def expected_hash(record: dict) -> str:
    applicant = hmac.new(HASH_KEY.encode(), APPLICANT["SoGiayToChuHoSo"].encode(),
                         hashlib.sha256).hexdigest()
    steps = [[n, step["TrangThai"], epoch(step["ThoiDiemXuLy"]), step["PhongBanXuLy"],
              step["NguoiXuLy"]] for n, step in enumerate(record["TienDo"], 1)]
    rounds = [[n, epoch(r["NgayYeuCau"]), epoch(r["NgayTiepNhanBoSung"]),
               epoch(r["NgayHenTraTruoc"]), epoch(r["NgayHenTraMoi"])]
              for n, r in enumerate(record["DanhSachHoSoBoSung"], 1)]
    fees = [[n, fee["MaPhiLePhi"], fee["TenPhiLePhi"], fee["LoaiPhiLePhi"], fee["SoTien"]]
            for n, fee in enumerate(record["DanhSachLePhi"], 1)]
    letters = [[n, epoch(letter["NgayXinLoi"]), epoch(letter["NgayHenTraMoi"]), letter["LyDo"]]
               for n, letter in enumerate(record["DanhSachXinLoi"], 1)]
    # a list without elements stages no rows: the outer join leaves its aggregate NULL, not []
    rounds, fees, letters = (items or None for items in (rounds, fees, letters))
    content = [
        record["DonViXuLy"], record["MaTTHC"], record["KenhThucHien"], record["LoaiDoiTuong"],
        record["TrangThaiHoSo"], applicant, epoch(record["NgayNopHoSo"]),
        epoch(record["NgayTiepNhan"]), epoch(record["NgayHenTra"]),
        epoch(record["NgayKetThucXuLy"]), epoch(record["NgayTra"]),
        record["DuocThanhToanTrucTuyen"], record["HoSoCoThanhPhanSoHoa"] == 1, steps, rounds,
        fees, False, False, letters]  # the two flags absent at the source load as false
    return hashlib.md5(jsonb_text(content).encode()).hexdigest()


def test_the_content_hash_is_md5_of_the_versions_fields_and_lists_as_jsonb_text(warehouse):
    ingest(warehouse, "ho_so", [RECORD])
    with psycopg.connect(warehouse) as conn:
        stored = conn.execute("select content_hash from dw.fact_dossier"
                              " where dossier_code = 'HS-HASH'").fetchone()
    assert stored == (expected_hash(RECORD),)


def test_a_dossier_without_lists_hashes_each_list_as_null(warehouse):
    bare = {**RECORD, "DanhSachHoSoBoSung": [], "DanhSachLePhi": [], "DanhSachXinLoi": []}
    ingest(warehouse, "ho_so", [bare])
    with psycopg.connect(warehouse) as conn:
        stored = conn.execute("select content_hash from dw.fact_dossier").fetchone()
    assert stored == (expected_hash(bare),)
    assert expected_hash(bare) != expected_hash(RECORD)

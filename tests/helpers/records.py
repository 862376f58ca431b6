"""Hand-made source records in the API's field format (shared/spec/source-api.md).

Times are the source's naive local ``yyyyMMddHHmmss`` strings; every builder takes overrides
for any field, so a test states only what it is about.
"""

from __future__ import annotations

from typing import Any

# The applicant of every dossier unless a test says otherwise: personal data that must never
# reach dw.
APPLICANT = {
    "ChuHoSo": "Nguyễn Thị Minh Khai",
    "SoGiayToChuHoSo": "079123456789",
    "SoDienThoai": "0905123456",
    "Email": "minhkhai@example.vn",
    "DiaChi": "12 Trần Phú, Hải Châu, Đà Nẵng",
}


def unit(code: str, name: str, updated: str, **fields: Any) -> dict[str, Any]:
    return {"MaDinhDanh": code, "TenDonVi": name, "CapDonVi": "so", "MaDonViCha": None,
            "MaDVHC": None, "HieuLuc": True, "NgayCapNhat": updated, **fields}


# The four-unit province of the report tests: the province P, a department S, a district H and
# its commune X.
P, S, H, X = "000.00.00.H49", "000.00.01.H49", "000.00.31.H49", "000.31.01.H49"


def four_unit_province(updated: str) -> list[dict[str, Any]]:
    return [unit(P, "UBND tỉnh Quảng Nam", updated, CapDonVi="tinh"),
            unit(S, "Sở Tài nguyên và Môi trường", updated, CapDonVi="so", MaDonViCha=P),
            unit(H, "UBND huyện Duy Xuyên", updated, CapDonVi="huyen", MaDonViCha=P),
            unit(X, "UBND xã Duy Sơn", updated, CapDonVi="xa", MaDonViCha=H)]


def procedure(code: str, updated: str, units: list[str], **fields: Any) -> dict[str, Any]:
    return {"MaTTHC": code, "TenTTHC": f"Thủ tục {code}", "MaLinhVuc": "LV1",
            "TenLinhVuc": "Đất đai", "CapThucHien": "tinh", "MucDoDVC": "toan_trinh",
            "CoPhiLePhi": True, "ThoiHanGiaiQuyet": 10, "CoQuanThucHien": units,
            "NgayCapNhat": updated, **fields}


def dossier(code: str, updated: str, steps: list[tuple[int, str]], **fields: Any) -> dict[str, Any]:
    """A dossier whose status history is ``steps`` [(status, at)]; its status is the last one."""
    return {"MaHoSo": code, "MaTTHC": "P1", "TenTTHC": "Thủ tục P1", "MaLinhVuc": "LV1",
            "DonViXuLy": "U1", "KenhThucHien": 2, "LoaiDoiTuong": 1, **APPLICANT,
            "NgayNopHoSo": steps[0][1], "NgayTiepNhan": steps[0][1], "NgayHenTra": "",
            "NgayKetThucXuLy": "", "NgayTra": "", "TrangThaiHoSo": steps[-1][0],
            "DuocThanhToanTrucTuyen": 0, "HoSoCoThanhPhanSoHoa": 1, "DanhSachLePhi": [],
            "DanhSachHoSoBoSung": [],
            "TienDo": [{"TrangThai": status, "ThoiDiemXuLy": at, "PhongBanXuLy": "Một cửa",
                        "NguoiXuLy": "CB01"} for status, at in steps],
            "NgayCapNhat": updated, **fields}


def payment(ref: str, dossier_code: str, updated: str, **fields: Any) -> dict[str, Any]:
    return {"MaThamChieu": ref, "MaGiaoDich": f"GD-{ref}", "MaHoSo": dossier_code,
            "MaTTHC": "P1", "MaDonVi": "U1", "SoTien": 150000, "Phi": 100000, "LePhi": 50000,
            "HinhThucThanhToan": "truc-tuyen", "MaKenhThanhToan": "PAYGOV", "MaNganHang": "VCB",
            "TrangThai": "thanh-cong", "MaLoi": "00", "ThoiGianGD": updated,
            "ThoiGianGDThanhCong": updated, "ThoiGianHoanPhi": None, "NgayCapNhat": updated,
            **fields}

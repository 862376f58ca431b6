"""The clock: every record as it stood at a moment t (source-api.md, "A clock").

Records are kept in their final state with their whole history; ``cut_record`` shows one as
it stood at t. "After t" means at or after t: what is dated exactly t is not yet visible.
Unparseable timestamps (anything but a valid ``yyyyMMddHHmmss`` string) are left untouched
and ignored by the clock, and values of the wrong type are never "fixed": scenario folders
hold deliberately bad records, served as they are apart from the cut.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from simulator.timestamps import format_timestamp, parse_timestamp, to_local_seconds

CATALOGUES = ("don_vi", "thu_tuc")
INCREMENTAL = ("ho_so", "giao_dich")
ENTITIES = CATALOGUES + INCREMENTAL
# Beside a generated dossier's final state only (never served): its transfer to a successor,
# {"ThoiDiem": when, "DonViXuLy": the unit before}. The cut hides the transfer before it happens.
TRANSFER_KEY = "_ChuyenGiao"
CATALOGUE_KEYS = {"don_vi": "MaDinhDanh", "thu_tuc": "MaTTHC"}

_DOSSIER_DATES = ("NgayTiepNhan", "NgayKetThucXuLy", "NgayTra")
_PAYMENT_DATES = ("ThoiGianGD", "ThoiGianGDThanhCong", "ThoiGianHoanPhi", "NgayCapNhat")
_PAID = ("thanh-cong", "hoan-phi")

_ts = parse_timestamp  # used on every timestamp below

Cut = tuple[dict, int | None]
"""A record as it stood at t, and its update time then (NgayCapNhat as local seconds)."""


def cut_to(record: dict, t: datetime, entity: str) -> dict | None:
    """``record`` (final state) as it stood at the tz-aware moment ``t``; None if invisible."""
    cut = cut_record(record, to_local_seconds(t), entity)
    return None if cut is None else cut[0]


def cut_record(record: dict, t: int, entity: str) -> Cut | None:
    """``record`` as it stood at ``t`` (local seconds) and its update time; None if invisible."""
    if entity == "ho_so":
        return _cut_dossier(record, t)
    if entity == "giao_dich":
        return _cut_payment(record, t)
    if entity in CATALOGUES:
        return _cut_catalogue(record, t)
    raise ValueError(f"unknown entity {entity!r}")


def event_times(record: dict, entity: str) -> list[int]:
    """Every parseable timestamp the clock can cut, as local seconds (NgayCapNhat included)."""
    if entity == "ho_so":
        events = _dossier_events(record)
    elif entity == "giao_dich":
        events = _payment_events(record)
    else:
        events = iter([_ts(record.get("NgayCapNhat"))])
    return [seconds for seconds in events if seconds is not None]


def first_time(record: dict, entity: str) -> int | None:
    """When a dossier or payment becomes visible; None if it has no parseable timestamp."""
    if entity == "ho_so":
        first = _ts(record.get("NgayNopHoSo"))
        if first is None:
            first = _ts(record.get("NgayTiepNhan"))
    else:
        first = _ts(record.get("ThoiGianGD"))
    if first is None:
        first = min(event_times(record, entity), default=None)
    return first


def superseded_times(records: list[dict], entity: str) -> list[int | None]:
    """When each catalogue record is replaced by the next version of the same unit or
    procedure (that version's NgayCapNhat); None while it is the latest. A version is served at
    t only until its successor is visible: the catalogue lists one version of a unit at a time.
    """
    versions: dict[str, list[tuple[int, int]]] = {}
    for index, record in enumerate(records):
        key, updated = record.get(CATALOGUE_KEYS[entity]), _ts(record.get("NgayCapNhat"))
        if isinstance(key, str) and updated is not None:
            versions.setdefault(key, []).append((updated, index))
    superseded: list[int | None] = [None] * len(records)
    for found in versions.values():
        found.sort()
        for (_, index), (later, _) in zip(found, found[1:], strict=False):
            superseded[index] = later
    return superseded


def _after(container: object, key: str, t: int) -> bool:
    """Whether ``container[key]`` is a parseable timestamp at or after t."""
    if not isinstance(container, dict):
        return False
    seconds = _ts(container.get(key))
    return seconds is not None and seconds >= t


def _cut_catalogue(record: dict, t: int) -> Cut | None:
    updated = _ts(record.get("NgayCapNhat"))
    if updated is not None and updated >= t:
        return None
    return record, updated


def _cut_dossier(record: dict, t: int) -> Cut | None:
    first = first_time(record, "ho_so")
    if first is None or first >= t:
        return None
    out = dict(record)
    _cut_transfer(out, t)
    result_later = _after(out, "NgayKetThucXuLy", t)
    for name in _DOSSIER_DATES:
        if _after(out, name, t):
            out[name] = None
    _cut_steps(out, t)
    _cut_supplement_rounds(out, t)
    _cut_scorecard_fields(out, t, result_later)
    return out, _recompute_update_time(out, t, _dossier_events(out))


def _cut_scorecard_fields(out: dict, t: int, result_later: bool) -> None:
    """Drop apology letters dated after t; an electronic result is not issued before the
    dossier finishes (``result_later``: NgayKetThucXuLy is after t)."""
    letters = out.get("DanhSachXinLoi")
    if isinstance(letters, list):
        kept = [letter for letter in letters if not _after(letter, "NgayXinLoi", t)]
        if len(kept) != len(letters):
            out["DanhSachXinLoi"] = kept
    if result_later and out.get("CoKetQuaDienTu") == 1:
        out["CoKetQuaDienTu"] = 0


def _cut_transfer(out: dict, t: int) -> None:
    """Before its transfer a dossier shows the unit it was received by (the successor's step
    goes with the other steps after t)."""
    transfer = out.pop(TRANSFER_KEY, None)
    if transfer is not None and _after(transfer, "ThoiDiem", t):
        out["DonViXuLy"] = transfer["DonViXuLy"]


def _cut_steps(out: dict, t: int) -> None:
    """Drop TienDo steps after t; the status is then the last remaining step's."""
    steps = out.get("TienDo")
    if not isinstance(steps, list):
        return
    kept = [step for step in steps if not _after(step, "ThoiDiemXuLy", t)]
    if len(kept) == len(steps):
        return
    out["TienDo"] = kept
    last = kept[-1] if kept else None
    if isinstance(last, dict) and "TrangThai" in last:
        out["TrangThaiHoSo"] = last["TrangThai"]
    else:  # no step left to tell: submitted, or accepted if the reception is already visible
        out["TrangThaiHoSo"] = 1 if _ts(out.get("NgayTiepNhan")) is None else 2


def _cut_supplement_rounds(out: dict, t: int) -> None:
    """Drop rounds requested after t and blank completions after t.

    The due date in force is then the NgayHenTraTruoc of the first round the cut touched: its
    extension (NgayHenTraMoi, set when the supplement arrives) has not happened yet.
    """
    rounds = out.get("DanhSachHoSoBoSung")
    if not isinstance(rounds, list):
        return
    kept: list = []
    first_touched: dict | None = None
    for supplement_round in rounds:
        if _after(supplement_round, "NgayYeuCau", t):
            pass  # requested after t: the round does not exist yet
        elif _after(supplement_round, "NgayTiepNhanBoSung", t):
            kept.append(_pending_round(supplement_round))
        else:
            kept.append(supplement_round)
            continue
        if first_touched is None:
            first_touched = supplement_round
    if first_touched is None:
        return
    out["DanhSachHoSoBoSung"] = kept
    if "NgayHenTraTruoc" in first_touched:
        out["NgayHenTra"] = first_touched["NgayHenTraTruoc"]


def _pending_round(supplement_round: dict) -> dict:
    pending = {**supplement_round, "NgayTiepNhanBoSung": None}
    if "NgayHenTraMoi" in pending:
        pending["NgayHenTraMoi"] = None
    return pending


def _cut_payment(record: dict, t: int) -> Cut | None:
    first = first_time(record, "giao_dich")
    if first is None or first >= t:
        return None
    out = dict(record)
    if _after(out, "ThoiGianHoanPhi", t):
        out["ThoiGianHoanPhi"] = None
        if out.get("TrangThai") == "hoan-phi":
            out["TrangThai"] = "thanh-cong"
    if _after(out, "ThoiGianGDThanhCong", t):
        out["ThoiGianGDThanhCong"] = None
        if out.get("TrangThai") in _PAID:
            out["TrangThai"] = "khoi-tao"
            for unpaid in ("MaGiaoDich", "MaLoi"):
                if unpaid in out:
                    out[unpaid] = None
    return out, _recompute_update_time(out, t, _payment_events(out))


def _recompute_update_time(out: dict, t: int, events: Iterator[int | None]) -> int | None:
    """NgayCapNhat = the latest visible timestamp (an unparseable NgayCapNhat stays as it is)."""
    updated = max((seconds for seconds in events if seconds is not None and seconds < t),
                  default=None)
    if updated is not None and _ts(out.get("NgayCapNhat")) is not None:
        out["NgayCapNhat"] = format_timestamp(updated)
    return updated


def _dossier_events(record: dict) -> Iterator[int | None]:
    for name in ("NgayNopHoSo", *_DOSSIER_DATES, "NgayCapNhat"):
        yield _ts(record.get(name))
    steps = record.get("TienDo")
    if isinstance(steps, list):
        for step in steps:
            if isinstance(step, dict):
                yield _ts(step.get("ThoiDiemXuLy"))
    rounds = record.get("DanhSachHoSoBoSung")
    if isinstance(rounds, list):
        for supplement_round in rounds:
            if isinstance(supplement_round, dict):
                yield _ts(supplement_round.get("NgayYeuCau"))
                yield _ts(supplement_round.get("NgayTiepNhanBoSung"))
    letters = record.get("DanhSachXinLoi")
    if isinstance(letters, list):
        for letter in letters:
            if isinstance(letter, dict):
                yield _ts(letter.get("NgayXinLoi"))


def _payment_events(record: dict) -> Iterator[int | None]:
    for name in _PAYMENT_DATES:
        yield _ts(record.get(name))

"""JSON records of generated dossiers and payments, built from a DayBatch as they stood at t.

This is the serving hot path: columns are gathered for the page's rows only and turned into
dicts with table lookups. The clock is applied here on the numeric timeline (a step is shown
when its time is before t); ``clock.cut_record`` applies the same rules to final-state dicts,
and the tests check that both agree.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from simulator.catalogue import HUYEN, TINH, Catalogue
from simulator.clock import TRANSFER_KEY
from simulator.dossiers import (
    ABSENT,
    ENDED,
    FINISHED,
    HOAN_PHI,
    KHOI_TAO,
    PAYMENT_STATUSES,
    RECEIVED,
    RETURNED,
    SLOT_STATUS,
    SUBMITTED,
    SUPPLEMENT_1,
    THANH_CONG,
    THAT_BAI,
    TIEN_MAT,
    TRUC_TUYEN,
    WITHDRAWN,
    DayBatch,
)
from simulator.text import ascii_fold, nfd, pad_code
from simulator.timestamps import day_date, format_timestamp
from simulator.vocab import (
    AGENCY_NAMES,
    AGENCY_TYPES,
    APOLOGY_REASONS,
    ASSOCIATIONS,
    BANKS,
    BIRTH_PROVINCES,
    COMPANY_NAMES,
    COMPANY_SECTORS,
    COMPANY_TYPES,
    DEPARTMENT_OFFICES,
    EMAIL_DOMAINS,
    FAILURE_CODES,
    FAMILY_NAMES,
    GIVEN_NAMES,
    MIDDLE_NAMES,
    PAYMENT_METHODS,
    PHONE_PREFIXES,
    PROVINCE_NAME,
    RECEPTION_DESKS,
)

FOREVER = 2**62  # the cut of the final state: every step is visible
_RECEPTION_STATUSES = frozenset((1, 2, 3, 7, 10))
_RECEIVED, _IN_PROCESS = 2, 4
_PHONE_BLOCK = 10_000_000


class RecordWriter:
    """Turns batch rows into the API's dossier and payment records."""

    def __init__(self, catalogue: Catalogue) -> None:
        units, procedures = catalogue.units, catalogue.procedures
        self.unit_code = [unit.code for unit in units]
        change = catalogue.reorganisation
        self.transfer_at = FOREVER if change is None else change.moment
        self.area_code = catalogue.area_code  # MaThamChieu's prefix
        self.proc_code = [procedure.code for procedure in procedures]
        self.proc_name = [procedure.name for procedure in procedures]
        self.proc_field = [procedure.field.code for procedure in procedures]
        self.fee_lines = [procedure.fee_lines for procedure in procedures]
        self.proc_phi = [sum(a for _, _, kind, a in p.fee_lines if kind == 1) for p in procedures]
        self.proc_le_phi = [sum(a for _, _, kind, a in p.fee_lines if kind == 2)
                            for p in procedures]
        self.reception_desk = [RECEPTION_DESKS[procedure.level] for procedure in procedures]
        self.commune_role = [procedure.field.commune_role for procedure in procedures]
        self.proc_level = [procedure.level for procedure in procedures]
        self.unit_name = [unit.name for unit in units]
        self.address = [f"{unit.address}, tỉnh {PROVINCE_NAME}" for unit in units]
        self.hamlet = ["Thôn" if unit.address.startswith("xã") else "Tổ dân phố"
                       for unit in units]
        self.family_ascii = [ascii_fold(name).lower() for name, _ in FAMILY_NAMES]
        self.given_ascii = [[ascii_fold(name).lower() for name in names] for names in GIVEN_NAMES]

    # -- dossiers -------------------------------------------------------------------------

    def dossiers(self, batch: DayBatch, rows: np.ndarray, t: int = FOREVER) -> list[dict]:
        """The dossiers at ``rows`` (indices into the batch) as they stood at ``t``."""
        if len(rows) == 0:
            return []
        day_text = day_date(batch.day).strftime("%y%m%d")
        columns = zip(
            batch.seq[rows].tolist(), batch.proc[rows].tolist(), batch.unit[rows].tolist(),
            batch.handler_after[rows].tolist(), batch.home[rows].tolist(),
            batch.channel[rows].tolist(),
            batch.applicant[rows].tolist(), batch.slots[rows].tolist(),
            batch.refused[rows].tolist(), batch.end_status[rows].tolist(),
            batch.due[rows].tolist(), batch.copies[rows].tolist(), batch.exempt[rows].tolist(),
            batch.digitised[rows].tolist(), batch.paid_online[rows].tolist(),
            batch.quirky[rows].tolist(), batch.person[rows].tolist(),
            batch.officers[rows].tolist(), strict=True)
        scorecard = zip(
            batch.e_result[rows].tolist(), batch.vneid[rows].tolist(),
            batch.same_officer[rows].tolist(), batch.apology[rows].tolist(),
            batch.apology_due[rows].tolist(), batch.apology_reason[rows].tolist(), strict=True)
        return [self._dossier(day_text, t, *values, scorecard=extra)
                for values, extra in zip(columns, scorecard, strict=True)]

    def _dossier(self, day_text: str, t: int, seq: int, proc: int, unit: int, after: int,
                 home: int,
                 channel: int, applicant: int, slots: list[int], refused: bool,
                 end_status: int, due: list[int], copies: int, exempt: bool, digitised: bool,
                 paid_online: int, quirky: bool, person: list[int],
                 officers: list[int], scorecard: tuple) -> dict:
        """``scorecard``: the electronic result, VNeID and same-officer flags, and the apology
        letters' dates, promised dates and reasons (DayBatch's scorecard columns)."""
        absent = "" if quirky else None
        # The text of every step visible at t; None for steps after t and steps that never
        # happen (those show as ``absent`` in date fields).
        texts = [format_timestamp(moment) if ABSENT != moment < t else None for moment in slots]

        def shown(slot: int) -> str | None:
            return absent if slots[slot] == ABSENT else texts[slot]

        transfer = self.transfer_at if after != unit else FOREVER
        steps = self._steps(proc, (unit, after, transfer), slots, texts,
                            _statuses(refused, end_status), officers, t)
        e_result, vneid, same_officer, *letters = scorecard
        if same_officer and transfer == FOREVER:
            _same_officer(steps)
        apologies = _apology_letters(*letters, t, quirky)
        updated = steps[-1]["ThoiDiemXuLy"]
        if apologies:  # a letter written while the dossier waits is an update of its own
            updated = max(updated, apologies[-1]["NgayXinLoi"])
        unit_code = self.unit_code[after if transfer < t else unit]
        proc_code = self.proc_code[proc]
        name, identity, phone, email, address = self._applicant(applicant, home, person)
        ends = end_status in (FINISHED, WITHDRAWN)
        record = {
            "MaHoSo": f"{self.unit_code[unit]}-{day_text}-{seq:05d}",
            "MaTTHC": pad_code(proc_code) if quirky else proc_code,
            "TenTTHC": nfd(self.proc_name[proc]) if quirky else self.proc_name[proc],
            "MaLinhVuc": pad_code(self.proc_field[proc]) if quirky else self.proc_field[proc],
            "DonViXuLy": pad_code(unit_code) if quirky else unit_code,
            "KenhThucHien": channel,
            "LoaiDoiTuong": applicant,
            "ChuHoSo": nfd(name) if quirky else name,
            "SoGiayToChuHoSo": identity,
            "SoDienThoai": phone,
            "Email": email,
            "DiaChi": nfd(address) if quirky else address,
            "NgayNopHoSo": texts[SUBMITTED] or texts[RECEIVED],
            "NgayTiepNhan": absent if refused else texts[RECEIVED],
            "NgayHenTra": _due_text(_due_in_force(slots, due, t), absent),
            "NgayKetThucXuLy": shown(ENDED) if ends else absent,
            "NgayTra": shown(RETURNED),
            "TrangThaiHoSo": steps[-1]["TrangThai"],
            "DuocThanhToanTrucTuyen": paid_online,
            "HoSoCoThanhPhanSoHoa": int(digitised),
            # issued with the result (only finished dossiers have one): not before it shows
            "CoKetQuaDienTu": int(e_result and texts[ENDED] is not None),
            "TaiKhoanDuocXacThucVoiVNeID": int(vneid),
            "DanhSachLePhi": self._fee_lines(proc, copies, exempt, quirky),
            "DanhSachHoSoBoSung": _supplement_rounds(slots, texts, due, t, absent),
            "DanhSachXinLoi": apologies,
            "TienDo": steps,
            "NgayCapNhat": updated,
        }
        if t == FOREVER and transfer != FOREVER:  # the final state, for the clock to cut
            code = self.unit_code[unit]
            record[TRANSFER_KEY] = {"ThoiDiem": format_timestamp(transfer),
                                    "DonViXuLy": pad_code(code) if quirky else code}
        return record

    def _steps(self, proc: int, handlers: tuple[int, int, int], slots: list[int],
               texts: list[str | None], statuses: tuple[int, ...], officers: list[int],
               t: int) -> list[dict]:
        """TienDo at t. ``handlers``: the unit, the unit after the transfer moment and that
        moment (FOREVER without a transfer); steps from the moment on are the successor's,
        and the transfer itself is a step at the moment, in the dossier's current status
        (in process once received)."""
        unit, after, transfer = handlers
        steps: list[dict] = []
        transfer_due = transfer < t  # FOREVER when there is none
        for moment, status, text in zip(slots, statuses, texts, strict=True):
            if text is None:
                continue
            if transfer_due and moment >= transfer:
                steps.append(self._transfer_step(proc, after, steps, transfer, officers))
                transfer_due = False
            by = after if moment >= transfer else unit
            steps.append(self._step(proc, by, status, text, officers))
        if transfer_due:
            steps.append(self._transfer_step(proc, after, steps, transfer, officers))
        return steps

    def _transfer_step(self, proc: int, unit: int, earlier: list[dict], moment: int,
                       officers: list[int]) -> dict:
        status = earlier[-1]["TrangThai"]
        return self._step(proc, unit, _IN_PROCESS if status == _RECEIVED else status,
                          format_timestamp(moment), officers, at_desk=False)

    def _step(self, proc: int, unit: int, status: int, text: str, officers: list[int],
              at_desk: bool | None = None) -> dict:
        """A TienDo step by ``unit``: the reception desk for reception statuses, else the
        office handling the procedure."""
        desk, desk_officer, office, officer = self._handler(proc, unit, officers)
        if at_desk is None:
            at_desk = status in _RECEPTION_STATUSES
        return {"TrangThai": status, "ThoiDiemXuLy": text,
                "PhongBanXuLy": desk if at_desk else office,
                "NguoiXuLy": desk_officer if at_desk else officer}

    def _handler(self, proc: int, unit: int, officers: list[int]) -> tuple[str, str, str, str]:
        level = self.proc_level[proc]
        if level == TINH:
            office = DEPARTMENT_OFFICES[(officers[1] + unit) % len(DEPARTMENT_OFFICES)]
        elif level == HUYEN:
            office = self.unit_name[unit]
        else:
            office = self.commune_role[proc]
        desk, desk_officer = self.reception_desk[proc], f"CB{unit:04d}{officers[0]:02d}"
        officer = f"CB{unit:04d}{6 + officers[1]:02d}"
        return desk, desk_officer, office, officer

    def _applicant(self, applicant: int, home: int,
                   person: list[int]) -> tuple[str, str, str | None, str | None, str]:
        gender, family, middle, given, born, digits, birthplace, phone, domain = person
        name, mailbox = self._name(applicant, gender, family, middle, given, home)
        century = 2 if born >= 2000 else 0
        identity = f"{BIRTH_PROVINCES[birthplace]}{gender + century}{born % 100:02d}{digits:06d}"
        phone_text = None
        if phone:
            prefix, number = divmod(phone, _PHONE_BLOCK)
            phone_text = f"{PHONE_PREFIXES[prefix]}{number:07d}"
        email = None
        if domain >= 0:
            number = born % 100 if applicant == 1 else digits % 1000
            email = f"{mailbox}{number:02d}@{EMAIL_DOMAINS[domain]}"
        address = f"{self.hamlet[home]} {digits % 12 + 1}, {self.address[home]}"
        return name, identity, phone_text, email, address

    def _name(self, applicant: int, gender: int, family: int, middle: int, given: int,
              home: int) -> tuple[str, str]:
        """ChuHoSo and the e-mail mailbox stem of a citizen, company, agency or association."""
        if applicant == 1:
            return (f"{FAMILY_NAMES[family][0]} {MIDDLE_NAMES[gender][middle]} "
                    f"{GIVEN_NAMES[gender][given]}",
                    f"{self.given_ascii[gender][given]}{self.family_ascii[family]}")
        if applicant == 2:
            return (f"{COMPANY_TYPES[family % len(COMPANY_TYPES)]} "
                    f"{COMPANY_SECTORS[middle % len(COMPANY_SECTORS)]} "
                    f"{COMPANY_NAMES[given % len(COMPANY_NAMES)]}", "ketoan")
        if applicant == 3:
            return (f"{AGENCY_TYPES[family % len(AGENCY_TYPES)]} "
                    f"{AGENCY_NAMES[given % len(AGENCY_NAMES)]}", "vanthu")
        commune = self.address[home].split(",")[0]
        return f"{ASSOCIATIONS[family % len(ASSOCIATIONS)]} {commune}", "hoi"

    def _fee_lines(self, proc: int, copies: int, exempt: bool, quirky: bool) -> list[dict]:
        return [{
            "MaPhiLePhi": code,
            "TenPhiLePhi": nfd(name) if quirky else name,
            "LoaiPhiLePhi": kind,
            "SoTien": 0 if exempt else amount * copies,
        } for code, name, kind, amount in self.fee_lines[proc]]

    # -- payments -------------------------------------------------------------------------

    def payments(self, batch: DayBatch, rows: np.ndarray, t: int = FOREVER) -> list[dict]:
        """The payment transactions at ``rows`` (indices into the batch) as they stood at t."""
        if len(rows) == 0:
            return []
        owners = batch.pay_owner[rows]
        day_text = day_date(batch.day).strftime("%y%m%d")
        columns = zip(
            batch.row[owners].tolist(), batch.seq[owners].tolist(), batch.proc[owners].tolist(),
            batch.unit[owners].tolist(), batch.copies[owners].tolist(),
            batch.paid_online[owners].tolist(), batch.quirky[owners].tolist(),
            batch.pay_attempt[rows].tolist(), batch.pay_method[rows].tolist(),
            batch.pay_status[rows].tolist(), batch.pay_times[rows].tolist(),
            batch.pay_error[rows].tolist(), batch.pay_bank[rows].tolist(),
            batch.pay_reference[rows].tolist(), strict=True)
        return [self._payment(day_text, t, *values) for values in columns]

    def _payment(self, day_text: str, t: int, row: int, seq: int, proc: int, unit: int,
                 copies: int, gateway: int, quirky: bool, attempt: int, method: int,
                 status: int, times: list[int], error: int, bank: int, reference: int) -> dict:
        absent = "" if quirky else None
        initiated, succeeded, refunded = times
        if refunded != ABSENT and refunded >= t:
            refunded = None
            status = THANH_CONG if status == HOAN_PHI else status
        if succeeded != ABSENT and succeeded >= t:
            succeeded, status = None, KHOI_TAO
        paid = status in (THANH_CONG, HOAN_PHI)
        visible = [moment for moment in times if moment != ABSENT and moment < t]
        dossier_code = f"{self.unit_code[unit]}-{day_text}-{seq:05d}"
        unit_code, proc_code = self.unit_code[unit], self.proc_code[proc]
        phi, le_phi = self.proc_phi[proc] * copies, self.proc_le_phi[proc] * copies
        return {
            "MaThamChieu": f"{self.area_code}{day_text}{row:06d}{attempt:02d}",
            "MaGiaoDich": str(reference) if paid else None,
            "MaHoSo": pad_code(dossier_code) if quirky else dossier_code,
            "MaTTHC": pad_code(proc_code) if quirky else proc_code,
            "MaDonVi": pad_code(unit_code) if quirky else unit_code,
            "SoTien": phi + le_phi,
            "Phi": phi,
            "LePhi": le_phi,
            "HinhThucThanhToan": PAYMENT_METHODS[method],
            "MaKenhThanhToan": str(gateway) if method == TRUC_TUYEN else None,
            "MaNganHang": None if method == TIEN_MAT else BANKS[bank],
            "TrangThai": PAYMENT_STATUSES[status],
            "MaLoi": "00" if paid else FAILURE_CODES[error] if status == THAT_BAI else None,
            "ThoiGianGD": format_timestamp(initiated),
            "ThoiGianGDThanhCong": _moment_text(succeeded, absent),
            "ThoiGianHoanPhi": _moment_text(refunded, absent),
            "NgayCapNhat": format_timestamp(max(visible)),
        }


def _apology_letters(letters: list[int], promised: list[int], reasons: list[int], t: int,
                     quirky: bool) -> list[dict]:
    """DanhSachXinLoi at t: the letters dated before t."""
    return [{"NgayXinLoi": format_timestamp(at), "NgayHenTraMoi": format_timestamp(due),
             "LyDo": nfd(APOLOGY_REASONS[reason]) if quirky else APOLOGY_REASONS[reason]}
            for at, due, reason in zip(letters, promised, reasons, strict=True)
            if ABSENT != at < t]


def _same_officer(steps: list[dict]) -> None:
    """The reception officer (status 2) also signs the result (status 9)."""
    received = next((step for step in steps if step["TrangThai"] == _RECEIVED), None)
    if received is not None:
        for step in steps:
            if step["TrangThai"] == FINISHED:
                step["NguoiXuLy"] = received["NguoiXuLy"]


def _moment_text(moment: int | None, absent: str | None) -> str | None:
    """A payment time: None once cut by the clock, ``absent`` when it never happens."""
    if moment is None:
        return None
    return absent if moment == ABSENT else format_timestamp(moment)


def _due_in_force(slots: list[int], due: list[int], t: int) -> int:
    """The due date at t: each supplement round completed before t extends it."""
    in_force = due[0]
    for number in range(2):
        request, back = slots[SUPPLEMENT_1 + 2 * number], slots[SUPPLEMENT_1 + 2 * number + 1]
        if request == ABSENT or request >= t or back == ABSENT or back >= t:
            break
        in_force = due[number + 1]
    return in_force


def _due_text(moment: int, absent: str | None) -> str | None:
    return absent if moment == ABSENT else format_timestamp(moment)


def _supplement_rounds(slots: list[int], texts: list[str | None], due: list[int], t: int,
                       absent: str | None) -> list[dict]:
    rounds = []
    for number in range(2):
        request, back = SUPPLEMENT_1 + 2 * number, SUPPLEMENT_1 + 2 * number + 1
        if texts[request] is None:
            break  # never requested, or requested after t
        if slots[back] == ABSENT:
            back_text = new_due = absent
        elif texts[back] is None:
            back_text = new_due = None  # the supplement arrives after t
        else:
            back_text, new_due = texts[back], _due_text(due[number + 1], absent)
        rounds.append({
            "NgayYeuCau": texts[request],
            "NgayTiepNhanBoSung": back_text,
            "NgayHenTraTruoc": _due_text(due[number], absent),
            "NgayHenTraMoi": new_due,
        })
    return rounds


@lru_cache(maxsize=64)
def _statuses(refused: bool, end_status: int) -> tuple[int, ...]:
    """The status of each slot's step for a dossier refused or not, ending with end_status."""
    statuses = list(SLOT_STATUS)
    statuses[RECEIVED] = 3 if refused else 2
    statuses[ENDED] = end_status
    return tuple(statuses)

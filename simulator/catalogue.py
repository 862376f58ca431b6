"""The generated province's catalogues: the unit tree and the procedure catalogue.

Besides the records served by ``/don-vi`` and ``/thu-tuc``, the catalogue holds the numpy
lookup arrays the dossier generator draws from (who handles which procedure, how popular it
is, each unit's habits: online share, punctuality, online payment, from ``quality.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from simulator import reorganisation
from simulator.quality import UnitQuality, draw_unit_compliance, draw_unit_quality
from simulator.text import nfd, pad_code
from simulator.timestamps import SECONDS_PER_DAY, day_number, format_timestamp
from simulator.vocab import (
    COMMUNE_KINDS,
    DEPARTMENTS,
    DISTRICTS,
    DURATIONS,
    FIELDS,
    LEVEL_SHARES,
    LEVELS,
    ONLINE_LEVEL_SHARES,
    ONLINE_LEVELS,
    PROVINCE_NAME,
    PROVINCE_SUFFIX,
    ROOM_TYPES,
    FieldSpec,
)

TINH, HUYEN, XA = 0, 1, 2
_POPULAR_RANKS = 3  # a field's most requested procedures went online first
_INACTIVE_COMMUNES = 3  # communes merged away: still in the catalogue, HieuLuc false
_IN_FORCE_DAYS_BEFORE = 1000  # NgayHieuLuc: before any NgayCapNhat the catalogue draws
_LE_PHI_AMOUNTS = (8_000, 10_000, 15_000, 20_000, 30_000, 50_000, 100_000, 200_000, 500_000)
_PHI_AMOUNTS = (50_000, 100_000, 150_000, 200_000, 300_000, 500_000, 1_000_000, 2_000_000)
_PER_COPY_AMOUNTS = (2_000, 5_000, 10_000, 20_000, 50_000)
# How likely a dossier is filed online, relative to its unit's level, by MucDoDVC.
ONLINE_WEIGHT = np.array([0.0, 0.95, 1.0])  # khong, mot_phan, toan_trinh
# Full-process eligibility (DuDieuKienToanTrinh) by MucDoDVC: the fully online procedures are
# almost all eligible, many partly online ones could be, few offline ones.
_ELIGIBLE_SHARE = (0.25, 0.60, 0.97)  # khong, mot_phan, toan_trinh
# Online payment deployed (CoThanhToanTrucTuyen) for a procedure with fees, by MucDoDVC.
_ONLINE_PAYMENT_SHARE = (0.60, 0.85, 0.95)
# Procedures without an online service are the rarely requested ones: the requested ones went
# online first; this keeps their share of dossiers near what provinces report (a few percent).
_OFFLINE_POPULARITY = 0.05


@dataclass
class Unit:
    code: str
    name: str
    level: str  # CapDonVi: tinh, so, huyen, phong, xa
    parent: str | None
    area_code: str | None
    active: bool = True
    successor: str | None = None  # MaDonViKeThua of a unit merged away
    district: int = -1  # index into DISTRICTS for units inside a district
    address: str = ""  # "xã Đại Hiệp, huyện Đại Lộc" for communes


@dataclass
class Procedure:
    code: str
    name: str
    field: FieldSpec
    level: int  # TINH, HUYEN or XA
    online: int  # index into ONLINE_LEVELS
    duration: int | None  # ThoiHanGiaiQuyet, working days
    handlers: list[int]  # unit indices
    fee_lines: list[tuple[str, str, int, int]] = field(default_factory=list)
    popularity: float = 0.0


def province_area_code(province_code: str) -> str:
    """The area code (MaDVHC) of a province from its code: "H49" -> "49"."""
    if not re.fullmatch(r"H\d{2}", province_code):
        raise ValueError(f"a province code is H and two digits (H49), not {province_code!r}")
    return province_code[1:]


class Catalogue:
    """Units, procedures and the lookup arrays for dossier generation, all from one seed."""

    def __init__(self, seed: int, start: date, rate_quirks: float = 0.0,
                 province_code: str = PROVINCE_SUFFIX, reorganise_on: date | None = None) -> None:
        rng = np.random.default_rng([seed, 1])
        self.province_code = province_code  # the "H49" every unit code ends with
        self.area_code = province_area_code(province_code)
        self.units: list[Unit] = []
        self.room_unit = np.zeros((len(DISTRICTS), len(ROOM_TYPES)), dtype=np.int32)
        self.commune_unit: list[int] = []
        self._build_units(rng)
        self.procedures = self._build_procedures(rng)
        self._build_arrays(rng)
        self.quality = self._unit_quality(seed)
        self.compliance = draw_unit_compliance(seed, len(self.units))
        self._draw_scorecard_attributes(seed)
        self.unit_records = self._unit_records(rng, start, rate_quirks)
        self.procedure_records = self._procedure_records(rng, start, rate_quirks)
        self.reorganisation = None if reorganise_on is None else reorganisation.plan(
            self.units, self.department_unit, self.room_unit, day_number(reorganise_on))
        self.in_force_unit = (np.arange(len(self.units), dtype=np.int32)
                              if self.reorganisation is None else self.reorganisation.in_force)
        if self.reorganisation is not None:
            self.unit_records += self._reorganised_units(self.reorganisation)
            self.procedure_records += self._reorganised_procedures(self.reorganisation)

    # -- the unit tree --------------------------------------------------------------------

    def _add(self, unit: Unit) -> int:
        self.units.append(unit)
        return len(self.units) - 1

    def _build_units(self, rng: np.random.Generator) -> None:
        suffix = self.province_code
        root = f"000.00.00.{suffix}"
        self._add(Unit(root, f"UBND tỉnh {PROVINCE_NAME}", "tinh", None, self.area_code))
        self.department_unit = {
            key: self._add(Unit(f"000.00.{number:02d}.{suffix}", name, "so", root, None))
            for number, name, key in DEPARTMENTS
        }
        area_code = 20227  # commune area codes, spaced by 3 as the statistics office does
        for index, (district_area, kind, name, _, communes) in enumerate(DISTRICTS):
            district_code = f"000.00.{31 + index:02d}.{suffix}"
            district_name = f"{kind} {name}"
            self._add(Unit(district_code, f"UBND {district_name}", "huyen", root, district_area,
                           district=index))
            urban = kind != "huyện"
            for room, (_, rural_name, urban_name) in enumerate(ROOM_TYPES):
                room_name = urban_name if urban else rural_name
                self.room_unit[index, room] = self._add(Unit(
                    f"000.{room + 1:02d}.{31 + index:02d}.{suffix}",
                    f"{room_name} {district_name}", "phong", district_code, None, district=index))
            for number, commune in enumerate(communes.split("|")):
                commune_kind, commune_name = commune.split(" ", 1)
                full_name = f"{COMMUNE_KINDS[commune_kind]} {commune_name}"
                self.commune_unit.append(self._add(Unit(
                    f"000.{21 + number:02d}.{31 + index:02d}.{suffix}",
                    f"UBND {full_name}", "xa", district_code, f"{area_code:05d}",
                    district=index, address=f"{full_name}, {district_name}")))
                area_code += 3
        for unit in rng.choice(self.commune_unit, _INACTIVE_COMMUNES, replace=False):
            self.units[unit].active = False
        for unit in self.units:
            if not unit.active:
                unit.successor = self._merged_into(unit)

    def _merged_into(self, merged: Unit) -> str | None:
        """A commune merged away went to the first commune of its district still in force."""
        return next((unit.code for unit in self.units
                     if unit.level == "xa" and unit.active and unit.district == merged.district),
                    None)

    # -- the procedure catalogue ----------------------------------------------------------

    def _build_procedures(self, rng: np.random.Generator) -> list[Procedure]:
        total = sum(sum(spec.counts) for spec in FIELDS)
        codes = self._procedure_codes(rng, total)
        active_communes = [u for u in self.commune_unit if self.units[u].active]
        procedures = []
        for spec in FIELDS:
            names = spec.procedure_names()
            for level, count in enumerate(spec.counts):
                for rank in range(count):
                    handlers = self._handlers(spec, level, active_communes)
                    procedure = Procedure(
                        code=codes[len(procedures)], name=names[rank], field=spec, level=level,
                        online=int(rng.choice(len(ONLINE_LEVELS), p=ONLINE_LEVEL_SHARES[
                            rank < _POPULAR_RANKS])),
                        duration=self._duration(rng, spec, level), handlers=handlers,
                        popularity=spec.volume[level] / (rank + 1) ** 1.2)
                    if rng.random() < spec.fee_share:
                        procedure.fee_lines = self._fee_lines(rng, procedure)
                    procedures.append(procedure)
        return sorted(procedures, key=lambda procedure: procedure.code)

    def _draw_scorecard_attributes(self, seed: int) -> None:
        """DuDieuKienToanTrinh and CoThanhToanTrucTuyen of every procedure, from their own
        stream: the catalogue's other values do not move."""
        rng = np.random.default_rng([seed, 8])
        online = np.array([procedure.online for procedure in self.procedures])
        has_fee = np.array([bool(procedure.fee_lines) for procedure in self.procedures])
        draws = rng.random((len(self.procedures), 2))
        self.proc_eligible = draws[:, 0] < np.array(_ELIGIBLE_SHARE)[online]
        self.proc_online_payment = has_fee & (draws[:, 1] < np.array(_ONLINE_PAYMENT_SHARE)[online])

    @staticmethod
    def _procedure_codes(rng: np.random.Generator, count: int) -> list[str]:
        """Unique national-catalogue style codes: 1.001193, 2.000286, 3.000160."""
        numbers = rng.choice(13_000 - 100, size=count, replace=False) + 100
        prefixes = rng.choice([1, 2, 3], size=count, p=[0.7, 0.25, 0.05])
        return [f"{prefix}.{number:06d}" for prefix, number in zip(prefixes, numbers, strict=True)]

    def _handlers(self, spec: FieldSpec, level: int, active_communes: list[int]) -> list[int]:
        if level == TINH:
            return [self.department_unit[spec.department]]
        if level == HUYEN:
            room = [key for key, _, _ in ROOM_TYPES].index(spec.room)
            return [int(unit) for unit in self.room_unit[:, room]]
        return list(active_communes)

    @staticmethod
    def _duration(rng: np.random.Generator, spec: FieldSpec, level: int) -> int | None:
        choices = DURATIONS[spec.durations]
        duration = choices[int(rng.integers(len(choices)))]
        if duration is not None and level == XA:
            duration = min(duration, 7)  # communes handle the quick procedures
        return duration

    @staticmethod
    def _fee_lines(rng: np.random.Generator,
                   procedure: Procedure) -> list[tuple[str, str, int, int]]:
        """(MaPhiLePhi, TenPhiLePhi, LoaiPhiLePhi, SoTien) lines: a levy, a fee, or both."""
        subject = procedure.name[0].lower() + procedure.name[1:]
        per_copy = procedure.field.code == "BTP-02"
        with_levy = per_copy or rng.random() < 0.8
        with_fee = not per_copy and (not with_levy or rng.random() < 0.4)
        lines = []
        if with_fee:
            amount = _PHI_AMOUNTS[int(rng.integers(len(_PHI_AMOUNTS)))]
            lines.append((f"P-{procedure.code}", "Phí thẩm định hồ sơ", 1, amount))
        if with_levy:
            amounts = _PER_COPY_AMOUNTS if per_copy else _LE_PHI_AMOUNTS
            amount = amounts[int(rng.integers(len(amounts)))]
            lines.append((f"LP-{procedure.code}", f"Lệ phí {subject}", 2, amount))
        return lines

    # -- lookup arrays for the dossier generator ------------------------------------------

    def _build_arrays(self, rng: np.random.Generator) -> None:
        procedures = self.procedures
        self.proc_level = np.array([p.level for p in procedures], dtype=np.int8)
        self.proc_online = np.array([p.online for p in procedures], dtype=np.int8)
        self.proc_duration = np.array([p.duration or 0 for p in procedures], dtype=np.int16)
        self.proc_has_fee = np.array([bool(p.fee_lines) for p in procedures])
        self.proc_business = np.array([p.field.business_share for p in procedures])
        self.proc_fee_wait = np.where(
            [p.field.code == "TNMT-01" for p in procedures], 0.8, 0.05)
        self.proc_per_copy = np.array([p.field.code == "BTP-02" for p in procedures])
        self.proc_first_unit = np.array([p.handlers[0] for p in procedures], dtype=np.int32)
        room_keys = [key for key, _, _ in ROOM_TYPES]
        self.proc_room = np.array(
            [room_keys.index(p.field.room) if p.level == HUYEN else 0 for p in procedures],
            dtype=np.int8)
        weights = np.array([p.popularity for p in procedures])
        weights[self.proc_online == 0] *= _OFFLINE_POPULARITY
        for level, share in enumerate(LEVEL_SHARES):
            at_level = self.proc_level == level
            weights[at_level] *= share / weights[at_level].sum()
        self.proc_probability = weights / weights.sum()

        self.district_probability = np.array([d[3] for d in DISTRICTS])
        self.district_probability /= self.district_probability.sum()
        self.unit_district = np.array([u.district for u in self.units], dtype=np.int16)
        self.active_communes = np.array(
            [u for u in self.commune_unit if self.units[u].active], dtype=np.int32)
        # A district's population spread unevenly over its communes.
        district_of = self.unit_district[self.active_communes]
        communes_in_district = np.bincount(district_of, minlength=len(DISTRICTS))
        commune_weight = (self.district_probability[district_of] / communes_in_district[district_of]
                          * rng.lognormal(0.0, 0.4, len(district_of)))
        self.commune_probability = commune_weight / commune_weight.sum()
        self.district_commune_count = communes_in_district
        self.district_communes = np.zeros((len(DISTRICTS), communes_in_district.max()),
                                          dtype=np.int32)
        for district in range(len(DISTRICTS)):
            members = self.active_communes[district_of == district]
            self.district_communes[district, :len(members)] = members

    def _unit_quality(self, seed: int) -> UnitQuality:
        """Each unit's punctuality, online share and online-payment habits."""
        land_branch = np.zeros(len(self.units), dtype=bool)
        land_branch[self.room_unit[:, [key for key, _, _ in ROOM_TYPES].index("dkdd")]] = True
        return draw_unit_quality(seed, [unit.level for unit in self.units], land_branch,
                                 self._online_capable_share())

    def _online_capable_share(self) -> np.ndarray:
        """Per unit, the expected ONLINE_WEIGHT of its dossiers' procedures (1 = all fully
        online). Communes share one procedure mix, so do district rooms of one type."""
        weight = ONLINE_WEIGHT[self.proc_online]
        # Procedures grouped by who handles them: a department, a room type, or every commune.
        group = np.select([self.proc_level == TINH, self.proc_level == HUYEN],
                          [self.proc_first_unit, len(self.units) + self.proc_room.astype(np.int64)],
                          2 * len(self.units))
        volume = np.bincount(group, self.proc_probability, minlength=2 * len(self.units) + 1)
        online = np.bincount(group, self.proc_probability * weight, minlength=len(volume))
        share_of_group = np.divide(online, volume, out=np.ones(len(volume)), where=volume > 0)
        unit_group = np.arange(len(self.units))
        rooms = self.room_unit.ravel()
        unit_group[rooms] = len(self.units) + np.tile(np.arange(self.room_unit.shape[1]),
                                                      self.room_unit.shape[0])
        unit_group[self.commune_unit] = 2 * len(self.units)
        return share_of_group[unit_group]

    # -- served records -------------------------------------------------------------------

    @staticmethod
    def _updated_before(rng: np.random.Generator, start: date) -> str:
        days_before = int(rng.integers(30, 900))
        second_of_day = int(rng.integers(7 * 3600 + 1800, 17 * 3600))
        return format_timestamp((day_number(start) - days_before) * SECONDS_PER_DAY
                                + second_of_day)

    def _unit_records(self, rng: np.random.Generator, start: date,
                      rate_quirks: float) -> list[dict]:
        records = []
        in_force_from = format_timestamp(
            (day_number(start) - _IN_FORCE_DAYS_BEFORE) * SECONDS_PER_DAY)
        merged_on = format_timestamp((day_number(start) - 1) * SECONDS_PER_DAY)
        for unit in self.units:
            quirky = rng.random() < rate_quirks
            records.append({
                "MaDinhDanh": unit.code,
                "TenDonVi": nfd(unit.name) if quirky else unit.name,
                "CapDonVi": unit.level,
                "MaDonViCha": pad_code(unit.parent) if quirky and unit.parent else unit.parent,
                "MaDVHC": unit.area_code,
                "HieuLuc": unit.active,
                "NgayHieuLuc": in_force_from,
                # merged the day before the generated dossiers start: none of them is theirs
                "NgayHetHieuLuc": None if unit.active else merged_on,
                "MaDonViKeThua": unit.successor,
                "NgayCapNhat": self._updated_before(rng, start),
            })
        return records

    def _procedure_records(self, rng: np.random.Generator, start: date,
                           rate_quirks: float) -> list[dict]:
        records = []
        for index, procedure in enumerate(self.procedures):
            quirky = rng.random() < rate_quirks
            handlers = [self.units[unit].code for unit in procedure.handlers]
            records.append({
                "MaTTHC": procedure.code,
                "TenTTHC": nfd(procedure.name) if quirky else procedure.name,
                "MaLinhVuc": pad_code(procedure.field.code) if quirky else procedure.field.code,
                "TenLinhVuc": nfd(procedure.field.name) if quirky else procedure.field.name,
                "CapThucHien": LEVELS[procedure.level],
                "MucDoDVC": ONLINE_LEVELS[procedure.online],
                "CoPhiLePhi": bool(procedure.fee_lines),
                "ThoiHanGiaiQuyet": procedure.duration,
                "CoQuanThucHien": [pad_code(code) for code in handlers] if quirky else handlers,
                "DuDieuKienToanTrinh": bool(self.proc_eligible[index]),
                "CoThanhToanTrucTuyen": bool(self.proc_online_payment[index]),
                "NgayCapNhat": self._updated_before(rng, start),
            })
        return records

    # -- the reorganisation's new catalogue versions --------------------------------------

    def _reorganised_units(self, change: reorganisation.Reorganisation) -> list[dict]:
        """A new version of every dissolved or re-parented unit, published on the date."""
        versions = []
        for index, record in enumerate(self.unit_records):
            if index in change.dissolved:
                successor = change.successor.get(index)
                versions.append({
                    **record, "HieuLuc": False,
                    "NgayHetHieuLuc": format_timestamp(change.moment),
                    "MaDonViKeThua": None if successor is None else self.units[successor].code,
                    "NgayCapNhat": change.announced})
            elif index in change.reparented:
                versions.append({**record, "MaDonViCha": self.units[0].code,
                                 "NgayCapNhat": change.announced})
        return versions

    def _reorganised_procedures(self, change: reorganisation.Reorganisation) -> list[dict]:
        """A new version of every procedure whose handlers changed, naming units in force."""
        versions = []
        for procedure, record in zip(self.procedures, self.procedure_records, strict=True):
            handlers = list(dict.fromkeys(int(change.in_force[unit])
                                          for unit in procedure.handlers))
            if handlers != procedure.handlers:
                versions.append({**record,
                                 "CoQuanThucHien": [self.units[unit].code for unit in handlers],
                                 "NgayCapNhat": change.announced})
        return versions

"""Vectorised generation of one reception day's dossiers and payments (final state).

A day's dossiers come from an RNG seeded with (seed, day), so any day can be regenerated on
its own: the simulator never holds more than the days a window can reach. Every timeline is a
row of fixed "slots" (the TienDo steps in chronological order, ``ABSENT`` where a step never
happens), computed with numpy for the whole day at once; JSON is built later, only for the
rows a page serves (``records.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from simulator.catalogue import HUYEN, ONLINE_WEIGHT, TINH, Catalogue
from simulator.quality import MAX_SHARE, VNEID_IN_PERSON, report_week
from simulator.timestamps import SECONDS_PER_DAY
from simulator.vocab import (
    APOLOGY_REASONS,
    BANKS,
    BIRTH_PROVINCES,
    EMAIL_DOMAINS,
    FAILURE_CODES,
    FAMILY_NAMES,
    GIVEN_NAMES,
    MIDDLE_NAMES,
    PHONE_PREFIXES,
)
from simulator.workdays import WorkCalendar, weekday

LIFETIME_DAYS = 150  # every event of a dossier received on day D, payments included, is < D + 150
LEAD_DAYS = 7  # an online or postal submission precedes its reception by less than this
ABSENT = -(2**62)  # a slot whose step never happens (below every valid timestamp)

(SUBMITTED, RECEIVED, IN_PROCESS, SUPPLEMENT_1, SUPPLEMENT_1_BACK, SUPPLEMENT_2,
 SUPPLEMENT_2_BACK, FEE_REQUESTED, FEE_PAID, ENDED, RETURNED) = range(11)
SLOT_COUNT = 11
# Status of each slot's step; RECEIVED is 3 for a refused dossier, ENDED carries end_status.
SLOT_STATUS = (1, 2, 4, 5, 4, 5, 4, 6, 4, 0, 10)
FINISHED, WITHDRAWN, STOPPED = 9, 7, 8

TRUC_TUYEN, TIEN_MAT, CHUYEN_KHOAN = 0, 1, 2  # index into vocab.PAYMENT_METHODS
KHOI_TAO, THANH_CONG, THAT_BAI, HOAN_PHI = 0, 1, 2, 3
PAYMENT_STATUSES = ("khoi-tao", "thanh-cong", "that-bai", "hoan-phi")

_HOUR = 3600
_WORK_SECONDS = 7 * _HOUR  # 07:30-11:30 and 13:30-17:00
_MORNING_SECONDS = 4 * _HOUR
_DAY_ENDS = SECONDS_PER_DAY - 1  # on time is by calendar date
_STALLED_SHARE = 0.05  # of late dossiers: weeks late instead of days
_LATE_WITHDRAWAL_SHARE = 0.15  # of withdrawals and stops: any time up to 10 days past due


@dataclass
class DayBatch:
    """One reception day: dossier columns (length n) and payment columns (length m)."""

    day: int
    row: np.ndarray  # original row number: the cursor position, stable when the batch is trimmed
    seq: np.ndarray  # MaHoSo sequence number within (unit, day)
    proc: np.ndarray
    unit: np.ndarray
    handler_after: np.ndarray  # unit after the reorganisation: a successor for transferred ones
    home: np.ndarray  # the applicant's commune (unit index)
    channel: np.ndarray
    applicant: np.ndarray
    slots: np.ndarray  # (n, SLOT_COUNT) local seconds
    refused: np.ndarray
    end_status: np.ndarray
    due: np.ndarray  # (n, 3): due date at reception, after supplement round 1, after round 2
    copies: np.ndarray
    exempt: np.ndarray
    digitised: np.ndarray
    paid_online: np.ndarray  # DuocThanhToanTrucTuyen
    quirky: np.ndarray
    person: np.ndarray  # (n, 9) int32: see _people
    officers: np.ndarray  # (n, 2): intake and processing officer
    last_event: np.ndarray
    # The scorecard fields and compliance habits (their own random stream: _Scorecard)
    e_result: np.ndarray  # CoKetQuaDienTu of a finished dossier
    vneid: np.ndarray  # TaiKhoanDuocXacThucVoiVNeID
    same_officer: np.ndarray  # the reception officer also resolves (the status 9 step)
    apology: np.ndarray  # (n, 2) NgayXinLoi of up to two letters, ABSENT if none
    apology_due: np.ndarray  # (n, 2) NgayHenTraMoi of each letter
    apology_reason: np.ndarray  # (n, 2) index into vocab.APOLOGY_REASONS
    pay_id: np.ndarray
    pay_owner: np.ndarray  # index of the dossier in this batch
    pay_attempt: np.ndarray
    pay_method: np.ndarray
    pay_status: np.ndarray
    pay_times: np.ndarray  # (m, 3): ThoiGianGD, ThoiGianGDThanhCong, ThoiGianHoanPhi
    pay_error: np.ndarray
    pay_bank: np.ndarray
    pay_reference: np.ndarray  # MaGiaoDich digits

    @property
    def size(self) -> int:
        return len(self.row)

    def keep(self, mask: np.ndarray) -> DayBatch:
        """The batch with only the dossiers in ``mask`` (and their payments)."""
        kept_payments = mask[self.pay_owner]
        new_index = np.cumsum(mask) - 1
        columns = {}
        for column in fields(self):
            value = getattr(self, column.name)
            if column.name == "day":
                columns["day"] = value
            elif column.name == "pay_owner":
                columns["pay_owner"] = new_index[value[kept_payments]]
            elif column.name.startswith("pay_"):
                columns[column.name] = value[kept_payments]
            else:
                columns[column.name] = value[mask]
        return DayBatch(**columns)


def generate_day(catalogue: Catalogue, calendar: WorkCalendar, seed: int, day: int,
                 count: int, rate_quirks: float) -> DayBatch:
    """The final state of the ``count`` dossiers received on local day number ``day``."""
    generator = _DayGenerator(catalogue, calendar, np.random.default_rng([seed, 3, day]), day,
                              count)
    columns = generator.generate(rate_quirks)
    scorecard = _Scorecard(catalogue, calendar, np.random.default_rng([seed, 9, day]), day,
                           columns)
    return DayBatch(**columns, **scorecard.columns())


def _office_clock(offset: np.ndarray) -> np.ndarray:
    """Second of the day ``offset`` seconds into office hours (07:30-11:30, 13:30-17:00)."""
    return np.where(offset < _MORNING_SECONDS, 7 * _HOUR + 1800 + offset,
                    13 * _HOUR + 1800 + offset - _MORNING_SECONDS)


class _DayGenerator:
    def __init__(self, catalogue: Catalogue, calendar: WorkCalendar, rng: np.random.Generator,
                 day: int, count: int) -> None:
        self.cat, self.cal, self.rng, self.day, self.n = catalogue, calendar, rng, day, count
        self.quality = catalogue.quality.for_week(report_week(day))  # the units' habits this week

    # -- small vectorised helpers ---------------------------------------------------------

    def _working_time(self, days: np.ndarray | int) -> np.ndarray:
        """Random moments within working hours of ``days`` (local seconds)."""
        offset = self.rng.integers(0, _WORK_SECONDS, self.n)
        return np.asarray(days, dtype=np.int64) * SECONDS_PER_DAY + _office_clock(offset)

    def _add_working_days(self, days: np.ndarray | int, offsets: np.ndarray) -> np.ndarray:
        return self.cal.add_working_days(np.broadcast_to(days, (self.n,)), offsets)

    def _uniform(self, low: float, high: float) -> np.ndarray:
        return self.rng.uniform(low, high, self.n).astype(np.int64)

    # -- the day --------------------------------------------------------------------------

    def generate(self, rate_quirks: float) -> dict[str, np.ndarray]:
        """Every DayBatch column but the scorecard ones."""
        rng, n, cat = self.rng, self.n, self.cat
        proc, unit, home = self._who_handles()
        channel = self._channels(proc, unit)
        applicant = self._applicant_types(proc)
        slots = np.full((n, SLOT_COUNT), ABSENT, dtype=np.int64)
        refused = self._reception(slots, channel)
        due, pauses, unanswered = self._due_dates_and_supplements(slots, proc, refused)
        pays = cat.proc_has_fee[proc] & (rng.random(n) >= 0.05)
        exempt = cat.proc_has_fee[proc] & ~pays
        fee_wait = pays & ~refused & ~unanswered & (rng.random(n) < cat.proc_fee_wait[proc])
        payments = _Payments(self, channel, unit, pays, refused, fee_wait)
        payments.start(slots)
        self._finish(slots, proc, unit, pauses, refused, fee_wait, payments, due)
        end_status = self._endings(slots, refused, due, unanswered, fee_wait, payments)
        payments.refund(slots, refused, end_status)
        paid_online = payments.paid_online()
        last_event = slots.max(axis=1)
        np.maximum.at(last_event, payments.owner, payments.times.max(axis=1))
        handler_after = self._transfers(unit, slots, refused)
        if cat.reorganisation is not None:
            last_event = np.where(handler_after != unit,
                                  np.maximum(last_event, cat.reorganisation.moment), last_event)
        self._check_timelines(slots, last_event)
        return dict(
            day=self.day, row=np.arange(n, dtype=np.int32), seq=self._sequence(unit, slots),
            proc=proc.astype(np.int16), unit=unit.astype(np.int16),
            handler_after=handler_after.astype(np.int16), home=home.astype(np.int16),
            channel=channel, applicant=applicant, slots=slots, refused=refused,
            end_status=end_status, due=due,
            copies=np.where(cat.proc_per_copy[proc], rng.integers(1, 6, n), 1).astype(np.int8),
            exempt=exempt, digitised=rng.random(n) < np.where(channel == 2, 0.6, 0.3),
            paid_online=paid_online, quirky=rng.random(n) < rate_quirks,
            person=self._people(applicant), officers=rng.integers(0, 6, (n, 2), dtype=np.int8),
            last_event=last_event, **payments.columns())

    def _who_handles(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Procedure, handling unit and the applicant's home commune of each dossier."""
        rng, n, cat = self.rng, self.n, self.cat
        proc = rng.choice(len(cat.procedures), n, p=cat.proc_probability)
        level = cat.proc_level[proc]
        district = rng.choice(len(cat.district_probability), n, p=cat.district_probability)
        commune = cat.active_communes[
            rng.choice(len(cat.active_communes), n, p=cat.commune_probability)]
        unit = np.select([level == TINH, level == HUYEN],
                         [cat.proc_first_unit[proc], cat.room_unit[district, cat.proc_room[proc]]],
                         commune)
        in_district = cat.district_communes[
            district, (rng.random(n) * cat.district_commune_count[district]).astype(np.int64)]
        home = np.where(level == HUYEN, in_district, commune)
        change = cat.reorganisation
        if change is not None and self.day >= change.day:
            unit = change.in_force[unit]  # received after the reorganisation: units in force
        return proc, unit, home

    def _transfers(self, unit: np.ndarray, slots: np.ndarray,
                   refused: np.ndarray) -> np.ndarray:
        """The unit handling each dossier after the reorganisation: the successor of a
        dissolved unit for dossiers still pending at the moment, else the same unit. Dossiers
        received LIFETIME_DAYS or more before it are left where they are: every event of a
        dossier stays within LIFETIME_DAYS of its reception (the window scan relies on it)."""
        change = self.cat.reorganisation
        if change is None or self.day >= change.day or self.day <= change.day - LIFETIME_DAYS:
            return unit
        ended = slots[:, ENDED]
        pending = ~refused & ((ended == ABSENT) | (ended >= change.moment))
        return change.transferred(unit, pending)

    def _channels(self, proc: np.ndarray, unit: np.ndarray) -> np.ndarray:
        """KenhThucHien: online only for online services, as often as the unit's habit says."""
        online = np.minimum(ONLINE_WEIGHT[self.cat.proc_online[proc]] * self.quality.online[unit],
                            MAX_SHARE)
        draw = self.rng.random(self.n)
        return np.where(draw < online, 2, np.where(draw > 0.975, 3, 1)).astype(np.int8)

    def _applicant_types(self, proc: np.ndarray) -> np.ndarray:
        business = self.cat.proc_business[proc]
        draw = self.rng.random(self.n)
        return np.select([draw < business, draw < business + 0.02, draw < business + 0.04],
                         [2, 3, 4], 1).astype(np.int8)

    def _reception(self, slots: np.ndarray, channel: np.ndarray) -> np.ndarray:
        """Submission and reception (or refusal) times; receptions sorted through the day."""
        rng, n = self.rng, self.n
        saturday = weekday(np.int64(self.day)) == 5
        open_seconds = _MORNING_SECONDS if saturday else _WORK_SECONDS
        offset = np.sort(rng.integers(0, open_seconds, n))
        received = self.day * SECONDS_PER_DAY + _office_clock(offset)
        lag = np.where(channel == 2,
                       np.clip(rng.exponential(14 * _HOUR, n), 600, 5 * SECONDS_PER_DAY),
                       np.where(channel == 3, rng.uniform(0.5, 3.0, n) * SECONDS_PER_DAY, 0))
        slots[:, SUBMITTED] = np.where(lag > 0, received - lag.astype(np.int64), ABSENT)
        slots[:, RECEIVED] = received
        refused = rng.random(n) < np.where(channel == 2, 0.025, 0.008)
        slots[:, IN_PROCESS] = np.where(refused, ABSENT, received + self._uniform(300, 4 * _HOUR))
        return refused

    def _due_dates_and_supplements(self, slots: np.ndarray, proc: np.ndarray,
                                   refused: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray]:
        """NgayHenTra in working days, and up to two supplement rounds that extend it."""
        rng, n = self.rng, self.n
        duration = self.cat.proc_duration[proc].astype(np.int64)
        has_due = (duration > 0) & ~refused
        received = slots[:, RECEIVED]
        time_of_day = received % SECONDS_PER_DAY
        due_days = np.empty((n, 3), dtype=np.int64)
        due_days[:, 0] = self._add_working_days(self.day, duration)
        rounds = np.where(refused, 0, rng.choice(3, n, p=[0.9, 0.075, 0.025]))
        rounds = np.where(duration < 2, np.minimum(rounds, 1), rounds)  # no time for a second
        pauses = rng.integers(1, 11, (n, 2))
        # The first request leaves a working day before the due date where the duration allows,
        # and a second one follows the first answer the next day: a punctual unit can finish
        # in time (each round extends the due date by its pause only).
        request_day = self._add_working_days(
            self.day, 1 + (rng.random(n) * np.clip(duration - 1, 0, 4)).astype(np.int64))
        for number, (request_slot, back_slot) in enumerate(
                ((SUPPLEMENT_1, SUPPLEMENT_1_BACK), (SUPPLEMENT_2, SUPPLEMENT_2_BACK))):
            back_day = self._add_working_days(request_day, pauses[:, number])
            asked = rounds > number
            slots[:, request_slot] = np.where(asked, self._working_time(request_day), ABSENT)
            slots[:, back_slot] = np.where(asked, self._working_time(back_day), ABSENT)
            due_days[:, number + 1] = self.cal.add_working_days(due_days[:, number],
                                                                pauses[:, number])
            request_day = self._add_working_days(back_day, 1)
        unanswered = (rounds > 0) & (rng.random(n) < 0.15)
        last_back = np.where(rounds == 2, SUPPLEMENT_2_BACK, SUPPLEMENT_1_BACK)
        slots[np.flatnonzero(unanswered), last_back[unanswered]] = ABSENT
        answered_pause = (pauses[:, 0] * (rounds >= 1) + pauses[:, 1] * (rounds == 2)
                          - np.where(unanswered, pauses[np.arange(n), rounds - 1], 0))
        due = np.where(has_due[:, None], due_days * SECONDS_PER_DAY + time_of_day[:, None],
                       ABSENT)
        return due, answered_pause, unanswered

    def _finish(self, slots: np.ndarray, proc: np.ndarray, unit: np.ndarray, pauses: np.ndarray,
                refused: np.ndarray, fee_wait: np.ndarray, payments: _Payments,
                due: np.ndarray) -> None:
        """Processing time (early, on time or late by the unit's habits), result, return."""
        rng, n = self.rng, self.n
        duration = self.cat.proc_duration[proc].astype(np.int64)
        base = np.where(duration > 0, duration, rng.integers(3, 16, n))
        two_rounds = slots[:, SUPPLEMENT_2] != ABSENT
        late = rng.random(n) < self.quality.late[unit] * np.where(two_rounds, 2, 1)
        on_time = np.maximum(1, np.ceil(base * rng.uniform(0.3, 1.0, n))).astype(np.int64)
        # Most late dossiers are a few days late; some stall in process for weeks.
        late_by = np.where(rng.random(n) < _STALLED_SHARE, rng.integers(10, 21, n),
                           np.minimum(rng.geometric(0.35, n), 10))
        working_days = np.where(late, base + late_by, on_time) + pauses
        finish = self._working_time(self._add_working_days(self.day, working_days))
        # A fee request comes after the supplements; the work resumes once the fee is paid.
        last_back = np.maximum(slots[:, SUPPLEMENT_1_BACK], slots[:, SUPPLEMENT_2_BACK])
        resume_day = np.where(last_back > 0, last_back // SECONDS_PER_DAY, self.day)
        fee_day = self._add_working_days(resume_day, 0)
        fee_requested = np.maximum(self._working_time(fee_day),
                                   slots[:, :FEE_REQUESTED].max(axis=1) + self._uniform(600, 7200))
        slots[:, FEE_REQUESTED] = np.where(fee_wait, fee_requested, ABSENT)
        payments.pay_fee_requests(slots)
        slots[:, FEE_PAID] = np.where(fee_wait, payments.success_of_dossier + self._uniform(
            300, 1.5 * _HOUR), ABSENT)
        previous = slots[:, :ENDED].max(axis=1)
        earliest = previous + self._uniform(1800, 4 * _HOUR)
        finish = np.maximum(finish, earliest)
        # A punctual unit finishes by the due date in force even after a supplement round or a
        # fee request, unless that step itself left no time.
        rounds = (slots[:, SUPPLEMENT_1] != ABSENT).astype(np.int64) + two_rounds
        due_end = (due[np.arange(n), rounds] // SECONDS_PER_DAY) * SECONDS_PER_DAY + _DAY_ENDS
        punctual = ~late & (due[:, 0] != ABSENT) & (earliest < due_end)
        finish = np.where(punctual, np.maximum(np.minimum(finish, due_end), earliest), finish)
        slots[:, ENDED] = np.where(refused, ABSENT, finish)
        same_day = rng.random(n) < 0.4
        returned_day = self._add_working_days(finish // SECONDS_PER_DAY, rng.integers(1, 6, n))
        returned = np.where(same_day, finish + self._uniform(300, 2 * _HOUR),
                            self._working_time(returned_day))
        slots[:, RETURNED] = np.where(~refused & (rng.random(n) < 0.88), returned, ABSENT)

    def _endings(self, slots: np.ndarray, refused: np.ndarray, due: np.ndarray,
                 unanswered: np.ndarray, fee_wait: np.ndarray, payments: _Payments) -> np.ndarray:
        """Withdrawals (some after the due date), stops, unanswered rounds."""
        rng, n = self.rng, self.n
        end_status = np.where(refused, 0, FINISHED).astype(np.int8)
        received, finish = slots[:, RECEIVED], slots[:, ENDED]
        draw = rng.random(n)
        withdrawn = ~refused & ~unanswered & (draw < 0.02)
        stopped = ~refused & ~unanswered & (draw >= 0.02) & (draw < 0.025)
        # Most withdraw while the unit is still within time; a few after the due date.
        deadline = np.where(due[:, 0] == ABSENT, finish, np.minimum(finish, due[:, 0]))
        past_due = np.maximum(finish, due[:, 0]) + 10 * SECONDS_PER_DAY
        horizon = np.where(rng.random(n) < _LATE_WITHDRAWAL_SHARE, past_due, deadline) - received
        ending = received + _HOUR + (rng.random(n) * np.maximum(horizon - _HOUR, 1)).astype(
            np.int64)
        # A withdrawal or stop does not interrupt a fee payment under way.
        during_fee = fee_wait & (ending > slots[:, FEE_REQUESTED])
        ending = np.where(during_fee, np.maximum(ending, slots[:, FEE_PAID] + _HOUR), ending)
        # An unanswered supplement request ends in a stop, a withdrawal, or waits forever.
        last_request = np.maximum(slots[:, SUPPLEMENT_1], slots[:, SUPPLEMENT_2])
        answer = rng.random(n)
        stop_unanswered = unanswered & (answer < 0.45)
        withdraw_unanswered = unanswered & (answer >= 0.45) & (answer < 0.8)
        ending = np.select(
            [stop_unanswered, withdraw_unanswered],
            [last_request + self._uniform(15 * SECONDS_PER_DAY, 30 * SECONDS_PER_DAY),
             last_request + self._uniform(SECONDS_PER_DAY, 20 * SECONDS_PER_DAY)], ending)
        withdrawn |= withdraw_unanswered
        stopped |= stop_unanswered
        interrupted = withdrawn | stopped
        end_status[withdrawn] = WITHDRAWN
        end_status[stopped] = STOPPED
        end_status[unanswered & ~interrupted] = 0
        middle = slots[:, IN_PROCESS:ENDED]
        middle[interrupted[:, None] & (middle >= ending[:, None])] = ABSENT
        slots[:, ENDED] = np.where(interrupted, ending,
                                   np.where(end_status == 0, ABSENT, slots[:, ENDED]))
        slots[end_status != FINISHED, RETURNED] = ABSENT
        payments.cancel_unrequested(slots[:, FEE_REQUESTED] == ABSENT)
        return end_status

    def _check_timelines(self, slots: np.ndarray, last_event: np.ndarray) -> None:
        """Steps strictly in slot order, and within the bounds the window scan relies on."""
        earlier = np.maximum.accumulate(slots, axis=1)[:, :-1]
        if np.any((slots[:, 1:] != ABSENT) & (slots[:, 1:] <= earlier)):
            raise AssertionError("a generated timeline is out of order")
        first = np.where(slots[:, SUBMITTED] == ABSENT, slots[:, RECEIVED], slots[:, SUBMITTED])
        if self.n and (last_event.max() >= (self.day + LIFETIME_DAYS) * SECONDS_PER_DAY
                       or first.min() <= (self.day - LEAD_DAYS) * SECONDS_PER_DAY):
            raise AssertionError("a generated dossier outlives LIFETIME_DAYS or LEAD_DAYS")

    def _sequence(self, unit: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """1, 2, 3... per handling unit, in reception order (MaHoSo's last part)."""
        order = np.lexsort((slots[:, RECEIVED], unit))
        sorted_units = unit[order]
        group_start = np.flatnonzero(np.r_[True, sorted_units[1:] != sorted_units[:-1]])
        group_size = np.diff(np.r_[group_start, len(order)])
        rank = np.arange(len(order)) - np.repeat(group_start, group_size)
        seq = np.empty(len(order), dtype=np.int32)
        seq[order] = rank + 1
        return seq

    def _people(self, applicant: np.ndarray) -> np.ndarray:
        """Applicant columns: gender, family, middle, given, birth year, id digits, birth province,
        phone (0 = none), e-mail domain (-1 = none). Organisations reuse family/middle/given as
        the indices of their type, sector and name."""
        rng, n = self.rng, self.n
        weights = np.array([weight for _, weight in FAMILY_NAMES])
        people = np.empty((n, 9), dtype=np.int32)
        people[:, 0] = rng.integers(0, 2, n)
        people[:, 1] = rng.choice(len(FAMILY_NAMES), n, p=weights / weights.sum())
        people[:, 2] = rng.integers(0, len(MIDDLE_NAMES[0]), n)
        people[:, 3] = rng.integers(0, len(GIVEN_NAMES[0]), n)
        people[:, 4] = rng.integers(1950, 2006, n)
        people[:, 5] = rng.integers(0, 1_000_000, n)
        people[:, 6] = rng.integers(0, len(BIRTH_PROVINCES), n)
        people[:, 7] = np.where(rng.random(n) < 0.93,
                                rng.integers(1, 10_000_000 * len(PHONE_PREFIXES), n), 0)
        people[:, 8] = np.where(rng.random(n) < np.where(applicant == 1, 0.3, 0.8),
                                rng.integers(0, len(EMAIL_DOMAINS), n), -1)
        return people


class _Payments:
    """The payment transactions of one day's dossiers (at most one paying flow per dossier)."""

    def __init__(self, day: _DayGenerator, channel: np.ndarray, unit: np.ndarray,
                 pays: np.ndarray, refused: np.ndarray, fee_wait: np.ndarray) -> None:
        rng, n = day.rng, day.n
        self.day, self.fee_wait = day, fee_wait
        # A fee at the counter is paid online too (a QR code of the payment platform).
        pays_online = rng.random(n) < day.quality.pays_online[unit]
        self.method = np.where(pays_online, TRUC_TUYEN,
                               np.where(rng.random(n) < 0.8, TIEN_MAT, CHUYEN_KHOAN))
        self.prepaid = pays & ~fee_wait & (channel == 2) & pays_online
        # Refused at the counter before paying; a prepaid online fee is refunded instead.
        self.payer = pays & ~(refused & ~self.prepaid)
        online = self.method == TRUC_TUYEN
        self.failures = np.where(online, rng.choice(3, n, p=[0.88, 0.09, 0.03]), 0)
        self.abandoned = online & (rng.random(n) < 0.03)
        self.gateway = day.quality.gateway[unit]
        self.start_time = np.zeros(n, dtype=np.int64)
        self.success_of_dossier = np.zeros(n, dtype=np.int64)
        self.refund_of_dossier = np.full(n, ABSENT, dtype=np.int64)

    def start(self, slots: np.ndarray) -> None:
        """Prepaid and counter payments start at submission or reception."""
        day = self.day
        submitted = np.where(slots[:, SUBMITTED] == ABSENT, slots[:, RECEIVED],
                             slots[:, SUBMITTED])
        self.start_time = np.where(self.prepaid, submitted, slots[:, RECEIVED]) + day._uniform(
            60, 900)
        self._settle()

    def pay_fee_requests(self, slots: np.ndarray) -> None:
        """Fees asked for during processing (status 6) are mostly paid within hours; a few
        applicants take days."""
        waiting, day = self.fee_wait, self.day
        delay = np.where(day.rng.random(day.n) < 0.1, day._uniform(6 * _HOUR, 3 * SECONDS_PER_DAY),
                         day._uniform(900, 6 * _HOUR))
        self.start_time = np.where(
            waiting, slots[:, FEE_REQUESTED] + delay,
            self.start_time)
        self._settle()

    def _settle(self) -> None:
        """Attempts a few minutes apart; the last one succeeds seconds after it starts."""
        n = self.day.n
        self.attempts = self.failures + self.abandoned + 1
        gaps = self.day.rng.integers(60, 1200, (n, 3)).cumsum(axis=1)
        self.attempt_offset = np.c_[np.zeros(n, dtype=np.int64), gaps]
        confirm = np.where(self.method == TRUC_TUYEN, self.day._uniform(5, 120),
                           self.day._uniform(30, 300))
        self.success_of_dossier = (self.start_time
                                   + self.attempt_offset[np.arange(n), self.attempts - 1] + confirm)

    def cancel_unrequested(self, no_fee_request: np.ndarray) -> None:
        """A dossier withdrawn before its fee was requested never pays it."""
        self.payer &= ~(self.fee_wait & no_fee_request)

    def refund(self, slots: np.ndarray, refused: np.ndarray, end_status: np.ndarray) -> None:
        rng, n = self.day.rng, self.day.n
        cancelled = refused | (end_status == WITHDRAWN)
        refunded = self.payer & ((cancelled & (rng.random(n) < 0.8)) | (rng.random(n) < 0.005))
        reason = np.where(refused, slots[:, RECEIVED],
                          np.where(end_status == WITHDRAWN, slots[:, ENDED], 0))
        after = np.maximum(reason, self.success_of_dossier)
        refund_delay = self.day._uniform(2 * SECONDS_PER_DAY, 30 * SECONDS_PER_DAY)  # weeks, often
        self.refund_of_dossier = np.where(refunded, after + refund_delay, ABSENT)
        self._expand()

    def _expand(self) -> None:
        """One row per attempt: abandoned (khoi-tao), failed (that-bai), then the success."""
        rng = self.day.rng
        attempts = np.where(self.payer, self.attempts, 0)
        owner = np.repeat(np.arange(self.day.n), attempts)
        attempt = np.arange(len(owner)) - np.repeat(np.cumsum(attempts) - attempts, attempts)
        last = attempt == attempts[owner] - 1
        times = np.full((len(owner), 3), ABSENT, dtype=np.int64)
        times[:, 0] = self.start_time[owner] + self.attempt_offset[owner, attempt]
        times[last, 1] = self.success_of_dossier[owner[last]]
        times[last, 2] = self.refund_of_dossier[owner[last]]
        status = np.where(last, np.where(times[:, 2] != ABSENT, HOAN_PHI, THANH_CONG),
                          np.where((attempt == 0) & self.abandoned[owner], KHOI_TAO, THAT_BAI))
        self.owner, self.times, self.status, self.attempt = owner, times, status, attempt
        self.error = rng.integers(0, len(FAILURE_CODES), len(owner)).astype(np.int8)
        self.bank = rng.integers(0, len(BANKS), len(owner)).astype(np.int8)
        self.reference = rng.integers(10**13, 10**14, len(owner))

    def paid_online(self) -> np.ndarray:
        """DuocThanhToanTrucTuyen: the gateway (1 national, 2 provincial) of a paid online fee."""
        return np.where(self.payer & (self.method == TRUC_TUYEN), self.gateway, 0).astype(np.int8)

    def columns(self) -> dict[str, np.ndarray]:
        return {
            "pay_id": np.arange(len(self.owner), dtype=np.int32),
            "pay_owner": self.owner.astype(np.int32),
            "pay_attempt": self.attempt.astype(np.int8),
            "pay_method": self.method[self.owner].astype(np.int8),
            "pay_status": self.status.astype(np.int8),
            "pay_times": self.times,
            "pay_error": self.error,
            "pay_bank": self.bank,
            "pay_reference": self.reference,
        }


_LETTER_DAYS_BEFORE_DUE = 3  # a letter in time is sent up to this many working days early
_SECOND_LETTER_SHARE = 0.15  # of letters: the new date is missed too, a second letter follows
_SECOND_LETTER_MIN_DAYS = 5  # calendar days between the first letter and the result


class _Scorecard:
    """CoKetQuaDienTu, TaiKhoanDuocXacThucVoiVNeID, the apology letters (DanhSachXinLoi) and
    which dossiers one officer both receives and resolves, from an RNG of their own: adding
    them changed no value generated before (scorecards.md; docs/simulator.md)."""

    def __init__(self, catalogue: Catalogue, calendar: WorkCalendar, rng: np.random.Generator,
                 day: int, batch: dict[str, np.ndarray]) -> None:
        self.cal, self.rng, self.day, self.batch = calendar, rng, day, batch
        self.n = len(batch["row"])
        self.habits = catalogue.compliance

    def columns(self) -> dict[str, np.ndarray]:
        rng, n, batch, habits = self.rng, self.n, self.batch, self.habits
        unit = batch["unit"].astype(np.int64)
        finished = batch["end_status"] == FINISHED
        draws = rng.random((n, 3))
        vneid_share = habits.vneid_share(self.day)[unit] * np.where(
            batch["channel"] == 2, 1.0, VNEID_IN_PERSON)
        apology, apology_due, reason = self._letters(unit, finished)
        return {
            "e_result": finished & (draws[:, 0] < habits.e_result[unit]),
            "vneid": draws[:, 1] < vneid_share,
            "same_officer": finished & (draws[:, 2] < habits.same_officer[unit]),
            "apology": apology, "apology_due": apology_due, "apology_reason": reason,
        }

    def _letters(self, unit: np.ndarray,
                 finished: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Up to two letters per late dossier: a diligent unit writes by the due date it will
        miss (and again by the new date when that is missed too); a lax one mostly writes
        none, or after the date."""
        rng, n, slots, due = self.rng, self.n, self.batch["slots"], self.batch["due"]
        rounds = ((slots[:, SUPPLEMENT_1] != ABSENT).astype(np.int64)
                  + (slots[:, SUPPLEMENT_2] != ABSENT))
        missed = due[np.arange(n), rounds]  # the due date in force when it finished
        finish = slots[:, ENDED]
        late = finished & (missed != ABSENT)
        # ABSENT dates become the reception day: the working-day arithmetic needs real days
        due_day = np.where(late, missed // SECONDS_PER_DAY, self.day)
        finish_day = np.where(late, finish // SECONDS_PER_DAY, self.day)
        late &= finish_day > due_day
        draws = rng.random((n, 4))
        writes = late & (draws[:, 0] < self.habits.apology[unit])
        in_time = draws[:, 1] < self.habits.apology_in_time[unit]
        # In time: on the due day or a few working days before, never before the reception
        # or the supplement that set that date.
        earliest = np.maximum(slots[:, RECEIVED], np.maximum(
            slots[:, SUPPLEMENT_1_BACK], slots[:, SUPPLEMENT_2_BACK])) + 1800
        before = self.cal.add_working_days(
            due_day, -rng.integers(0, _LETTER_DAYS_BEFORE_DUE + 1, n))
        timely = np.minimum(np.maximum(self._office_time(before), earliest),
                            due_day * SECONDS_PER_DAY + _DAY_ENDS)
        # After the date: some time between the due day's end and the result.
        due_end = due_day * SECONDS_PER_DAY + _DAY_ENDS
        tardy = due_end + 1 + (draws[:, 2] * np.maximum(finish - 600 - due_end - 1, 0)).astype(
            np.int64)
        first = np.where(in_time, timely, tardy)
        writes &= first < finish - 600
        # A missed new date: the first letter promised a day after the due date and before
        # the result; the second letter is sent that day, promising the result's day or later.
        promised_day = np.maximum(due_day + 1, (first + (finish - first) // 2) // SECONDS_PER_DAY)
        second = writes & in_time & (draws[:, 3] < _SECOND_LETTER_SHARE) & (
            finish - first > _SECOND_LETTER_MIN_DAYS * SECONDS_PER_DAY) & (
            promised_day < finish_day)
        second_at = np.maximum(self._office_time(promised_day), first + 600)
        final_promise = np.maximum(finish, self._office_time(self.cal.add_working_days(
            finish_day, rng.integers(0, 3, n))))
        apology = np.full((n, 2), ABSENT, dtype=np.int64)
        apology_due = np.full((n, 2), ABSENT, dtype=np.int64)
        apology[:, 0] = np.where(writes, first, ABSENT)
        apology_due[:, 0] = np.where(second, promised_day * SECONDS_PER_DAY + 17 * _HOUR,
                                     np.where(writes, final_promise, ABSENT))
        apology[:, 1] = np.where(second, second_at, ABSENT)
        apology_due[:, 1] = np.where(second, final_promise, ABSENT)
        reason = rng.integers(0, len(APOLOGY_REASONS), (n, 2)).astype(np.int8)
        return apology, apology_due, reason

    def _office_time(self, days: np.ndarray) -> np.ndarray:
        offset = self.rng.integers(0, _WORK_SECONDS, self.n)
        return np.asarray(days, dtype=np.int64) * SECONDS_PER_DAY + _office_clock(offset)

"""Each unit's quality of service: punctuality, online share and online payment.

A real province's weekly colour map barely moves: most units are reliably good, a tail is
reliably weak, and a few slip for a couple of weeks and recover. So a unit's habits are a
latent level drawn once from the seed, plus a slowly varying weekly component (slip
episodes), never independent noise per dossier. Calibration and sources: docs/simulator.md,
"Calibration".

Colours are computed on small weekly counts (a commune receives about ten dossiers a week), so
a rate near a colour cut-off flips colour from sampling noise alone. Levels are therefore drawn
inside a band (domain.md's defaults: xanh ≥ .8, vang ≥ .5, cam ≥ .3 for online and payment
shares), and good units sit close to 100 %, where a week of ten dossiers rarely dips below.

Everything here is a pure function of (seed, unit, week): any reception day can be generated
on its own, which keeps generation streaming.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Per-dossier late probability of a good unit: provincial departments are almost always on
# time (99.86 % in the source figures); a good commune or room is as punctual, and a level's
# average comes from its weak tail. At ten to fifty dossiers a week a single late one turns
# a unit from xanh to vàng or cam, so a good unit must be late very rarely to keep its colour.
_GOOD_LATE = 0.0005
_WEAK_SHARE = 0.03  # units (not departments) that are reliably weak on punctuality
_WEAK_LATE = (0.20, 0.35)  # deep in đỏ: their colour rarely moves
# Land-registration branches: 2,217 of 23,031 dossiers late (9.6 %) in the source figures;
# a little worse here, which keeps most districts (their rooms and communes) off the 95 %
# cut-off, near the published district-level rate (91.74 %).
_LAND_LATE = (0.10, 0.16)

# Online share of a unit's dossiers (of procedures with an online service), and online share
# of its fee payments: (share of units, low, high). Band interiors, away from the cut-offs; the
# weak tail mostly deep in đỏ, since a unit in the narrow vàng or cam band flips colour on a
# handful of dossiers.
_ONLINE_BANDS = ((0.95, 0.975, 0.998), (0.015, 0.60, 0.70), (0.01, 0.36, 0.45),
                 (0.025, 0.05, 0.15))
_PAYMENT_BANDS = ((0.93, 0.985, 0.998), (0.02, 0.60, 0.70), (0.01, 0.36, 0.45),
                  (0.04, 0.05, 0.15))

# Slip episodes: in each block of weeks a unit starts one with this probability, lasting a few
# weeks, during which it is late far more often and its online shares fall.
_BLOCK_WEEKS = 8
_EPISODE_PER_BLOCK = 0.05
_EPISODE_WEEKS = (1, 4)  # low inclusive, high exclusive
_EPISODE_LATE = (0.06, 0.20)
_EPISODE_SHORTFALL = 2.0  # (1 − share) grows this much during an episode
MAX_SHARE = 0.998  # even the best unit takes an odd dossier at the desk


@dataclass(frozen=True)
class UnitQuality:
    """Per-unit latent levels; ``for_week`` adds the weekly component."""

    seed: int
    late: np.ndarray  # probability that a dossier finishes late
    online: np.ndarray  # online propensity: times the procedure's ONLINE_WEIGHT, capped below 1
    pays_online: np.ndarray  # probability that a fee is paid online
    gateway: np.ndarray  # DuocThanhToanTrucTuyen of its online payments: 1 national, 2 province

    def for_week(self, week: int) -> UnitQuality:
        """The levels in force in ``week`` (weeks from Friday to Thursday: ``report_week``)."""
        slipping = slip_episodes(self.seed, len(self.late), week)
        episode_late = _draw_episode_late(self.seed, len(self.late), week)
        return UnitQuality(
            self.seed,
            late=np.where(slipping, np.maximum(self.late, episode_late), self.late),
            online=_with_shortfall(self.online, slipping),
            pays_online=_with_shortfall(self.pays_online, slipping),
            gateway=self.gateway)


def draw_unit_quality(seed: int, levels: list[str], land_branch: np.ndarray,
                      capable_share: np.ndarray) -> UnitQuality:
    """Latent levels of every unit. ``capable_share``: the expected share of a unit's dossiers
    whose procedure has an online service; the online level is set so that the unit's whole
    online share lands in its band where that is possible."""
    rng = np.random.default_rng([seed, 4])
    count = len(levels)
    good_late = _GOOD_LATE * rng.lognormal(0, 0.5, count)
    weak = (rng.random(count) < _WEAK_SHARE) & (np.array(levels) != "so")
    late = np.select([land_branch, weak],
                     [rng.uniform(*_LAND_LATE, count), rng.uniform(*_WEAK_LATE, count)],
                     good_late)
    online_share = _band_draw(rng, _ONLINE_BANDS, count)
    online = np.clip(online_share / np.maximum(capable_share, 0.05), 0.0, 1.05)
    pays_online = _band_draw(rng, _PAYMENT_BANDS, count)
    gateway = np.where(rng.random(count) < 0.7, 1, 2).astype(np.int8)
    return UnitQuality(seed, late, online, pays_online, gateway)


def report_week(day: int | np.ndarray) -> int | np.ndarray:
    """Week number of a local day number, weeks starting on Friday as Directive 04's do
    (day 1, 1970-01-02, was a Friday)."""
    return (day - 1) // 7


def slip_episodes(seed: int, unit_count: int, week: int) -> np.ndarray:
    """Which units are in a slip episode in ``week``: one that started in this block of weeks
    or ran over from the previous one."""
    slipping = np.zeros(unit_count, dtype=bool)
    block = week // _BLOCK_WEEKS
    for episode_block in (block - 1, block):
        starts, lengths, happens = _block_episodes(seed, unit_count, episode_block)
        first = episode_block * _BLOCK_WEEKS + starts
        slipping |= happens & (first <= week) & (week < first + lengths)
    return slipping


def _block_episodes(seed: int, unit_count: int,
                    block: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng([seed, 5, block + 2**31])  # blocks before 1970 stay valid
    happens = rng.random(unit_count) < _EPISODE_PER_BLOCK
    starts = rng.integers(0, _BLOCK_WEEKS, unit_count)
    lengths = rng.integers(*_EPISODE_WEEKS, unit_count)
    return starts, lengths, happens


def _draw_episode_late(seed: int, unit_count: int, week: int) -> np.ndarray:
    return np.random.default_rng([seed, 6, week + 2**31]).uniform(*_EPISODE_LATE, unit_count)


def _with_shortfall(share: np.ndarray, slipping: np.ndarray) -> np.ndarray:
    shortfall = np.maximum(1.0 - share, 1.0 - MAX_SHARE) * _EPISODE_SHORTFALL
    return np.where(slipping, np.maximum(0.0, 1.0 - shortfall), share)


def _band_draw(rng: np.random.Generator, bands: tuple[tuple[float, float, float], ...],
               count: int) -> np.ndarray:
    """A level per unit: a band picked by its share of units, then uniform inside it."""
    shares = np.array([share for share, _, _ in bands])
    band = rng.choice(len(bands), count, p=shares / shares.sum())
    low = np.array([low for _, low, _ in bands])[band]
    high = np.array([high for _, _, high in bands])[band]
    return rng.uniform(low, high)


# -- the scorecard fields and the one-stop compliance habits (scorecards.md) ----------------
# Drawn from their own streams ([seed, 7] per unit, [seed, 8] per procedure, [seed, 9, day]
# per dossier), so every value generated before these fields existed stays the same.
_E_RESULT_SHARE = (0.20, 0.95)  # finished dossiers with an electronic result, per unit
_VNEID_START = (0.05, 0.50)  # share of VNeID-authenticated applicants on _VNEID_EPOCH
_VNEID_GROWTH = (0.10, 0.35)  # added per year as VNeID spreads
_VNEID_EPOCH_DAY = 19723  # 2024-01-01: VNeID level 2 accounts became the national login
VNEID_IN_PERSON = 0.6  # at the desk fewer applicants sign in with VNeID than online
_APOLOGY_LAX_SHARE = 0.08  # units that rarely send the apology letter a late result needs
_APOLOGY_RATE = ((0.85, 0.97), (0.10, 0.30))  # late dossiers with a letter: diligent, lax
_APOLOGY_IN_TIME = (0.97, 0.30)  # of those letters, dated by the missed due date
_SAME_OFFICER_SHARE = 0.05  # units where the reception officer often resolves too
_SAME_OFFICER_RATE = (0.30, 0.70)


@dataclass(frozen=True)
class UnitCompliance:
    """Per-unit habits behind the scorecard fields and the compliance flags."""

    e_result: np.ndarray  # probability that a finished dossier has an electronic result
    vneid_start: np.ndarray  # VNeID share on _VNEID_EPOCH_DAY
    vneid_growth: np.ndarray  # per year
    apology: np.ndarray  # probability that a late dossier gets an apology letter
    apology_in_time: np.ndarray  # probability that the letter is dated by the missed due date
    same_officer: np.ndarray  # probability that the reception officer also resolves

    def vneid_share(self, day: int) -> np.ndarray:
        """The share of applicants authenticated with VNeID on local day number ``day``."""
        years = (day - _VNEID_EPOCH_DAY) / 365.25
        return np.clip(self.vneid_start + self.vneid_growth * years, 0.01, 0.97)


def draw_unit_compliance(seed: int, count: int) -> UnitCompliance:
    rng = np.random.default_rng([seed, 7])
    lax = rng.random(count) < _APOLOGY_LAX_SHARE
    diligent_rate, lax_rate = (rng.uniform(low, high, count) for low, high in _APOLOGY_RATE)
    same_officer = np.where(rng.random(count) < _SAME_OFFICER_SHARE,
                            rng.uniform(*_SAME_OFFICER_RATE, count), 0.0)
    return UnitCompliance(
        e_result=rng.uniform(*_E_RESULT_SHARE, count),
        vneid_start=rng.uniform(*_VNEID_START, count),
        vneid_growth=rng.uniform(*_VNEID_GROWTH, count),
        apology=np.where(lax, lax_rate, diligent_rate),
        apology_in_time=np.where(lax, _APOLOGY_IN_TIME[1], _APOLOGY_IN_TIME[0]),
        same_officer=same_officer)

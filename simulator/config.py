"""The simulator's configuration: what to serve, the clock, and the fault rates."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path

from simulator.catalogue import province_area_code


@dataclass(frozen=True)
class FaultRates:
    """Per-request fault probabilities (mutually exclusive, so their sum must be at most 1)."""

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_error_code: float = 0.0
    rate_slow: float = 0.0
    rate_drop: float = 0.0
    rate_duplicate: float = 0.0
    retry_after: int = 1
    slow_seconds: float = 5.0
    seed: int = 0

    def __post_init__(self) -> None:
        rates = [getattr(self, f.name) for f in fields(self) if f.name.startswith("rate_")]
        if any(not 0.0 <= rate <= 1.0 for rate in rates):
            raise ValueError("fault rates must be fractions between 0 and 1")
        if sum(rates) > 1.0 + 1e-9:
            raise ValueError(f"fault rates add up to {sum(rates):g}; at most 1 is possible")
        if self.retry_after < 0 or self.slow_seconds < 0:
            raise ValueError("retry_after and slow_seconds must not be negative")


@dataclass(frozen=True)
class SimulatorConfig:
    """What one simulator process serves.

    ``now`` is the clock (tz-aware, Asia/Ho_Chi_Minh); None follows the real time, live.
    With ``scenario_dir`` set the simulator serves that folder's JSON Lines files instead of
    a generated province, and ``seed``, ``scale``, ``start``, ``end``, ``rate_quirks``,
    ``province_code`` and ``reorganise_on`` are unused.
    """

    token: str
    seed: int = 2022
    scale: int = 2000
    start: date = date(2022, 3, 1)
    end: date = date(2022, 7, 1)
    now: datetime | None = None
    scenario_dir: Path | None = None
    faults: FaultRates = field(default_factory=FaultRates)
    rate_quirks: float = 0.0
    province_code: str = "H49"  # the suffix of unit codes, hence of MaHoSo and references
    reorganise_on: date | None = None  # districts abolished, communes merged: see Reorganisation

    def __post_init__(self) -> None:
        if not self.token:
            raise ValueError("a bearer token is required")
        if self.scale < 0:
            raise ValueError("scale must not be negative")
        if self.start >= self.end:
            raise ValueError("start must be before end")
        if self.now is not None and self.now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if not 0.0 <= self.rate_quirks <= 1.0:
            raise ValueError("rate_quirks must be a fraction between 0 and 1")
        province_area_code(self.province_code)  # raises on a malformed code
        if self.reorganise_on is not None and not self.start < self.reorganise_on < self.end:
            raise ValueError("reorganise_on must fall after start and before end")

"""Faults on demand: each authenticated list request may fail one way, at configured rates."""

from __future__ import annotations

import random
import threading
from collections import Counter

from simulator.config import FaultRates

KINDS = ("429", "5xx", "error_code", "slow", "drop", "duplicate")
SERVER_ERRORS = (500, 502, 503)
ERROR_CODES = (("-1", "Lỗi hệ thống, vui lòng thử lại sau"),
               ("E500", "Không kết nối được cơ sở dữ liệu"),
               ("99", "Hệ thống đang bảo trì"))


class FaultInjector:
    """Draws at most one fault per request from an RNG seeded by ``rates.seed``.

    The kinds share one uniform draw (disjoint intervals of [0, 1)), so each happens at
    exactly its configured rate and never two at once. ``counts()`` tells how many of each
    kind were drawn so far, so a test can show that the faults it asked for really happened.
    """

    def __init__(self, rates: FaultRates) -> None:
        self.rates = rates
        self._rng = random.Random(rates.seed)
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._thresholds = []
        total = 0.0
        for kind in KINDS:
            total += getattr(rates, f"rate_{kind}")
            self._thresholds.append((total, kind))

    def draw(self) -> tuple[str | None, int]:
        """The fault for the next request (or None) and a second draw to pick its variant."""
        with self._lock:
            value, variant = self._rng.random(), self._rng.randrange(1 << 30)
            kind = next((kind for threshold, kind in self._thresholds if value < threshold), None)
            self._counts[kind or "none"] += 1
        return kind, variant

    def counts(self) -> dict[str, int]:
        """Requests drawn so far per fault kind ("none": served normally)."""
        with self._lock:
            return dict(self._counts)

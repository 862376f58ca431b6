"""The 2025-style reorganisation the generated province can play on one date (issue 14).

At 00:00 local on the date the districts are abolished, the communes of each district merge in
groups of two or three into the first of the group, the survivors move under the province,
and one department absorbs another. Rules and reasons: docs/simulator.md, "Reorganisation".

The result is a map from every unit to the unit in force after the date (itself when it
survives), which the dossier generator applies to new dossiers and to the transfer of pending
ones, and the catalogue versions that announce the change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.timestamps import SECONDS_PER_DAY, format_timestamp

# Sở Kế hoạch và Đầu tư merged into Sở Tài chính, as the real provinces' did in March 2025.
ABSORBED_DEPARTMENT, ABSORBING_DEPARTMENT = "khdt", "taichinh"
ANNOUNCED_AT = 8 * 3600  # the new catalogue versions are published at 08:00 on the date


@dataclass(frozen=True)
class Reorganisation:
    """What changes at ``moment`` (local seconds, 00:00 of the date)."""

    moment: int
    in_force: np.ndarray  # unit index -> the unit that handles its work after the moment
    dissolved: frozenset[int]  # units whose validity ends at the moment
    successor: dict[int, int]  # MaDonViKeThua of dissolved units that have one
    reparented: frozenset[int]  # surviving communes moved under the province

    @property
    def day(self) -> int:
        return self.moment // SECONDS_PER_DAY

    @property
    def announced(self) -> str:
        """NgayCapNhat of every catalogue version the reorganisation creates."""
        return format_timestamp(self.moment + ANNOUNCED_AT)

    def transferred(self, unit: np.ndarray, pending: np.ndarray) -> np.ndarray:
        """The handling unit after the moment of dossiers still ``pending`` at it."""
        return np.where(pending, self.in_force[unit], unit)


def commune_groups(communes: list[int]) -> list[list[int]]:
    """Consecutive communes in groups of three, or two where three do not divide them."""
    count = len(communes)
    if count < 4:
        return [communes] if count else []
    pairs = {0: 0, 1: 2, 2: 1}[count % 3]  # 3k+1 = 3(k-1) + 2 + 2, 3k+2 = 3k + 2
    sizes = [3] * ((count - 2 * pairs) // 3) + [2] * pairs
    groups, first = [], 0
    for size in sizes:
        groups.append(communes[first:first + size])
        first += size
    return groups


def plan(units: list, department_unit: dict[str, int], room_unit: np.ndarray,
         day: int) -> Reorganisation:
    """The reorganisation of ``units`` (catalogue.Unit) at 00:00 of local day ``day``."""
    in_force = np.arange(len(units), dtype=np.int32)
    successor: dict[int, int] = {}
    reparented: set[int] = set()
    for district in range(room_unit.shape[0]):
        communes = [index for index, unit in enumerate(units)
                    if unit.level == "xa" and unit.active and unit.district == district]
        for group in commune_groups(communes):
            reparented.add(group[0])
            for merged in group[1:]:
                successor[merged] = group[0]
        # The district seat (its first commune) takes over the district rooms' procedures.
        for room in room_unit[district]:
            successor[int(room)] = communes[0]
    successor[department_unit[ABSORBED_DEPARTMENT]] = department_unit[ABSORBING_DEPARTMENT]
    for merged, survivor in successor.items():
        in_force[merged] = survivor
    districts = {index for index, unit in enumerate(units) if unit.level == "huyen"}
    return Reorganisation(day * SECONDS_PER_DAY, in_force, frozenset(successor) | districts,
                          successor, frozenset(reparented))

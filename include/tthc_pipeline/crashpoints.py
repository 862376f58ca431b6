"""Named points where a test can make the pipeline die, to prove that every retry resumes.

Each point stands between two commits of a task, or inside a transaction just before its
commit. ``TTHC_CRASH_AT`` names the points to crash at, comma-separated, each either a point
(``load.after_commit``) or a point for one entity (``load.after_commit:ho_so``);
``TTHC_CRASH_ONCE_DIR`` is a folder where the first process to reach a point leaves a marker
before raising ``InjectedCrash``, so the retry goes through, as after a worker that died. Unset
(always, in production) a point costs one environment lookup.
"""

from __future__ import annotations

import os
from pathlib import Path

CRASH_AT = "TTHC_CRASH_AT"
CRASH_ONCE_DIR = "TTHC_CRASH_ONCE_DIR"


class InjectedCrash(RuntimeError):
    """A crash a test asked for at a named point."""


def crash_point(name: str, entity: str | None = None) -> None:
    """Die here once if the environment asks for this point (or this point for ``entity``)."""
    wanted = os.environ.get(CRASH_AT)
    if not wanted:
        return
    points = {point.strip() for point in wanted.split(",")}
    for point in (name, f"{name}:{entity}" if entity else None):
        if point in points:
            marker = Path(os.environ[CRASH_ONCE_DIR]) / point
            try:
                marker.touch(exist_ok=False)
            except FileExistsError:
                continue
            raise InjectedCrash(f"injected crash at {point}")

"""Scenario folders: hand-made records served verbatim, apart from the clock's cut.

A folder holds ``don_vi.jsonl``, ``thu_tuc.jsonl``, ``ho_so.jsonl`` and ``giao_dich.jsonl``
(any may be absent), one JSON object per line, each record in its final state with its whole
history. Values are never checked nor fixed: bad dates, negative amounts, unknown codes and NFD
text reach the client as written, and each record keeps its key order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from simulator.clock import ENTITIES, INCREMENTAL, first_time
from simulator.sources import Page, Position, RecordList, Window


class ScenarioError(ValueError):
    """A scenario folder the simulator cannot serve (the message names file and line)."""


class ScenarioData:
    def __init__(self, folder: Path | str) -> None:
        folder = Path(folder)
        if not folder.is_dir():
            raise ScenarioError(f"scenario folder {folder} does not exist")
        self.lists = {entity: RecordList(entity, _load(folder / f"{entity}.jsonl", entity))
                      for entity in ENTITIES}

    def records(self, entity: str) -> Iterator[dict]:
        return iter(self.lists[entity].records)

    def position_size(self, entity: str) -> int:
        return 1

    def page(self, entity: str, window: Window | None, t: int, after: Position | None,
             limit: int) -> Page:
        return self.lists[entity].page(window, t, after, limit)

    def record_at(self, entity: str, position: Position, window: Window | None,
                  t: int) -> bytes | None:
        return self.lists[entity].record_at(position, window, t)


def _load(path: Path, entity: str) -> list[dict]:
    if not path.exists():
        return []
    records = []
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = _parse(line, path, number)
            if entity in INCREMENTAL and first_time(record, entity) is None:
                raise ScenarioError(
                    f"{path}:{number}: no parseable yyyyMMddHHmmss timestamp, so the clock "
                    f"cannot tell when this {entity} record exists")
            records.append(record)
    return records


def _parse(line: bytes, path: Path, number: int) -> dict:
    """One JSON object, exactly: the standard library keeps integers beyond 64 bits (orjson
    would turn them into floats); NaN and Infinity are not JSON."""
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    try:
        record = json.loads(line, parse_constant=refuse)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ScenarioError(f"{path}:{number}: not valid JSON: {error}") from None
    if not isinstance(record, dict):
        raise ScenarioError(f"{path}:{number}: expected a JSON object, got "
                            f"{type(record).__name__}")
    return record

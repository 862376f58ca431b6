"""Helpers for the simulator's tests: configurations, a paging client, scenario folders."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import requests

from simulator import RunningSimulator, SimulatorConfig
from simulator.timestamps import TZ

TOKEN = "test-token"
START, END = date(2023, 1, 2), date(2023, 3, 1)  # covers Tết 2023 (20-26 January)
NOW = datetime(2023, 3, 20, tzinfo=TZ)
# A small province with real-world quirks in a fifth of its records.
SMALL = SimulatorConfig(token=TOKEN, seed=11, scale=900, start=START, end=END, now=NOW,
                        rate_quirks=0.2)


def local(text: str) -> datetime:
    """A yyyyMMddHHmmss local time as a tz-aware datetime."""
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=TZ)


def text(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%Y%m%d%H%M%S")


class Client:
    """A bearer-authenticated session on one simulator."""

    def __init__(self, simulator: RunningSimulator, token: str = TOKEN) -> None:
        self.url = simulator.url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params: object) -> requests.Response:
        return self.session.get(f"{self.url}/api/v1/{path}", params=params, timeout=30)

    def pages(self, path: str, **params: object) -> list[bytes]:
        """Every page's raw body, following next_cursor."""
        bodies, cursor = [], None
        while True:
            response = self.get(path, **params, **({"cursor": cursor} if cursor else {}))
            assert response.status_code == 200, response.text
            bodies.append(response.content)
            cursor = response.json()["next_cursor"]
            if cursor is None:
                return bodies

    def all(self, path: str, **params: object) -> list[dict]:
        """Every record of a window (or catalogue), all pages together."""
        pages = self.pages(path, **params)
        return [record for body in pages for record in json.loads(body)["data"]]


def write_scenario(folder: Path, **entities: list[dict | str]) -> Path:
    """A scenario folder: one JSON Lines file per entity (a str is written as a raw line)."""
    folder.mkdir(parents=True, exist_ok=True)
    for entity, records in entities.items():
        lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
        (folder / f"{entity}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder

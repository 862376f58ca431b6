"""Paging returns every record of a window once, windows partition the data, answers are
deterministic. Expected results come from the pure path (final records + the clock), built
from a fresh Province: nothing is shared with the server but the configuration."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import orjson
import pytest
from simkit import NOW, SMALL, Client, local, text

from simulator import Province, RunningSimulator, catalogue_records, window_records

pytestmark = pytest.mark.simulator

PATHS = {"ho_so": "ho-so", "giao_dich": "giao-dich"}
KEYS = {"ho_so": "MaHoSo", "giao_dich": "MaThamChieu"}


@pytest.fixture(scope="module")
def reference() -> Province:
    return Province(SMALL.seed, SMALL.scale, SMALL.start, SMALL.end, SMALL.rate_quirks)


@pytest.mark.parametrize("entity", ["ho_so", "giao_dich"])
@pytest.mark.parametrize(("start", "end"), [("20230101000000", "20230320000000"),
                                            ("20230115083000", "20230206170000"),
                                            ("20230301000000", "20230401000000")])
def test_paging_returns_every_record_of_a_window_exactly_once(
        client: Client, reference: Province, entity: str, start: str, end: str) -> None:
    expected = window_records(reference, entity, local(start), local(end), NOW)
    assert expected, "the window should not be empty"
    for limit in (1, 37, 5000):
        served = client.all(PATHS[entity], cap_nhat_tu=start, cap_nhat_den=end, limit=limit)
        assert served == expected
        keys = [record[KEYS[entity]] for record in served]
        assert len(keys) == len(set(keys))


@pytest.mark.parametrize(("path", "entity"), [("don-vi", "don_vi"), ("thu-tuc", "thu_tuc")])
def test_catalogue_pages_return_every_record_once(client: Client, reference: Province,
                                                  path: str, entity: str) -> None:
    expected = catalogue_records(reference, entity, NOW)
    assert client.all(path, limit=13) == expected
    assert client.all(path) == expected


def _windows(client: Client, path: str, cuts: list[str]) -> list[list[dict]]:
    return [client.all(path, cap_nhat_tu=tu, cap_nhat_den=den, limit=200)
            for tu, den in zip(cuts, cuts[1:], strict=False)]


@pytest.mark.parametrize("entity", ["ho_so", "giao_dich"])
def test_consecutive_windows_partition_the_data(client: Client, entity: str) -> None:
    path, key = PATHS[entity], KEYS[entity]
    first, last = local("20221225000000"), NOW
    days = [text(first + timedelta(days=n)) for n in range((last - first).days + 1)]
    daily = _windows(client, path, days)
    whole = {record[key]: record for record in client.all(path, cap_nhat_tu=days[0],
                                                         cap_nhat_den=days[-1])}
    latest: dict[str, dict] = {}
    updates = set()
    for (tu, den), records in zip(zip(days, days[1:], strict=False), daily, strict=True):
        keys = [record[key] for record in records]
        assert len(keys) == len(set(keys)), "a record twice in one window"
        for record in records:
            assert tu <= record["NgayCapNhat"] < den
            assert (record[key], record["NgayCapNhat"]) not in updates, "one update, two windows"
            updates.add((record[key], record["NgayCapNhat"]))
            latest[record[key]] = record
    assert latest == whole  # the union is the whole, each record's last state its final one
    uneven = _windows(client, path, [days[0], "20230117093000", "20230209235959", days[-1]])
    assert {record[key]: record for records in uneven for record in records} == whole


def test_same_seed_gives_byte_identical_answers_and_another_seed_differs(
        simulator_factory, small_simulator: RunningSimulator) -> None:
    twin = Client(simulator_factory(SMALL))
    other = Client(simulator_factory(replace(SMALL, seed=SMALL.seed + 1)))
    original = Client(small_simulator)
    requests = [("don-vi", {"limit": 100}), ("thu-tuc", {"limit": 100}),
                ("ho-so", {"cap_nhat_tu": "20230110000000", "cap_nhat_den": "20230201000000",
                           "limit": 50}),
                ("giao-dich", {"cap_nhat_tu": "20230110000000",
                               "cap_nhat_den": "20230201000000", "limit": 50})]
    for path, params in requests:
        pages = original.pages(path, **params)
        assert len(pages) > 1
        assert twin.pages(path, **params) == pages
        if path in ("ho-so", "giao-dich"):
            assert other.pages(path, **params) != pages
    # Stable, explicit key order: what a client sees does not depend on dict internals.
    body = json.loads(pages[0])
    assert orjson.dumps(body) == pages[0]

"""Faults appear at their configured rates, and a client that retries still gets every record
of a window exactly once."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
import requests
from simkit import NOW, SMALL, Client, local

from simulator import FaultRates, Province, window_records

pytestmark = pytest.mark.simulator

RATE = 0.08
REQUESTS = 400
CLIENT_TIMEOUT = 0.2
FAULTS = FaultRates(rate_429=RATE, rate_5xx=RATE, rate_error_code=RATE, rate_slow=RATE,
                    rate_drop=RATE, rate_duplicate=RATE, retry_after=7, slow_seconds=0.5,
                    seed=3)
WINDOW = {"cap_nhat_tu": "20230101000000", "cap_nhat_den": "20230301000000"}


def _classify(client: Client, params: dict, previous_last: dict,
              second_page: list[dict]) -> str:
    try:
        response = client.session.get(f"{client.url}/api/v1/ho-so", params=params,
                                      timeout=CLIENT_TIMEOUT)
    except requests.Timeout:
        return "slow"
    except requests.ConnectionError:
        return "drop"
    if response.status_code == 429:
        assert response.headers["Retry-After"] == "7"
        return "429"
    if response.status_code in (500, 502, 503):
        return "5xx"
    body = response.json()
    assert response.status_code == 200
    if body["error_code"] != "0":
        assert "data" not in body and body["message"]
        return "error_code"
    if body["data"][0] == previous_last:
        assert body["data"][1:] == second_page
        return "duplicate"
    assert body["data"] == second_page
    return "none"


def test_each_fault_kind_appears_at_its_rate(simulator_factory) -> None:
    clean = Client(simulator_factory(SMALL))
    first = clean.get("ho-so", limit=5, **WINDOW).json()
    second = clean.get("ho-so", limit=5, cursor=first["next_cursor"], **WINDOW).json()
    faulty = Client(simulator_factory(replace(SMALL, faults=FAULTS)))
    params = {"limit": 5, "cursor": first["next_cursor"], **WINDOW}
    kinds = Counter(_classify(faulty, params, first["data"][-1], second["data"])
                    for _ in range(REQUESTS))
    expected = RATE * REQUESTS  # 32; the binomial standard deviation is about 5.4
    for kind in ("429", "5xx", "error_code", "slow", "drop", "duplicate"):
        assert expected - 16 <= kinds[kind] <= expected + 16, kinds
    assert kinds["none"] >= REQUESTS * (1 - 6 * RATE) - 30, kinds
    assert requests.get(f"{faulty.url}/api/v1/health", timeout=5).status_code == 200


def test_a_retrying_client_gets_every_record_once(simulator_factory) -> None:
    faults = replace(FAULTS, rate_429=0.05, rate_5xx=0.05, rate_error_code=0.05,
                     rate_slow=0.03, rate_drop=0.05, rate_duplicate=0.15, slow_seconds=0.3)
    client = Client(simulator_factory(replace(SMALL, faults=faults)))
    served, cursor, faulted = [], None, 0
    while True:
        params = {"limit": 40, **WINDOW, **({"cursor": cursor} if cursor else {})}
        try:
            response = client.session.get(f"{client.url}/api/v1/ho-so", params=params,
                                          timeout=CLIENT_TIMEOUT)
            body = response.json() if response.status_code == 200 else {"error_code": "http"}
        except requests.RequestException:
            body = {"error_code": "transport"}
        if body["error_code"] != "0":
            faulted += 1
            continue  # the same cursor again: a faulted request moves nothing forward
        data = body["data"]
        if served and data and data[0] == served[-1]:
            data = data[1:]  # the previous page's last record, repeated
        served += data
        cursor = body["next_cursor"]
        if cursor is None:
            break
    reference = Province(SMALL.seed, SMALL.scale, SMALL.start, SMALL.end, SMALL.rate_quirks)
    assert served == window_records(reference, "ho_so", local(WINDOW["cap_nhat_tu"]),
                                    local(WINDOW["cap_nhat_den"]), NOW)
    assert faulted > 0

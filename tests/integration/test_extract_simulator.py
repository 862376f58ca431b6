"""Extraction into raw over real HTTP from the simulator, with and without the sources' faults."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg import sql

from simulator import FaultRates, RunningSimulator, SimulatorConfig, start_simulator
from tthc_pipeline.extract.client import SourceClient, SourceError
from tthc_pipeline.extract.extract import client_from_uri, extract_to_raw
from tthc_pipeline.extract.landing import LandedBatch

pytestmark = pytest.mark.integration

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TOKEN = "tthc:t@k/en"  # needs percent-encoding in a connection URI
WINDOW = (datetime(2026, 3, 2, tzinfo=VN), datetime(2026, 3, 16, tzinfo=VN))
NATURAL_KEYS = {"ho_so": "MaHoSo", "giao_dich": "MaThamChieu", "don_vi": "MaDinhDanh"}
# Every failure kind at 10 %; slow answers take 1.5 s, three times the test client's timeout.
FAILURES = {"rate_429": 0.1, "rate_5xx": 0.1, "rate_error_code": 0.1, "rate_slow": 0.1,
            "rate_drop": 0.1, "retry_after": 1, "slow_seconds": 1.5, "seed": 11}
RETRY_REASONS = ("HTTP 429", "HTTP 50", "error_code", "no answer within the timeout",
                 "connection failed")


def simulator(faults: FaultRates | None = None) -> RunningSimulator:
    return start_simulator(SimulatorConfig(
        token=TOKEN, seed=7, scale=300, start=date(2026, 3, 2), end=date(2026, 3, 16),
        now=datetime(2026, 3, 16, 12, tzinfo=VN), faults=faults or FaultRates()))


def connection_uri(sim: RunningSimulator, token: str = TOKEN) -> str:
    return f"http://:{quote(token, safe='')}@{sim.host}:{sim.port}"


def fast_client(sim: RunningSimulator, sleeps: list[float], **options) -> SourceClient:
    """A client with short timeouts and small pages (many requests for faults to hit)."""
    options = {"timeout": (2, 0.5), "backoff_base": 0.01, "max_attempts": 10,
               "page_limit": 10, **options}
    return SourceClient(sim.url, TOKEN, sleep=sleeps.append, **options)


def landed_by_key(conninfo: str, batch: LandedBatch) -> dict[str, list[dict]]:
    """The batch's raw records grouped by natural key, every copy kept."""
    query = sql.SQL("select record from raw.{} where batch_id = %s").format(
        sql.Identifier(batch.entity))
    grouped: dict[str, list[dict]] = defaultdict(list)
    with psycopg.connect(conninfo) as conn:
        for (record,) in conn.execute(query, (batch.batch_id,)):
            grouped[record[NATURAL_KEYS[batch.entity]]].append(record)
    return grouped


def count_batches(conninfo: str) -> tuple[int, int]:
    with psycopg.connect(conninfo) as conn:
        (batches,) = conn.execute("select count(*) from meta.load_batch").fetchone()
        (rows,) = conn.execute("select count(*) from raw.ho_so").fetchone()
    return batches, rows


@pytest.mark.parametrize("entity", ["ho_so", "giao_dich"])
@pytest.mark.parametrize("rate_duplicate", [0.0, 0.2], ids=["retries", "retries+duplicates"])
def test_faults_lose_no_record_of_the_window(warehouse, caplog, entity, rate_duplicate):
    with simulator() as sim:
        clean = extract_to_raw(fast_client(sim, []), warehouse, entity, *WINDOW)
    sleeps: list[float] = []
    faults = FaultRates(rate_duplicate=rate_duplicate, **FAILURES)
    with simulator(faults) as sim, caplog.at_level(logging.WARNING):
        faulty = extract_to_raw(fast_client(sim, sleeps), warehouse, entity, *WINDOW)

    expected, landed = landed_by_key(warehouse, clean), landed_by_key(warehouse, faulty)
    assert len(expected) == clean.n_received > 100  # the fault-free run has no copies
    assert landed.keys() == expected.keys()
    assert all(landed[key][0] == records[0] for key, records in expected.items())
    copies = faulty.n_received - len(landed)
    if rate_duplicate:
        assert copies > 0
        assert all(copy == records[0] for records in landed.values() for copy in records)
    else:
        assert copies == 0  # a retried page is never landed twice
    assert [reason for reason in RETRY_REASONS if reason not in caplog.text] == []
    assert 1.0 in sleeps  # the simulator's Retry-After
    assert TOKEN not in caplog.text


def test_a_source_that_keeps_failing_raises_and_lands_nothing(warehouse):
    sleeps: list[float] = []
    with simulator(FaultRates(rate_5xx=1.0)) as sim, pytest.raises(SourceError) as caught:
        extract_to_raw(fast_client(sim, sleeps, max_attempts=3), warehouse, "ho_so", *WINDOW)
    message = str(caught.value)
    assert message.startswith(
        f"GET {sim.url}/api/v1/ho-so (window [20260302000000, 20260316000000)) page 1:"
        " gave up after 3 attempts; last failure: HTTP 50")
    assert TOKEN not in message and len(sleeps) == 2
    assert count_batches(warehouse) == (0, 0)


def test_a_failure_after_some_pages_lands_nothing(warehouse):
    # With this fault seed the first failure comes after several pages were streamed into COPY.
    faults = FaultRates(rate_5xx=0.2, seed=5)
    with simulator(faults) as sim, pytest.raises(SourceError) as caught:
        extract_to_raw(fast_client(sim, [], max_attempts=1), warehouse, "ho_so", *WINDOW)
    assert " page 1:" not in str(caught.value)
    assert count_batches(warehouse) == (0, 0)


def test_a_wrong_token_fails_at_once_with_401(warehouse):
    sleeps: list[float] = []
    with simulator() as sim, pytest.raises(SourceError) as caught:
        client = client_from_uri(connection_uri(sim, "not-the-token"), sleep=sleeps.append)
        extract_to_raw(client, warehouse, "ho_so", *WINDOW)
    assert "/api/v1/ho-so answered HTTP 401 (not retried): the token was refused" in str(
        caught.value)
    assert "not-the-token" not in str(caught.value)
    assert sleeps == [] and count_batches(warehouse) == (0, 0)


def test_catalogues_land_whole_whatever_the_window(warehouse):
    first_day = (WINDOW[0], WINDOW[0] + timedelta(days=1))
    with simulator() as sim:
        client = client_from_uri(connection_uri(sim))
        day = extract_to_raw(client, warehouse, "don_vi", *first_day, dag_id="d", run_id="r")
        fortnight = extract_to_raw(client, warehouse, "don_vi", *WINDOW)
    units = landed_by_key(warehouse, day)
    assert len(units) == day.n_received > 0
    assert units == landed_by_key(warehouse, fortnight)
    with psycopg.connect(warehouse) as conn:
        assert conn.execute(
            "select window_start, window_end, dag_id, run_id from meta.load_batch"
            " where batch_id = %s", (day.batch_id,)).fetchone() == (*first_day, "d", "r")

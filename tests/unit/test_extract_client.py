"""The source client's paging and retry decisions, against a scripted HTTP server on loopback."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import orjson
import pytest

from tthc_pipeline.errors import PermanentError
from tthc_pipeline.extract.client import (
    MalformedPageError,
    RepeatedCursorError,
    SourceClient,
    SourceContractError,
    SourceError,
    TooManyPagesError,
    parse_retry_after,
    source_timestamp,
    window_params,
)
from tthc_pipeline.extract.extract import client_from_uri

pytestmark = pytest.mark.unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TOKEN = "s3cret-token"
DAY = (datetime(2026, 3, 2, tzinfo=VN), datetime(2026, 3, 3, tzinfo=VN))


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    drop: bool = False  # close the connection without answering
    truncate: bool = False  # promise more bytes than sent, then close


def page(data: list, next_cursor: str | None = None, error_code: str = "0") -> Reply:
    envelope = {"error_code": error_code, "message": "OK" if error_code == "0" else "Lỗi hệ thống",
                "data": data, "next_cursor": next_cursor}
    return Reply(body=orjson.dumps(envelope))


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    authorization: str | None


class ScriptedServer(ThreadingHTTPServer):
    """Answers each request with the next scripted reply and records what it was asked."""

    daemon_threads = True

    def __init__(self, replies: list[Reply]) -> None:
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)
        self.replies = deque(replies)
        self.seen: list[Seen] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:
        pass  # a client that timed out and hung up is part of the script, not a test failure


class _ScriptedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real systems
    server: ScriptedServer

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.server.seen.append(
            Seen(url.path, dict(parse_qsl(url.query)), self.headers.get("Authorization"))
        )
        reply = self.server.replies.popleft() if self.server.replies else Reply(status=599)
        time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply.body) + (100 if reply.truncate else 0)))
        self.end_headers()
        self.wfile.write(reply.body)
        self.close_connection = reply.truncate

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator:
    servers: list[ScriptedServer] = []

    def start(*replies: Reply) -> ScriptedServer:
        server = ScriptedServer(list(replies))
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def make_client(server: ScriptedServer, sleeps: list[float] | None = None,
                **options) -> SourceClient:
    sleep = sleeps.append if sleeps is not None else lambda _: None
    options.setdefault("rng", random.Random(7))
    return SourceClient(server.url, TOKEN, sleep=sleep, **options)


def test_pages_follow_the_cursor_with_the_bearer_token(serve):
    server = serve(page([{"MaHoSo": "A"}], "c2"), page([{"MaHoSo": "B"}], "c3"), page([]))
    pages = list(make_client(server, page_limit=2).iter_pages("/api/v1/ho-so", {"x": "1"}))
    assert pages == [[{"MaHoSo": "A"}], [{"MaHoSo": "B"}], []]
    assert [s.query for s in server.seen] == [
        {"x": "1", "limit": "2"},
        {"x": "1", "limit": "2", "cursor": "c2"},
        {"x": "1", "limit": "2", "cursor": "c3"},
    ]
    assert {s.authorization for s in server.seen} == {f"Bearer {TOKEN}"}


def test_incremental_entities_send_the_window_in_local_time(serve):
    server = serve(page([{"MaThamChieu": "T1"}, {"MaThamChieu": "T2"}]))
    start = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)  # 2026-03-02 00:00 in Hà Nội
    records = list(make_client(server).iter_records("giao_dich", start, start + timedelta(days=1)))
    assert [r["MaThamChieu"] for r in records] == ["T1", "T2"]
    assert server.seen[0].path == "/api/v1/giao-dich"
    assert server.seen[0].query == {
        "cap_nhat_tu": "20260302000000", "cap_nhat_den": "20260303000000", "limit": "5000"}


def test_catalogues_ignore_the_window(serve):
    server = serve(page([{"MaDinhDanh": "000.00.31.H49"}]))
    assert len(list(make_client(server).iter_records("don_vi", *DAY))) == 1
    assert server.seen[0].path == "/api/v1/don-vi"
    assert server.seen[0].query == {"limit": "5000"}


def test_window_formatting_and_validation():
    assert source_timestamp(datetime(2026, 3, 2, 8, 5, 9, 999_999, tzinfo=VN)) == "20260302080509"
    assert window_params(*DAY) == {"cap_nhat_tu": "20260302000000",
                                   "cap_nhat_den": "20260303000000"}
    with pytest.raises(ValueError, match="naive"):
        source_timestamp(datetime(2026, 3, 2))
    with pytest.raises(ValueError, match="naive"):
        window_params(datetime(2026, 3, 2), datetime(2026, 3, 3, tzinfo=VN))
    with pytest.raises(ValueError, match="empty window"):
        window_params(DAY[1], DAY[0])


def test_naive_window_and_unknown_entity_are_rejected_before_any_request(serve):
    server = serve()
    client = make_client(server)
    with pytest.raises(ValueError, match="naive"):
        list(client.iter_records("don_vi", datetime(2026, 3, 2), DAY[1]))
    with pytest.raises(ValueError, match="unknown entity"):
        list(client.iter_records("ho_so_cu", *DAY))
    assert server.seen == []


@pytest.mark.parametrize(("header", "seconds"), [
    ("3", 3.0), (" 0 ", 0.0), ("1.5", 1.5), (None, None), ("-1", None), ("soon", None),
    ("Wed, 21 Oct 2026 07:28:00 GMT", None),
])
def test_retry_after_parsing(header, seconds):
    assert parse_retry_after(header) == seconds


def test_429_waits_as_told_but_never_past_backoff_max(serve):
    server = serve(Reply(429, headers={"Retry-After": "2"}),
                   Reply(429, headers={"Retry-After": "120"}), page([{"MaHoSo": "A"}]))
    sleeps: list[float] = []
    pages = list(make_client(server, sleeps, backoff_max=5.0).iter_pages("/api/v1/ho-so"))
    assert pages == [[{"MaHoSo": "A"}]]
    assert sleeps == [2.0, 5.0]


def test_backoff_doubles_with_jitter_up_to_the_cap(serve):
    server = serve(*[Reply(503)] * 6, page([]))
    sleeps: list[float] = []
    client = make_client(server, sleeps, backoff_base=0.5, backoff_max=4.0)
    assert list(client.iter_pages("/api/v1/ho-so")) == [[]]
    ceilings = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert all(ceiling / 2 <= slept <= ceiling
               for slept, ceiling in zip(sleeps, ceilings, strict=True))
    assert len(set(sleeps[3:])) == 3  # jittered: capped retries do not fire in lockstep


TRANSIENT_FAILURES = {
    "500": (Reply(500), "HTTP 500"),
    "502": (Reply(502), "HTTP 502"),
    "503": (Reply(503), "HTTP 503"),
    "504": (Reply(504), "HTTP 504"),
    "408": (Reply(408), "HTTP 408"),
    "error_code": (page([], error_code="99"), "error_code '99': Lỗi hệ thống"),
    "error_code without data": (Reply(body=orjson.dumps({"error_code": "-1", "message": "Lỗi"})),
                                "error_code '-1': Lỗi"),
    "invalid JSON": (Reply(body=b'{"error_code": "0", "data": [{"Ma'),
                     "invalid or truncated JSON: unterminated string at byte 30 of 33"),
    "not an envelope": (Reply(body=b"[]"), "not the {error_code, data, next_cursor} envelope"),
    "truncated body": (Reply(body=b'{"error_code": "0"', truncate=True), "connection failed"),
    "dropped connection": (Reply(drop=True), "connection failed"),
}


@pytest.mark.parametrize("failure", TRANSIENT_FAILURES.values(), ids=TRANSIENT_FAILURES.keys())
def test_transient_failures_are_retried_and_logged(serve, caplog, failure):
    reply, reason = failure
    server = serve(reply, page([{"MaHoSo": "A"}]))
    with caplog.at_level(logging.WARNING, logger="tthc_pipeline.extract.client"):
        pages = list(make_client(server).iter_pages("/api/v1/ho-so"))
    assert pages == [[{"MaHoSo": "A"}]]
    assert len(server.seen) == 2
    [warning] = caplog.records
    assert warning.levelno == logging.WARNING
    assert reason in warning.getMessage() and "page 1" in warning.getMessage()
    assert TOKEN not in caplog.text


def test_an_answer_slower_than_the_timeout_is_retried(serve, caplog):
    server = serve(Reply(delay=0.6, body=page([{"MaHoSo": "late"}]).body), page([{"MaHoSo": "A"}]))
    client = make_client(server, timeout=(1, 0.2))
    assert list(client.iter_pages("/api/v1/ho-so")) == [[{"MaHoSo": "A"}]]
    assert "no answer within the timeout" in caplog.text


@pytest.mark.parametrize(("status", "hint"), [
    (400, "rejected the request parameters"),
    (401, "token was refused"),
    (403, "not allowed"),
    (404, "no such endpoint"),
])
def test_refusals_fail_at_once_with_the_reason(serve, status, hint):
    server = serve(Reply(status, body=b'{"error_code": "401", "message": "Unauthorized"}'))
    sleeps: list[float] = []
    with pytest.raises(SourceError) as caught:
        list(make_client(server, sleeps).iter_pages("/api/v1/ho-so"))
    assert isinstance(caught.value, PermanentError)  # the task fails without Airflow retries
    message = str(caught.value)
    assert f"HTTP {status} (not retried)" in message and hint in message
    assert f"{server.url}/api/v1/ho-so" in message and TOKEN not in message
    assert len(server.seen) == 1 and sleeps == []


def test_giving_up_names_endpoint_window_page_attempts_and_last_failure(serve, caplog):
    server = serve(page([{"MaHoSo": "A"}], "c2"), *[Reply(502)] * 3)
    sleeps: list[float] = []
    client = make_client(server, sleeps, max_attempts=3)
    with pytest.raises(SourceError) as caught:
        list(client.iter_records("ho_so", *DAY))
    assert str(caught.value) == (
        f"GET {server.url}/api/v1/ho-so (window [20260302000000, 20260303000000)) page 2:"
        " gave up after 3 attempts; last failure: HTTP 502")
    assert not isinstance(caught.value, PermanentError)  # a source down: Airflow retries later
    assert len(server.seen) == 4 and len(sleeps) == 2
    assert TOKEN not in caplog.text


def test_connection_uri_gives_base_url_and_decoded_token(serve):
    server = serve(page([]))
    port = server.server_address[1]
    client = client_from_uri(f"http://:s%40cret%2Ftoken@127.0.0.1:{port}", max_attempts=2)
    assert client.base_url == server.url and client.max_attempts == 2
    list(client.iter_pages("/api/v1/don-vi"))
    assert server.seen[0].authorization == "Bearer s@cret/token"


@pytest.mark.parametrize(("uri", "base_url"), [
    ("https://:t@tthc.example.gov.vn", "https://tthc.example.gov.vn"),
    ("http://:t@tthc.example.gov.vn:443/https", "https://tthc.example.gov.vn:443"),
    ("http://:t@[::1]:8765", "http://[::1]:8765"),
])
def test_connection_uri_scheme_host_and_port(uri, base_url):
    assert client_from_uri(uri).base_url == base_url


@pytest.mark.parametrize("uri", [
    "http://127.0.0.1:8765", "http://user@127.0.0.1:8765", "postgresql://:s3cret@db/warehouse",
    "http://:s3cret@127.0.0.1:8765/api",
])
def test_connection_uri_without_token_or_http_is_refused_without_echoing_it(uri):
    with pytest.raises(ValueError) as caught:
        client_from_uri(uri)
    assert "s3cret" not in str(caught.value)


# -- contract violations: fail at once, naming the window and the cursor ----------------------

@pytest.mark.parametrize("data", [{"MaHoSo": "A"}, "[]", None, "absent"])
def test_data_that_is_not_an_array_fails_at_once(serve, data):
    envelope = {"error_code": "0", "message": "OK", "next_cursor": None}
    if data != "absent":
        envelope["data"] = data
    server = serve(page([{"MaHoSo": "A"}], "c2"), Reply(body=orjson.dumps(envelope)))
    sleeps: list[float] = []
    with pytest.raises(MalformedPageError) as caught:
        list(make_client(server, sleeps).iter_records("ho_so", *DAY))
    assert isinstance(caught.value, SourceContractError)
    assert str(caught.value).startswith(
        f"GET {server.url}/api/v1/ho-so (window [20260302000000, 20260303000000)) page 2"
        " (cursor 'c2'): data is not an array")
    assert len(server.seen) == 2 and sleeps == []


def test_a_cursor_seen_twice_in_a_window_fails_at_once(serve):
    server = serve(page([{"MaHoSo": "A"}], "c2"), page([{"MaHoSo": "B"}], "c3"),
                   page([{"MaHoSo": "A"}], "c2"), page([]))
    with pytest.raises(RepeatedCursorError) as caught:
        list(make_client(server).iter_records("ho_so", *DAY))
    assert str(caught.value) == (
        f"GET {server.url}/api/v1/ho-so (window [20260302000000, 20260303000000)) page 3:"
        " next_cursor 'c2' was already followed to page 2 of this window; the source's paging"
        " loops")
    assert len(server.seen) == 3


def test_a_cursor_pointing_at_its_own_page_fails_on_the_second_page(serve):
    server = serve(*[page([{"MaHoSo": "A"}], "same")] * 5)
    with pytest.raises(RepeatedCursorError, match="next_cursor 'same' was already followed"):
        list(make_client(server).iter_pages("/api/v1/ho-so"))
    assert len(server.seen) == 2


def test_more_pages_than_the_maximum_fail(serve):
    server = serve(*[page([{"MaHoSo": str(i)}], f"c{i + 1}") for i in range(5)])
    with pytest.raises(TooManyPagesError) as caught:
        list(make_client(server, max_pages=3).iter_records("ho_so", *DAY))
    assert "page 3: next_cursor 'c3' would open page 4, beyond the maximum of 3 pages" in str(
        caught.value)
    assert "window [20260302000000, 20260303000000)" in str(caught.value)
    assert len(server.seen) == 3


def test_more_bytes_than_the_maximum_fail(serve):
    big = "x" * 600_000
    server = serve(*[page([{"MaHoSo": str(i), "Note": big}], f"c{i + 1}") for i in range(5)])
    with pytest.raises(TooManyPagesError, match=r"page 2: next_cursor 'c2' after \d+ bytes,"
                       " beyond the maximum of 1 MiB per window"):
        list(make_client(server, max_window_mb=1).iter_records("ho_so", *DAY))
    assert len(server.seen) == 2


def test_page_and_byte_limits_come_from_the_environment(monkeypatch, serve):
    monkeypatch.setenv("TTHC_SOURCE_MAX_PAGES", "2")
    monkeypatch.setenv("TTHC_SOURCE_MAX_WINDOW_MB", "3")
    client = make_client(serve())
    assert (client.max_pages, client.max_window_bytes) == (2, 3 * 2**20)
    monkeypatch.setenv("TTHC_SOURCE_MAX_PAGES", "0")
    with pytest.raises(ValueError, match="TTHC_SOURCE_MAX_PAGES"):
        make_client(serve())


def test_an_envelope_that_is_not_json_is_retried_then_names_page_and_offset(serve):
    broken = b'{"error_code": "0", "data": [{"MaHoSo": "A"}]}, "next_cursor": null}'
    server = serve(page([{"MaHoSo": "A"}], "c2"), *[Reply(body=broken)] * 3)
    with pytest.raises(SourceError) as caught:
        list(make_client(server, max_attempts=3).iter_pages("/api/v1/ho-so"))
    assert not isinstance(caught.value, SourceContractError)
    assert str(caught.value).endswith(
        "page 2: gave up after 3 attempts; last failure: invalid or truncated JSON: text after"
        f" the envelope at byte 46 of {len(broken)}")


# -- one bad record costs that record, not the page --------------------------------------------

def raw_page(*elements: bytes, next_cursor: str | None = None) -> Reply:
    return Reply(body=b'{"error_code": "0", "message": "OK", "data": [' + b", ".join(elements)
                 + b'], "next_cursor": ' + orjson.dumps(next_cursor) + b"}")


HOSTILE = {
    "1e400": (b'{"MaHoSo": "HS-INF", "SoTien": 1e400}', "beyond the range of a double"),
    "lone surrogate": (b'{"MaHoSo": "HS-SURROGATE", "ChuHoSo": "Nguy\\ud800n"}',
                       "lone UTF-16 surrogate"),
    "NaN": (b'{"MaHoSo": "HS-NAN", "SoTien": NaN}', "NaN is not JSON"),
    "nesting 2000 deep": (b'{"MaHoSo": "HS-DEEP", "x": ' + b"[" * 2000 + b"]" * 2000 + b"}",
                          "nested too deeply"),
    "invalid UTF-8": (b'{"MaHoSo": "HS-UTF8", "ChuHoSo": "Nguy\xffn"}',
                      "invalid UTF-8 at byte 38 of the record"),
    "key not readable": (b'{"SoTien": NaN}', "NaN is not JSON"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_record_no_strict_parser_accepts_comes_as_unparseable(serve, name):
    from tthc_pipeline.extract.parsing import UNPARSEABLE_FIELD, UnparseableRecord

    raw, reason = HOSTILE[name]
    server = serve(raw_page(b'{"MaHoSo": "HS-1"}', raw, b'{"MaHoSo": "HS-2"}'))
    [records] = list(make_client(server).iter_pages("/api/v1/ho-so", key_field="MaHoSo"))
    first, bad, last = records
    assert (first, last) == ({"MaHoSo": "HS-1"}, {"MaHoSo": "HS-2"})
    assert isinstance(bad, UnparseableRecord) and reason in bad.reason
    standin = orjson.loads(bad.text)  # valid JSON that jsonb can hold
    assert standin[UNPARSEABLE_FIELD]["reason"] == bad.reason
    key = None if name == "key not readable" else raw.split(b'"')[3].decode()
    assert bad.key == key and standin.get("MaHoSo") == key
    assert len(server.seen) == 1  # not retried


def test_integers_beyond_64_bits_stay_exact(serve):
    from tthc_pipeline.extract.parsing import ExactRecord

    server = serve(raw_page(b'{"MaHoSo": 123456789012345678901, "SoTien": 1.5}',
                            b'{"MaHoSo": 123456789012345678902}'))
    [records] = list(make_client(server).iter_pages("/api/v1/ho-so", key_field="MaHoSo"))
    assert records == [ExactRecord('{"MaHoSo": 123456789012345678901, "SoTien": 1.5}'),
                       ExactRecord('{"MaHoSo": 123456789012345678902}')]


@pytest.mark.parametrize(("body", "expected"), [
    (b'{"data": [{"MaHoSo": 1234567890123456789}]}', True),
    (b'{"data": [{"MaHoSo": -1234567890123456789}]}', True),
    (b'{"data": [{"x": [1, 12345678901234567890]}]}', True),
    (b'{"data": [{"x": 123456789012345678}]}', False),  # 18 digits: orjson keeps them exactly
    (b'{"data": [{"MaHoSo": "HS-12345678901234567890"}]}', False),  # digits inside a string
    (b'{"data": [{"x": 12345678901234567.8}]}', False),
])
def test_a_long_integer_is_told_from_digits_elsewhere(body, expected):
    from tthc_pipeline.extract.parsing import _has_long_number, parse_page

    assert _has_long_number(body) is expected
    record = parse_page(body, "MaHoSo")["data"][0]
    assert isinstance(record, dict) is not expected  # a long integer takes the exact path


def nested(depth: int, inner: bytes = b"1") -> bytes:
    return b'{"MaHoSo": 123456789012345678901, "x": ' + b"[" * depth + inner + b"]" * depth + b"}"


def test_nesting_is_counted_at_the_limit_and_past_it():
    from tthc_pipeline.extract.parsing import (
        MAX_NESTING,
        ExactRecord,
        UnparseableRecord,
        parse_record,
    )

    # The record object itself is one level: the array inside may nest MAX_NESTING - 1 deep.
    at_limit = nested(MAX_NESTING - 1)
    assert parse_record(at_limit, "MaHoSo") == ExactRecord(at_limit.decode())
    past_limit = parse_record(nested(MAX_NESTING), "MaHoSo")
    assert isinstance(past_limit, UnparseableRecord)
    assert past_limit.reason == f"nested too deeply (more than {MAX_NESTING} levels)"
    assert past_limit.key == "123456789012345678901"


def test_brackets_inside_strings_are_not_nesting():
    from tthc_pipeline.extract.parsing import MAX_NESTING, ExactRecord, parse_record

    brackets = b'"' + b"[{" * MAX_NESTING + b'\\"[{"'
    record = nested(1, brackets)
    assert parse_record(record, "MaHoSo") == ExactRecord(record.decode())


def test_a_deep_record_never_reaches_the_recursive_parser(monkeypatch):
    """Refused by counting brackets: a RecursionError, even caught, can strike a GC callback."""
    import json

    from tthc_pipeline.extract.parsing import UnparseableRecord, parse_record

    record = b'{"MaHoSo": "HS-DEEP", "x": ' + b"[" * 2000 + b"]" * 2000 + b"}"
    parsed_by_stdlib = []
    stdlib_loads = json.loads
    monkeypatch.setattr(json, "loads", lambda text, **kw: (
        parsed_by_stdlib.append(text), stdlib_loads(text, **kw))[1])
    judged = parse_record(record, "MaHoSo")
    assert isinstance(judged, UnparseableRecord) and judged.key == "HS-DEEP"
    assert "nested too deeply" in judged.reason
    assert parsed_by_stdlib == ['"HS-DEEP"']  # only the key, found by a regular expression

"""A hostile source: a tiny HTTP proxy in front of the simulator that adds raw record bytes to
the first page of an endpoint, for values no scenario file can hold (``1e400``, a lone
surrogate, invalid UTF-8, integers beyond 64 bits kept exact), or answers an endpoint with a
``next_cursor`` that leads back to the same page for ever."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import requests

_DATA_OPEN = b'"data":['


class _HostileProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, injected: Mapping[str, list[bytes]],
                 looping: frozenset[str]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.injected = injected
        self.looping = looping
        self.requests: list[str] = []
        self.session = requests.Session()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HostileProxy

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        self.server.requests.append(self.path)
        path = self.path
        if url.path in self.server.looping:  # every page is the first one, and points to itself
            query = [(k, v) for k, v in parse_qsl(url.query) if k != "cursor"]
            path = url.path + "?" + "&".join(f"{k}={v}" for k, v in query)
        answer = self.server.session.get(
            self.server.upstream + path, timeout=30,
            headers={name: value for name, value in self.headers.items()
                     if name.lower() in ("authorization", "accept")})
        body = answer.content
        extra = self.server.injected.get(url.path)
        is_first_page = "cursor" not in dict(parse_qsl(url.query))
        if answer.status_code == 200 and extra and is_first_page and _DATA_OPEN in body:
            head, tail = body.split(_DATA_OPEN, 1)
            joined = b",".join(extra)
            body = head + _DATA_OPEN + joined + (b"," if not tail.startswith(b"]") else b"") + tail
        if answer.status_code == 200 and url.path in self.server.looping:
            body = body.replace(b'"next_cursor":null', b'"next_cursor":"back-to-page-1"')
        self.send_response(answer.status_code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def hostile_proxy(upstream: str, injected: Mapping[str, list[bytes]],
                  looping: frozenset[str] = frozenset()) -> Iterator[str]:
    """Serve ``upstream`` on a free port, with ``injected[path]`` added to its first page and
    the ``looping`` paths' cursors leading back to their first page."""
    server = _HostileProxy(upstream.rstrip("/"), injected, looping)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        server.session.close()

"""The HTTP server: the provincial systems' contract over the standard library's http.server."""

from __future__ import annotations

import hmac
import socket
import sys
import threading
import time
import traceback
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import orjson

from simulator.clock import CATALOGUES
from simulator.config import SimulatorConfig
from simulator.faults import ERROR_CODES, SERVER_ERRORS, FaultInjector
from simulator.paging import BadRequest, ListRequest, encode_cursor, parse_list_request
from simulator.province import Province
from simulator.scenario import ScenarioData
from simulator.sources import DataSource
from simulator.timestamps import TZ, to_local_seconds

ROUTES = {
    "/api/v1/don-vi": "don_vi",
    "/api/v1/thu-tuc": "thu_tuc",
    "/api/v1/ho-so": "ho_so",
    "/api/v1/giao-dich": "giao_dich",
}
HEALTH = "/api/v1/health"


def build_source(config: SimulatorConfig) -> DataSource:
    if config.scenario_dir is not None:
        return ScenarioData(config.scenario_dir)
    return Province(config.seed, config.scale, config.start, config.end, config.rate_quirks,
                    province_code=config.province_code, reorganise_on=config.reorganise_on)


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], config: SimulatorConfig, source: DataSource,
                 log_requests: bool) -> None:
        super().__init__(address, RequestHandler)
        self.config = config
        self.source = source
        self.faults = FaultInjector(config.faults)
        self.log_requests = log_requests
        self._now = None if config.now is None else to_local_seconds(config.now)

    def now(self) -> int:
        """The clock in local seconds: the configured --now, or the real time."""
        return self._now if self._now is not None else to_local_seconds(datetime.now(TZ))


class RequestHandler(BaseHTTPRequestHandler):
    server: SimulatorServer
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections across pages
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    server_version = "tthc-simulator"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._started, self._responded = time.perf_counter(), False
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away (e.g. its timeout)
        except Exception:  # a bug must still answer in JSON, and say where it is
            traceback.print_exc(file=sys.stderr)
            if not self._responded:
                self._send_error(500, "500", "internal error in the simulator (see its log)")
            self.close_connection = True

    def _route(self) -> None:
        path, _, query = self.path.partition("?")
        path = urlsplit(path).path
        if path == HEALTH:
            self._send_json(200, {"status": "ok"})
        elif path not in ROUTES:
            self._send_error(404, "404", f"no such endpoint: {path}")
        elif not self._authorised():
            self._send_error(401, "401", "missing or invalid bearer token",
                             {"WWW-Authenticate": 'Bearer realm="tthc"'})
        else:
            self._list(ROUTES[path], query)

    def _method_not_allowed(self) -> None:
        self._started, self._responded = time.perf_counter(), False
        self.close_connection = True  # an unread request body must not become the next request
        self._send_error(405, "405", f"method {self.command} is not allowed; use GET",
                         {"Allow": "GET"})

    do_POST = do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        expected = self.server.config.token
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), expected.encode())

    def _list(self, entity: str, query: str) -> None:
        source = self.server.source
        try:
            request = parse_list_request(entity, query, source.position_size(entity))
        except BadRequest as error:
            self._send_error(400, "400", str(error))
            return
        fault, variant = self.server.faults.draw()
        if fault == "429":
            retry_after = str(self.server.config.faults.retry_after)
            self._send_error(429, "429", "Quá nhiều yêu cầu, vui lòng thử lại sau",
                             {"Retry-After": retry_after})
        elif fault == "5xx":
            status = SERVER_ERRORS[variant % len(SERVER_ERRORS)]
            self._send_error(status, str(status), "Lỗi máy chủ")
        elif fault == "error_code":
            code, message = ERROR_CODES[variant % len(ERROR_CODES)]
            self._send_json(200, {"error_code": code, "message": message})
        elif fault == "drop":
            self._drop_connection()
        else:
            if fault == "slow":
                time.sleep(self.server.config.faults.slow_seconds)
            self._send_page(request, duplicate=fault == "duplicate")

    def _send_page(self, request: ListRequest, duplicate: bool) -> None:
        source, entity = self.server.source, request.entity
        now = self.server.now()
        t = now if entity in CATALOGUES else min(now, request.window[1])
        page = source.page(entity, request.window, t, request.after, request.limit)
        data, count = page.json, page.count
        if duplicate and request.after is not None:
            repeated = source.record_at(entity, request.after, request.window, t)
            if repeated is not None:  # the previous page's last record, once more
                data, count = repeated + b"," + data if count else repeated, count + 1
        next_cursor = (encode_cursor(entity, request.window_text, page.last)
                       if page.more and page.last is not None else None)
        # Written in parts: a 5000-record page is megabytes, not worth copying once more.
        body = (b'{"error_code":"0","message":"OK","data":[', data,
                b'],"next_cursor":' + orjson.dumps(next_cursor) + b"}")
        self._send(200, *body, records=count)

    def _drop_connection(self) -> None:
        """Close the socket without any HTTP response."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._log(0, 0, "dropped")

    def _send_error(self, status: int, code: str, message: str,
                    headers: dict[str, str] | None = None) -> None:
        self._send(status, orjson.dumps({"error_code": code, "message": message}),
                   headers=headers)

    def _send_json(self, status: int, payload: dict) -> None:
        self._send(status, orjson.dumps(payload))

    def _send(self, status: int, *body: bytes, headers: dict[str, str] | None = None,
              records: int | None = None) -> None:
        self._responded = True
        size = sum(len(part) for part in body)
        self.send_response_only(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(size))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        for part in body:
            self.wfile.write(part)
        self._log(status, size, f"{records} records" if records is not None else "")

    def _log(self, status: int, size: int, note: str) -> None:
        if self.server.log_requests:
            elapsed = (time.perf_counter() - self._started) * 1000
            sys.stderr.write(f"{self.command} {self.path} {status or '-'} {size}B {note} "
                             f"{elapsed:.0f}ms\n")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence http.server's own per-request lines (``_log`` writes concise ones)."""


class RunningSimulator:
    """A simulator serving in a background thread; a context manager that stops it on exit."""

    def __init__(self, server: SimulatorServer) -> None:
        self._server = server
        self.host, self.port = server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,),
                                        name="simulator", daemon=True)
        self._thread.start()

    @property
    def source(self) -> DataSource:
        return self._server.source

    def fault_counts(self) -> dict[str, int]:
        """List requests answered so far per fault kind ("none": no fault)."""
        return self._server.faults.counts()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_simulator(config: SimulatorConfig, host: str = "127.0.0.1", port: int = 0,
                    *, log_requests: bool = False) -> RunningSimulator:
    """Serve ``config`` on host:port (0 = a free port) until ``stop()``."""
    server = SimulatorServer((host, port), config, build_source(config), log_requests)
    return RunningSimulator(server)

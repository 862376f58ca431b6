"""HTTP client for the provincial systems' list endpoints (contract: shared/spec/source-api.md).

Pages are fetched over one keep-alive session and every transient failure the real systems show
(429, 5xx, timeouts, dropped or truncated answers, ``200`` with ``error_code`` ≠ "0") is retried
with exponential backoff and jitter. Requests the source refuses outright (400, 401, 403, 404…)
fail at once: retrying them only delays the alert. The bearer token never appears in a log line
or an error message.

Pages are parsed record by record when they must be (``parsing``): a record no strict parser
accepts arrives as an ``UnparseableRecord`` for the quality gate to quarantine, an integer
beyond 64 bits stays exact (``ExactRecord``), and only an envelope that is not JSON at all is
retried, then fails naming the page and the byte offset. What the source does against the
contract and a retry cannot fix fails at once with a ``SourceContractError`` naming the window
and the cursor: ``data`` that is not an array, a ``next_cursor`` already followed in this
window (a loop that would fill the warehouse's disk), more pages or more bytes than the
declared maximum for one window.

Timeouts, attempts, backoff and page size default to the ``TTHC_SOURCE_*`` environment variables
below (then to the built-in values), so an operator can fit them to a slow or strict source
without a code change; arguments passed to ``SourceClient`` win over both.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests

from tthc_pipeline import entities
from tthc_pipeline.errors import PermanentError
from tthc_pipeline.extract.parsing import EnvelopeSyntaxError, parse_page
from tthc_pipeline.extract.prefetch import prefetched

log = logging.getLogger(__name__)


SOURCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_PAGE_LIMIT = 5000
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
PREFETCH_PAGES = 1  # pages read ahead while one is landed: one already overlaps the two waits

_REFUSAL_HINTS = {
    400: "the source rejected the request parameters",
    401: "the token was refused; check the connection's password",
    403: "the token is not allowed to read this endpoint",
    404: "no such endpoint; check the connection's host, port and scheme",
}


@dataclass(frozen=True)
class ClientSettings:
    """How patient a client is: its defaults, each overridable from the environment."""

    timeout: tuple[float, float] = (5.0, 30.0)  # connect, read (seconds)
    max_attempts: int = 8
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    page_limit: int = MAX_PAGE_LIMIT
    max_pages: int = 20_000  # pages in one window: 100 million records at the largest page
    max_window_mb: int = 8_192  # response bytes in one window (MiB): bounds raw's growth


# Environment variable → (ClientSettings field, the form its value takes).
SETTINGS_ENV = {
    "TTHC_SOURCE_TIMEOUT": ("timeout", "seconds > 0, or 'connect,read' seconds, e.g. 5,30"),
    "TTHC_SOURCE_MAX_ATTEMPTS": ("max_attempts", "a whole number >= 1"),
    "TTHC_SOURCE_BACKOFF_BASE": ("backoff_base", "seconds >= 0"),
    "TTHC_SOURCE_BACKOFF_MAX": ("backoff_max", "seconds >= 0"),
    "TTHC_SOURCE_PAGE_LIMIT": ("page_limit", f"a whole number from 1 to {MAX_PAGE_LIMIT}"),
    "TTHC_SOURCE_MAX_PAGES": ("max_pages", "a whole number >= 1"),
    "TTHC_SOURCE_MAX_WINDOW_MB": ("max_window_mb", "a whole number of MiB >= 1"),
}


def settings_from_env(environ: Mapping[str, str] = os.environ) -> ClientSettings:
    """The client defaults, with every ``TTHC_SOURCE_*`` variable that is set applied."""
    values: dict[str, Any] = {}
    for name, (field_name, form) in SETTINGS_ENV.items():
        text = environ.get(name, "").strip()
        if not text:
            continue
        try:
            values[field_name] = _parse_setting(field_name, text)
        except ValueError:
            raise ValueError(f"environment variable {name}={text!r} is not valid;"
                             f" expected {form}") from None
    return ClientSettings(**values)


def _parse_setting(field_name: str, text: str) -> Any:
    if field_name == "timeout":
        parts = [float(part) for part in text.split(",")]
        if len(parts) > 2 or not all(part > 0 for part in parts):  # nan too
            raise ValueError(text)
        return (parts[0], parts[-1])
    if field_name in ("max_attempts", "page_limit", "max_pages", "max_window_mb"):
        number = int(text)
        if number < 1 or (field_name == "page_limit" and number > MAX_PAGE_LIMIT):
            raise ValueError(text)
        return number
    seconds = float(text)
    if not seconds >= 0:  # also refuses nan
        raise ValueError(text)
    return seconds


class SourceError(RuntimeError):
    """The source refused a request, or kept failing until the attempts ran out."""


class SourceRefused(PermanentError, SourceError):
    """The source answered a request with a refusal (4xx other than 408 and 429): asking again
    gets the same answer."""


class SourceContractError(PermanentError, SourceError):
    """The source answered against its contract; a retry cannot fix it (fail the task)."""


class MalformedPageError(SourceContractError):
    """A page whose ``data`` is not an array."""


class RepeatedCursorError(SourceContractError):
    """A ``next_cursor`` already followed in this window: the listing would loop for ever."""


class TooManyPagesError(SourceContractError):
    """More pages, or more bytes, in one window than the declared maximum."""


class _TransientFailure(Exception):
    """A failure worth retrying; ``retry_after`` is the source's own wait hint in seconds."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def source_timestamp(moment: datetime) -> str:
    """``moment`` as the source's naive local ``yyyyMMddHHmmss``; naive input is ambiguous."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime {moment.isoformat()} is naive; pass a timezone-aware one")
    return moment.astimezone(SOURCE_TZ).strftime("%Y%m%d%H%M%S")


def window_params(window_start: datetime, window_end: datetime) -> dict[str, str]:
    """The query parameters selecting records updated in the half-open window."""
    start, end = source_timestamp(window_start), source_timestamp(window_end)
    if window_start >= window_end:
        raise ValueError(f"empty window: start {window_start} is not before end {window_end}")
    return {"cap_nhat_tu": start, "cap_nhat_den": end}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header; None when absent or not a non-negative number."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None  # an HTTP-date or garbage: the contract promises seconds, so use backoff
    return seconds if seconds >= 0 else None


class SourceClient:
    """Reads the paged list endpoints of one source system with a bearer token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: tuple[float, float] | None = None,
        max_attempts: int | None = None,
        backoff_base: float | None = None,
        backoff_max: float | None = None,
        page_limit: int | None = None,
        max_pages: int | None = None,
        max_window_mb: int | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        session: requests.Session | None = None,
        rng: random.Random | None = None,
    ) -> None:
        defaults = settings_from_env()  # None = the environment's value, else the built-in one
        timeout = defaults.timeout if timeout is None else timeout
        max_attempts = defaults.max_attempts if max_attempts is None else max_attempts
        backoff_base = defaults.backoff_base if backoff_base is None else backoff_base
        backoff_max = defaults.backoff_max if backoff_max is None else backoff_max
        page_limit = defaults.page_limit if page_limit is None else page_limit
        max_pages = defaults.max_pages if max_pages is None else max_pages
        max_window_mb = defaults.max_window_mb if max_window_mb is None else max_window_mb
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 1 <= page_limit <= MAX_PAGE_LIMIT:
            raise ValueError(f"page_limit must be between 1 and {MAX_PAGE_LIMIT}")
        if max_pages < 1 or max_window_mb < 1:
            raise ValueError("max_pages and max_window_mb must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.page_limit = page_limit
        self.max_pages = max_pages
        self.max_window_bytes = max_window_mb * 2**20
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._owns_session = session is None
        self._session = session or requests.Session()

    def __enter__(self) -> SourceClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the session's connections, unless the caller passed the session in."""
        if self._owns_session:
            self._session.close()

    def iter_records(
        self, entity: str, window_start: datetime, window_end: datetime
    ) -> Iterator[dict]:
        """Every record of ``entity`` for the window (catalogues: the whole catalogue).

        The next page is fetched while the caller consumes this one (``prefetch``): the source's
        answer and the caller's COPY overlap instead of taking turns.
        """
        definition = entities.entity(entity)
        window = window_params(window_start, window_end)  # validated even where it is unused
        params = window if definition.is_incremental else {}
        pages = self.iter_pages(definition.endpoint, params, definition.key_field)
        for page in prefetched(pages, depth=PREFETCH_PAGES, name=f"prefetch {entity}"):
            yield from page

    def iter_pages(self, path: str, params: Mapping[str, str] | None = None,
                   key_field: str | None = None) -> Iterator[list]:
        """The ``data`` list of each page of ``path``, following ``next_cursor`` to the end.

        A record that cannot be parsed is an ``UnparseableRecord`` naming its ``key_field``.
        """
        query: dict[str, Any] = {**(params or {}), "limit": self.page_limit}
        page_no, n_bytes = 1, 0
        followed: dict[str, int] = {}  # cursor → the page it led to
        while True:
            envelope, size = self._fetch_page(path, query, page_no, key_field)
            n_bytes += size
            yield envelope["data"]
            cursor = envelope.get("next_cursor")
            if not cursor:  # null ends the listing; "" would restart it from page one
                return
            where = f"GET {self.base_url}{path} ({_describe_window(query)}) page {page_no}"
            if not isinstance(cursor, str):
                raise SourceContractError(f"{where}: next_cursor {cursor!r} is not a string")
            if cursor in followed:
                raise RepeatedCursorError(
                    f"{where}: next_cursor {cursor!r} was already followed to page"
                    f" {followed[cursor]} of this window; the source's paging loops")
            if page_no >= self.max_pages:
                raise TooManyPagesError(
                    f"{where}: next_cursor {cursor!r} would open page {page_no + 1}, beyond the"
                    f" maximum of {self.max_pages} pages per window (TTHC_SOURCE_MAX_PAGES)")
            if n_bytes > self.max_window_bytes:
                raise TooManyPagesError(
                    f"{where}: next_cursor {cursor!r} after {n_bytes} bytes, beyond the maximum"
                    f" of {self.max_window_bytes // 2**20} MiB per window"
                    " (TTHC_SOURCE_MAX_WINDOW_MB)")
            page_no += 1
            followed[cursor] = page_no
            query["cursor"] = cursor

    def _fetch_page(self, path: str, query: Mapping[str, Any], page_no: int,
                    key_field: str | None = None) -> tuple[dict, int]:
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._request_page(path, query, key_field)
            except MalformedPageError as error:
                where = f"GET {self.base_url}{path} ({_describe_window(query)}) page {page_no}"
                raise MalformedPageError(
                    f"{where} (cursor {query.get('cursor')!r}): {error}") from None
            except _TransientFailure as failure:
                last_failure = failure
                if attempt == self.max_attempts:
                    break
                delay = self._retry_delay(attempt, failure.retry_after)
                log.warning("GET %s page %d: %s; retry %d/%d in %.1f s", path, page_no,
                            failure.reason, attempt, self.max_attempts - 1, delay)
                self._sleep(delay)
        raise SourceError(
            f"GET {self.base_url}{path} ({_describe_window(query)}) page {page_no}: gave up after"
            f" {self.max_attempts} attempts; last failure: {last_failure.reason}"
        )

    def _retry_delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.backoff_max)
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        # Equal jitter: parallel extractors that failed together do not retry in lockstep.
        return ceiling * self._rng.uniform(0.5, 1.0)

    def _request_page(self, path: str, query: Mapping[str, Any],
                      key_field: str | None) -> tuple[dict, int]:
        try:
            response = self._session.get(
                self.base_url + path, params=query, headers=self._headers, timeout=self.timeout
            )
        except requests.Timeout:
            raise _TransientFailure(f"no answer within the timeout {self.timeout}") from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            raise _TransientFailure(f"connection failed: {_root_cause(exc)}") from None
        if response.status_code in RETRYABLE_STATUSES:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise _TransientFailure(f"HTTP {response.status_code}", retry_after)
        if response.status_code != 200:
            raise SourceRefused(_refusal_message(self.base_url + path, response))
        body = response.content
        return _parse_envelope(body, key_field), len(body)


def _parse_envelope(body: bytes, key_field: str | None = None) -> dict:
    try:
        envelope = parse_page(body, key_field)
    except EnvelopeSyntaxError as error:
        raise _TransientFailure(
            f"invalid or truncated JSON: {error.reason} at byte {error.offset}"
            f" of {len(body)}") from None
    if not isinstance(envelope, dict):
        raise _TransientFailure("answer is not the {error_code, data, next_cursor} envelope")
    if str(envelope.get("error_code")) != "0":  # failures come without data: check them first
        message = str(envelope.get("message", ""))[:200]
        raise _TransientFailure(f"error_code {envelope.get('error_code')!r}: {message}")
    if not isinstance(envelope.get("data"), list):
        kind = type(envelope.get("data")).__name__ if "data" in envelope else "absent"
        raise MalformedPageError(f"data is not an array ({kind}) in an error_code 0 answer")
    return envelope


def _root_cause(exc: requests.RequestException) -> str:
    # urllib3 wraps the cause (refused, reset, truncated…) in a MaxRetryError naming the URL.
    wrapped = exc.args[0] if exc.args else exc
    return str(getattr(wrapped, "reason", None) or wrapped)[:200]


def _refusal_message(url: str, response: requests.Response) -> str:
    status = response.status_code
    hint = _REFUSAL_HINTS.get(status, "the source refused the request")
    return f"GET {url} answered HTTP {status} (not retried): {hint}; body: {response.text[:200]!r}"


def _describe_window(query: Mapping[str, Any]) -> str:
    if "cap_nhat_tu" in query:
        return f"window [{query['cap_nhat_tu']}, {query.get('cap_nhat_den')})"
    return "whole catalogue"

"""Query parameters of the list endpoints, and opaque, stateless cursors."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import parse_qs

import orjson

from simulator.clock import INCREMENTAL
from simulator.sources import Position, Window
from simulator.timestamps import parse_timestamp

DEFAULT_LIMIT = 500
MAX_LIMIT = 5000


class BadRequest(ValueError):
    """A malformed request: answered 400 with this message."""


@dataclass(frozen=True)
class ListRequest:
    entity: str
    window: Window | None  # incremental endpoints only
    window_text: tuple[str, str] | None
    after: Position | None  # from the cursor
    limit: int


def parse_list_request(entity: str, query: str, position_size: int) -> ListRequest:
    params = _single_values(query)
    window_text = window = None
    if entity in INCREMENTAL:
        window_text = (_timestamp_text(params, "cap_nhat_tu"),
                       _timestamp_text(params, "cap_nhat_den"))
        window = (parse_timestamp(window_text[0]), parse_timestamp(window_text[1]))
        if window[0] >= window[1]:
            raise BadRequest(f"cap_nhat_tu ({window_text[0]}) must be before cap_nhat_den "
                             f"({window_text[1]}): the window is half-open [tu, den)")
    after = None
    if "cursor" in params:
        after = decode_cursor(params["cursor"], entity, window_text, position_size)
    return ListRequest(entity, window, window_text, after, _limit(params))


def _single_values(query: str) -> dict[str, str]:
    try:
        parsed = parse_qs(query, keep_blank_values=True, strict_parsing=False,
                          errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("the query string is not valid UTF-8") from None
    repeated = sorted(name for name, values in parsed.items() if len(values) > 1)
    if repeated:
        raise BadRequest(f"parameter {repeated[0]} is given more than once")
    return {name: values[0] for name, values in parsed.items()}


def _timestamp_text(params: dict[str, str], name: str) -> str:
    if name not in params:
        raise BadRequest(f"{name} is required: a yyyyMMddHHmmss local time "
                         f"(Asia/Ho_Chi_Minh), e.g. 20220301000000")
    value = params[name]
    if parse_timestamp(value) is None:
        raise BadRequest(f"{name} must be a valid yyyyMMddHHmmss local time "
                         f"(Asia/Ho_Chi_Minh), e.g. 20220301000000; got {value!r}")
    return value


def _limit(params: dict[str, str]) -> int:
    if "limit" not in params:
        return DEFAULT_LIMIT
    value = params["limit"]
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_LIMIT:
        raise BadRequest(f"limit must be an integer from 1 to {MAX_LIMIT}; got {value!r}")
    return int(value)


def encode_cursor(entity: str, window_text: tuple[str, str] | None, position: Position) -> str:
    bound = [entity, *(window_text or ("", ""))]
    payload = orjson.dumps([*bound, *position])
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str, entity: str, window_text: tuple[str, str] | None,
                  position_size: int) -> Position:
    """The position in a cursor issued for this endpoint and window."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        fields = orjson.loads(base64.b64decode(padded, altchars=b"-_", validate=True))
    except (binascii.Error, ValueError):
        raise BadRequest("cursor is not a cursor issued by this API: pass next_cursor from "
                         "the previous page unchanged") from None
    position = fields[3:] if isinstance(fields, list) else []
    if (len(position) != position_size or len(fields) < 3
            or not all(type(value) is int and 0 <= value < 2**31 for value in position)):
        raise BadRequest("cursor is not a cursor issued by this API: pass next_cursor from "
                         "the previous page unchanged")
    if fields[:3] != [entity, *(window_text or ("", ""))]:
        raise BadRequest("cursor was issued for another endpoint or another window "
                         "(cap_nhat_tu, cap_nhat_den); a cursor only continues its own window")
    return tuple(position)

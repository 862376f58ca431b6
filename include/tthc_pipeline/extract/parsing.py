"""Parse a page of the source record by record, so one bad value costs one record, not the day.

The fast path is the whole page through orjson, as strict as the warehouse. When orjson refuses
the page, or the page holds an integer too long for it to keep exactly (orjson rounds integers
beyond 64 bits to floats, which merged two dossier codes), a tolerant scanner splits the
envelope into the raw text of each ``data`` element, and each element is judged on its own:

- orjson reads it (and it has no long integer): a plain record, as on the fast path;
- the standard library's parser, with hooks refusing ``NaN``/``Infinity`` and numbers beyond a
  double, and no lone surrogate in any string, reads it exactly: an :class:`ExactRecord`, whose
  text lands as received (Postgres' jsonb keeps any integer exactly);
- otherwise (``1e400``, a lone ``\\ud800``, nesting past :data:`MAX_NESTING` levels, ``NaN``,
  invalid UTF-8): an :class:`UnparseableRecord`, landed as a stand-in object holding what a lenient
  parse could read, its key when it can be found, and the received text and the reason under
  :data:`UNPARSEABLE_FIELD`; the quality gate quarantines it (rule ``<entity>.unparseable_record``).

Why not a library: ijson and pysimdjson stop at the first value they refuse and do not return
an element's raw text; the standard library's ``raw_decode`` gives offsets but needs the whole
page decoded as text and cannot step over a bad element. The scanner below only finds strings
and brackets with one regular expression (C speed), and runs only on pages orjson refused.

An envelope that is not JSON at all (truncated, an HTML error page, brackets that do not
match) raises :class:`EnvelopeSyntaxError` with the byte offset; the client retries it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import orjson

# The reserved field of a stand-in record: {"reason": ..., "text": the record as received}.
UNPARSEABLE_FIELD = "_unparseable"
# Received text kept in a stand-in, in characters; what is longer is cut and says so.
MAX_KEPT_TEXT = 1_000_000
# The deepest record the tolerant path parses. The standard library's parser and the stand-in's
# scrub take a stack frame a level, so this stays far inside Python's recursion limit wherever
# the extract runs: a deeper record is refused by counting brackets, never by a RecursionError
# (which can also strike a garbage-collector callback at that depth). orjson's fast path reads
# up to 1024 levels; only records it refuses, or with a long integer, come here.
MAX_NESTING = 500

# Strings (escapes included), structural characters, and a quote that opens a string never
# closed (a truncated page).
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\],:]|"', re.DOTALL)
# A number of 19 digits or more right after ':', ',' or '[': beyond what orjson keeps exactly.
_LONG_NUMBER = re.compile(rb'[:,\[]\s*-?\d{19,}')
# Most pages have no run of 19 digits anywhere: every byte mapped to "0" (a digit) or "x", and
# a plain substring search over the result, finds that in a sixth of the regular expression's
# time (2.2 against 12.5 ms for a page of 2,000 dossiers); the expression then runs only on pages
# with such a run, which may be inside a string.
_DIGIT_OR_NOT = bytes(ord("0") if ord("0") <= byte <= ord("9") else ord("x") for byte in range(256))
_DIGIT_RUN = b"0" * 19
_NUL_ESCAPE = re.compile(r'(?<!\\)((?:\\\\)*)\\u0000')
_CLOSING = {ord("}"): ord("{"), ord("]"): ord("[")}


class EnvelopeSyntaxError(ValueError):
    """The page is not JSON at the envelope level; ``offset`` is the byte where it breaks."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"{reason} at byte {offset}")
        self.offset = offset
        self.reason = reason


@dataclass(frozen=True)
class ExactRecord:
    """A valid record orjson cannot hold exactly (an integer beyond 64 bits): its JSON text."""

    text: str


@dataclass(frozen=True)
class UnparseableRecord:
    """A record no strict parser accepts: the stand-in object to land, as JSON text."""

    text: str
    reason: str
    key: str | None


Record = Any  # a parsed JSON value (normally a dict), an ExactRecord or an UnparseableRecord


def parse_page(body: bytes, key_field: str | None = None) -> dict[str, Any]:
    """The envelope of ``body`` with ``data`` parsed element by element when it must be.

    The caller checks the envelope's fields; ``data`` is a list only when the page has one.
    """
    try:
        envelope = orjson.loads(body)
    except orjson.JSONDecodeError:
        envelope = None
    if envelope is not None and not _has_long_number(body):
        return envelope
    return _parse_tolerantly(body, key_field)


def _has_long_number(body: bytes) -> bool:
    """Whether ``body`` holds an integer of 19 digits or more (outside a string, mostly)."""
    return _DIGIT_RUN in body.translate(_DIGIT_OR_NOT) and bool(_LONG_NUMBER.search(body))


def _parse_tolerantly(body: bytes, key_field: str | None) -> dict[str, Any]:
    data_span, elements = _split_data(body)
    if data_span is None:  # no data array: the envelope as a whole, for the caller to judge
        return _loads_envelope(body)
    start, end = data_span
    envelope = _loads_envelope(body[:start] + body[end:])
    envelope["data"] = [parse_record(element, key_field) for element in elements]
    return envelope


def _loads_envelope(body: bytes) -> dict[str, Any]:
    try:
        envelope = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise EnvelopeSyntaxError(error.pos, "invalid JSON") from None
    if not isinstance(envelope, dict):
        raise EnvelopeSyntaxError(0, "not a JSON object")
    return envelope


def _split_data(body: bytes) -> tuple[tuple[int, int] | None, list[bytes]]:
    """The inside of the top-level ``data`` array (its byte span) and each element's bytes."""
    stack: list[int] = []
    previous = None  # the last structural byte seen
    key = None  # the envelope key whose value comes next
    data_start = data_end = None
    element_start = 0
    elements: list[bytes] = []
    for match in _TOKEN.finditer(body):
        token, position = match.group(), match.start()
        first = token[0]
        if first == ord('"'):
            if len(token) == 1:
                raise EnvelopeSyntaxError(position, "unterminated string")
            if len(stack) == 1 and previous in (ord("{"), ord(",")):
                key = token
            previous = ord('"')
            continue
        in_data = data_start is not None and data_end is None and len(stack) == 2
        if first in (ord("{"), ord("[")):
            if first == ord("[") and len(stack) == 1 and key == b'"data"' and data_start is None:
                data_start = element_start = match.end()
            stack.append(first)
        elif first in _CLOSING:
            if not stack or stack[-1] != _CLOSING[first]:
                raise EnvelopeSyntaxError(position, f"unexpected {chr(first)!r}")
            if in_data and first == ord("]"):
                last = body[element_start:position].strip()
                if last or elements:
                    elements.append(last)
                data_end = position
            stack.pop()
            if not stack:
                if body[match.end():].strip():
                    raise EnvelopeSyntaxError(match.end(), "text after the envelope")
                break
        elif first == ord(",") and in_data:
            elements.append(body[element_start:position].strip())
            element_start = match.end()
        previous = first
    if stack or previous is None:
        raise EnvelopeSyntaxError(len(body), "truncated JSON")
    if data_start is None or data_end is None:
        return None, []
    return (data_start, data_end), elements


def parse_record(raw: bytes, key_field: str | None = None) -> Record:
    """One element of a page's ``data``: a parsed record, an ExactRecord or an UnparseableRecord."""
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    else:
        if not _LONG_NUMBER.search(raw):
            return record
    if _nests_deeper_than(raw, MAX_NESTING):
        return _unparseable(raw.decode("utf-8", "replace"),
                            f"nested too deeply (more than {MAX_NESTING} levels)", key_field,
                            readable=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return _unparseable(raw.decode("utf-8", "replace"),
                            f"invalid UTF-8 at byte {error.start} of the record", key_field)
    try:
        _check_strictly(text)
    except ValueError as error:
        return _unparseable(text, str(error), key_field)
    return ExactRecord(_NUL_ESCAPE.sub(r"\1\\ufffd", text))


def _nests_deeper_than(raw: bytes, limit: int) -> bool:
    """Whether ``raw`` opens more than ``limit`` arrays or objects at once (strings skipped)."""
    depth = 0
    for match in _TOKEN.finditer(raw):
        token = match.group()
        first = token[0]
        if token == b'"':  # a string never closed: what follows is its text, not structure
            break
        if first in (ord("{"), ord("[")):
            depth += 1
            if depth > limit:
                return True
        elif first in _CLOSING:
            depth -= 1
    return False


def _check_strictly(text: str) -> None:
    """Raise ValueError unless ``text`` is one JSON value Postgres' jsonb holds as sent."""
    if not text:
        raise ValueError("empty element")

    def refuse_constant(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    def finite_number(literal: str) -> float:
        number = float(literal)
        if number in (float("inf"), float("-inf")):
            raise ValueError(f"number {literal[:40]} is beyond the range of a double")
        return number

    value = json.loads(text, parse_constant=refuse_constant, parse_float=finite_number)
    _check_strings(value)


def _check_strings(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _has_lone_surrogate(item):
                raise ValueError("a string holds a lone UTF-16 surrogate (e.g. \\ud800)")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _unparseable(text: str, reason: str, key_field: str | None,
                 readable: bool = True) -> UnparseableRecord:
    """The stand-in for ``text``; ``readable=False`` skips the lenient parse (too deep to try)."""
    standin = _lenient_object(text) if readable else {}
    key = _read_key(standin, text, key_field)
    if key_field and key is not None:
        standin[key_field] = key
    kept = text if len(text) <= MAX_KEPT_TEXT else (
        text[:MAX_KEPT_TEXT] + f"… [cut: {len(text)} characters received]")
    standin[UNPARSEABLE_FIELD] = {"reason": reason, "text": _scrub(kept)}
    return UnparseableRecord(json.dumps(_scrub(standin), ensure_ascii=False), reason, key)


def _lenient_object(text: str) -> dict[str, Any]:
    """What a forgiving parse reads of the record: NaN as null, numbers as their text."""
    try:
        value = json.loads(text, parse_constant=lambda _: None, parse_float=str)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _read_key(standin: dict[str, Any], text: str, key_field: str | None) -> str | None:
    if not key_field:
        return None
    value = standin.get(key_field)
    if value is None:  # the parse failed: the first "<key_field>": "..." or number in the text
        match = re.search(r'"' + re.escape(key_field) + r'"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)',
                          text)
        if not match:
            return None
        try:
            value = json.loads(match.group(1))
        except ValueError:
            return None
    return None if isinstance(value, (dict, list)) else _scrub(str(value))


def _scrub(value: Any) -> Any:
    """``value`` with lone surrogates and NUL characters, which jsonb refuses, as U+FFFD."""
    if isinstance(value, str):
        if _has_lone_surrogate(value):
            value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_scrub(key): _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value

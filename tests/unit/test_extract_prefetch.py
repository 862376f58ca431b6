"""Reading pages ahead: order, errors, bounded read-ahead and stopping when the consumer stops."""

from __future__ import annotations

import threading
import time

import pytest

from tthc_pipeline.extract.prefetch import prefetched

pytestmark = pytest.mark.unit


class Source:
    """A page source that records how far it was read and whether it was closed."""

    def __init__(self, n_pages: int, fail_at: int | None = None) -> None:
        self.n_pages, self.fail_at = n_pages, fail_at
        self.read = 0
        self.closed = threading.Event()
        self.reader_threads: set[str] = set()

    def __iter__(self):
        try:
            for number in range(self.n_pages):
                if number == self.fail_at:
                    raise ConnectionError(f"page {number} failed")
                self.read += 1
                self.reader_threads.add(threading.current_thread().name)
                yield [number]
        finally:
            self.closed.set()


def wait_until(condition, seconds: float = 2.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.01)


def test_every_page_arrives_in_order_read_by_another_thread():
    source = Source(50)
    assert list(prefetched(iter(source), name="reader")) == [[n] for n in range(50)]
    assert source.reader_threads == {"reader"}
    assert source.closed.is_set()


def test_a_failure_arrives_after_every_page_read_before_it():
    got = []
    with pytest.raises(ConnectionError, match="page 3 failed"):
        for page in prefetched(iter(Source(10, fail_at=3))):
            got.append(page)
    assert got == [[0], [1], [2]]


def test_read_ahead_is_bounded_by_the_depth():
    source = Source(100)
    pages = prefetched(iter(source), depth=2)
    assert next(pages) == [0]
    # One page with the consumer, two queued, one in the reader's hand waiting for room.
    wait_until(lambda: source.read == 4)
    time.sleep(0.3)
    assert source.read == 4
    pages.close()


def test_a_consumer_that_stops_early_stops_the_reader_and_closes_the_source():
    source = Source(1000)
    pages = prefetched(iter(source))
    for page in pages:
        if page == [5]:
            break
    pages.close()
    wait_until(source.closed.is_set)
    assert source.read < 10


def test_an_error_while_consuming_stops_the_reader():
    source = Source(1000)
    with pytest.raises(RuntimeError, match="COPY failed"):
        for page in prefetched(iter(source)):
            if page == [2]:
                raise RuntimeError("COPY failed")
    wait_until(source.closed.is_set)
    assert source.read < 10


def test_depth_must_be_positive():
    with pytest.raises(ValueError, match="depth"):
        list(prefetched(iter([]), depth=0))

"""Fetch the next page while the current one is landed.

The extract is two waits in turn: the source answering a page (HTTP, JSON parsing) and
Postgres taking the previous one (COPY). Both release the GIL for most of their time, so one
background thread that reads ahead by a bounded number of pages overlaps them; memory stays
bounded by ``depth`` + 2 pages (the queued ones, the one being fetched, the one being landed).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_END = object()
_POLL_SECONDS = 0.1  # how often a blocked reader checks that the consumer still wants pages


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(items: Iterator[T], depth: int = 1, name: str = "prefetch") -> Iterator[T]:
    """``items`` in order, read ahead by up to ``depth`` items in a background thread.

    An exception raised while reading is raised to the consumer at the point where the item
    would have come, after every item read before it. When the consumer stops early (an error
    while landing, ``close()``), the thread stops at its next item and ``items`` is closed in
    that thread, so nothing reads on after the consumer gave up. The consumer does not wait
    for a request in flight (it may be retrying a slow source): the thread is a daemon and
    ends after that request.
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    ahead: queue.Queue = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def offer(item: object) -> bool:
        while not stopped.is_set():
            try:
                ahead.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
            offer(_END)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, not lost
            offer(_Failure(error))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name=name, daemon=True)
    reader.start()
    try:
        while True:
            item = ahead.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stopped.set()
        reader.join(timeout=_POLL_SECONDS * 2)

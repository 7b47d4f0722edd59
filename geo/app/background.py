"""Slow work the app's page need not wait for, done in one worker thread.

The page asks for a result by key; the first ask starts the work and returns at once, and
a later run of the page picks the result up (:meth:`Jobs.ready`) or, when it cannot go on
without it, waits (:meth:`Jobs.wait`). Used for the per-feature analysis, whose maritime
zones need the coast index (:mod:`geo.analysis.coastindex`): on a fresh install that is
built first, and the first page must not wait for it. No Streamlit here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class Jobs:
    """Work run once per key in one worker thread; the last ``keep`` results are kept.

    Parameters
    ----------
    keep : int
        How many keys to remember; the oldest is forgotten first.
    """

    def __init__(self, keep: int = 16) -> None:
        self._keep = keep
        self._futures: OrderedDict[Hashable, Future[Any]] = OrderedDict()
        self._lock = threading.Lock()
        # One worker: jobs share the CPU with the page, and queue behind each other.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posturemap-job")

    def submit(self, key: Hashable, work: Callable[..., Any], *args: Any) -> Future[Any]:
        """Start ``work(*args)`` for ``key`` unless it is already running or done."""
        with self._lock:
            future = self._futures.get(key)
            if future is None or (future.done() and future.exception() is not None):
                future = self._pool.submit(work, *args)  # a failed job is tried again
                self._futures[key] = future
            self._futures.move_to_end(key)
            while len(self._futures) > self._keep:
                self._futures.popitem(last=False)
            return future

    def ready(self, key: Hashable) -> Any | None:
        """The result for ``key`` if its work is done, else None (also when never submitted).

        Raises
        ------
        Exception
            Whatever the work raised.
        """
        with self._lock:
            future = self._futures.get(key)
        if future is None or not future.done():
            return None
        return future.result()

    def wait(self, key: Hashable, work: Callable[..., Any], *args: Any) -> Any:
        """The result for ``key``, starting the work if needed and waiting for it."""
        return self.submit(key, work, *args).result()

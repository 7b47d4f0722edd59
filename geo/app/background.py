"""Slow work the app's page need not wait for, done in one worker thread.

The page asks for a result by key; the first ask starts the work and returns at once, and
a later run of the page picks the result up (:meth:`Jobs.ready`) or, when it cannot go on
without it, waits (:meth:`Jobs.wait`). Used for the per-feature analysis, whose maritime
zones need the coast index (:mod:`geo.analysis.coastindex`): on a fresh install that is
built first, and the first page must not wait for it. The worker is a daemon thread: stopping
the server does not wait for unfinished work (a half-written cache file is never used, see
:mod:`geo.analysis.coastindex`). On Linux it runs at a lower CPU priority, so that the page
and the browser drawing it go first. No Streamlit here.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
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
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]]
        self._queue = queue.SimpleQueue()
        self._worker: threading.Thread | None = None

    def submit(self, key: Hashable, work: Callable[..., Any], *args: Any) -> Future[Any]:
        """Start ``work(*args)`` for ``key`` unless it is already running or done."""
        with self._lock:
            future = self._futures.get(key)
            if future is None or (future.done() and future.exception() is not None):
                future = Future()  # a failed job is tried again
                self._queue.put((future, work, args))
                self._futures[key] = future
                if self._worker is None or not self._worker.is_alive():
                    self._worker = threading.Thread(
                        target=self._work, name="posturemap-job", daemon=True
                    )
                    self._worker.start()
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

    def _work(self) -> None:
        _lower_priority()
        while True:
            future, work, args = self._queue.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = work(*args)
            except BaseException as error:  # handed to whoever waits for the result
                future.set_exception(error)
            else:
                future.set_result(result)


def _lower_priority() -> None:
    # On Linux the nice value is per thread: only the worker yields to the page.
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            me = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, me, max(os.getpriority(os.PRIO_PROCESS, me), 10))

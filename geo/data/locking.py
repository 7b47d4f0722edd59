"""One writer at a time in a data directory: the lock around each read-modify-write.

Every edit (:mod:`geo.data.edits`) reads a layer file, changes it, validates the result, writes
it and appends to the history while holding this lock, so concurrent writers (several app
sessions, several processes) are serialised and none loses another's change. Readers take no
lock: files are replaced atomically, so they see the old or the new file.

The lock is ``filelock``'s (``flock`` on POSIX, ``LockFileEx`` on Windows) on a
``.posturemap.lock`` file in the directory: released by the kernel when its process dies, so a
crash never leaves a directory locked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_FILE = ".posturemap.lock"
"""The lock file's name in a data directory."""

LOCK_TIMEOUT_S = 30.0
"""How long a writer waits for another to finish before giving up."""


class Busy(RuntimeError):
    """Another writer held the directory's lock for longer than the timeout."""


@contextmanager
def locked(directory: str | os.PathLike[str], timeout: float = LOCK_TIMEOUT_S) -> Iterator[Path]:
    """Hold the write lock of a data directory for the duration of a ``with`` block.

    Parameters
    ----------
    directory : path
        The data directory (it must exist).
    timeout : float
        Seconds to wait for another writer.

    Yields
    ------
    Path
        The directory.

    Raises
    ------
    Busy
        When the lock was not had within ``timeout`` seconds.
    """
    folder = Path(directory)
    # thread_local=False: the app's threads share one process, and a lock object per call.
    lock = FileLock(folder / LOCK_FILE, timeout=timeout, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise Busy(
            f"{folder}: another edit has held the lock ({LOCK_FILE}) for over {timeout:g} s; "
            "try again"
        ) from None
    try:
        yield folder
    finally:
        lock.release()

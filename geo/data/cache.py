"""Results kept on disk between runs: the folder, and a decorator for JSON-able results.

Some results are the same on every start and slow to make: the offline land of a map's
extent, the big cities' names, the milsymbol symbols. Made once per process they were most
of the app's first page (2.1 s of ~4 s of script on the default data). :func:`json_cached`
keeps them in :func:`cache_dir` (the coast index is kept there too), under a name that is a
digest of what they are made from: the arguments, the versions of the data they are read
from, and the source code of the function that makes them. A change of any of these makes a
new file, so a stale result is never read; the oldest files of a kind are removed.

A cache that cannot be read or written (a read-only home, a damaged file) is not an error:
the result is made again, as if there were no cache.

A fresh install has an empty cache, so posturemap ships, gzipped, the results the default
data set's first page makes (:func:`prepared_dir`, written by ``python -m geo.app.prepare``).
They are found under the same names, so they too are read only when the code, the versions
and the arguments they were made from are those of this install.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import inspect
import json
import os
import zlib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from geo.data.writing import atomic_write_text

T = TypeVar("T")

KEEP_FILES = 16
"""How many results of one kind stay on disk by default, the most recently written."""

_MADE_FROM: dict[str, Callable[[], str]] = {}  # kind -> its made_from, for made_from_now()


def cache_dir() -> Path:
    """Where results are kept: ``$POSTUREMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/posturemap``
    or ``~/.cache/posturemap``."""
    explicit = os.environ.get("POSTUREMAP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "posturemap"


def prepared_dir() -> Path:
    """Where the shipped results are: ``$POSTUREMAP_PREPARED_DIR``, else ``prepared/`` beside
    this module (package data)."""
    return Path(os.environ.get("POSTUREMAP_PREPARED_DIR") or Path(__file__).with_name("prepared"))


def made_from_now() -> dict[str, str]:
    """What each kind of result is made from in this install (versions, digests, settings)."""
    return {kind: made_from() for kind, made_from in sorted(_MADE_FROM.items())}


@functools.lru_cache(maxsize=8)
def package_version(name: str) -> str:
    """The installed version of a distribution (``"none"`` when it is not installed)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def content_digest(path: Path) -> str:
    """A digest of a file's bytes (read a block at a time)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=8)
def file_digest(path: Path) -> str:
    """:func:`content_digest`, once per process (files in installed packages do not change)."""
    return content_digest(path)


def json_cached(
    kind: str,
    made_from: Callable[[], str],
    keep: int = KEEP_FILES,
    helpers: tuple[Callable[..., Any], ...] = (),
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Keep a function's results on disk, as JSON, between processes.

    Parameters
    ----------
    kind : str
        The files' name prefix (``land``, ``symbol``).
    made_from : callable
        Returns what else the result depends on (versions of packages, digests of data files,
        parameters); called on every call, so it should be quick.
    keep : int
        How many results of this kind stay on disk, the most recently written.
    helpers : tuple of callables
        Functions the decorated one calls whose code the result depends on: their source
        joins its own in the files' names.

    Returns
    -------
    callable
        A decorator. The function's arguments must be JSON-able; its result must survive a
        JSON round trip unchanged (dicts with string keys, lists, strings, numbers).
        The undecorated function stays available as ``.uncached``.
    """

    def decorate(make: Callable[..., T]) -> Callable[..., T]:
        sources = "".join(inspect.getsource(f) for f in (make, *helpers))
        code = hashlib.sha256(sources.encode()).hexdigest()[:12]
        _MADE_FROM[kind] = made_from

        @functools.wraps(make)
        def cached(*args: Any) -> T:
            key = json.dumps([kind, code, made_from(), args], separators=(",", ":"))
            name = f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:20]}.json"
            path = cache_dir() / name
            with contextlib.suppress(OSError, ValueError):
                return json.loads(path.read_bytes())
            with contextlib.suppress(OSError, ValueError, EOFError, zlib.error):
                return json.loads(gzip.decompress((prepared_dir() / f"{name}.gz").read_bytes()))
            value = make(*args)
            with contextlib.suppress(OSError):
                atomic_write_text(path, json.dumps(value, separators=(",", ":")))
                _prune(path.parent, kind, keep)
            return value

        cached.uncached = make  # type: ignore[attr-defined]
        return cached

    return decorate


def _prune(folder: Path, kind: str, keep: int) -> None:
    files = sorted(folder.glob(f"{kind}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()

"""What a ping file holds, from its first bytes; compressed and zipped files opened, bounded.

:func:`sniff` names the kind of content from magic bytes and the first characters (never
from the file name). :func:`contents` opens a file for the readers: a gzip, bzip2 or xz
stream is decompressed, and the members of a zip (a KMZ too) are taken one by one, each into
a temporary file and never past :attr:`Limits.max_bytes`, so a decompression bomb stops at
the limit. :class:`Deadline` bounds the time a reader spends on one file. Called by
:func:`geo.tracks.readers.read_file`; rules in ``docs/tracks.md``.
"""

from __future__ import annotations

import bz2
import contextlib
import lzma
import re
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from geo.data.files import TOO_LARGE, too_large
from geo.tracks.layouts import PingError, quote


@dataclass
class Limits:
    """Bounds on what reading one ping file may take.

    Attributes
    ----------
    max_bytes : int
        Content of one file (or of all members of one zip), after decompression.
    max_document_bytes : int
        A JSON, KML or GPX document, which is parsed whole.
    max_line_bytes : int
        A CSV header line or an NMEA line.
    max_seconds : float
        Reading one file.
    max_members : int
        Members of one zip looked at.
    """

    max_bytes: int = 4 << 30
    max_document_bytes: int = 512 << 20
    max_line_bytes: int = 1 << 20
    max_seconds: float = 600.0
    max_members: int = 1000


LIMITS = Limits()
"""The limits in force (tests lower them)."""

COMPRESSED = ("gzip", "bzip2", "xz")
KINDS = ("parquet", "gpkg", "json", "xml", "nmea", "csv")
"""Kinds of content the readers take; :func:`sniff` may also say ``zip``, a compression,
or ``binary`` (none of these)."""

_NMEA = re.compile(rb"(?:^|[\\\s,;])[!$][A-Z]{2}VD[MO],")


class Deadline:
    """The time a reader may still spend on one file.

    Parameters
    ----------
    label : str
        The file, for the message.
    seconds : float, optional
        Default :attr:`Limits.max_seconds`.
    """

    def __init__(self, label: str, seconds: float | None = None) -> None:
        self.label = label
        self.seconds = LIMITS.max_seconds if seconds is None else seconds
        self.end = time.monotonic() + self.seconds

    def check(self) -> None:
        """Raise :class:`PingError` once the time is up."""
        if time.monotonic() > self.end:
            raise PingError(f"reading stopped after {self.seconds:g} s (the time limit)")


def sniff(head: bytes) -> str:
    """Name the kind of content from the first bytes of a file.

    Parameters
    ----------
    head : bytes
        The first few KB.

    Returns
    -------
    str
        ``gzip``, ``bzip2``, ``xz``, ``zip``, ``parquet``, ``gpkg`` (SQLite), ``json``,
        ``xml``, ``nmea``, ``csv``, or ``binary`` for anything else that is not text.
    """
    magic = {
        b"\x1f\x8b": "gzip",
        b"BZh": "bzip2",
        b"\xfd7zXZ\x00": "xz",
        b"PK\x03\x04": "zip",
        b"PK\x05\x06": "zip",
        b"PAR1": "parquet",
        b"SQLite format 3\x00": "gpkg",
    }
    for prefix, kind in magic.items():
        if head.startswith(prefix):
            return kind
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text: look at it as UTF-8
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"\x00" in text:
        return "binary"
    if text.startswith(b"<"):
        return "xml"
    if text.startswith((b"{", b"[")):
        return "json"
    if _NMEA.search(b"\n".join(text.splitlines()[:5])):
        return "nmea"
    return "csv"


def head_of(path: Path, size: int = 4096) -> bytes:
    """The first ``size`` bytes of a file."""
    with path.open("rb") as handle:
        return handle.read(size)


@dataclass(frozen=True)
class Content:
    """One readable stream of a ping file.

    Attributes
    ----------
    path : Path
        The file to read (the input itself, or a temporary file of decompressed bytes).
    kind : str
        One of :data:`KINDS`.
    label : str
        The name used in messages: the input file, ``FILE: member`` for a zip member.
    """

    path: Path
    kind: str
    label: str


@contextlib.contextmanager
def contents(path: Path, label: str, max_bytes: int | None = None) -> Iterator[list[Content]]:
    """Open a ping file: the readable streams it holds, decompressed into temporary files.

    Parameters
    ----------
    path : Path
        The input file.
    label : str
        Its name in messages.
    max_bytes : int, optional
        Largest file, or content once decompressed (default :attr:`Limits.max_bytes`): a
        plain file past it is refused unread, a compressed one where it passes the limit.

    Yields
    ------
    list of Content
        One entry for a plain file, one per readable member of a zip.

    Raises
    ------
    PingError
        For a file that is not ping content, a broken archive, or content past the limits.
    """
    with tempfile.TemporaryDirectory(prefix="posturemap-pings-") as scratch:
        budget = _Budget(LIMITS.max_bytes if max_bytes is None else max_bytes)
        found = _open(path, label, Path(scratch), budget, depth=0)
        yield found


class _Budget:
    """Bytes still allowed out of decompression for one input file."""

    def __init__(self, left: int) -> None:
        self.left = self.limit = left

    def take(self, count: int, label: str, unpacked: bool = True) -> None:
        self.left -= count
        if self.left < 0:
            mb = f"{self.limit / 2**20:.3g} MB"
            size = too_large(self.limit - self.left, self.limit)
            if unpacked:  # only the size so far is known: the rest is never unpacked
                size = f"more than {mb} once decompressed; {TOO_LARGE} {mb}"
            raise PingError(f"{quote(label)}: {size}; not read further")


def _open(path: Path, label: str, scratch: Path, budget: _Budget, depth: int) -> list[Content]:
    kind = sniff(head_of(path))
    if kind in COMPRESSED or kind == "zip":
        if depth >= 3:
            raise PingError(f"{quote(label)}: archives nested more than 3 deep")
        if kind == "zip":
            return _zip_members(path, label, scratch, budget, depth)
        target = scratch / f"{depth}-{len(list(scratch.iterdir()))}"
        with path.open("rb") as source:
            _inflate(source, kind, target, label, budget)
        return _open(target, label, scratch, budget, depth + 1)
    if kind == "binary":
        raise PingError("not ping data: binary content of no known kind")
    if depth == 0:  # a plain file counts against the same limit, refused before it is read
        budget.take(path.stat().st_size, label, unpacked=False)
    return [Content(path, kind, label)]


def _inflate(source: BinaryIO, kind: str, target: Path, label: str, budget: _Budget) -> None:
    """Decompress ``source`` into ``target`` in blocks, never past the budget."""

    def fresh() -> object:
        if kind == "gzip":
            return zlib.decompressobj(wbits=47)  # a gzip header, checked by zlib
        return bz2.BZ2Decompressor() if kind == "bzip2" else lzma.LZMADecompressor()

    decompressor = fresh()
    try:
        with target.open("wb") as out:
            while block := source.read(1 << 20):
                pending = block
                while True:
                    # At most 16 MB out per call: a bomb never fills memory in one step.
                    data = decompressor.decompress(pending, 16 << 20)
                    budget.take(len(data), label)
                    out.write(data)
                    if decompressor.eof:  # concatenated streams (pigz, pbzip2) go on
                        pending = decompressor.unused_data
                        if not pending.strip(b"\0"):
                            break
                        decompressor = fresh()
                    elif kind == "gzip":
                        pending = decompressor.unconsumed_tail
                        if not pending:
                            break
                    else:
                        pending = b""
                        if decompressor.needs_input:
                            break
            if not decompressor.eof:
                raise EOFError("the stream ends early (truncated file)")
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as error:
        raise PingError(f"{quote(label)}: broken {kind} data ({quote(error)})") from None


def _zip_members(
    path: Path, label: str, scratch: Path, budget: _Budget, depth: int
) -> list[Content]:
    """Every member of a zip that holds ping content (by its bytes, not its name)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise PingError(f"{quote(label)}: broken zip ({quote(error)})") from None
    found: list[Content] = []
    skipped: list[str] = []
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > LIMITS.max_members:
            raise PingError(f"{quote(label)}: more than {LIMITS.max_members} files in the zip")
        for number, member in enumerate(members):
            name = f"{label}: {quote(member.filename, 80)}"
            target = scratch / f"{depth}-zip-{number}"
            try:
                with archive.open(member) as source, target.open("wb") as out:
                    while block := source.read(1 << 20):
                        budget.take(len(block), name)
                        out.write(block)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
                raise PingError(f"{name}: cannot be unzipped ({quote(error)})") from None
            except zlib.error as error:
                raise PingError(f"{name}: broken zip data ({quote(error)})") from None
            try:
                found.extend(_open(target, name, scratch, budget, depth + 1))
            except PingError as error:
                if "not ping data" not in str(error):
                    raise
                skipped.append(quote(member.filename, 80))
                target.unlink(missing_ok=True)
    if not found:
        names = ", ".join(skipped) or "none"
        raise PingError(f"a zip with no ping file inside (files: {quote(names)})")
    return found

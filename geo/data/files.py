"""The data files of a directory, of single paths or of a zip upload, read as bytes.

Only the reading: which files count as data (``<layer>.geojson``, ``<layer>.parquet``,
``<layer>.fgb`` and ``sources.json``), size limits (per file, ``max_file_bytes``, default
:data:`~geo.data.schema.MAX_FILE_BYTES`; and in total for a zip, against zip bombs), and a
:class:`~geo.data.schema.Problem` for whatever cannot be read. Parsing and checking the
contents is :mod:`geo.data.reading`'s job.
"""

from __future__ import annotations

import bz2
import io as _io
import lzma
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from geo.data.schema import LAYERS, MAX_FILE_BYTES, SOURCES_FILE, Problem

MAX_ZIP_BYTES = 200 * 1024 * 1024
"""Largest total uncompressed size accepted from a zip upload (200 MiB)."""
_CHUNK = 1024 * 1024
# What a damaged or hostile zip member raises while it is read.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError)
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
LAYER_SUFFIXES = (".geojson", ".json", ".parquet", ".fgb")
"""File name endings a layer may have: GeoJSON, GeoParquet or FlatGeobuf."""
TOO_LARGE = "the limit is"
"""The words every size-limit message holds (the command line adds how to raise it)."""


def too_large(size: float, limit: int) -> str:
    """The message for a file of ``size`` bytes over a limit of ``limit`` bytes (in MiB)."""
    return f"file is {size / 2**20:.1f} MB; {TOO_LARGE} {limit / 2**20:.3g} MB"


def layer_for_file(name: str) -> str | None:
    """Return the layer a file name stands for (``bases.geojson`` -> ``bases``), or None.

    Parameters
    ----------
    name : str
        A file name or path (``/`` or ``\\`` separated); only the last part counts.

    Returns
    -------
    str or None
        The layer, or None when the name is not ``<layer>`` and one of
        :data:`LAYER_SUFFIXES`.
    """
    path = PurePosixPath(name.replace("\\", "/"))
    if path.suffix.lower() not in LAYER_SUFFIXES:
        return None
    stem = path.stem.lower()
    return stem if stem in LAYERS else None


def read_directory(
    path: Path, max_file_bytes: int | None = None
) -> tuple[dict[str, bytes], list[Problem]]:
    """Read the layer files and ``sources.json`` of a data directory as bytes.

    Parameters
    ----------
    path : Path
        The directory.
    max_file_bytes : int, optional
        Largest file read (default :data:`~geo.data.schema.MAX_FILE_BYTES`).

    Returns
    -------
    files : dict of str to bytes
        File name (relative to ``path``) to content; missing layers are simply absent.
    problems : list of Problem
    """
    if not path.exists():
        return {}, [Problem(str(path), "no such file or directory")]
    if not path.is_dir():
        return read_files([path], max_file_bytes)
    names = [f"{layer}.geojson" for layer in LAYERS] + [SOURCES_FILE]
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name in [*_layer_files(path, problems), SOURCES_FILE]:
        candidate = path / name
        if candidate.exists():
            content, problem = _read_limited(candidate, str(candidate), max_file_bytes)
            if problem:
                problems.append(problem)
            else:
                files[str(candidate)] = content
    if not files and not problems:
        problems.append(Problem(str(path), f"no data files found (expected {', '.join(names)})"))
    return files, problems


def _layer_files(path: Path, problems: list[Problem]) -> list[str]:
    """The layer file of each layer in a directory; two files for one layer are a problem."""
    names = []
    for layer in LAYERS:
        found = [f"{layer}{suffix}" for suffix in (".geojson", ".parquet", ".fgb")]
        found = [name for name in found if (path / name).exists()]
        if len(found) > 1:
            message = f"both {' and '.join(found)} hold the {layer} layer; keep one"
            problems.append(Problem(str(path), message))
        elif found:
            names.append(found[0])
    return names


def _read_limited(path: Path, label: str, limit: int | None = None) -> tuple[bytes, Problem | None]:
    """Read a regular file of at most ``limit`` bytes, never more than that plus one byte.

    The limit is :data:`MAX_FILE_BYTES` unless given. A FIFO, a device (a link to
    ``/dev/zero``), a socket or a directory is refused without reading: opening is
    non-blocking and the type is checked on the open file itself.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return b"", Problem(label, f"cannot be read: {error.strerror or error}")
    with os.fdopen(fd, "rb") as stream:
        try:
            status = os.fstat(stream.fileno())
            if not stat.S_ISREG(status.st_mode):
                return b"", Problem(label, "not a regular file; refused")
            if status.st_size > limit:  # refused unread (it may still grow: read bounded)
                return b"", Problem(label, too_large(status.st_size, limit))
            content = stream.read(limit + 1)
            if len(content) > limit:
                size = max(os.fstat(stream.fileno()).st_size, len(content))
                return b"", Problem(label, too_large(size, limit))
        except OSError as error:
            return b"", Problem(label, f"cannot be read: {error.strerror or error}")
    return content, None


def read_file(path: Path, max_file_bytes: int | None = None) -> tuple[bytes, Problem | None]:
    """Read one regular file of at most ``max_file_bytes``, refusing a larger one unread.

    Parameters
    ----------
    path : Path
        The file (a FIFO, a device or a directory is refused without reading).
    max_file_bytes : int, optional
        Largest file read (default :data:`~geo.data.schema.MAX_FILE_BYTES`).

    Returns
    -------
    content : bytes
        Empty when refused.
    problem : Problem or None
        Why it was refused; a size message holds :data:`TOO_LARGE`.
    """
    return _read_limited(path, str(path), max_file_bytes)


def unpack_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes, max_file_bytes: int | None = None
) -> tuple[bytes, Problem | None]:
    """Unpack one member of a zip (a KMZ), bounded by its unpacked size, never its stated one.

    Parameters
    ----------
    archive : zipfile.ZipFile
        The zip, opened on ``data``.
    info : zipfile.ZipInfo
        The member.
    data : bytes
        The zip's content (bzip2 and LZMA members are unpacked from it with a bound).
    max_file_bytes : int, optional
        Largest member once unpacked (default :data:`~geo.data.schema.MAX_FILE_BYTES`).

    Returns
    -------
    content : bytes
    problem : Problem or None
        Labelled with the member's name; a size message holds :data:`TOO_LARGE`.
    """
    limit = MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
    return _read_member(archive, info, info.filename, (MAX_ZIP_BYTES, limit), data)


def columnar_layer(directory: Path, layer: str) -> Path | None:
    """The GeoParquet or FlatGeobuf file holding ``layer`` in a directory, if any."""
    for suffix in (".parquet", ".fgb"):
        if (directory / f"{layer}{suffix}").exists():
            return directory / f"{layer}{suffix}"
    return None


def columnar_refusal(path: Path, action: str) -> str:
    """Why an edit or import does not write into a GeoParquet/FlatGeobuf layer, and what to do.

    Parameters
    ----------
    path : Path
        The layer file (``DIR/assets.parquet``).
    action : str
        What was refused (``import``, ``edit``).

    Returns
    -------
    str
        One line: the layer is read but not rewritten (a ``.geojson`` beside it would be
        a second file for one layer), and how to go on.
    """
    geojson = path.with_suffix(".geojson")
    kind = {".parquet": "GeoParquet", ".fgb": "FlatGeobuf"}.get(path.suffix, path.suffix)
    return (
        f"{path}: this layer is a {kind} file, which {action} does not rewrite "
        f"(it would need a second file, {geojson.name}, for the same layer); {action} into a "
        f"directory whose {path.stem} layer is GeoJSON, or convert it (ogr2ogr -f GeoJSON "
        f"{geojson} {path}) and remove {path.name}"
    )


def read_files(
    paths: Iterable[Path], max_file_bytes: int | None = None
) -> tuple[dict[str, bytes], list[Problem]]:
    """Read individual layer files; a ``sources.json`` beside them is read too.

    Parameters
    ----------
    paths : iterable of Path
        Layer files; a directory among them is read with :func:`read_directory`, a zip
        with :func:`read_zip` (as the app reads an upload).
    max_file_bytes : int, optional
        Largest file read (default :data:`~geo.data.schema.MAX_FILE_BYTES`).

    Returns
    -------
    files : dict of str to bytes
        File path to content.
    problems : list of Problem
    """
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            more, more_problems = read_directory(path, max_file_bytes)
            files.update(more)
            problems.extend(more_problems)
            continue
        if path.suffix.lower() == ".zip":  # read as the app reads an uploaded zip
            content, problem = _read_limited(path, str(path), MAX_ZIP_BYTES)
            unpacked = read_zip(str(path), content, max_file_bytes) if problem is None else None
            more, more_problems = unpacked or ({}, [])
            files.update(more)
            problems.extend([problem] if problem else more_problems)
            continue
        content, problem = _read_limited(path, str(path), max_file_bytes)
        if problem:
            problems.append(problem)
            continue
        files[str(path)] = content
        sibling = path.with_name(SOURCES_FILE)
        if path.name != SOURCES_FILE and sibling.exists() and str(sibling) not in files:
            content, problem = _read_limited(sibling, str(sibling), max_file_bytes)
            if problem:
                problems.append(problem)
            else:
                files[str(sibling)] = content
    return files, problems


def read_zip(
    name: str, data: bytes, max_file_bytes: int | None = None
) -> tuple[dict[str, bytes], list[Problem]]:
    """Unpack the data files of a zipped data directory, with size limits against zip bombs.

    Parameters
    ----------
    name : str
        The zip's name, for messages and as the prefix of the returned names.
    data : bytes
        The zip's content.
    max_file_bytes : int, optional
        Largest member once unpacked (default :data:`~geo.data.schema.MAX_FILE_BYTES`).

    Returns
    -------
    files : dict of str to bytes
        ``name/member`` to content, for layer files and ``sources.json`` only (in any
        folder of the zip); other members are skipped.
    problems : list of Problem
        A bad zip; members refused: too large once unpacked (counted while unpacking, never
        from the sizes the zip states), encrypted, of an unknown method, damaged, or a second
        member of the same name.
    """
    try:
        archive = zipfile.ZipFile(_io.BytesIO(data))
        members = archive.infolist()
    except _ZIP_ERRORS:
        return {}, [Problem(name, "not a valid zip file")]
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    budget = MAX_ZIP_BYTES
    for info in members:
        base = PurePosixPath(info.filename).name
        if info.is_dir() or (layer_for_file(base) is None and base != SOURCES_FILE):
            continue
        label = f"{name}/{info.filename}"
        if base.lower() in seen:
            problems.append(
                Problem(
                    label,
                    f"a second {base} in the zip (the first is {seen[base.lower()]}); refused",
                )
            )
            continue
        seen[base.lower()] = info.filename
        limit = MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
        content, problem = _read_member(archive, info, label, (budget, limit), data)
        if problem:
            problems.append(problem)
            continue
        budget -= len(content)
        files[label] = content
    if not files and not problems:
        problems.append(Problem(name, "the zip holds no layer files or sources.json"))
    return files, problems


def _read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    label: str,
    limits: tuple[int, int],
    data: bytes,
) -> tuple[bytes, Problem | None]:
    """Unpack one member, counting the bytes as they come: a zip's stated sizes are not trusted.

    ``limits`` are what is left of the zip's budget and the largest file.
    """
    budget, max_file = limits
    if info.flag_bits & 0x1:
        return b"", Problem(label, "encrypted; refused")
    if info.compress_type not in _ZIP_METHODS:
        return b"", Problem(label, f"unknown compression method {info.compress_type}; refused")
    limit = min(max_file, budget)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in _unpacked(archive, info, data):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                if limit < max_file:
                    message = f"the zip unpacks to more than {MAX_ZIP_BYTES / 1e6:.0f} MB"
                    return b"", Problem(label, message + "; refused")
                message = f"too large once unpacked; {TOO_LARGE} {max_file / 2**20:.3g} MB"
                return b"", Problem(label, f"{message}; refused")
    except _ZIP_ERRORS as error:
        return b"", Problem(label, f"damaged in the zip ({type(error).__name__}); refused")
    return b"".join(chunks), None


def _unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> Iterator[bytes]:
    """A member's content in pieces of at most :data:`_CHUNK` bytes, however it is packed.

    zipfile bounds what one read inflates only for deflate: a few bytes of bzip2 or LZMA
    unpack in one call to all they hold (400 MB of zeros from 400 bytes). Those two are
    unpacked here, from the member's raw bytes, with a bound on every call.
    """
    if info.compress_type not in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                yield chunk
        return
    raw = _raw_member(data, info)
    if info.compress_type == zipfile.ZIP_LZMA:
        decompressor, raw = _lzma_decompressor(raw)
    else:
        decompressor = bz2.BZ2Decompressor()
    crc, size, position = 0, 0, 0
    while not decompressor.eof:
        if decompressor.needs_input:
            if position >= len(raw):
                break  # an LZMA stream may end without an end marker
            chunk, position = raw[position : position + _CHUNK], position + _CHUNK
        else:
            chunk = b""
        piece = decompressor.decompress(chunk, max_length=_CHUNK)
        crc, size = zlib.crc32(piece, crc), size + len(piece)
        yield piece
    if crc != info.CRC or size != info.file_size:
        raise zipfile.BadZipFile("unpacked size or CRC differs from the zip's")


def _raw_member(data: bytes, info: zipfile.ZipInfo) -> memoryview:
    """The packed bytes of a member, after its local header (as zipfile finds them)."""
    start = info.header_offset
    header = data[start : start + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    begin = start + 30 + name_length + extra_length
    return memoryview(data)[begin : begin + info.compress_size]


def _lzma_decompressor(raw: memoryview) -> tuple[lzma.LZMADecompressor, memoryview]:
    """A raw LZMA1 decompressor for a zip member (APPNOTE 5.8.8: version, size, properties)."""
    if len(raw) < 9:
        raise EOFError("LZMA header cut short")
    (size,) = struct.unpack("<H", raw[2:4])
    properties = bytes(raw[4 : 4 + size])
    if size != 5:
        raise lzma.LZMAError(f"LZMA properties of {size} bytes")
    pb, rest = divmod(properties[0], 45)
    lp, lc = divmod(rest, 9)
    (dict_size,) = struct.unpack("<I", properties[1:5])
    lzma1 = {"id": lzma.FILTER_LZMA1, "dict_size": dict_size, "lc": lc, "lp": lp, "pb": pb}
    return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[lzma1]), raw[4 + size :]

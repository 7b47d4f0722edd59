"""The data files of a directory, of single paths or of a zip upload, read as bytes.

Only the reading: which files count as data (``<layer>.geojson`` and ``sources.json``),
size limits (per file, and in total for a zip, against zip bombs), and a
:class:`~geo.data.schema.Problem` for whatever cannot be read. Parsing and checking the
contents is :mod:`geo.data.reading`'s job.
"""

from __future__ import annotations

import io as _io
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from geo.data.schema import LAYERS, MAX_FILE_BYTES, SOURCES_FILE, Problem

MAX_ZIP_BYTES = 200 * 1024 * 1024
"""Largest total uncompressed size accepted from a zip upload (200 MiB)."""


def layer_for_file(name: str) -> str | None:
    """Return the layer a file name stands for (``bases.geojson`` -> ``bases``), or None.

    Parameters
    ----------
    name : str
        A file name or path (``/`` or ``\\`` separated); only the last part counts.

    Returns
    -------
    str or None
        The layer, or None when the name is not ``<layer>.geojson`` / ``<layer>.json``.
    """
    path = PurePosixPath(name.replace("\\", "/"))
    if path.suffix.lower() not in (".geojson", ".json"):
        return None
    stem = path.stem.lower()
    return stem if stem in LAYERS else None


def read_directory(path: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """Read the layer files and ``sources.json`` of a data directory as bytes.

    Parameters
    ----------
    path : Path
        The directory.

    Returns
    -------
    files : dict of str to bytes
        File name (relative to ``path``) to content; missing layers are simply absent.
    problems : list of Problem
    """
    if not path.exists():
        return {}, [Problem(str(path), "no such file or directory")]
    if not path.is_dir():
        return read_files([path])
    names = [f"{layer}.geojson" for layer in LAYERS] + [SOURCES_FILE]
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name in names:
        candidate = path / name
        if candidate.exists():
            content, problem = _read_limited(candidate, str(candidate))
            if problem:
                problems.append(problem)
            else:
                files[str(candidate)] = content
    if not files and not problems:
        problems.append(Problem(str(path), f"no data files found (expected {', '.join(names)})"))
    return files, problems


def _read_limited(path: Path, label: str) -> tuple[bytes, Problem | None]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return b"", Problem(
                label, f"file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB"
            )
        return path.read_bytes(), None
    except OSError as error:
        return b"", Problem(label, f"cannot be read: {error.strerror or error}")


def read_files(paths: Iterable[Path]) -> tuple[dict[str, bytes], list[Problem]]:
    """Read individual layer files; a ``sources.json`` beside them is read too.

    Parameters
    ----------
    paths : iterable of Path
        Layer files; a directory among them is read with :func:`read_directory`.

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
            more, more_problems = read_directory(path)
            files.update(more)
            problems.extend(more_problems)
            continue
        content, problem = _read_limited(path, str(path))
        if problem:
            problems.append(problem)
            continue
        files[str(path)] = content
        sibling = path.with_name(SOURCES_FILE)
        if path.name != SOURCES_FILE and sibling.exists() and str(sibling) not in files:
            content, problem = _read_limited(sibling, str(sibling))
            if problem:
                problems.append(problem)
            else:
                files[str(sibling)] = content
    return files, problems


def read_zip(name: str, data: bytes) -> tuple[dict[str, bytes], list[Problem]]:
    """Unpack the data files of a zipped data directory, with size limits against zip bombs.

    Parameters
    ----------
    name : str
        The zip's name, for messages and as the prefix of the returned names.
    data : bytes
        The zip's content.

    Returns
    -------
    files : dict of str to bytes
        ``name/member`` to content, for layer files and ``sources.json`` only (in any
        folder of the zip); other members are skipped.
    problems : list of Problem
        A bad zip, or members refused for their unpacked size.
    """
    try:
        archive = zipfile.ZipFile(_io.BytesIO(data))
    except zipfile.BadZipFile:
        return {}, [Problem(name, "not a valid zip file")]
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    total = 0
    for info in archive.infolist():
        base = PurePosixPath(info.filename).name
        if info.is_dir() or (layer_for_file(base) is None and base != SOURCES_FILE):
            continue
        label = f"{name}/{info.filename}"
        total += info.file_size
        if info.file_size > MAX_FILE_BYTES or total > MAX_ZIP_BYTES:
            problems.append(Problem(label, "too large once unpacked; refused"))
            continue
        files[label] = archive.read(info)
    if not files and not problems:
        problems.append(Problem(name, "the zip holds no layer files or sources.json"))
    return files, problems

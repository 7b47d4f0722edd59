"""Layers back out as RFC 7946 GeoJSON: FeatureCollection dicts and atomic file writes.

The inverse of :func:`geo.data.reading.load` for one layer: the derived columns are dropped,
timestamps become ISO 8601 in UTC, and a file is never overwritten unless asked.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from geo.data.reading import CRS


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        text = value.isoformat()
        return text.replace("+00:00", "Z")
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()  # numpy scalars
    return value


def to_feature_collection(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """Turn a layer GeoDataFrame back into an RFC 7946 FeatureCollection (dict).

    The derived columns (``layer``, ``source_refs`` and analysis columns starting
    with an underscore) are not written; null optional fields are left out.

    Parameters
    ----------
    frame : GeoDataFrame
        A layer as built by :func:`load` (any CRS; it is written in WGS 84).

    Returns
    -------
    dict
        A GeoJSON FeatureCollection.
    """
    if frame.crs is not None and frame.crs != CRS:
        frame = frame.to_crs(CRS)
    skip = {"layer", "source_refs", frame.geometry.name}
    features = []
    for record, geom in zip(
        frame.drop(columns=frame.geometry.name).to_dict("records"), frame.geometry, strict=True
    ):
        props = {}
        for key, value in record.items():
            if key in skip or key.startswith("_"):
                continue
            value = _json_value(value)
            if value is None and key not in ("killed",):
                continue
            props[key] = value
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": mapping(geom) if geom is not None else None,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(
    frame: gpd.GeoDataFrame, path: str | os.PathLike[str], overwrite: bool = False
) -> Path:
    """Write a layer as an RFC 7946 GeoJSON file, atomically.

    Parameters
    ----------
    frame : GeoDataFrame
        The layer.
    path : path
        Destination file.
    overwrite : bool
        Replace an existing file; without it an existing file is never touched.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    FileExistsError
        When ``path`` exists and ``overwrite`` is False.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(str(target))  # early, before the work of serialising
    text = collection_text(to_feature_collection(frame))
    return atomic_write_text(target, text, overwrite=overwrite)


def collection_text(collection: dict[str, Any]) -> str:
    """Serialise a FeatureCollection as a layer file's text (UTF-8 as is, a final newline).

    Parameters
    ----------
    collection : dict
        A GeoJSON FeatureCollection.

    Returns
    -------
    str
        Indented one space per level for review, compact above 2,000 features.
    """
    # Indented output reads well in review, but json's indenting encoder is pure Python and
    # ten times slower: big layers (track imports) are written compact.
    indent = 1 if len(collection.get("features", ())) <= 2000 else None
    return json.dumps(collection, ensure_ascii=False, indent=indent) + "\n"


def sources_text(records: list[Any]) -> str:
    """Serialise the records of ``sources.json`` (indented one space per level, a final newline)."""
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def atomic_write_text(target: Path, text: str, overwrite: bool = True) -> Path:
    """Write ``text`` to ``target`` all at once: readers see the old file or the new, never half.

    The content goes to an unnamed temporary file in the target's folder (Linux
    ``O_TMPFILE``), which is then linked in: a process killed while writing leaves nothing
    behind. Without ``overwrite`` the link itself fails when ``target`` exists, so two
    writers racing for one path cannot both succeed. Where ``O_TMPFILE`` is missing a named
    temporary file is used and removed on any error. The file gets the permissions a newly
    created file gets (not a temporary file's 0600).

    Parameters
    ----------
    target : Path
        Destination file; its folder is created if missing.
    text : str
        Content, written as UTF-8.
    overwrite : bool
        Replace an existing ``target``; without it an existing file is never touched.

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    FileExistsError
        When ``target`` exists and ``overwrite`` is False.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    umask = os.umask(0)
    os.umask(umask)
    mode = 0o666 & ~umask
    if hasattr(os, "O_TMPFILE"):
        try:
            fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY, mode)
        except OSError:
            fd = None  # a file system without unnamed temporary files
        if fd is not None:
            try:
                _write_all(fd, data)
                os.fchmod(fd, mode)
                _link_in(f"/proc/self/fd/{fd}", target, overwrite)
            finally:
                os.close(fd)
            return target
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        _write_all(handle, data)
        os.fchmod(handle, mode)
        os.close(handle)
        handle = -1
        _link_in(name, target, overwrite)
    finally:
        if handle >= 0:
            os.close(handle)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
    return target


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def _link(source: str, target: Path) -> None:
    # With a directory fd os.link calls linkat(AT_SYMLINK_FOLLOW), which follows the
    # /proc/self/fd link to the unnamed file; plain link() would not.
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.link(source, target.name, src_dir_fd=folder, dst_dir_fd=folder)
    finally:
        os.close(folder)


def _link_in(source: str, target: Path, overwrite: bool) -> None:
    """Give the written file its name: a hard link fails on an existing name, a rename replaces."""
    if not overwrite:
        try:
            _link(source, target)  # fails when target exists: nothing is replaced
        except FileExistsError:
            raise FileExistsError(errno.EEXIST, "file exists", str(target)) from None
        return
    scratch = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    _link(source, scratch)
    try:
        os.replace(scratch, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(scratch)
        raise

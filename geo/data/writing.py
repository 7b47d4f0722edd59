"""Layers back out as RFC 7946 GeoJSON: FeatureCollection dicts and atomic file writes.

The inverse of :func:`geo.data.reading.load` for one layer: the derived columns are dropped,
timestamps become ISO 8601 in UTC, and a file is never overwritten unless asked.
"""

from __future__ import annotations

import json
import os
import tempfile
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
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    # Indented output reads well in review, but json's indenting encoder is pure Python and
    # ten times slower: big layers (track imports) are written compact.
    indent = 1 if len(frame) <= 2000 else None
    text = json.dumps(to_feature_collection(frame), ensure_ascii=False, indent=indent)
    return atomic_write_text(target, text + "\n")


def atomic_write_text(target: Path, text: str) -> Path:
    """Write ``text`` to ``target`` through a temporary file beside it and a rename.

    An interrupted write never leaves half a file, and the file gets the permissions any
    newly created file gets (the temporary file's 0600 is not kept).

    Parameters
    ----------
    target : Path
        Destination file; its folder is created if missing. An existing file is replaced.
    text : str
        Content, written as UTF-8.

    Returns
    -------
    Path
        ``target``.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, suffix=".tmp", delete=False
    ) as handle:
        handle.write(text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(handle.name, 0o666 & ~umask)
    os.replace(handle.name, target)
    return target

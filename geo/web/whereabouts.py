"""Popup rows that say where a feature may be: zones and coast distance over its circle.

The same words as ``python -m geo analyze`` and the app's details
(:func:`geo.analysis.uncertainty.describe_where`, :func:`~geo.analysis.uncertainty.describe_range`):
a strike reported at ±400 km reads "internal/land, territorial sea, contiguous zone or EEZ
(approximate) (±400 km) of Venezuela, Aruba and 4 more · 0–160 nm from the coast", never "in
the contiguous zone". A track's row names the states whose land or 12 nm territorial sea it
crosses (:func:`geo.analysis.territory.crossings`).

Sampling every circle costs about a millisecond a point, so maps of more than
:data:`WHERE_LIMIT` points leave these rows out (the command line's ``analyze`` still has
them); results are cached by content, so the app's reruns pay once.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis import territory, uncertainty

WHERE_LIMIT = 2_000
"""Most points a map annotates with their zones (about 2 s of sampling at the limit)."""


def texts(frame: gpd.GeoDataFrame, layer: str) -> dict[str, list[str | None]]:
    """The ``where`` (points) or ``crosses`` (tracks) popup text of each feature of a layer.

    Parameters
    ----------
    frame : GeoDataFrame
        Features of one layer with a geometry, EPSG:4326.
    layer : str
        The layer's name.
    """
    n = len(frame)
    if n == 0:
        return {}
    if layer == "tracks":
        return {"crosses": _crossing_texts(frame)}
    points = (frame.geometry.geom_type == "Point").to_numpy(bool)
    if not points.any():
        return {}
    lon = np.where(points, frame.geometry.x.where(points, 0.0), 0.0)
    lat = np.where(points, frame.geometry.y.where(points, 0.0), 0.0)
    radius = (
        pd.to_numeric(frame["uncertainty_km"], errors="coerce").fillna(0.0).to_numpy(float)
        if "uncertainty_km" in frame
        else np.zeros(n)
    )
    words = _where_words(_key(lon[points], lat[points], radius[points]))
    out: list[str | None] = [None] * n
    for position, text in zip(np.flatnonzero(points), words, strict=True):
        out[position] = text
    return {"where": out}


def _key(*arrays: np.ndarray) -> tuple[bytes, ...]:
    # lru_cache needs hashable arguments; the arrays travel as their bytes.
    return tuple(np.ascontiguousarray(a, dtype=float).tobytes() for a in arrays)


@lru_cache(maxsize=16)
def _where_words(key: tuple[bytes, ...]) -> tuple[str, ...]:
    lon, lat, radius = (np.frombuffer(part, dtype=float) for part in key)
    found = uncertainty.zone_ranges(lon, lat, radius)
    out = []
    for row, r in zip(found.to_dict("records"), radius, strict=True):
        state = row["coastal_state"] if isinstance(row["coastal_state"], str) else None
        text = uncertainty.describe_where(
            list(row["zones_possible"]), list(row["states_possible"]), float(r), first=state
        )
        coast = uncertainty.describe_range(
            float(row["coast_nm"]), float(row["coast_nm_min"]), float(row["coast_nm_max"])
        )
        out.append(f"{text} · {coast} from the coast" if coast else text)
    return tuple(out)


def _crossing_texts(tracks: gpd.GeoDataFrame) -> list[str | None]:
    digest = hashlib.sha256()
    for wkb in tracks.geometry.to_wkb():
        digest.update(wkb or b"")
    return list(_crossings(digest.hexdigest(), tracks))


_CROSSINGS: dict[str, tuple[str | None, ...]] = {}


def _crossings(digest: str, tracks: gpd.GeoDataFrame) -> tuple[str | None, ...]:
    if digest not in _CROSSINGS:
        if len(_CROSSINGS) > 16:
            _CROSSINGS.clear()
        found = territory.crossings(tracks)
        pairs = zip(found["land_crossed"], found["territorial_sea_crossed"], strict=True)
        _CROSSINGS[digest] = tuple(_crossed(list(land), list(sea)) for land, sea in pairs)
    return _CROSSINGS[digest]


def _crossed(land: list[str], sea: list[str]) -> str:
    if not land and not sea:
        return "no state's land or territorial sea"
    parts = []
    if land:
        parts.append("land of " + ", ".join(land))
    if sea:
        parts.append("territorial sea of " + ", ".join(sea))
    return "; ".join(parts)

"""Basemaps: online tiles from ``xyzservices`` and an offline map from Natural Earth.

The offline basemap draws land, coastlines and borders from the Natural Earth 1:10m
countries installed with posturemap, simplified for display by
:data:`OFFLINE_TOLERANCE_DEG` (about 1 km), so a map needs no network at all.
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from typing import Any

import shapely
import xyzservices.providers as xyz

from geo.analysis.naturalearth import countries, countries_path
from geo.data.cache import file_digest, json_cached

OFFLINE = "offline"
OFFLINE_TOLERANCE_DEG = 0.01
"""Douglas-Peucker tolerance of the offline land polygons, in degrees (~1.1 km at the equator)."""

TILES = {
    "light": xyz.Esri.WorldGrayCanvas,
    "dark": xyz.CartoDB.DarkMatter,
    "satellite": xyz.Esri.WorldImagery,
}
BASEMAPS: tuple[str, ...] = (*TILES, OFFLINE)
"""Every basemap name accepted by :func:`geo.web.maps.build_map`."""

SEA_COLOUR = {"light": "#dfe9f3", "dark": "#1b1f24", "satellite": "#0b2239", OFFLINE: "#c9dcee"}


def tile_spec(name: str) -> dict[str, Any] | None:
    """Return the tile URL, attribution and zoom range of an online basemap (None for offline).

    Raises
    ------
    ValueError
        For an unknown basemap name.
    """
    if name == OFFLINE:
        return None
    if name not in TILES:
        raise ValueError(f"unknown basemap {name!r}; choose one of {', '.join(BASEMAPS)}")
    provider = TILES[name]
    return {
        "name": name,
        "url": _url(provider),
        "attribution": provider.get("html_attribution", provider.attribution),
        "max_zoom": int(provider.get("max_zoom", 18)),
        "subdomains": provider.get("subdomains", "abc"),
    }


def _url(provider: Any) -> str:
    with warnings.catch_warnings():
        # xyzservices warns that CartoDB wants an API key; the public endpoint still answers.
        warnings.simplefilter("ignore")
        return provider.build_url(fill_subdomain=False, scale_factor="")


@lru_cache(maxsize=4)  # the same dict for the same bounds: served.land_publisher relies on it
@json_cached("land", lambda: f"{file_digest(countries_path())}|{OFFLINE_TOLERANCE_DEG}")
def offline_land(bounds: tuple[float, float, float, float] | None = None) -> dict[str, Any]:
    """Natural Earth land polygons as a compact GeoJSON dict for the offline basemap.

    Parameters
    ----------
    bounds : (west, south, east, north), optional
        Keep only countries intersecting these bounds (the whole world when None).

    Returns
    -------
    dict
        A FeatureCollection with one simplified (Multi)Polygon per country; coordinates
        rounded to 3 decimals (~100 m, below the simplification tolerance). Kept on disk
        (:func:`geo.data.cache.json_cached`): simplifying takes ~0.4 s.
    """
    frame = countries()
    if bounds is not None:
        frame = frame.cx[bounds[0] : bounds[2], bounds[1] : bounds[3]]
    geometry = frame.geometry.simplify(OFFLINE_TOLERANCE_DEG, preserve_topology=True)
    geometry = geometry.set_precision(0.001)
    kept = geometry[geometry.notna() & ~geometry.is_empty]
    # Lists, not tuples: the same dict whether made here or read back from the cache.
    features = [
        {"type": "Feature", "properties": {}, "geometry": json.loads(text)}
        for text in shapely.to_geojson(kept.values)
    ]
    return {"type": "FeatureCollection", "features": features}

"""Geometry for the page: integer coordinates, delta-encoded lines, direction arrows.

Coordinates travel as integers of 1e-5 degree (about 1 m); lines as the differences between
successive vertices, which are small numbers; times per vertex likewise. Tracks without
times are simplified for display by :data:`DISPLAY_TOLERANCE_M`.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis import geodesy

DISPLAY_TOLERANCE_M = 250.0
"""Tracks without per-vertex times are simplified for display by this much (metres, in an
azimuthal equidistant projection centred on the data). Tracks with times are drawn as
imported (``tracks import`` simplifies them to its own stated tolerance)."""
ARROWS_PER_PART = 8


def encode_line(coords: np.ndarray) -> list[int]:
    """Delta-encode a line's [lon, lat] pairs as integers of 1e-5 degree (~1 m)."""
    scaled = np.round(np.asarray(coords)[:, :2] * 1e5).astype(np.int64)
    deltas = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return deltas.ravel().tolist()


def e5(values: np.ndarray) -> list[int | None]:
    """Degrees as integers of 1e-5 degree; NaN (not a point) as None."""
    scaled = np.round(values * 1e5)
    return [
        None if missing else int(v) for v, missing in zip(scaled, np.isnan(scaled), strict=True)
    ]


def line_parts(geom: shapely.Geometry) -> list[np.ndarray]:
    """The coordinate arrays of a line, polygon (exterior, then holes) or multi-geometry."""
    if geom.geom_type in ("LineString", "LinearRing"):
        return [np.asarray(geom.coords)]
    if geom.geom_type == "Polygon":
        return [np.asarray(geom.exterior.coords)] + [np.asarray(r.coords) for r in geom.interiors]
    return [part for sub in geom.geoms for part in line_parts(sub)]


def vertex_times(values: Any) -> list[int] | None:
    """ISO times per vertex as seconds: the first, then the differences (None when absent)."""
    if not isinstance(values, list) or not values:
        return None
    seconds = [int(pd.Timestamp(v).timestamp()) for v in values]
    return [seconds[0], *np.diff(seconds).tolist()]


def direction_arrows(parts: list[np.ndarray]) -> list[list[int]]:
    """Direction arrows at up to ARROWS_PER_PART segment midpoints per part: [lon, lat, azimuth]."""
    out: list[list[int]] = []
    for coords in parts:
        if len(coords) < 2:
            continue
        count = len(coords) - 1
        picks = np.unique(
            np.linspace(0, count - 1, min(count, ARROWS_PER_PART)).round().astype(int)
        )
        lon1, lat1 = coords[picks, 0], coords[picks, 1]
        lon2, lat2 = coords[picks + 1, 0], coords[picks + 1, 1]
        azimuth, _, distance = geodesy.GEOD.inv(lon1, lat1, lon2, lat2)
        mid_lon, mid_lat, back = geodesy.GEOD.fwd(lon1, lat1, azimuth, np.asarray(distance) / 2)
        bearing = (np.asarray(back) + 180.0) % 360.0
        for x, y, b, d in zip(
            np.atleast_1d(mid_lon),
            np.atleast_1d(mid_lat),
            np.atleast_1d(bearing),
            np.atleast_1d(distance),
            strict=True,
        ):
            if d > 0:
                out.append([round(float(x) * 1e5), round(float(y) * 1e5), round(float(b))])
    return out


def display_lines(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Simplify lines without times for display, in metres, in a projection centred on them."""
    geometry = frame.geometry
    if frame.empty:
        return geometry
    no_times = frame["times"].map(lambda t: not isinstance(t, list)) if "times" in frame else True
    bounds = geometry.total_bounds
    crs = geodesy.theatre_crs([bounds[0], bounds[2]], [bounds[1], bounds[3]])
    projected = geometry.to_crs(crs).simplify(DISPLAY_TOLERANCE_M, preserve_topology=False)
    simplified = projected.to_crs("EPSG:4326")
    return geometry.where(~no_times, simplified) if not isinstance(no_times, bool) else simplified

"""Geodesic range rings around bases, assets or bare points, from nominal ranges or given radii.

The nominal ranges and their public sources are :mod:`geo.analysis.ranges`; each ring is a
geodesic circle (:func:`geo.analysis.geodesy.geodesic_circle`), split at the antimeridian.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis import geodesy
from geo.analysis import ranges as range_table


def _centres(frame_or_points: Any) -> gpd.GeoDataFrame:
    if isinstance(frame_or_points, gpd.GeoDataFrame):
        frame = frame_or_points.copy()
        frame = frame.set_geometry(geodesy.representative_points(frame).values).set_crs(
            4326, allow_override=True
        )
    elif isinstance(frame_or_points, gpd.GeoSeries):
        frame = gpd.GeoDataFrame(
            geometry=geodesy.representative_points(
                gpd.GeoDataFrame(geometry=frame_or_points)
            ).values,
            crs=4326,
        )
    else:
        pairs = [tuple(p) for p in frame_or_points]
        frame = gpd.GeoDataFrame(
            geometry=[shapely.Point(float(p[0]), float(p[1])) for p in pairs], crs=4326
        )
    if "id" not in frame:
        frame["id"] = [f"point-{i + 1}" for i in range(len(frame))]
    if "name" not in frame:
        frame["name"] = frame["id"]
    return frame.reset_index(drop=True)


def range_rings(
    frame_or_points: gpd.GeoDataFrame | gpd.GeoSeries | Iterable[tuple[float, float]],
    radius_km: float | Iterable[float] | None = None,
    ranges: pd.DataFrame | str | Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None,
    n: int = 256,
) -> gpd.GeoDataFrame:
    """Geodesic range rings around bases, assets or bare (lon, lat) points.

    Parameters
    ----------
    frame_or_points : GeoDataFrame, GeoSeries or iterable of (lon, lat)
        Centres. A frame's ``id``/``name``/``type``/``designation`` are used.
    radius_km : float or iterable of float, optional
        Draw these radii around every centre. When None, each centre gets a ring
        per nominal range of its type (:mod:`geo.analysis.ranges`; centres matching none get none).
    ranges : DataFrame, path, mapping or list, optional
        Overrides of the nominal range table (see :func:`geo.analysis.ranges.load_ranges`),
        or a table already loaded.
    n : int
        Vertices per ring.

    Returns
    -------
    GeoDataFrame
        Columns ``center_id``, ``name``, ``radius_km``, ``radius_nm``, ``label``,
        ``source``, ``url``, ``range_key`` and geometry (EPSG:4326, valid,
        split at the antimeridian).
    """
    centres = _centres(frame_or_points)
    rows: list[dict[str, Any]] = []
    if radius_km is not None:
        radii = [float(radius_km)] if np.isscalar(radius_km) else [float(r) for r in radius_km]
        for _, centre in centres.iterrows():
            for radius in radii:
                rows.append(
                    {
                        **_ring_row(centre, radius, n),
                        "label": _label("", radius),
                        "source": "radius given by the user",
                        "url": None,
                        "range_key": None,
                    }
                )
    else:
        table = ranges if isinstance(ranges, pd.DataFrame) else range_table.load_ranges(ranges)
        for _, centre in centres.iterrows():
            for key in range_table.match_ranges(centre.to_dict(), table):
                entry = table.loc[key]
                radius = float(entry["radius_km"])
                rows.append(
                    {
                        **_ring_row(centre, radius, n),
                        "label": _label(entry["label"], radius),
                        "source": entry["source"],
                        "url": entry["url"],
                        "range_key": key,
                    }
                )
    columns = ["center_id", "name", "radius_km", "radius_nm", "label", "source", "url", "range_key"]
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=4326)
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(frame[columns], geometry=frame["geometry"].tolist(), crs=4326)


def _ring_row(centre: pd.Series, radius: float, n: int) -> dict[str, Any]:
    point = centre.geometry
    return {
        "center_id": centre["id"],
        "name": centre["name"],
        "radius_km": radius,
        "radius_nm": radius / geodesy.KM_PER_NM,
        "geometry": geodesy.geodesic_circle(point.x, point.y, radius, n=n),
    }


def _label(text: str, radius: float) -> str:
    figures = f"{radius:,.0f} km ({radius / geodesy.KM_PER_NM:,.0f} nm)"
    return f"{text}: {figures}" if text else figures

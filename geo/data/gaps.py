"""The unobserved stretches between the legs of a track, derived from the tracks layer.

A track imported from pings is written as legs (:mod:`geo.tracks`); where the recording
has a gap, the map draws a dotted line from one leg's last fix to the next leg's first.
This is a view of the data layer, so the map needs nothing from the track builder.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.data.reading import CRS


def iso_seconds(t: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC strings to the second, such as ``2025-10-15T12:00:00Z``.

    Parameters
    ----------
    t : ndarray
        Times: datetime64, or int64 nanoseconds since the epoch.

    Returns
    -------
    ndarray of str
    """
    seconds = np.asarray(t).astype("datetime64[ns]").astype("datetime64[s]")
    return np.datetime_as_string(seconds, unit="s", timezone="UTC")


def gap_lines(tracks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The gaps between consecutive legs of each track, as lines to draw dashed.

    Each gap runs from the last vertex of a leg to the first vertex of the next leg of
    the same ``track``; one crossing the antimeridian is split there (a MultiLineString).

    Parameters
    ----------
    tracks : GeoDataFrame
        A tracks layer with ``track``, ``leg``, ``observed`` and ``until`` (as written by
        :func:`geo.tracks.legs.build_tracks`, or loaded back with
        :func:`geo.data.reading.load`). Tracks without ``track``/``leg`` have no gaps.

    Returns
    -------
    GeoDataFrame
        Columns ``track``, ``before`` (id of the leg before), ``after`` (id of the leg
        after), ``gap_s``, ``gap_reason``, ``times`` ([end of leg before, start of leg
        after]), ``observed``, ``until`` and the geometry, in EPSG:4326.
    """
    columns = ["track", "before", "after", "gap_s", "gap_reason", "times", "observed", "until"]
    if len(tracks) == 0 or "track" not in tracks or "leg" not in tracks:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=CRS)
    frame = tracks[tracks["track"].notna() & tracks["leg"].notna()].copy()
    frame = frame.sort_values(["track", "leg"], kind="stable")
    geoms = frame.geometry.to_numpy()
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    first = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    last = np.r_[first[1:] - 1, len(index) - 1]
    start_xy, end_xy = coords[first], coords[last]
    track = frame["track"].to_numpy()
    follows = np.flatnonzero(track[1:] == track[:-1])  # pair (i, i+1)
    a, b = follows, follows + 1
    lines = [_segment(end_xy[i], start_xy[j]) for i, j in zip(a, b, strict=True)]
    ids = frame["id"].to_numpy()
    until, observed = _nanos(frame["until"]), _nanos(frame["observed"])
    reason = frame["gap_reason"].to_numpy() if "gap_reason" in frame else np.full(len(frame), None)
    gap_s = (observed[b] - until[a]) / 1e9
    return gpd.GeoDataFrame(
        {
            "track": track[b],
            "before": ids[a],
            "after": ids[b],
            "gap_s": gap_s,
            "gap_reason": reason[b],
            "times": np.column_stack([iso_seconds(until[a]), iso_seconds(observed[b])]).tolist(),
            "observed": pd.to_datetime(until[a], unit="ns", utc=True),
            "until": pd.to_datetime(observed[b], unit="ns", utc=True),
        },
        geometry=lines,
        crs=CRS,
    )


def _nanos(values: pd.Series) -> np.ndarray:
    """UTC times as int64 nanoseconds since the epoch."""
    times = pd.to_datetime(values, utc=True).dt.tz_localize(None)
    return times.to_numpy(dtype="datetime64[ns]").astype("int64")


def _segment(start: np.ndarray, end: np.ndarray) -> shapely.Geometry:
    """A straight segment, split in two at the antimeridian when it crosses it."""
    (x0, y0), (x1, y1) = start, end
    if abs(x1 - x0) <= 180:
        return shapely.LineString([(x0, y0), (x1, y1)])
    edge = 180.0 if x0 > 0 else -180.0
    unwrapped = x1 + (360.0 if x0 > 0 else -360.0)
    fraction = (edge - x0) / (unwrapped - x0)
    y = y0 + fraction * (y1 - y0)
    return shapely.MultiLineString([[(x0, y0), (edge, y)], [(-edge, y), (x1, y1)]])

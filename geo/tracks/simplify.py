"""Leg geometry on sorted vertex arrays: antimeridian crossings and bounded simplification.

A leg that crosses 180 degrees gets two vertices inserted there and is split into parts
(:func:`cross_antimeridian`), so no part ever crosses it (RFC 7946).

Simplification (:func:`simplify`) is Douglas-Peucker in a transverse Mercator projection
with scale factor 1 on its central meridian. That projection is conformal and its scale is
>= 1 everywhere, so a distance measured on it is never shorter than on the ellipsoid: a
tolerance of ``T`` metres on the plane guarantees every raw ping (and the raw polyline) lies
within ``T`` metres of the simplified line on the ground. Details: ``docs/tracks.md``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer

from geo.data.reading import CRS

MAX_MERIDIAN_OFFSET_DEG = 60.0
"""A part reaching farther than this from its projection's central meridian is not simplified."""
_GROUP_DEG = 3.0  # parts are projected on central meridians every 3 degrees


def cross_antimeridian(
    lon: np.ndarray, lat: np.ndarray, t: np.ndarray, leg: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Insert two vertices at +-180 degrees where a leg crosses the antimeridian.

    The crossing latitude and time are interpolated linearly on the unwrapped longitude.

    Parameters
    ----------
    lon, lat : ndarray of float
        Vertices in degrees, sorted by leg then time.
    t : ndarray of int64
        Their times, nanoseconds since the epoch.
    leg : ndarray of int
        Leg number of every vertex (non-decreasing).

    Returns
    -------
    tuple
        ``lon``, ``lat``, ``t``, ``leg`` with the inserted vertices, the mask of original
        pings (False on inserted vertices), the part number of every vertex (a part never
        crosses the antimeridian) and the number of crossings.
    """
    n = len(lon)
    original = np.ones(n, dtype=bool)
    cross = np.flatnonzero((np.abs(np.diff(lon)) > 180) & (leg[1:] == leg[:-1]))
    if len(cross) == 0:
        part = leg.copy()
        return lon, lat, t, leg, original, part, 0
    a, b = cross, cross + 1
    east = lon[a] > 0  # crossing from +180 side to -180 side
    edge = np.where(east, 180.0, -180.0)
    unwrapped = lon[b] + np.where(east, 360.0, -360.0)
    fraction = (edge - lon[a]) / (unwrapped - lon[a])
    lat_x = lat[a] + fraction * (lat[b] - lat[a])
    t_x = t[a] + np.round(fraction * (t[b] - t[a])).astype("int64")
    at = np.repeat(b, 2)
    lon_new = np.insert(lon, at, np.column_stack([edge, -edge]).ravel())
    lat_new = np.insert(lat, at, np.repeat(lat_x, 2))
    t_new = np.insert(t, at, np.repeat(t_x, 2))
    leg_new = np.insert(leg, at, np.repeat(leg[a], 2))
    original_new = np.insert(original, at, False)
    # A new part starts at each leg start and at the second inserted vertex of a crossing.
    starts = np.zeros(len(lon_new), dtype=bool)
    starts[0] = True
    starts[1:] = leg_new[1:] != leg_new[:-1]
    second = at + np.arange(len(at))  # positions of inserted vertices in the new arrays
    starts[second[1::2]] = True
    part = np.cumsum(starts) - 1
    return lon_new, lat_new, t_new, leg_new, original_new, part, len(cross)


@lru_cache(maxsize=256)
def _projection(lon0: float) -> Transformer:
    # k=1 on the central meridian: the scale is >= 1 everywhere, see the module docstring.
    return Transformer.from_crs(
        CRS, f"+proj=tmerc +lon_0={lon0:g} +lat_0=0 +k=1 +ellps=WGS84 +units=m", always_xy=True
    )


def part_centres(lon: np.ndarray, part: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Central meridian of each part's projection, and whether the part is too wide for it.

    Parameters
    ----------
    lon : ndarray of float
        Vertex longitudes, no part crossing the antimeridian.
    part : ndarray of int
        Part number of every vertex (non-decreasing).

    Returns
    -------
    centre : ndarray of float
        Per part (in order of appearance): the multiple of 3 degrees nearest its middle.
    too_wide : ndarray of bool
        Per part: reaching more than :data:`MAX_MERIDIAN_OFFSET_DEG` from it.
    """
    if len(lon) == 0:
        return np.zeros(0), np.zeros(0, dtype=bool)
    starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
    low = np.minimum.reduceat(lon, starts)
    high = np.maximum.reduceat(lon, starts)
    centre = np.round((low + high) / 2 / _GROUP_DEG) * _GROUP_DEG
    reach = np.maximum(high - centre, centre - low)
    return centre, reach > MAX_MERIDIAN_OFFSET_DEG


def part_index(part: np.ndarray) -> np.ndarray:
    """For every vertex, the position of its part among the parts (0, 1, 2...)."""
    return np.cumsum(np.r_[True, part[1:] != part[:-1]]) - 1 if len(part) else part


def project(
    lon: np.ndarray, lat: np.ndarray, lon0: np.ndarray, inverse: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Transverse Mercator (scale 1 on ``lon0``) of every vertex, one projection per centre.

    Parameters
    ----------
    lon, lat : ndarray of float
        Degrees (or metres when ``inverse``).
    lon0 : ndarray of float
        Central meridian of every vertex.
    inverse : bool
        From the plane back to degrees.

    Returns
    -------
    tuple of ndarray
        ``x, y`` in metres (or ``lon, lat`` when ``inverse``).
    """
    x = np.empty(len(lon))
    y = np.empty(len(lon))
    for centre in np.unique(lon0):
        mask = lon0 == centre
        direction = "INVERSE" if inverse else "FORWARD"
        x[mask], y[mask] = _projection(float(centre)).transform(
            lon[mask], lat[mask], direction=direction
        )
    return x, y


def simplify(
    lon: np.ndarray, lat: np.ndarray, part: np.ndarray, tolerance_m: float
) -> tuple[np.ndarray, int]:
    """Douglas-Peucker per part in transverse Mercator, within ``tolerance_m`` on the ground.

    Each part is projected on the central meridian (a multiple of 3 degrees) nearest its
    middle; a part reaching more than :data:`MAX_MERIDIAN_OFFSET_DEG` from it, where the
    projection degrades, keeps every vertex.

    Parameters
    ----------
    lon, lat : ndarray of float
        Vertices in degrees, no part crossing the antimeridian.
    part : ndarray of int
        Part number of every vertex (non-decreasing).
    tolerance_m : float
        Largest distance allowed from a dropped vertex to the line; 0 keeps every vertex.

    Returns
    -------
    kept : ndarray of int64
        Indices of the vertices kept, sorted.
    too_wide : int
        Number of parts kept whole because they were too wide for one projection.
    """
    n = len(lon)
    if n == 0 or tolerance_m == 0:
        return np.arange(n, dtype="int64"), 0
    centre, too_wide = part_centres(lon, part)
    x, y = project(lon, lat, centre[part_index(part)])
    # The vertex index rides along as Z: Douglas-Peucker keeps whole coordinates, so the
    # kept Z values say which pings (and so which times) survive.
    lines = shapely.linestrings(
        np.column_stack([x, y, np.arange(n, dtype="float64")]), indices=part
    )
    simplified = shapely.simplify(lines, tolerance_m, preserve_topology=False)
    simplified[too_wide] = lines[too_wide]  # no bound holds there: keep every vertex
    coords = shapely.get_coordinates(simplified, include_z=True)
    kept = coords[:, 2].astype("int64")
    return kept, int(too_wide.sum())

"""Maritime zones by distance from the coast: territorial sea, contiguous zone, EEZ, high seas.

For any point, :func:`classify` finds the country it lies in (Natural Earth 1:10m,
offline), the nearest coast, the state that coast belongs to and the geodesic
distance to it, and names the zone by that distance:

====================  ===========================================
internal/land         inside a country polygon (land, lakes, bays NE counts as land)
territorial sea       <= 12 nm from the nearest coast
contiguous zone       12-24 nm
EEZ (approximate)     24-200 nm: from distance alone, NOT from negotiated boundaries
high seas             > 200 nm from every coast
====================  ===========================================

The EEZ here is an approximation: real EEZs follow treaties, median lines and
baselines; ours is "200 nm from the nearest coast of the nearest state". Say so
wherever it is shown (:data:`EEZ_CAVEAT`). The bands to draw on a map are in
:mod:`geo.analysis.zonebands`.

How it is fast and still geodesic (details and measured accuracy: ``docs/analysis.md``):

* The coastline is cut into short chunks owned by one state, and the countries into
  small pieces; both are cached on disk once (:func:`geo.analysis.coastindex.coast_index`).
* Points are grouped into 3-degree tiles; per tile the nearby chunks and the points
  are projected to an azimuthal equidistant plane centred on the tile, where the
  nearest chunk and the foot point on it are found; the distance reported is the
  exact WGS 84 geodesic distance (``Geod.inv``) from the point to that foot point.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from geo.analysis import geodesy
from geo.analysis.coastindex import CoastIndex, coast_index

TERRITORIAL_NM = 12.0
CONTIGUOUS_NM = 24.0
EEZ_NM = 200.0

LAND = "internal/land"
TERRITORIAL = "territorial sea"
CONTIGUOUS = "contiguous zone"
EEZ = "EEZ (approximate)"
HIGH_SEAS = "high seas"
ZONES = (LAND, TERRITORIAL, CONTIGUOUS, EEZ, HIGH_SEAS)

EEZ_CAVEAT = (
    "EEZ approximate: 200 nm from the nearest coast (Natural Earth 1:10m), "
    "not the negotiated maritime boundaries."
)

TILE_DEG = 3.0  # point tiles; with the search margin keeps aeqd scale error < 0.2 %
SEARCH_KM = EEZ_NM * geodesy.KM_PER_NM + 50.0  # coast farther than this cannot change the zone
FAR_SEARCH_KM = 2500.0
REACH_POINTS = 64  # up to this many points in a tile, search only as far as coast in reach


def _window(
    lon0: float, lon1: float, lat0: float, lat1: float, km: float
) -> list[shapely.Geometry]:
    """Lon/lat boxes containing every point within ``km`` of the box (conservative)."""
    dlat = km / 110.5 * 1.05
    south, north = max(lat0 - dlat, -90.0), min(lat1 + dlat, 90.0)
    polar = max(abs(south), abs(north))
    if polar >= 89.0:
        return [box(-180.0, south, 180.0, north)]
    dlon = km / (111.0 * math.cos(math.radians(polar))) * 1.05
    west, east = lon0 - dlon, lon1 + dlon
    if east - west >= 360.0:
        return [box(-180.0, south, 180.0, north)]
    boxes = [box(max(west, -180.0), south, min(east, 180.0), north)]
    if west < -180.0:
        boxes.append(box(west + 360.0, south, 180.0, north))
    if east > 180.0:
        boxes.append(box(-180.0, south, east - 360.0, north))
    return boxes


def _nearest_coast(
    index: CoastIndex, lon: np.ndarray, lat: np.ndarray, search_km: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point: state row owning the nearest coast, geodesic km to it, and whether it was found.

    ``search_km`` None searches every chunk; otherwise points with no coast within
    ``search_km`` come back not found.
    """
    n = len(lon)
    owner = np.full(n, -1, dtype=np.int64)
    foot_lon = np.full(n, np.nan)
    foot_lat = np.full(n, np.nan)
    tx = np.floor((lon + 180.0) / TILE_DEG).astype(np.int64)
    ty = np.floor((np.clip(lat, -90.0, 89.999999) + 90.0) / TILE_DEG).astype(np.int64)
    keys, inverse = np.unique(tx * 1000 + ty, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(keys) + 1))
    for k in range(len(keys)):
        members = order[bounds[k] : bounds[k + 1]]
        plon, plat = lon[members], lat[members]
        # Only coast as near as a coast point already known to be in reach can be the nearest:
        # a ship 20 km off an island needs the chunks within 20 km, not the whole search
        # window (projecting every chunk of the window was 60 % of the app's analysis). The
        # bound costs per point, the window per tile: a crowded tile takes the window.
        radius = math.inf if len(members) > REACH_POINTS else _coast_reach_km(index, plon, plat)
        if search_km is not None:
            radius = min(radius, search_km)
        boxes = _window(plon.min(), plon.max(), plat.min(), plat.max(), radius)
        candidates = np.unique(np.concatenate([index.chunk_tree.query(b) for b in boxes]))
        if len(candidates) == 0:
            continue
        clon, clat = geodesy.spherical_centre(plon, plat)
        to_plane = geodesy.aeqd_transformer(clon, clat)
        px, py = to_plane.transform(plon, plat)
        xy, part = shapely.get_coordinates(index.chunks[candidates], return_index=True)
        cx, cy = to_plane.transform(xy[:, 0], xy[:, 1])
        lines = shapely.linestrings(np.column_stack([cx, cy]), indices=part)
        points = shapely.points(px, py)
        tree = shapely.STRtree(lines)
        # Bounding the search keeps far-off points cheap; they are retried with a wider window.
        limit = None if search_km is None else search_km * 1000.0 * 1.01
        p_idx, l_idx = tree.query_nearest(points, max_distance=limit, all_matches=False)
        feet = shapely.get_coordinates(shapely.shortest_line(points[p_idx], lines[l_idx]))[1::2]
        flon, flat = to_plane.transform(feet[:, 0], feet[:, 1], direction="INVERSE")
        target = members[p_idx]
        owner[target] = index.chunk_owner[candidates[l_idx]]
        foot_lon[target], foot_lat[target] = flon, flat
    found = owner >= 0
    dist = np.full(n, np.inf)
    dist[found] = geodesy.distance_km(lon[found], lat[found], foot_lon[found], foot_lat[found])
    if search_km is not None:
        found &= dist <= search_km  # beyond the window a nearer coast may exist: retry wider
    return owner, dist, found


def _coast_reach_km(index: CoastIndex, lon: np.ndarray, lat: np.ndarray) -> float:
    """A distance within which every point has some coast (an upper bound of the nearest).

    Each point's nearest chunk in degrees is not always its geodesically nearest, but the
    geodesic distance to that chunk's nearest vertex is a distance at which coast exists.
    """
    p_idx, c_idx = index.chunk_tree.query_nearest(shapely.points(lon, lat), all_matches=False)
    xy, row = shapely.get_coordinates(index.chunks[c_idx], return_index=True)
    km = geodesy.distance_km(lon[p_idx[row]], lat[p_idx[row]], xy[:, 0], xy[:, 1])
    nearest = np.full(len(lon), np.inf)
    np.minimum.at(nearest, p_idx[row], km)
    return float(nearest.max()) * 1.001 + 1.0  # margin for rounding in the geodesic


def classify(lon: object, lat: object, index: CoastIndex | None = None) -> pd.DataFrame:
    """Country, nearest coastal state, distance to the coast and maritime zone of points.

    Parameters
    ----------
    lon, lat : array_like
        Degrees (WGS 84). Non-finite coordinates give nulls.
    index : CoastIndex, optional
        Default :func:`geo.analysis.coastindex.coast_index` (loaded once per process).

    Returns
    -------
    DataFrame
        One row per point: ``country`` and ``country_iso_a3`` (null at sea), ``zone``
        (one of :data:`ZONES`), ``coastal_state``, ``coastal_iso_a3`` and
        ``coastal_sovereign`` (the state whose coast is nearest; the country itself
        on land; null on the high seas), ``coast_nm`` and ``coast_km`` (geodesic
        distance to the nearest coast, for land points too).
    """
    index = index or coast_index()
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    n = len(lon)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90.0)
    lon_ok = np.where(ok, geodesy.wrap_longitude(np.where(ok, lon, 0.0)), 0.0)
    lat_ok = np.where(ok, lat, 0.0)
    valid = np.nonzero(ok)[0]

    country = np.full(n, -1, dtype=np.int64)
    pts = shapely.points(lon_ok[valid], lat_ok[valid])
    p_idx, piece = index.land_tree.query(pts, predicate="intersects")
    first = np.unique(p_idx, return_index=True)[1]  # on a border: the first piece wins
    country[valid[p_idx[first]]] = index.land_owner[piece[first]]

    owner = np.full(n, -1, dtype=np.int64)
    coast_km = np.full(n, np.nan)
    todo = valid
    for search in (SEARCH_KM, FAR_SEARCH_KM, None):
        if len(todo) == 0:
            break
        o, dist, found = _nearest_coast(index, lon_ok[todo], lat_ok[todo], search)
        owner[todo[found]], coast_km[todo[found]] = o[found], dist[found]
        todo = todo[~found]
    coast_nm = coast_km / geodesy.KM_PER_NM

    zone = np.select(
        [
            ~ok,
            country >= 0,
            coast_nm <= TERRITORIAL_NM,
            coast_nm <= CONTIGUOUS_NM,
            coast_nm <= EEZ_NM,
        ],
        [-1, 0, 1, 2, 3],
        4,
    )
    coastal = np.where(country >= 0, country, np.where(zone == 4, -1, owner))
    states = index.states
    return pd.DataFrame(
        {
            "country": _labels(states["name"], country),
            "country_iso_a3": _labels(states["iso_a3"], country),
            "zone": pd.Categorical.from_codes(zone, categories=list(ZONES)),
            "coastal_state": _labels(states["name"], coastal),
            "coastal_iso_a3": _labels(states["iso_a3"], coastal),
            "coastal_sovereign": _labels(states["sovereign"], coastal),
            "coast_nm": coast_nm,
            "coast_km": coast_km,
        }
    )


def _labels(values: pd.Series, rows: np.ndarray) -> pd.Categorical:
    """Categorical of ``values[rows]`` with -1 meaning null (cheap for a million rows)."""
    categories, codes = np.unique(values.astype(str).to_numpy(), return_inverse=True)
    return pd.Categorical.from_codes(
        np.where(rows >= 0, codes[np.maximum(rows, 0)], -1), categories
    )

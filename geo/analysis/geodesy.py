"""Geodesy, in one place: distances on the WGS 84 ellipsoid, geodesic circles, projections.

Every distance posturemap shows comes from :data:`GEOD` (pyproj ``Geod``, WGS 84),
never from planar arithmetic on longitude/latitude. Geometry work that needs a
plane (nearest joins, buffers) uses an azimuthal equidistant projection centred
on the data, whose worst scale error is known (:func:`aeqd_scale_bound`) so that
callers can refine with exact geodesic distances.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from geo.data.schema import resolve

GEOD = Geod(ellps="WGS84")
"""The WGS 84 ellipsoid: the one geodesic calculator of the project."""

KM_PER_NM = 1.852
"""Kilometres per international nautical mile (exact)."""

MEAN_RADIUS_KM = 6371.0088
"""IUGG mean Earth radius, used only for bounds (never for reported distances)."""

MAX_RADIUS_KM = float(resolve("#/$defs/point")["properties"]["uncertainty_km"]["maximum"])
"""Largest circle radius accepted (20,000 km, about half the meridian, 20,003.9 km): the
format's bound on ``uncertainty_km`` (``schema.json``); validation refuses what can't be drawn."""

WORLD = box(-180.0, -90.0, 180.0, 90.0)


def _floats(*values: object) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float) for v in np.broadcast_arrays(*values)]


def distance_m(lon1: object, lat1: object, lon2: object, lat2: object) -> np.ndarray:
    """Geodesic distance on WGS 84 in metres, vectorised (arrays broadcast).

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float or array_like
        Degrees. NaN in, NaN out.

    Returns
    -------
    ndarray
        Metres (0-d array for scalar input).
    """
    lon1, lat1, lon2, lat2 = _floats(lon1, lat1, lon2, lat2)
    shape = lon1.shape
    _, _, dist = GEOD.inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    dist = np.asarray(dist, dtype=float)
    missing = np.isnan(lon1.ravel() + lat1.ravel() + lon2.ravel() + lat2.ravel())
    dist[missing] = np.nan
    return dist.reshape(shape)


def distance_km(lon1: object, lat1: object, lon2: object, lat2: object) -> np.ndarray:
    """Geodesic distance on WGS 84 in kilometres (see :func:`distance_m`)."""
    return distance_m(lon1, lat1, lon2, lat2) / 1000.0


def distance_nm(lon1: object, lat1: object, lon2: object, lat2: object) -> np.ndarray:
    """Geodesic distance on WGS 84 in nautical miles (see :func:`distance_m`)."""
    return distance_m(lon1, lat1, lon2, lat2) / (KM_PER_NM * 1000.0)


def destination(
    lon: object, lat: object, azimuth: object, distance_km_: object
) -> tuple[np.ndarray, np.ndarray]:
    """Point reached from (lon, lat) along a geodesic of given azimuth (degrees) and length (km)."""
    lon, lat, azimuth, dist = _floats(lon, lat, azimuth, distance_km_)
    lon2, lat2, _ = GEOD.fwd(lon.ravel(), lat.ravel(), azimuth.ravel(), dist.ravel() * 1000.0)
    return np.asarray(lon2).reshape(lon.shape), np.asarray(lat2).reshape(lon.shape)


def densify(lons: object, lats: object, max_km: float) -> tuple[np.ndarray, np.ndarray]:
    """A polyline with points added along each geodesic segment, at most ``max_km`` apart.

    Parameters
    ----------
    lons, lats : array_like
        The vertices (degrees), in order.
    max_km : float
        Largest distance between consecutive points of the result.

    Returns
    -------
    tuple of ndarray
        Longitudes and latitudes: the vertices, with geodesic intermediate points between.
    """
    lon, lat = _floats(lons, lats)
    if len(lon) < 2:
        return lon.copy(), lat.copy()
    out_lon, out_lat = [lon[:1]], [lat[:1]]
    for i in range(len(lon) - 1):
        length_km = float(distance_km(lon[i], lat[i], lon[i + 1], lat[i + 1]))
        extra = int(np.ceil(length_km / max_km)) - 1
        if extra > 0:
            between = np.asarray(GEOD.npts(lon[i], lat[i], lon[i + 1], lat[i + 1], extra))
            out_lon.append(wrap_longitude(between[:, 0]))
            out_lat.append(between[:, 1])
        out_lon.append(lon[i + 1 : i + 2])
        out_lat.append(lat[i + 1 : i + 2])
    return np.concatenate(out_lon), np.concatenate(out_lat)


# --- antimeridian ---------------------------------------------------------------------------


def wrap_longitude(lon: object) -> np.ndarray:
    """Bring longitudes into [-180, 180)."""
    return (np.asarray(lon, dtype=float) + 180.0) % 360.0 - 180.0


def split_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """Cut a polygon drawn with continuous (unwrapped) longitudes into pieces within ±180°.

    Parameters
    ----------
    geom : Polygon or MultiPolygon
        Longitudes may run past ±180 (e.g. 170 to 190) but must span less than 360°.

    Returns
    -------
    Polygon or MultiPolygon
        Valid, in [-180, 180]; parts beyond the antimeridian are shifted by 360°.
    """
    pieces: list[Polygon] = []
    for shift in (-360.0, 0.0, 360.0):
        window = box(-180.0 - shift, -90.0, 180.0 - shift, 90.0)
        part = shapely.intersection(geom, window)
        if part.is_empty:
            continue
        part = shapely.transform(part, lambda xy, s=shift: xy + np.array([s, 0.0]))
        pieces.extend(p for p in shapely.get_parts(part) if p.geom_type == "Polygon" and p.area > 0)
    return _polygonal(pieces)


def _polygonal(pieces: Sequence[BaseGeometry]) -> BaseGeometry:
    parts: list[Polygon] = []
    for piece in pieces:
        piece = piece if piece.is_valid else shapely.make_valid(piece)
        parts.extend(p for p in shapely.get_parts(piece) if p.geom_type == "Polygon" and p.area > 0)
    if not parts:
        return Polygon()
    geom = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    return shapely.orient_polygons(geom)


# --- geodesic circles -------------------------------------------------------------------------


def _ring(lon: float, lat: float, radius_km: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    azimuths = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats = destination(np.full(n, lon), np.full(n, lat), azimuths, np.full(n, radius_km))
    return lons, lats


def geodesic_circle(lon: float, lat: float, radius_km: float, n: int = 256) -> BaseGeometry:
    """The set of points within ``radius_km`` of (lon, lat) on WGS 84, as a lon/lat polygon.

    Vertices are exact geodesic destinations (``Geod.fwd``) at ``n`` equally spaced
    azimuths, so each is ``radius_km`` from the centre to within floating point.
    A circle that crosses the antimeridian is split into a MultiPolygon; one that
    contains a pole is closed along that pole; one that contains both poles is
    the world minus the cap around the antipode. Always valid, RFC 7946 winding.

    Parameters
    ----------
    lon, lat : float
        Centre, degrees.
    radius_km : float
        Radius in kilometres, 0 < radius_km <= 20,000.
    n : int
        Number of vertices (at least 8).

    Returns
    -------
    Polygon or MultiPolygon
        In EPSG:4326.

    Raises
    ------
    ValueError
        For a radius out of range, too few vertices or a centre off the globe.
    """
    if not (0.0 < float(radius_km) <= MAX_RADIUS_KM):
        raise ValueError(f"radius_km must be in (0, {MAX_RADIUS_KM:,.0f}], got {radius_km!r}")
    if n < 8:
        raise ValueError(f"n must be at least 8, got {n}")
    if not (-90.0 <= lat <= 90.0) or not math.isfinite(lon):
        raise ValueError(f"centre ({lon}, {lat}) is not a longitude/latitude")
    lon = float(wrap_longitude(lon))
    north_inside = float(distance_km(lon, lat, lon, 90.0)) < radius_km
    south_inside = float(distance_km(lon, lat, lon, -90.0)) < radius_km
    lons, lats = _ring(lon, lat, radius_km, n)
    if north_inside and south_inside:
        hole = _cap_without_pole(lons, lats)
        return _polygonal([WORLD.difference(hole)])
    if north_inside or south_inside:
        return _cap_with_pole(lons, lats, 90.0 if north_inside else -90.0)
    return _cap_without_pole(lons, lats)


def _cap_without_pole(lons: np.ndarray, lats: np.ndarray) -> BaseGeometry:
    # Continuous longitudes along the ring; a ring that encloses no pole winds 0 times.
    unwrapped = np.unwrap(lons, period=360.0)
    shift = 360.0 * np.round(np.mean(unwrapped) / 360.0)
    polygon = Polygon(np.column_stack([unwrapped - shift, lats]))
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
    return split_antimeridian(polygon)


def _cap_with_pole(lons: np.ndarray, lats: np.ndarray, pole: float) -> BaseGeometry:
    # Walk the ring from just after its antimeridian crossing so longitudes run monotonically
    # across [-180, 180]; close it with the two seam points and the pole edge.
    unwrapped = np.unwrap(np.append(lons, lons[0]), period=360.0)
    lons_c = wrap_longitude(unwrapped[:-1])
    jumps = np.nonzero(np.abs(np.diff(np.append(lons_c, lons_c[0]))) > 180.0)[0]
    start = (int(jumps[0]) + 1) % len(lons_c) if len(jumps) else 0
    order = np.roll(np.arange(len(lons_c)), -start)
    ring_lon = np.unwrap(lons_c[order], period=360.0)
    ring_lat = lats[order]
    if ring_lon[-1] < ring_lon[0]:  # walk west to east
        ring_lon, ring_lat = ring_lon[::-1], ring_lat[::-1]
    # Shift so the walk starts within [-180, 180), then add the crossing at both seams.
    ring_lon = ring_lon - 360.0 * np.floor((ring_lon[0] + 180.0) / 360.0)
    first_lon, last_lon = ring_lon[0], ring_lon[-1]
    span = (first_lon + 360.0) - last_lon  # gap from the last vertex to the first, eastward
    frac = (180.0 - last_lon) / span if span > 0 else 0.0
    seam_lat = ring_lat[-1] + frac * (ring_lat[0] - ring_lat[-1])
    coords = [(-180.0, pole), (-180.0, seam_lat)]
    coords += list(zip(ring_lon.tolist(), ring_lat.tolist(), strict=True))
    coords += [(180.0, seam_lat), (180.0, pole)]
    polygon = Polygon(coords)
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
    return _polygonal([polygon.intersection(WORLD)])


# --- projections ---------------------------------------------------------------------------------


def spherical_centre(lons: object, lats: object) -> tuple[float, float]:
    """Centre of a set of points: the normalised mean of their unit vectors (antimeridian-safe)."""
    lon = np.radians(np.asarray(lons, dtype=float))
    lat = np.radians(np.asarray(lats, dtype=float))
    keep = np.isfinite(lon) & np.isfinite(lat)
    if not keep.any():
        raise ValueError("no finite coordinates to centre on")
    lon, lat = lon[keep], lat[keep]
    x = np.mean(np.cos(lat) * np.cos(lon))
    y = np.mean(np.cos(lat) * np.sin(lon))
    z = np.mean(np.sin(lat))
    if math.hypot(x, y) < 1e-12 and abs(z) < 1e-12:  # antipodal spread: any centre will do
        return float(np.degrees(lon[0])), float(np.degrees(lat[0]))
    return float(np.degrees(math.atan2(y, x))), float(np.degrees(math.atan2(z, math.hypot(x, y))))


def aeqd_crs(lon: float, lat: float) -> CRS:
    """Azimuthal equidistant projection (WGS 84, metres) centred on (lon, lat).

    Distances and azimuths from the centre are true; elsewhere the scale error
    grows with the distance from the centre (see :func:`aeqd_scale_bound`).
    """
    return CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat:.8f} +lon_0={lon:.8f} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def aeqd_transformer(lon: float, lat: float) -> Transformer:
    """Degrees (lon, lat; WGS 84) to :func:`aeqd_crs` metres centred on (lon, lat), and back.

    The same transform as ``Transformer.from_crs(4326, aeqd_crs(lon, lat), always_xy=True)``,
    written as a PROJ pipeline: that skips PROJ's database look-ups, which make a transformer
    from CRSs cost ~7 ms, and a classification of spread-out points makes hundreds.
    """
    return Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lat_0={lat:.8f} +lon_0={lon:.8f} +x_0=0 +y_0=0 +ellps=WGS84"
    )


def theatre_crs(lons: object, lats: object) -> CRS:
    """A projected CRS for nearest joins over a theatre: aeqd centred on the data."""
    return aeqd_crs(*spherical_centre(lons, lats))


def aeqd_scale_bound(lon0: float, lat0: float, lons: object, lats: object) -> float:
    """Largest scale factor of the aeqd projection centred on (lon0, lat0) over the given points.

    On the sphere the radial scale is 1 and the transverse scale is c / sin(c) for
    the angular distance c from the centre, so every projected length lies between
    the true length and this factor times it (ellipsoidal effects add < 0.1 %).
    """
    dist = distance_km(lon0, lat0, np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    dist = dist[np.isfinite(dist)]
    if dist.size == 0:
        return 1.0
    c = float(dist.max()) / MEAN_RADIUS_KM
    if c >= math.pi * 0.95:
        return math.inf
    return 1.0 if c < 1e-9 else c / math.sin(c)


def representative_points(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Each feature as a point in EPSG:4326: points as they are, others by a representative point.

    Parameters
    ----------
    frame : GeoDataFrame
        Any geometries; without a CRS they are taken to be lon/lat already.

    Returns
    -------
    GeoSeries
        Points, with ``frame``'s index.
    """
    geoms = frame.geometry if frame.crs is None else frame.geometry.to_crs(4326)
    is_point = geoms.geom_type == "Point"
    if is_point.all():
        return geoms
    return geoms.where(is_point, geoms.representative_point())

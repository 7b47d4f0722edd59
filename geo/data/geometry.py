"""Checks of a feature's GeoJSON geometry: nesting, positions, lines and rings, per layer.

:func:`check_geometry` works on the parsed JSON (plain dicts), before anything becomes a
GeoDataFrame, so every problem is found in one pass; it returns ``(field, message)`` pairs
that :mod:`geo.data.reading` turns into :class:`~geo.data.schema.Problem` lines. Which
geometry types each layer takes is :data:`geo.data.schema.GEOMETRY_TYPES` (from
``schema.json``, which describes nesting and ranges too, for other tools). The checks are
written out here rather than left to jsonschema: they read each coordinate once (a track
has thousands) and say more than a schema can, such as coordinates that look swapped,
rings that are not closed or that cross themselves.
"""

from __future__ import annotations

import math
from typing import Any

import shapely
from shapely.geometry import shape

from geo.data.schema import GEOMETRY_TYPES, short_repr, type_name

# GeoJSON's own families of types (RFC 7946), not rules of the format.
LINES = ("LineString", "MultiLineString")
AREAS = ("Polygon", "MultiPolygon")


def _check_position(pos: Any) -> str | None:
    """Return a message when ``pos`` is not a valid [lon, lat] position."""
    if not isinstance(pos, list) or len(pos) < 2:
        return f"a position must be [longitude, latitude], got {short_repr(pos)}"
    if any(value is None for value in pos[:2]):
        return "coordinate is missing (null)"
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos[:3]):
        return f"coordinates must be numbers, got {short_repr(pos)}"
    lon, lat = float(pos[0]), float(pos[1])
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return "coordinate is NaN or infinite"
    if abs(lat) > 90 and abs(lon) <= 90 and abs(lat) <= 180:
        return (
            f"latitude {lat:g} is out of range; the coordinates look swapped "
            "(GeoJSON order is [longitude, latitude])"
        )
    if abs(lon) > 180:
        return f"longitude {lon:g} is out of range -180..180"
    if abs(lat) > 90:
        return f"latitude {lat:g} is out of range -90..90"
    return None


def _positions(geom_type: str, coords: Any) -> tuple[list[list[Any]], str | None]:
    """Flatten coordinates into lists of positions (one list per line or ring)."""
    depth = {"Point": 0, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}[
        geom_type
    ]

    def walk(value: Any, level: int) -> list[list[Any]] | None:
        if level == 1:
            return [value] if isinstance(value, list) else None
        if not isinstance(value, list):
            return None
        out: list[list[Any]] = []
        for item in value:
            sub = walk(item, level - 1)
            if sub is None:
                return None
            out.extend(sub)
        return out

    if depth == 0:
        return [[coords]], None
    lines = walk(coords, depth)
    if lines is None:
        return [], f"coordinates are not nested as a {geom_type} requires"
    return lines, None


def check_geometry(layer: str, geometry: Any) -> tuple[list[tuple[str, str]], Any]:
    """Check a GeoJSON geometry object for ``layer``.

    Parameters
    ----------
    layer : str
        The layer the feature belongs to.
    geometry : Any
        The feature's ``geometry`` member.

    Returns
    -------
    problems : list of (field, message)
        Empty when the geometry is usable.
    geom : shapely geometry or None
        The parsed geometry when it is usable.
    """
    allowed = GEOMETRY_TYPES[layer]
    if geometry is None:
        return [("geometry", "missing (null); every feature needs a location")], None
    if not isinstance(geometry, dict):
        return [("geometry", f"must be a GeoJSON geometry object, got {type_name(geometry)}")], None
    geom_type = geometry.get("type")
    if geom_type not in allowed:
        return [
            (
                "geometry",
                f"type {geom_type!r} is not allowed in {layer}; use {' or '.join(allowed)}",
            )
        ], None
    coords = geometry.get("coordinates")
    if coords is None or coords == []:
        return [("geometry", "empty geometry (no coordinates)")], None
    lines, nesting_error = _positions(geom_type, coords)
    if nesting_error:
        return [("geometry", nesting_error)], None
    for line in lines:
        if not line:
            return [("geometry", "empty geometry (a part has no positions)")], None
        for pos in line:
            message = _check_position(pos)
            if message:
                return [("geometry", message)], None
    if geom_type in LINES and any(len(line) < 2 for line in lines):
        return [("geometry", "a line needs at least 2 positions")], None
    if geom_type in AREAS:
        for ring in lines:
            if len(ring) < 4:
                return [("geometry", "a polygon ring needs at least 4 positions")], None
            if ring[0][:2] != ring[-1][:2]:
                return [
                    ("geometry", "polygon ring is not closed (first and last position differ)")
                ], None
    try:
        geom = shape(geometry)
    except Exception as error:  # shapely raises several types for malformed input
        return [("geometry", f"cannot be read: {error}")], None
    if geom.is_empty:
        return [("geometry", "empty geometry")], None
    if geom_type in AREAS and not geom.is_valid:
        return [("geometry", f"invalid polygon: {shapely.is_valid_reason(geom)}")], None
    return [], geom


def vertex_count(geom: Any) -> int:
    """Count the vertices of a (multi)line the way ``times`` does: all parts, in order.

    Parameters
    ----------
    geom : shapely geometry
        A geometry returned by :func:`check_geometry`.

    Returns
    -------
    int
        The number of positions, all parts together.
    """
    return int(shapely.get_num_coordinates(geom))

"""The posturemap data format: layers, fields, allowed values, and feature validation.

Validation works on the parsed JSON (plain dicts), before anything becomes a
GeoDataFrame, so that every problem in a file is found in one pass and reported
as one :class:`Problem` line: ``FILE: feature N (id): field: problem``.
The format itself is documented in ``docs/data-format.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

import shapely
from shapely.geometry import shape

LAYERS: tuple[str, ...] = ("bases", "assets", "tracks", "strikes", "places")
"""Layer names; each is stored as ``<layer>.geojson`` in a data directory."""

SOURCES_FILE = "sources.json"

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest layer or sources file accepted (50 MiB); larger files are refused unread."""

CONFIDENCE = ("confirmed", "reported", "claimed", "estimated")
CATEGORIES = ("ship", "submarine", "aircraft", "helicopter", "drone", "ground", "special")
AFFILIATIONS = ("friend", "hostile", "neutral", "unknown")
SOURCE_KINDS = (
    "news",
    "official",
    "satellite",
    "flight-tracker",
    "ship-tracker",
    "social-media",
    "analysis",
)

POINT = ("Point",)
LINES = ("LineString", "MultiLineString")
AREAS = ("Polygon", "MultiPolygon")

GEOMETRY_TYPES: dict[str, tuple[str, ...]] = {
    "bases": POINT,
    "assets": POINT,
    "tracks": LINES,
    "strikes": POINT,
    # An area (operating area, exclusion zone) may be a place too.
    "places": POINT + AREAS,
}

TIMED_LAYERS = ("assets", "tracks", "strikes")

COMMON_FIELDS = ("id", "name", "sources", "confidence", "notes", "reconstructed")
POINT_FIELDS = ("uncertainty_km", "geo_precision")
TIME_FIELDS = ("observed", "until", "time_precision")
LAYER_FIELDS: dict[str, tuple[str, ...]] = {
    "bases": ("kind", "country"),
    "assets": (
        "category",
        "type",
        "count",
        "base",
        "personnel",
        "affiliation",
        "designation",
        "entity",
    ),
    "tracks": ("asset", "times"),
    "strikes": ("killed", "target"),
    "places": ("kind", "troops", "country"),
}


def known_fields(layer: str) -> tuple[str, ...]:
    """Return every property name the format defines for ``layer``.

    Parameters
    ----------
    layer : str
        One of :data:`LAYERS`.

    Returns
    -------
    tuple of str
        Field names in display order; anything else in a feature is an extra field.
    """
    fields = COMMON_FIELDS + LAYER_FIELDS[layer]
    if "Point" in GEOMETRY_TYPES[layer]:
        fields += POINT_FIELDS
    if layer in TIMED_LAYERS:
        fields += TIME_FIELDS
    return fields


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as possible.

    Attributes
    ----------
    file : str
        File name (as given by the user) the problem is in.
    message : str
        What is wrong, in words a user can act on.
    index : int or None
        Zero-based position of the feature (or source record) in its file.
    feature_id : str or None
        The feature's ``id`` when it has a usable one.
    field : str or None
        Property (or ``geometry``) the problem is about.
    item : str
        What ``index`` counts: ``feature`` or ``source``.
    """

    file: str
    message: str
    index: int | None = None
    feature_id: str | None = None
    field: str | None = None
    item: str = "feature"

    def __str__(self) -> str:
        parts = [self.file]
        if self.index is not None:
            where = f"{self.item} {self.index}"
            if self.feature_id:
                where += f" ({self.feature_id})"
            parts.append(where)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


# --- values -----------------------------------------------------------------

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_time(value: Any) -> datetime:
    """Parse an ISO 8601 date or datetime into an aware UTC datetime.

    A date means midnight UTC; a datetime without an offset is taken as UTC.

    Parameters
    ----------
    value : Any
        The property value, expected to be a string.

    Returns
    -------
    datetime
        Timezone-aware, in UTC.

    Raises
    ------
    ValueError
        With a message fit for a :class:`Problem` when the value is not a date.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date string, got {type_name(value)}")
    text = value.strip()
    try:
        if _DATE_ONLY.match(text):
            parsed_date = date.fromisoformat(text)
            return datetime(
                parsed_date.year, parsed_date.month, parsed_date.day, tzinfo=timezone.utc
            )
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or datetime: {value!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def type_name(value: Any) -> str:
    """Name the JSON type of ``value`` for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def is_http_url(value: Any) -> bool:
    """Return True when ``value`` is an absolute http or https URL (the only links shown)."""
    return (
        isinstance(value, str) and re.match(r"^https?://[^\s/]+", value.strip(), re.I) is not None
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


# --- geometry ---------------------------------------------------------------


def _check_position(pos: Any) -> str | None:
    """Return a message when ``pos`` is not a valid [lon, lat] position."""
    if not isinstance(pos, list) or len(pos) < 2:
        return f"a position must be [longitude, latitude], got {_short(pos)}"
    if any(value is None for value in pos[:2]):
        return "coordinate is missing (null)"
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos[:3]):
        return f"coordinates must be numbers, got {_short(pos)}"
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


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


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


# --- properties ----------------------------------------------------------------


def check_properties(layer: str, props: dict[str, Any], is_point: bool) -> list[tuple[str, str]]:
    """Check a feature's properties against the format (references are checked later).

    Parameters
    ----------
    layer : str
        The layer the feature belongs to.
    props : dict
        The feature's ``properties`` object.
    is_point : bool
        Whether the geometry is a Point (then ``uncertainty_km`` is required).

    Returns
    -------
    list of (field, message)
    """
    out: list[tuple[str, str]] = []

    def need_text(field: str, required: bool = True) -> None:
        value = props.get(field)
        if value is None:
            if required:
                out.append((field, "missing (required)"))
        elif not isinstance(value, str):
            out.append((field, f"must be a string, got {type_name(value)}"))
        elif required and not value.strip():
            out.append((field, "must not be empty"))

    def need_choice(field: str, choices: Iterable[str], required: bool = True) -> None:
        value = props.get(field)
        if value is None:
            if required:
                out.append((field, f"missing (required; one of {', '.join(choices)})"))
        elif value not in choices:
            out.append((field, f"{_short(value)} is not one of {', '.join(choices)}"))

    def need_int(field: str, minimum: int, required: bool, maximum: int | None = None) -> None:
        value = props.get(field)
        if value is None:
            if required:
                out.append((field, "missing (required)"))
            return
        if not _is_int(value):
            out.append((field, f"must be a whole number, got {_short(value)}"))
        elif value < minimum or (maximum is not None and value > maximum):
            bound = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
            out.append((field, f"{value} is out of range ({bound})"))

    fid = props.get("id")
    if fid is None:
        out.append(("id", "missing (required)"))
    elif not isinstance(fid, str) or not fid.strip():
        out.append(("id", f"must be a non-empty string, got {_short(fid)}"))
    need_text("name")
    sources = props.get("sources")
    if sources is None:
        out.append(("sources", "missing (required: a list of ids from sources.json)"))
    elif not isinstance(sources, list) or not sources:
        out.append(("sources", "must be a non-empty list of source ids"))
    elif not all(isinstance(s, str) and s for s in sources):
        out.append(("sources", "every source id must be a non-empty string"))
    need_choice("confidence", CONFIDENCE)
    need_text("notes", required=False)
    if "reconstructed" in props and not isinstance(props["reconstructed"], bool):
        out.append(("reconstructed", "must be true or false"))

    if is_point:
        value = props.get("uncertainty_km")
        if value is None:
            out.append(("uncertainty_km", "missing (required for points; 0 means exact)"))
        elif not _is_number(value) or value < 0:
            out.append(("uncertainty_km", f"must be a number >= 0, got {_short(value)}"))
        need_int("geo_precision", 1, required=False, maximum=3)

    if layer in TIMED_LAYERS:
        observed = until = None
        try:
            if props.get("observed") is None:
                out.append(("observed", "missing (required: ISO 8601 date of the report)"))
            else:
                observed = parse_time(props["observed"])
        except ValueError as error:
            out.append(("observed", str(error)))
        if props.get("until") is not None:
            try:
                until = parse_time(props["until"])
            except ValueError as error:
                out.append(("until", str(error)))
        if observed and until and until < observed:
            out.append(("until", f"{props['until']} is before observed {props['observed']}"))
        need_int("time_precision", 1, required=False, maximum=3)

    if layer == "bases":
        need_text("kind")
        need_text("country")
    elif layer == "assets":
        need_choice("category", CATEGORIES)
        need_text("type")
        need_int("count", 1, required=True)
        need_text("base", required=False)
        need_int("personnel", 0, required=False)
        need_choice("affiliation", AFFILIATIONS, required=False)
        need_text("designation", required=False)
        need_text("entity", required=False)
    elif layer == "tracks":
        need_text("asset", required=False)
    elif layer == "strikes":
        if "killed" not in props:
            out.append(("killed", "missing (required; use null when the number is unknown)"))
        else:
            need_int("killed", 0, required=False)
        need_text("target", required=False)
    elif layer == "places":
        need_text("kind")
        need_int("troops", 0, required=False)
        need_text("country", required=False)
    return out


def check_times(props: dict[str, Any], vertex_count: int) -> list[tuple[str, str]]:
    """Check a track's ``times``: one ISO datetime per vertex, never going backwards."""
    times = props.get("times")
    if times is None:
        return []
    if not isinstance(times, list):
        return [("times", f"must be a list of ISO 8601 datetimes, got {type_name(times)}")]
    if len(times) != vertex_count:
        return [("times", f"has {len(times)} entries but the line has {vertex_count} vertices")]
    previous = None
    for position, value in enumerate(times):
        try:
            current = parse_time(value)
        except ValueError as error:
            return [("times", f"entry {position}: {error}")]
        if previous is not None and current < previous:
            return [("times", f"entry {position} ({value}) is earlier than the one before it")]
        previous = current
    return []


def vertex_count(geom: Any) -> int:
    """Count the vertices of a (multi)line the way ``times`` does: all parts, in order."""
    return int(shapely.get_num_coordinates(geom))


def check_source(record: Any) -> list[tuple[str, str]]:
    """Check one record of ``sources.json``.

    Parameters
    ----------
    record : Any
        One element of the list in ``sources.json``.

    Returns
    -------
    list of (field, message)
    """
    if not isinstance(record, dict):
        return [("", f"must be an object, got {type_name(record)}")]
    out: list[tuple[str, str]] = []
    for field in ("id", "title", "publisher"):
        value = record.get(field)
        if value is None:
            out.append((field, "missing (required)"))
        elif not isinstance(value, str) or not value.strip():
            out.append((field, f"must be a non-empty string, got {_short(value)}"))
    if record.get("published") is None:
        out.append(("published", "missing (required: ISO 8601 date)"))
    else:
        try:
            parse_time(record["published"])
        except ValueError as error:
            out.append(("published", str(error)))
    url = record.get("url")
    if url is not None and not is_http_url(url):
        out.append(("url", f"{_short(url)} is not an http or https URL"))
    kind = record.get("kind")
    if kind not in SOURCE_KINDS:
        out.append(("kind", f"{_short(kind)} is not one of {', '.join(SOURCE_KINDS)}"))
    return out

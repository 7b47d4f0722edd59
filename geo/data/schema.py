"""The posturemap data format: layers, fields, allowed values, and how a problem is reported.

Everything else relies on these definitions: the checks of features
(:mod:`geo.data.geometry`, :mod:`geo.data.properties`), the loader (:mod:`geo.data.reading`) and the
map. A problem in the input is one :class:`Problem` line:
``FILE: feature N (id): field: problem``. The value helpers here (:func:`parse_time`,
:func:`is_http_url`...) are the one reading of dates and links that every module shares.
The format itself is documented in ``docs/data-format.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

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
    """Name the JSON type of ``value`` for messages.

    Parameters
    ----------
    value : Any
        A value parsed from JSON.

    Returns
    -------
    str
        ``null``, ``boolean``, ``number``, ``string``, ``array``, ``object``, or the Python
        type's name for anything else.
    """
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
    """Return True when ``value`` is an absolute http or https URL (the only links shown).

    Parameters
    ----------
    value : Any
        The value to test; anything but a string is not a URL.

    Returns
    -------
    bool
    """
    return (
        isinstance(value, str) and re.match(r"^https?://[^\s/]+", value.strip(), re.I) is not None
    )


def short_repr(value: Any, limit: int = 60) -> str:
    """Return ``repr(value)`` cut to ``limit`` characters, for quoting a bad value in a message.

    Parameters
    ----------
    value : Any
        The offending value.
    limit : int
        Longest text returned; longer ones end with ``...``.

    Returns
    -------
    str
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."

"""Text from spreadsheets, KML and ``--set``: column names matched, cells typed by the schema.

Imports (:mod:`geo.data.importing`) get every value as text; :func:`field_for_column` tells
which field of the format a column holds (``Latitude`` -> ``lat``, ``Description`` ->
``notes``), :func:`typed_value` turns a cell into that field's JSON type as ``schema.json``
declares it (whole numbers, numbers, lists of source ids, booleans, ISO 8601 dates), and
:func:`date_order` decides once per column whether ``05/06/2025`` is day-first.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from geo.data import schema
from geo.data.schema import parse_time, short_repr

POSITION_FIELDS = ("lat", "lon", "position")
"""Pseudo-fields of a row that give its point; they are not properties of the feature."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "title", "label_name", "unit", "asset", "asset_name", "vessel_name"),
    "lat": ("lat", "latitude", "y", "lat_dd", "latitude_dd"),
    "lon": ("lon", "lng", "long", "longitude", "x", "lon_dd", "longitude_dd"),
    "position": (
        "position",
        "location",
        "coordinates",
        "coords",
        "coord",
        "pos",
        "latlon",
        "lat_lon",
        "lat_long",
        "latlong",
        "mgrs",
        "grid",
        "dms",
    ),
    "observed": ("observed", "date", "datetime", "time", "timestamp", "seen", "when", "begin"),
    "until": ("until", "end", "end_date", "to_date"),
    "notes": ("notes", "note", "description", "comment", "comments", "remarks"),
    "uncertainty_km": ("uncertainty_km", "uncertainty", "radius_km", "error_km", "accuracy_km"),
    "sources": ("sources", "source", "source_ids"),
    "designation": ("designation", "hull", "hull_number", "tail", "tail_number", "registration"),
}
_DMY = re.compile(
    r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$"
)
_TRUE, _FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")


def normal_name(column: str) -> str:
    """A column name reduced for matching: ``Lat (deg)`` -> ``lat_deg``."""
    return re.sub(r"[^a-z0-9]+", "_", str(column).lower()).strip("_")


def field_for_column(layer: str, column: str) -> str | None:
    """Return the field (or position part) a column holds, or None for an extra column.

    Parameters
    ----------
    layer : str
        The layer imported into.
    column : str
        The column's header as written.

    Returns
    -------
    str or None
        A field of ``layer``, one of :data:`POSITION_FIELDS`, or None.
    """
    key = normal_name(column)
    known = schema.known_fields(layer)
    if key in known:
        return key
    for field, names in _ALIASES.items():
        if key in names and (field in known or field in POSITION_FIELDS):
            return field
    return None


def date_order(values: Iterable[str]) -> str | None:
    """Decide how a column's ``a/b/yyyy`` dates read: ``dmy``, ``mdy`` or None (undecided).

    A first number above 12 can only be a day, a second above 12 only a day in the
    American order. A column with neither is ambiguous; with both it is mixed.

    Parameters
    ----------
    values : iterable of str
        The column's cells.

    Returns
    -------
    str or None
        ``dmy`` or ``mdy``; None when no cell decides (then such dates are refused), or
        ``mixed`` when cells disagree.
    """
    firsts = seconds = False
    for value in values:
        match = _DMY.match(value or "")
        if match and "." not in value:
            firsts |= int(match.group(1)) > 12
            seconds |= int(match.group(2)) > 12
    if firsts and seconds:
        return "mixed"
    return "dmy" if firsts else "mdy" if seconds else None


def parse_date(text: str, order: str | None = None) -> str:
    """Read a date as people write it; return it as ISO 8601 (``2025-10-15`` or ``...Z``).

    ISO 8601 first (as the format reads it), then ``dd.mm.yyyy`` (always day-first),
    ``a/b/yyyy`` in the column's ``order``, then dates with month names
    (``15 Oct 2025``, ``Oct 15, 2025``).

    Parameters
    ----------
    text : str
        The cell.
    order : str or None
        :func:`date_order` of the column.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        With a message saying why (ambiguous day and month, not a date).
    """
    value = text.strip()
    try:
        when = parse_time(value)
        return _iso(when, date_only=len(value) == 10)
    except ValueError:
        pass
    match = _DMY.match(value)
    if match:
        a, b, year, hour, minute, second = match.groups()
        if "." in value or order == "dmy":
            day, month = int(a), int(b)
        elif order == "mdy":
            month, day = int(a), int(b)
        else:
            raise ValueError(
                f"{short_repr(value)} is ambiguous (day-first or month-first?); "
                "write it as YYYY-MM-DD"
                + ("" if order is None else ": the column mixes both orders")
            )
        clock = (int(hour or 0), int(minute or 0), int(second or 0))
        try:
            when = datetime(int(year), month, day, *clock, tzinfo=timezone.utc)
        except ValueError as error:
            raise ValueError(f"{short_repr(value)}: {error}") from None
        return _iso(when, date_only=hour is None)
    if re.search(r"[A-Za-z]{3}", value):
        from dateutil import parser

        try:
            when = parser.parse(value, dayfirst=True)
        except (ValueError, OverflowError):
            raise ValueError(f"not a date: {short_repr(value)}") from None
        when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when
        return _iso(when.astimezone(timezone.utc), date_only=not re.search(r"\d:\d", value))
    raise ValueError(f"not a date: {short_repr(value)} (write it as YYYY-MM-DD)")


def _iso(when: datetime, date_only: bool) -> str:
    if date_only and (when.hour, when.minute, when.second) == (0, 0, 0):
        return when.date().isoformat()
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def typed_value(layer: str, field: str, text: str, order: str | None = None) -> Any:
    """Turn a text cell into the JSON value ``schema.json`` declares for ``field``.

    Parameters
    ----------
    layer : str
        The layer (which fields it has).
    field : str
        A field name; anything the layer does not define stays text.
    text : str
        The cell, not empty.
    order : str or None
        :func:`date_order` of the column, for dates.

    Returns
    -------
    Any
        An int, float, bool, list of str, ISO date string or str; None for ``null`` in a
        field that takes null.

    Raises
    ------
    ValueError
        When the text is not of the field's type; the message quotes it.
    """
    spec = next((f for f in schema.fields(layer) if f.name == field), None)
    value = text.strip()
    if spec is None:
        return value
    if value == "null" and "null" in spec.types:  # written by export kml for a null
        return None
    if spec.is_date:
        return parse_date(value, order)
    if spec.is_integer:
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            raise ValueError(f"expected a whole number, got {short_repr(value)}") from None
        if not math.isfinite(number) or number != int(number):
            raise ValueError(f"expected a whole number, got {short_repr(value)}")
        return int(number)
    if "number" in spec.types:
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"expected a number, got {short_repr(value)}") from None
        return int(number) if number.is_integer() and "." not in value else number
    if "boolean" in spec.types:
        if value.lower() in _TRUE + _FALSE:
            return value.lower() in _TRUE
        raise ValueError(f"expected true or false, got {short_repr(value)}")
    if "array" in spec.types:
        return _text_list(value)
    if spec.choices:  # enumerations match whatever the case: "Ship" is ship
        lowered = value.lower()
        return next((c for c in spec.choices if str(c) == lowered), value)
    return value


def _text_list(value: str) -> list[str]:
    if value.startswith("["):
        try:
            parsed = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            parsed = None
        if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
            return parsed
    return [part.strip() for part in re.split(r"[;,]", value) if part.strip()]


def json_text(value: Any) -> str:
    """Write a property value as text that :func:`typed_value` reads back (for KML Data).

    Parameters
    ----------
    value : Any
        A property value as in a layer file.

    Returns
    -------
    str
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"  # read back as null by a field that takes it (killed: unknown)
    return json.dumps(value, ensure_ascii=False)

"""The posturemap data format, read from its JSON Schema, and how a problem is reported.

The format is one file, ``schema.json`` beside this module (JSON Schema draft 2020-12): the
layer files and ``sources.json``, their geometry types, fields, types, allowed values and
bounds, with a description of every field (``docs/data-format.md`` is generated from it by
:mod:`geo.data.docs`). Everything Python needs to know about the format is derived from it
here: :data:`LAYERS`, :data:`GEOMETRY_TYPES`, the allowed values (:data:`CONFIDENCE`...) and
the fields of each layer (:func:`fields`, :func:`known_fields`). Validation with it is
:mod:`geo.data.validation`.

A problem in the input is one :class:`Problem` line: ``FILE: feature N (id): field: problem``.
The value helpers here (:func:`parse_time`, :func:`is_http_url`...) are the one reading of
dates and links that every module shares.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache
from importlib import resources
from typing import Any

from geo.data.jsontext import printable

SCHEMA_FILE = "schema.json"
SCHEMA: dict[str, Any] = json.loads(
    resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
)
"""The parsed ``schema.json``; treat as read-only."""

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest layer or sources file accepted (50 MiB); larger files are refused unread."""

INT64_MAX = 2**63 - 1
"""The schema's upper bound of every whole number (they are stored as 64-bit integers)."""

RESERVED_NAMES: tuple[str, ...] = ("layer", "source_refs", "geometry")
"""Property names a feature may not use: a layer's frame has columns of these names (its
layer, the cited source records, the geometry), which an extra property would overwrite."""

ANNOTATIONS = frozenset(
    {"title", "description", "$comment", "default", "examples", "enumDescriptions"}
    | {"x-missing", "x-expected", "x-reference"}
)
"""Keywords that say nothing about validity (a ``$ref``'s siblings of these kinds override)."""


def resolve(ref: str) -> dict[str, Any]:
    """Return the part of :data:`SCHEMA` a local reference (``#/$defs/assets``) points to.

    Parameters
    ----------
    ref : str
        A JSON pointer into ``schema.json``, starting with ``#/``.

    Returns
    -------
    dict
        The (shared, read-only) sub-schema.
    """
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are used in {SCHEMA_FILE}: {ref!r}")
    node: Any = SCHEMA
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def inline(node: Any) -> Any:
    """Return a copy of ``node`` with every ``$ref`` replaced by (a copy of) its target.

    A self-contained schema validates faster (no reference lookups) and is simpler to read
    for messages and docs. The format has no recursive references.

    Parameters
    ----------
    node : Any
        A sub-schema of :data:`SCHEMA`.

    Returns
    -------
    Any
        The same schema, without references.
    """
    if isinstance(node, list):
        return [inline(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: inline(value) for key, value in node.items() if key != "$ref"}
    if "$ref" not in node:
        return out
    target = inline(resolve(node["$ref"]))
    if (set(target) & set(out)) - ANNOTATIONS:
        notes = {key: out.pop(key) for key in list(out) if key in ANNOTATIONS}
        return {**notes, "allOf": [target, out]}
    return {**target, **out}


_FILES: dict[str, Any] = SCHEMA["properties"]
LAYERS: tuple[str, ...] = tuple(
    name.removesuffix(".geojson") for name in _FILES if name.endswith(".geojson")
)
"""Layer names; each is stored as ``<layer>.geojson`` in a data directory."""

SOURCES_FILE: str = next(name for name in _FILES if not name.endswith(".geojson"))
"""``sources.json``: the one file of a data directory that is not a layer."""


def _geometry_types(layer: str) -> tuple[str, ...]:
    geometry = resolve(f"#/$defs/{layer}")["properties"]["geometry"]
    options = geometry.get("anyOf", [geometry])
    return tuple(resolve(option["$ref"])["properties"]["type"]["const"] for option in options)


GEOMETRY_TYPES: dict[str, tuple[str, ...]] = {layer: _geometry_types(layer) for layer in LAYERS}
"""The GeoJSON geometry types each layer takes."""


@dataclass(frozen=True)
class Field:
    """One property the format defines, as ``schema.json`` states it.

    Attributes
    ----------
    name : str
        The property name.
    group : str
        The ``$defs`` entry it is declared in (``common``, ``point``, ``timed``,
        ``assets-fields``, ``source``...).
    schema : dict
        Its sub-schema, references inlined.
    required : bool
        Whether the group requires it (``point`` fields only for Point features).
    """

    name: str
    group: str
    schema: dict[str, Any]
    required: bool

    @property
    def types(self) -> tuple[str, ...]:
        """JSON types allowed (``null`` included where it means "not given")."""
        declared = self.schema.get("type")
        if declared is not None:
            return (declared,) if isinstance(declared, str) else tuple(declared)
        if "enum" in self.schema:
            return tuple(dict.fromkeys(type_name(value) for value in self.schema["enum"]))
        return ()

    @property
    def choices(self) -> tuple[Any, ...]:
        """The allowed values of an enumerated field (``null`` left out), else ``()``."""
        return tuple(value for value in self.schema.get("enum", ()) if value is not None)

    @property
    def is_integer(self) -> bool:
        """Whether values are whole numbers (kept as nullable 64-bit integers)."""
        return "integer" in self.types

    @property
    def is_date(self) -> bool:
        """Whether the value is one ISO 8601 date or datetime (kept as a UTC timestamp)."""
        return "string" in self.types and self.schema.get("format") == "iso8601"

    @property
    def reference(self) -> str | None:
        """The layer whose feature ids this field holds (``x-reference``), if any."""
        return self.schema.get("x-reference")


@cache
def group_fields(group: str) -> tuple[Field, ...]:
    """Return the fields of one ``$defs`` group of ``schema.json``, in schema order.

    Parameters
    ----------
    group : str
        ``common``, ``point``, ``timed``, ``<layer>-fields`` or ``source``.

    Returns
    -------
    tuple of Field
    """
    schema = resolve(f"#/$defs/{group}")
    # A field required under a condition (``count``, except for personnel) counts as required.
    required = set(schema.get("required", ())) | set(schema.get("then", {}).get("required", ()))
    return tuple(
        Field(name, group, inline(sub), name in required)
        for name, sub in schema["properties"].items()
    )


@cache
def layer_groups(layer: str) -> tuple[str, ...]:
    """Return the groups of fields a layer's features have, in display order.

    Parameters
    ----------
    layer : str
        One of :data:`LAYERS`.

    Returns
    -------
    tuple of str
        The groups the layer's feature schema lists, then the group its condition adds
        (``point`` for a place that is a Point).
    """
    feature = resolve(f"#/$defs/{layer}")
    listed = list(feature["properties"]["properties"]["allOf"])
    if "then" in feature:  # places: the Point fields when the geometry is a Point
        listed.append(feature["then"]["properties"]["properties"])
    return tuple(item["$ref"].rsplit("/", 1)[1] for item in listed)


@cache
def fields(layer: str) -> tuple[Field, ...]:
    """Return every field the format defines for ``layer``.

    Parameters
    ----------
    layer : str
        One of :data:`LAYERS`.

    Returns
    -------
    tuple of Field
        In display order; the Point fields are there when the layer takes Points.
    """
    return tuple(field for group in layer_groups(layer) for field in group_fields(group))


@cache
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
    return tuple(field.name for field in fields(layer))


def _choices(group: str, name: str) -> tuple[str, ...]:
    return next(field.choices for field in group_fields(group) if field.name == name)


CONFIDENCE: tuple[str, ...] = _choices("common", "confidence")
CATEGORIES: tuple[str, ...] = _choices("assets-fields", "category")
AFFILIATIONS: tuple[str, ...] = _choices("assets-fields", "affiliation")
SOURCE_KINDS: tuple[str, ...] = _choices("source", "kind")
_HTTP_URL = re.compile(next(f for f in group_fields("source") if f.name == "url").schema["pattern"])


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
        # Every part may come from the data (a file name, an id, a property name, a value
        # quoted in the message): the line is made printable as a whole.
        parts = [self.file]
        if self.index is not None:
            where = f"{self.item} {self.index}"
            if self.feature_id:
                where += f" ({self.feature_id})"
            parts.append(where)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return printable(": ".join(parts))


# --- values -----------------------------------------------------------------


YEARS = (1000, 2999)
"""The years a date may have (in UTC): far enough from the calendar's ends (1 and 9999) that
no date arithmetic of the tools (a day's end, a window of days) runs past them."""
UTC = timezone.utc
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Calendar dates only: Python also reads ISO week dates (2025-W42-3), which pandas and the
# exporters do not.
_CALENDAR = re.compile(r"^\d{4}-?\d{2}-?\d{2}(?:[Tt ]|$)")


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
    if not _CALENDAR.match(text):
        raise ValueError(f"not an ISO 8601 date or datetime: {short_repr(value)}")
    try:
        if _DATE_ONLY.match(text):
            day = date.fromisoformat(text)
            parsed = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        parsed = parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or datetime: {short_repr(value)}") from None
    except OverflowError:  # year 1 or 9999 moved past the calendar by its offset
        parsed = None
    if parsed is None or not YEARS[0] <= parsed.year <= YEARS[1]:
        raise ValueError(f"{short_repr(value)} is out of range: years {YEARS[0]} to {YEARS[1]}")
    return parsed


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

    The test is the ``url`` pattern of ``sources.json`` in the schema.

    Parameters
    ----------
    value : Any
        The value to test; anything but a string is not a URL.

    Returns
    -------
    bool
    """
    return isinstance(value, str) and _HTTP_URL.search(value) is not None


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

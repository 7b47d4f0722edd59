"""Rows of an import file as features of a layer, and what makes two features the same.

:func:`features_from_rows` turns the rows :mod:`geo.data.sheets` reads into GeoJSON features
of one layer: columns matched and cells typed (:mod:`geo.data.cells`), the point read from a
position, latitude and longitude columns (:func:`geo.data.positions.parse_position`), the
category named by a placemark's style or folders, and ``--set`` values for what a row
lacks. :func:`content_key` is the one rule of "already there" for every import;
:func:`free_id` gives new features their ids.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from typing import Any

from geo.data import schema
from geo.data.cells import (
    POSITION_FIELDS,
    date_order,
    field_for_column,
    json_text,
    typed_value,
)
from geo.data.positions import PositionError, parse_position
from geo.data.schema import SOURCES_FILE
from geo.data.sheets import Row, category_from_words

Issue = tuple[str | None, str]
"""A problem of one row: (field or None, message)."""


def features_from_rows(
    rows: list[Row], layer: str, source_id: str, settings: Mapping[str, Any]
) -> list[tuple[Row, dict[str, Any], list[Issue]]]:
    """Turn the rows of one file into features of ``layer``.

    Parameters
    ----------
    rows : list of Row
        As :func:`geo.data.sheets.read_rows` gives them.
    layer : str
        The layer imported into.
    source_id : str
        The source a row cites when it names none.
    settings : mapping
        Field values for rows without one (``--set``).

    Returns
    -------
    list of (Row, feature, problems)
        One per row: the GeoJSON feature (without an id) and what is wrong with the row
        before validation (cells of the wrong type, a position that cannot be read).
    """
    columns = {name for row in rows for name in row.cells}
    fields = {name: field_for_column(layer, name) for name in columns}
    orders = {
        name: date_order(str(row.cells.get(name) or "") for row in rows)
        for name, target in fields.items()
        if target in ("observed", "until")
    }
    return [_feature(row, layer, fields, orders, source_id, settings) for row in rows]


def _feature(
    row: Row,
    layer: str,
    fields: Mapping[str, str | None],
    orders: Mapping[str, str | None],
    source_id: str,
    settings: Mapping[str, Any],
) -> tuple[Row, dict[str, Any], list[tuple[str | None, str]]]:
    props: dict[str, Any] = {}
    where: dict[str, str] = {}
    problems: list[tuple[str | None, str]] = []
    for column, value in row.cells.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        target = fields[column]
        if target is None or target in props or target in where:
            props.setdefault(column, value.strip() if isinstance(value, str) else value)
        elif target in POSITION_FIELDS:
            where[target] = str(value)
        elif isinstance(value, str):
            try:
                props[target] = typed_value(layer, target, value, orders.get(column))
            except ValueError as error:
                problems.append((target, str(error)))
        elif isinstance(value, float) and value.is_integer() and _is_integer(layer, target):
            props[target] = int(value)  # a GIS table stores whole numbers with gaps as floats
        else:
            props[target] = value
    category = category_from_words(row.words) if "category" in schema.known_fields(layer) else None
    if category:
        props.setdefault("category", category)
    for name, value in settings.items():
        props.setdefault(name, value)
    props.setdefault("sources", [source_id])
    geometry = row.geometry
    if geometry is None and where:
        geometry = _point(where, props, problems)
    if geometry is None and not problems:
        problems.append(
            ("geometry", "no position: give lat and lon, a position column or a geometry")
        )
    return row, {"type": "Feature", "properties": props, "geometry": geometry}, problems


def _is_integer(layer: str, name: str) -> bool:
    return any(spec.name == name and spec.is_integer for spec in schema.fields(layer))


def _point(
    where: Mapping[str, str], props: dict[str, Any], problems: list[tuple[str | None, str]]
) -> dict[str, Any] | None:
    text = where.get("position")
    name = "position"
    if text is None:
        if "lat" not in where or "lon" not in where:
            problems.append(("position", "a latitude column needs a longitude column beside it"))
            return None
        text, name = f"{where['lat']}, {where['lon']}", "lat/lon"
    try:
        position = parse_position(text)
    except PositionError as error:
        problems.append((name, str(error)))
        return None
    uncertainty = props.get("uncertainty_km")
    # An MGRS square is as precise as a reference can say; decimals lose trailing zeros in
    # spreadsheets, so their digits say nothing sure and are taken as typed.
    if position.notation == "mgrs" and isinstance(uncertainty, (int, float)):
        props["uncertainty_km"] = max(uncertainty, position.precision_km)
    return {"type": "Point", "coordinates": [position.lon, position.lat]}


def content_key(layer: str, feature: Any) -> str:
    """What makes two features the same report: everything but the id, as the format reads it.

    Defaults filled in, dates as UTC datetimes (``2025-10-15`` is ``2025-10-15T00:00:00Z``),
    whole numbers as integers, extra properties as text, positions rounded to about 1 cm, a
    Multi geometry of one part as that part.
    Imports (features and ``tracks import --append``) add nothing whose key is there.

    Parameters
    ----------
    layer : str
        The feature's layer.
    feature : Any
        A GeoJSON Feature (dict).

    Returns
    -------
    str
    """
    props = feature.get("properties") if isinstance(feature, dict) else None
    props = {k: v for k, v in (props or {}).items() if k != "id" and v is not None}
    known = schema.known_fields(layer)
    for key, value in props.items():  # extra properties: as text, as KML and CSV hold them
        if key not in known:
            props[key] = json_text(_rounded(value))
    for spec in schema.fields(layer):
        value = props.get(spec.name)
        if value is None and spec.schema.get("default") is not None:
            props[spec.name] = spec.schema["default"]
        elif spec.is_date and isinstance(value, str):
            with contextlib.suppress(ValueError):
                props[spec.name] = schema.parse_time(value).isoformat()
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    return json.dumps([_rounded(props), _rounded(_single(geometry))], sort_keys=True, default=str)


def _single(geometry: Any) -> Any:
    """A Multi* of one part is that part (GIS tables often promote every line to Multi)."""
    if not isinstance(geometry, dict) or not str(geometry.get("type")).startswith("Multi"):
        return geometry
    parts = geometry.get("coordinates")
    if isinstance(parts, (list, tuple)) and len(parts) == 1:
        return {"type": str(geometry["type"])[5:], "coordinates": parts[0]}
    return geometry


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 7)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def taken_ids(files: Mapping[str, bytes]) -> set[str]:
    """Every feature id of a directory's files, features with problems too (theirs still).

    Parameters
    ----------
    files : mapping of str to bytes
        The directory's files as read.

    Returns
    -------
    set of str
    """
    taken: set[str] = set()
    for name, data in files.items():
        if name.endswith(SOURCES_FILE):
            continue
        try:
            features = json.loads(data).get("features")
        except (ValueError, AttributeError, RecursionError):
            continue  # unreadable: validate says so; its ids cannot clash with readable ones
        for feature in features if isinstance(features, list) else []:
            props = feature.get("properties") if isinstance(feature, dict) else None
            if isinstance(props, dict) and isinstance(props.get("id"), str):
                taken.add(props["id"])
    return taken


def free_id(props: Mapping[str, Any], taken: set[str]) -> str:
    """A new feature's id: the file's own when free, else ``<name>-<date>`` (then ``-2``...).

    Parameters
    ----------
    props : mapping
        The feature's properties.
    taken : set of str
        Ids in use; the id returned is added.

    Returns
    -------
    str
    """
    given = props.get("id")
    if isinstance(given, str) and given.strip() and given not in taken:
        taken.add(given)
        return given
    name = props.get("name") if isinstance(props.get("name"), str) else "feature"
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "feature"
    observed = props.get("observed")
    if isinstance(observed, str) and observed[:10]:
        base += "-" + re.sub(r"[^0-9]+", "-", observed[:10])
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate

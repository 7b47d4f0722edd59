"""Checks of a feature's properties, a track's ``times`` and a ``sources.json`` record.

Like :mod:`geo.data.geometry`, these work on the parsed JSON and return ``(field, message)``
pairs, every problem in one pass, which :mod:`geo.data.reading` turns into
:class:`~geo.data.schema.Problem` lines. References between features and sources are checked
later, by :mod:`geo.data.reading`, once every file is read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from geo.data.schema import (
    AFFILIATIONS,
    CATEGORIES,
    CONFIDENCE,
    SOURCE_KINDS,
    TIMED_LAYERS,
    is_http_url,
    parse_time,
    short_repr,
    type_name,
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


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
            out.append((field, f"{short_repr(value)} is not one of {', '.join(choices)}"))

    def need_int(field: str, minimum: int, required: bool, maximum: int | None = None) -> None:
        value = props.get(field)
        if value is None:
            if required:
                out.append((field, "missing (required)"))
            return
        if not _is_int(value):
            out.append((field, f"must be a whole number, got {short_repr(value)}"))
        elif value < minimum or (maximum is not None and value > maximum):
            bound = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
            out.append((field, f"{value} is out of range ({bound})"))

    fid = props.get("id")
    if fid is None:
        out.append(("id", "missing (required)"))
    elif not isinstance(fid, str) or not fid.strip():
        out.append(("id", f"must be a non-empty string, got {short_repr(fid)}"))
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
            out.append(("uncertainty_km", f"must be a number >= 0, got {short_repr(value)}"))
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
    """Check a track's ``times``: one ISO datetime per vertex, never going backwards.

    Parameters
    ----------
    props : dict
        The track feature's ``properties`` object; no ``times`` is fine.
    vertex_count : int
        The line's vertices, all parts together (:func:`geo.data.geometry.vertex_count`).

    Returns
    -------
    list of (field, message)
        At most one problem: the first thing wrong with ``times``.
    """
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
            out.append((field, f"must be a non-empty string, got {short_repr(value)}"))
    if record.get("published") is None:
        out.append(("published", "missing (required: ISO 8601 date)"))
    else:
        try:
            parse_time(record["published"])
        except ValueError as error:
            out.append(("published", str(error)))
    url = record.get("url")
    if url is not None and not is_http_url(url):
        out.append(("url", f"{short_repr(url)} is not an http or https URL"))
    kind = record.get("kind")
    if kind not in SOURCE_KINDS:
        out.append(("kind", f"{short_repr(kind)} is not one of {', '.join(SOURCE_KINDS)}"))
    return out

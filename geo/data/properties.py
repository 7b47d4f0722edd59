"""What ``schema.json`` cannot say about properties: dates in order, track times, references.

Structure, types, allowed values and bounds are checked against the schema first
(:mod:`geo.data.validation`); the checks here need a second value (``until`` against
``observed``), the geometry (one time per vertex) or the other files (ids unique across
layers, cited sources and referenced features that exist). They return ``(field, message)``
pairs, or :class:`~geo.data.schema.Problem` lines for the checks across files, every problem
in one pass.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pandas as pd

from geo.data import schema
from geo.data.jsontext import SURROGATE, NonFinite
from geo.data.schema import LAYERS, RESERVED_NAMES, Problem, parse_time

RawFeature = tuple[str, int, dict[str, Any], Any]
"""A feature as read: (file name, index in the file, properties, shapely geometry or None)."""


def check_dates(
    layer: str, props: Mapping[str, Any], bad_fields: Collection[str]
) -> list[tuple[str, str]]:
    """Check that ``until`` is not before ``observed`` (both already valid dates or absent).

    Parameters
    ----------
    layer : str
        The feature's layer; where it does not define both fields they are extras, unchecked.
    props : mapping
        A feature's properties.
    bad_fields : collection of str
        Fields that already have a problem; their values are not compared.

    Returns
    -------
    list of (field, message)
    """
    if not {"observed", "until"} <= set(schema.known_fields(layer)):
        return []
    observed, until = props.get("observed"), props.get("until")
    if "observed" in bad_fields or "until" in bad_fields:
        return []
    if not (isinstance(observed, str) and isinstance(until, str)):
        return []
    if parse_time(until) < parse_time(observed):
        return [("until", f"{until} is before observed {observed}")]
    return []


def check_reserved(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Refuse the property names of :data:`geo.data.schema.RESERVED_NAMES`.

    Parameters
    ----------
    props : mapping
        A feature's properties.

    Returns
    -------
    list of (field, message)
    """
    return [
        (name, f"{name!r} is a reserved name (the {_RESERVED_ROLE[name]}); rename the property")
        for name in RESERVED_NAMES
        if name in props
    ]


_RESERVED_ROLE = dict(
    zip(
        RESERVED_NAMES,
        ("feature's layer", "cited source records", "feature's geometry"),
        strict=True,
    )
)


def check_values(props: Mapping[str, Any], checked: Collection[str]) -> list[tuple[str, str]]:
    """Find values no JSON field can hold: non-finite numbers and lone surrogates, at any depth.

    ``NaN``, ``Infinity`` and ``1e999`` are not JSON numbers (read as
    :class:`~geo.data.jsontext.NonFinite`); a lone surrogate (``"\\ud800"`` in the file) is
    not Unicode text: it cannot be stored, written as UTF-8 or shown. Extra properties are
    kept as given, so they are looked at too; names as well as values.

    Parameters
    ----------
    props : mapping
        A feature's properties (or a source record).
    checked : collection of str
        Fields that already have a problem (not reported twice).

    Returns
    -------
    list of (field, message)
        At most one problem per property.
    """
    out = []
    for name, value in props.items():
        if name in checked:
            continue
        bad = _odd(name) or _odd(value)
        if bad:
            out.append((name, bad))
    return out


def _odd(value: Any) -> str | None:
    """What is wrong with the first odd value in a string, number, list or object, else None."""
    if isinstance(value, str):
        found = SURROGATE.search(value)
        if found is None:
            return None
        escape = found.group().encode("unicode_escape").decode()
        return f"contains a lone surrogate ({escape}); not Unicode text"
    if isinstance(value, NonFinite):
        return f"{value.literal} is not a finite number (JSON has no NaN or Infinity)"
    if isinstance(value, list):
        return next(filter(None, map(_odd, value)), None)
    if isinstance(value, dict):
        return next(filter(None, map(_odd, [*value, *value.values()])), None)
    return None


def check_times(layer: str, props: Mapping[str, Any], vertex_count: int) -> list[tuple[str, str]]:
    """Check a track's ``times`` (a list of dates, as the schema checked): one per vertex, in order.

    Parameters
    ----------
    layer : str
        The feature's layer; only where it defines ``times`` is it checked.
    props : mapping
        The track feature's ``properties`` object; no ``times`` is fine.
    vertex_count : int
        The line's vertices, all parts together (:func:`geo.data.geometry.vertex_count`).

    Returns
    -------
    list of (field, message)
        At most one problem: the first thing wrong with ``times``.
    """
    times = props.get("times")
    if not isinstance(times, list) or "times" not in schema.known_fields(layer):
        return []
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


def check_references(
    raw: Mapping[str, Sequence[RawFeature]],
    sources: pd.DataFrame,
    has_sources: bool,
    ids: Mapping[str, Collection[str]] | None = None,
) -> list[Problem]:
    """Check what links features: unique ids, cited sources, ``x-reference`` fields.

    Parameters
    ----------
    raw : mapping of str to list of RawFeature
        Every feature read, per layer (with or without problems of their own), in file
        order; or, with ``ids``, at least every feature that may have a problem here (all
        features of a duplicated id among them).
    sources : DataFrame
        The valid source records, indexed by id.
    has_sources : bool
        Whether a ``sources.json`` was given (for the message).
    ids : mapping of str to collection of str, optional
        The ids of every feature of each layer (default: those in ``raw``).

    Returns
    -------
    list of Problem
    """
    problems = _duplicate_ids(raw)
    ids_by_layer = (
        ids
        if ids is not None
        else {
            layer: {p.get("id") for _, _, p, _ in raw[layer] if isinstance(p.get("id"), str)}
            for layer in LAYERS
        }
    )
    where = "in sources.json" if has_sources else "(no sources.json was given)"
    for layer in LAYERS:
        links = [(f.name, f.reference) for f in schema.fields(layer) if f.reference]
        for name, index, props, _ in raw[layer]:
            fid = props.get("id") if isinstance(props.get("id"), str) else None
            cited = props.get("sources")
            if isinstance(cited, list):
                missing = [s for s in cited if isinstance(s, str) and s not in sources.index]
                if missing:
                    message = f"unknown source id {', '.join(map(repr, missing))} {where}"
                    problems.append(Problem(name, message, index, fid, "sources"))
            for field, target in links:
                value = props.get(field)
                if isinstance(value, str) and value not in ids_by_layer[target]:
                    message = f"{value!r} is not the id of any feature in {target}"
                    problems.append(Problem(name, message, index, fid, field))
    return problems


def _duplicate_ids(raw: Mapping[str, Sequence[RawFeature]]) -> list[Problem]:
    problems: list[Problem] = []
    first_seen: dict[str, tuple[str, int]] = {}
    for layer in LAYERS:
        for name, index, props, _ in raw[layer]:
            fid = props.get("id")
            if not isinstance(fid, str) or not fid:
                continue
            if fid in first_seen:
                other_file, other_index = first_seen[fid]
                message = f"duplicate id (also {other_file} feature {other_index})"
                problems.append(Problem(name, message, index, fid, "id"))
            else:
                first_seen[fid] = (name, index)
    return problems

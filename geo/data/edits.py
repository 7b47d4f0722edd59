"""Editing a working data directory: add, update, retire, delete, a new report, undo.

The operations an analyst's daily loop needs, for the command line (``python -m geo report``)
and the app alike. Each is one guarded read-modify-write
(:func:`geo.data.workspace.apply_change`): locked, validated before it is written, written
atomically, recorded in ``history.jsonl``. A refused edit raises a
:class:`~geo.data.workspace.EditError` (:class:`Refused` with problems by field,
:class:`Stale`, :class:`NotFound`, :class:`DefaultData`, :class:`NothingToUndo`) or
:class:`geo.data.locking.Busy`.

Positions are ``(latitude, longitude)`` in degrees, the order in which they are typed.
"""

from __future__ import annotations

import copy
import os
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from geo.data import history, schema
from geo.data.schema import LAYERS
from geo.data.workspace import (
    SOURCES,
    DefaultData,
    EditError,
    Found,
    NotFound,
    NothingToUndo,
    Refused,
    Stale,
    State,
    apply_change,
    copy_default,
    feature_version,
    id_of,
    read_report,
)

__all__ = [
    "DefaultData",
    "EditError",
    "Found",
    "NotFound",
    "NothingToUndo",
    "Refused",
    "Stale",
    "add_report",
    "add_source",
    "copy_default",
    "delete_report",
    "feature_version",
    "new_report",
    "read_report",
    "retire_report",
    "undo",
    "update_report",
]

Position = tuple[float, float]
"""``(latitude, longitude)`` in degrees (WGS 84)."""

DateLike = str | date | datetime


# --- the operations --------------------------------------------------------------------


def add_report(
    directory: str | os.PathLike[str],
    layer: str,
    properties: Mapping[str, Any],
    at: Position,
    editor: str | None = None,
) -> history.Change:
    """Add a Point feature to a layer; without an ``id`` one is made from name and date.

    Parameters
    ----------
    directory : path
        A working data directory (not the bundled default).
    layer : str
        The layer (one that takes Points).
    properties : mapping
        The feature's properties; an ``id`` given is kept (and must be unique).
    at : (float, float)
        Latitude and longitude.
    editor : str, optional
        Who, for the history (:func:`geo.data.history.editor_name`).

    Returns
    -------
    Change
        The history line; ``change.id`` is the new feature's id.

    Raises
    ------
    Refused, DefaultData, NotFound, geo.data.locking.Busy
    """
    if layer not in LAYERS:
        raise Refused(f"{layer!r} is not a layer (one of {', '.join(LAYERS)})")

    def change(state: State) -> tuple[str, str, None, dict[str, Any]]:
        props = dict(properties)
        if not props.get("id"):
            props = {"id": _new_id(props, state.all_ids()), **props}
        feature = {"type": "Feature", "properties": props, "geometry": _point(at)}
        state.features(layer).append(feature)
        return layer, str(props["id"]), None, feature

    return apply_change(directory, "add", change, editor)


def update_report(
    directory: str | os.PathLike[str],
    feature_id: str,
    changes: Mapping[str, Any],
    at: Position | None = None,
    expected: str | None = None,
    editor: str | None = None,
    op: str = "update",
) -> history.Change:
    """Change fields of a feature (and its position), keeping the others.

    Parameters
    ----------
    directory : path
        A working data directory.
    feature_id : str
        The feature.
    changes : mapping
        Field to new value (``None`` writes null).
    at : (float, float), optional
        A new position (Points only).
    expected : str, optional
        The version read (:attr:`Found.version`); a different current version is refused.
    editor : str, optional
        Who, for the history.
    op : str
        The history's name of the operation (``retire`` for :func:`retire_report`).

    Returns
    -------
    Change

    Raises
    ------
    Refused, Stale, NotFound, DefaultData, geo.data.locking.Busy
    """
    if "id" in changes and changes["id"] != feature_id:
        raise Refused(f"{feature_id}: id: cannot be changed; add a new report instead")

    def change(state: State) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
        layer, index, before = state.checked(feature_id, expected)
        if op == "retire" and "until" not in schema.known_fields(layer):
            # On a layer without dates, until would be an extra property: kept, never applied.
            raise Refused(f"{feature_id}: {layer} have no dates to retire; delete it instead")
        after = copy.deepcopy(before)
        props = after.get("properties") or {}
        after["properties"] = {**props, **changes}
        if at is not None:
            after["geometry"] = _point(at)
        state.features(layer)[index] = after
        return layer, feature_id, before, after

    return apply_change(directory, op, change, editor)


def retire_report(
    directory: str | os.PathLike[str],
    feature_id: str,
    until: DateLike,
    expected: str | None = None,
    editor: str | None = None,
) -> history.Change:
    """Set a report's ``until``: the last date it held (it is not shown after it).

    Parameters and errors as :func:`update_report`; ``until`` is an ISO date or a date.
    """
    changes = {"until": _iso(until)}
    return update_report(directory, feature_id, changes, None, expected, editor, op="retire")


def delete_report(
    directory: str | os.PathLike[str],
    feature_id: str,
    expected: str | None = None,
    editor: str | None = None,
) -> history.Change:
    """Remove a feature (refused while another feature refers to it).

    Parameters and errors as :func:`update_report`.
    """

    def change(state: State) -> tuple[str, str, dict[str, Any], None]:
        layer, index, before = state.checked(feature_id, expected)
        del state.features(layer)[index]
        return layer, feature_id, before, None

    return apply_change(directory, "delete", change, editor)


def new_report(
    directory: str | os.PathLike[str],
    feature_id: str,
    at: Position,
    observed: DateLike,
    changes: Mapping[str, Any] | None = None,
    editor: str | None = None,
) -> history.Change:
    """A new report of the same asset: same ``entity``, new date and position, the rest copied.

    The copy gets a new id (from name and date) and no ``until``; ``changes`` apply on top
    (a new ``uncertainty_km``, ``sources``...).

    Parameters
    ----------
    directory : path
        A working data directory.
    feature_id : str
        A report of the asset (an assets feature).
    at : (float, float)
        Latitude and longitude of the new report.
    observed : str or date
        Its date.
    changes : mapping, optional
        Fields to set on the new report.
    editor : str, optional
        Who, for the history.

    Returns
    -------
    Change
        ``change.id`` is the new report's id.

    Raises
    ------
    Refused, NotFound, DefaultData, geo.data.locking.Busy
    """

    def change(state: State) -> tuple[str, str, None, dict[str, Any]]:
        layer, index, source = state.checked(feature_id, None)
        if "entity" not in schema.known_fields(layer):
            raise Refused(f"{feature_id}: a new report of the same asset is for assets only")
        props = {
            k: v for k, v in (source.get("properties") or {}).items() if k not in ("id", "until")
        }
        props["entity"] = props.get("entity") or feature_id
        props["observed"] = _iso(observed)
        props.update(changes or {})
        props = {"id": props.pop("id", None) or _new_id(props, state.all_ids()), **props}
        feature = {"type": "Feature", "properties": props, "geometry": _point(at)}
        state.features(layer).insert(index + 1, feature)
        return layer, str(props["id"]), None, feature

    return apply_change(directory, "new", change, editor)


def add_source(
    directory: str | os.PathLike[str],
    record: Mapping[str, Any],
    editor: str | None = None,
) -> history.Change:
    """Add a record to ``sources.json``, for reports to cite.

    Parameters
    ----------
    directory : path
        A working data directory.
    record : mapping
        ``id`` (new), ``title``, ``publisher``, ``published``, ``kind``, optional ``url``
        and ``notes``: checked as ``sources.json`` is.
    editor : str, optional
        Who, for the history (whose ``layer`` is ``sources``).

    Returns
    -------
    Change

    Raises
    ------
    Refused, DefaultData, NotFound, geo.data.locking.Busy
    """

    def change(state: State) -> tuple[str, str, None, dict[str, Any]]:
        added = dict(record)
        state.features(SOURCES).append(added)
        return SOURCES, str(added.get("id")), None, added

    return apply_change(directory, "add", change, editor)


def undo(directory: str | os.PathLike[str], editor: str | None = None) -> history.Change:
    """Take the last change not yet undone back; the undo is itself a change in the history.

    Parameters
    ----------
    directory : path
        A working data directory.
    editor : str, optional
        Who, for the history.

    Returns
    -------
    Change
        The undo (``undoes`` is the ``seq`` taken back).

    Raises
    ------
    NothingToUndo
        When there is no change left to undo.
    Stale
        When the feature was changed outside the history since (edited by hand).
    Refused, DefaultData, geo.data.locking.Busy
    """

    def change(state: State) -> tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]:
        target = state.history.undoable()
        if target is None:
            raise NothingToUndo(f"{state.folder}: nothing to undo")
        features = state.features(target.layer)
        index = next(
            (i for i, f in enumerate(features) if id_of(f) == target.id),
            None,
        )
        current = features[index] if index is not None else None
        if feature_version(current) != feature_version(target.after):
            raise Stale(
                f"{target.id}: changed outside the history since change {target.seq} "
                f"({target.op} by {target.editor} at {target.time}); cannot undo it"
            )
        if target.before is None:
            del features[index]
        elif index is None:
            features.append(copy.deepcopy(target.before))
        else:
            features[index] = copy.deepcopy(target.before)
        state.undoes = target.seq
        return target.layer, target.id, current, target.before

    return apply_change(directory, "undo", change, editor)


# --- values -----------------------------------------------------------------------------


def _point(at: Position) -> dict[str, Any]:
    lat, lon = at
    return {"type": "Point", "coordinates": [float(lon), float(lat)]}


def _iso(value: DateLike) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _new_id(props: Mapping[str, Any], taken: set[str]) -> str:
    """``uss-gravely-2025-10-23``: the name and date as the default data set's ids are made."""
    name = props.get("name") if isinstance(props.get("name"), str) else ""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parts = [_NOT_SLUG.sub("-", ascii_name.lower()).strip("-")[:60] or "report"]
    observed = props.get("observed")
    if isinstance(observed, str) and observed.strip():
        parts.append(_NOT_SLUG.sub("-", observed.strip().lower()).strip("-")[:20])
    base = "-".join(part for part in parts if part)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate

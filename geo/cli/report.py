"""Editing a working data directory: ``init``, ``report add|update|retire|delete|new|show``,
``history`` and ``undo``, over :mod:`geo.data.edits`.

Every edit is checked before it is written; a refused one prints its problems, one located
line each (``DIR/assets.geojson: feature 3 (id): count: ...``), and exits 1. Bad arguments
(an unreadable position or date, ``--set`` without ``=``) exit 2.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from geo.cli.common import err, fail, out
from geo.data import edits, history, schema
from geo.data.fieldvalues import BadAssignment, parse_assignment
from geo.data.locking import Busy
from geo.data.positions import PositionError, parse_position

WorkDir = Annotated[
    Path,
    typer.Option(
        "--data", help="The working data directory (never the bundled default).", show_default=False
    ),
]
Editor = Annotated[
    str | None,
    typer.Option(help=f"Who edits, for the history (default ${history.EDITOR_VARIABLE}, login)."),
]
Sets = Annotated[
    list[str] | None,
    typer.Option("--set", help="FIELD=VALUE, typed by the format (numbers, null, a,b lists)."),
]
At = Annotated[
    str,
    typer.Option(help='Position: "lat, lon" (as Google Maps copies it), DMS or MGRS.'),
]
Expect = Annotated[
    str | None,
    typer.Option(help="The version read (report show): refuse if it changed since."),
]
Sources = Annotated[
    list[str] | None, typer.Option("--source", help="A source id in sources.json (repeat).")
]
FeatureId = Annotated[str, typer.Argument(help="The feature's id.", show_default=False)]
POINT_LAYERS = tuple(layer for layer in schema.LAYERS if "Point" in schema.GEOMETRY_TYPES[layer])


@contextmanager
def _refusals() -> Iterator[None]:
    """An edit the engine refused: its problems, one line each, and exit 1."""
    try:
        yield
    except edits.EditError as error:
        for problem in error.problems:
            err.print(str(problem), markup=False)
        if not error.problems:
            err.print(str(error), markup=False)
        raise typer.Exit(1) from None
    except (Busy, OSError) as error:  # a lock held too long, a read-only or full disk
        raise fail(str(error)) from None


def _position(text: str, option: str = "--at") -> tuple[float, float, float]:
    try:
        found = parse_position(text)
    except PositionError as error:
        raise fail(f"{option}: {error}", 2) from None
    return found.lat, found.lon, found.precision_km


def _date(text: str | None, option: str) -> str | None:
    if text is None:
        return None
    try:
        schema.parse_time(text)
    except ValueError as error:
        raise fail(f"{option}: {error}", 2) from None
    return text.strip()


def _assignments(layer: str, items: list[str] | None) -> dict[str, Any]:
    values = {}
    for item in items or ():
        try:
            field, value = parse_assignment(layer, item)
        except BadAssignment as error:
            raise fail(f"--set: {error}", 2) from None
        values[field] = value
        known = schema.known_fields(layer)
        if field not in known:  # a typo would silently become an extra property
            close = difflib.get_close_matches(field, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            err.print(
                f"warning: --set: {field} is not a field of {layer}{hint}; kept as an extra "
                "property",
                markup=False,
            )
    return values


def _warn_precision(values: dict[str, Any], precision_km: float) -> None:
    stated = values.get("uncertainty_km")
    if isinstance(stated, (int, float)) and stated < precision_km:
        err.print(
            f"warning: uncertainty_km {stated:g} is smaller than the position as typed can "
            f"say ({precision_km:.2g} km)",
            markup=False,
        )


def _layer_of(data: Path, feature_id: str) -> str:
    with _refusals():
        return edits.read_report(data, feature_id).layer


def report_add(
    data: WorkDir,
    layer: Annotated[str, typer.Option(help=f"One of {', '.join(POINT_LAYERS)}.")],
    name: Annotated[str, typer.Option(help="What it is called on the map.")],
    at: At,
    source: Sources = None,
    observed: Annotated[str | None, typer.Option(help="Date of the report (ISO).")] = None,
    entity: Annotated[
        str | None, typer.Option(help="The asset this is a report of (its entity).")
    ] = None,
    sets: Sets = None,
    editor: Editor = None,
) -> None:
    """Add a report; prints its new id."""
    if layer not in POINT_LAYERS:
        hint = "; tracks come from `tracks import`" if layer in schema.LAYERS else ""
        raise fail(f"--layer: {layer!r} is not one of {', '.join(POINT_LAYERS)}{hint}", 2)
    known = schema.known_fields(layer)
    for field, value in (("observed", observed), ("entity", entity)):
        if value is not None and field not in known:
            raise fail(f"--{field}: {layer} have no {field} field", 2)
    lat, lon, precision = _position(at)
    props: dict[str, Any] = {"name": name, "sources": list(source or [])}
    if observed is not None:
        props["observed"] = _date(observed, "--observed")
    if entity is not None:
        props["entity"] = entity
    props.update(_assignments(layer, sets))
    _warn_precision(props, precision)
    with _refusals():
        change = edits.add_report(data, layer, props, (lat, lon), editor=editor)
    out.print(change.id, markup=False)


def report_update(
    feature_id: FeatureId,
    data: WorkDir,
    sets: Sets = None,
    at: Annotated[str | None, typer.Option(help="A new position (lat, lon / DMS / MGRS).")] = None,
    expect: Expect = None,
    editor: Editor = None,
) -> None:
    """Change fields (and the position) of a report."""
    values = _assignments(_layer_of(data, feature_id), sets)
    position = None
    if at is not None:
        lat, lon, precision = _position(at)
        position = (lat, lon)
        _warn_precision(values, precision)
    if not values and position is None:
        raise fail("nothing to change: give --set FIELD=VALUE or --at", 2)
    with _refusals():
        change = edits.update_report(data, feature_id, values, position, expect, editor)
    out.print(change.id, markup=False)


def report_retire(
    feature_id: FeatureId,
    data: WorkDir,
    until: Annotated[str, typer.Option(help="The last date the report held (ISO).")],
    expect: Expect = None,
    editor: Editor = None,
) -> None:
    """Retire a report: set the last date it held (its until)."""
    day = _date(until, "--until")
    with _refusals():
        change = edits.retire_report(data, feature_id, day or until, expect, editor)
    out.print(change.id, markup=False)


def report_delete(
    feature_id: FeatureId, data: WorkDir, expect: Expect = None, editor: Editor = None
) -> None:
    """Delete a report (refused while another feature refers to it)."""
    with _refusals():
        change = edits.delete_report(data, feature_id, expect, editor)
    out.print(change.id, markup=False)


def report_new(
    feature_id: FeatureId,
    data: WorkDir,
    at: At,
    observed: Annotated[str, typer.Option(help="Date of the new report (ISO).")],
    source: Sources = None,
    sets: Sets = None,
    editor: Editor = None,
) -> None:
    """A new report of the same asset: same entity, new date and position; prints its id."""
    layer = _layer_of(data, feature_id)
    day = _date(observed, "--observed")
    lat, lon, precision = _position(at)
    values = _assignments(layer, sets)
    if source:
        values["sources"] = list(source)
    _warn_precision(values, precision)
    with _refusals():
        change = edits.new_report(data, feature_id, (lat, lon), day or observed, values, editor)
    out.print(change.id, markup=False)


def report_source(
    source_id: Annotated[str, typer.Argument(help="The new source's id.", show_default=False)],
    data: WorkDir,
    title: Annotated[str, typer.Option(help="What the source is called.")],
    publisher: Annotated[str, typer.Option(help="Who published it.")],
    published: Annotated[str, typer.Option(help="Publication date (ISO).")],
    kind: Annotated[str, typer.Option(help=f"One of {', '.join(schema.SOURCE_KINDS)}.")],
    url: Annotated[str | None, typer.Option(help="An http or https link.")] = None,
    notes: Annotated[str | None, typer.Option(help="Free text.")] = None,
    editor: Editor = None,
) -> None:
    """Add a source to sources.json, for reports to cite; prints its id."""
    record = {"id": source_id, "title": title, "publisher": publisher}
    record |= {"published": _date(published, "--published"), "kind": kind}
    record |= {key: value for key, value in (("url", url), ("notes", notes)) if value is not None}
    with _refusals():
        change = edits.add_source(data, record, editor)
    out.print(change.id, markup=False)


def report_show(
    feature_id: FeatureId,
    data: Annotated[Path, typer.Option("--data", help="Data directory.", show_default=False)],
) -> None:
    """Print a feature as stored, with its layer and version (for --expect)."""
    with _refusals():
        found = edits.read_report(data, feature_id)
    record = {"layer": found.layer, "version": found.version, "feature": found.feature}
    out.print(json.dumps(record, indent=1, ensure_ascii=False), markup=False)


def init(
    directory: Annotated[Path, typer.Argument(help="A new directory.", show_default=False)],
) -> None:
    """Copy the bundled default data set into a new working directory, to edit it."""
    with _refusals():
        edits.copy_default(directory)
    out.print(f"copied the default data set into {directory}", markup=False)


def history_command(
    data: Annotated[Path, typer.Option("--data", help="Data directory.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
) -> None:
    """The changes made to a data directory, oldest first."""
    if not data.is_dir():
        raise fail(f"{data}: no such data directory")
    read = history.read_history(data)
    for problem in read.problems:
        err.print(f"warning: {problem}", markup=False)
    if as_json:
        records = [change.to_json() for change in read.changes]
        out.print(json.dumps(records, indent=1, ensure_ascii=False), markup=False)
        return
    if not read.changes:
        out.print(f"{data}: no changes recorded", markup=False)
    for change in read.changes:
        out.print(describe(change), markup=False)


def describe(change: history.Change) -> str:
    """One line of ``history``: ``3  2025-10-24T09:12:00.000Z  ana  retire  assets  ID  (until)``.

    Parameters
    ----------
    change : Change
        A history line.

    Returns
    -------
    str
        Its number, time, editor, operation, layer and id, and what changed (the fields, the
        geometry) or which change an undo took back.
    """
    what = f"undoes {change.undoes}" if change.op == "undo" else ", ".join(change.changed_fields())
    parts = [str(change.seq), change.time, change.editor, change.op, change.layer, change.id]
    return "  ".join(parts) + (f"  ({what})" if what else "")


def undo_command(data: WorkDir, editor: Editor = None) -> None:
    """Take the last change not yet undone back (recorded as a change itself)."""
    with _refusals():
        change = edits.undo(data, editor)
    out.print(describe(change), markup=False)

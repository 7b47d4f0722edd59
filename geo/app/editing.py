"""Editing in the app, without Streamlit: the working directory, the form's fields, history rows.

The app edits a working data directory through the engine (:mod:`geo.data.edits`); this
module only turns what the page needs into engine calls and back:

- :func:`data_dir_from_args`: ``--data DIR`` after ``streamlit run app.py --``;
- :func:`editable`: whether a directory may be edited (never the bundled default);
- :func:`form_fields`: the layer's other fields as widget specs, from the schema
  (:func:`geo.data.schema.fields`), so a new field in ``schema.json`` gets its widget;
- :func:`properties_from_form`: the form's values as the properties an edit takes;
- :func:`problems_by_field`: a refusal's problems grouped by the field they name;
- :func:`history_rows`: the history as a table, newest first.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from geo.data import history
from geo.data.paths import default_data_dir
from geo.data.schema import Problem, fields

# Asked for by the form itself (name, position, date, sources) or by their own actions
# (``until`` by "Retire"), or made by the engine (``id``).
_OWN_WIDGETS = frozenset({"id", "name", "sources", "observed", "until"})
EDITABLE_LAYERS = ("assets", "strikes", "bases", "places")


@dataclass(frozen=True)
class FieldSpec:
    """One generated form widget.

    Attributes
    ----------
    name : str
        The property.
    kind : str
        ``enum`` (a selectbox), ``integer``, ``number``, ``date``, ``bool`` or ``text``.
    required : bool
        The schema requires it.
    options : tuple
        For ``enum``: the values (``None`` first when the field may be left out).
    help : str
        The schema's description.
    minimum, maximum : float or None
        Bounds of a number.
    """

    name: str
    kind: str
    required: bool
    options: tuple[Any, ...] = ()
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None

    @property
    def label(self) -> str:
        """The widget's label: the field name, ``*`` when required."""
        return f"{self.name} *" if self.required else self.name


def data_dir_from_args(argv: Sequence[str]) -> Path | None:
    """The directory given as ``--data DIR`` to the page's script, or None.

    Parameters
    ----------
    argv : sequence of str
        The script's arguments (``sys.argv[1:]``); unknown ones are ignored.
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data")
    known, _ = parser.parse_known_args(list(argv))
    return Path(known.data).expanduser() if known.data else None


def editable(directory: Path | None) -> bool:
    """Whether the app may edit ``directory``: a writable directory, not the bundled default."""
    if directory is None or not directory.is_dir():
        return False
    if directory.resolve() == default_data_dir().resolve():
        return False
    return os.access(directory, os.W_OK)


def _kind(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return "enum"
    types = schema.get("type")
    types = {types} if isinstance(types, str) else set(types or ())
    if schema.get("format") == "iso8601":
        return "date"
    for kind in ("integer", "number", "boolean"):
        if kind in types:
            return "bool" if kind == "boolean" else kind
    return "text"


def form_fields(layer: str) -> list[FieldSpec]:
    """The layer's fields the form generates widgets for, in the schema's order.

    Parameters
    ----------
    layer : str
        ``assets``, ``strikes``, ``bases`` or ``places``.
    """
    specs = []
    for field in fields(layer):
        if field.name in _OWN_WIDGETS:
            continue
        schema = field.schema
        kind = _kind(schema)
        options: tuple[Any, ...] = ()
        if kind == "enum":
            values = list(schema["enum"])
            # Optional: "not given" first, so a report does not claim what no source said.
            options = tuple([None, *[v for v in values if v is not None]])
            if field.required:
                options = options[1:]
        specs.append(
            FieldSpec(
                name=field.name,
                kind=kind,
                required=field.required,
                options=options,
                help=str(schema.get("description", "")),
                minimum=schema.get("minimum"),
                maximum=schema.get("maximum") if schema.get("maximum", 0) < 1e9 else None,
            )
        )
    return specs


def widget_value(spec: FieldSpec, value: Any) -> Any:
    """A property's value as its widget holds it (a date for a date, None when missing)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if spec.kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    if spec.kind == "enum" and value not in spec.options:
        return None
    return value


def properties_from_form(
    values: Mapping[str, Any], keep_empty: Iterable[str] = ()
) -> dict[str, Any]:
    """The form's values as the properties an edit takes.

    Empty values are left out (the engine then reports a required field as missing, by
    field), except those in ``keep_empty``, given as None (an edit clearing a field).
    Dates become ISO 8601 text; text is stripped.
    """
    clear = set(keep_empty)
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, date):  # a datetime too
            value = value.isoformat()
        elif isinstance(value, str):
            value = value.strip()
        if value is None or value == "" or value == []:
            if name in clear:
                out[name] = None
            continue
        out[name] = value
    return out


def problems_by_field(problems: Iterable[Problem]) -> dict[str, list[str]]:
    """A refusal's problems by the field they name (``""``: the report as a whole)."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(problem.field or "", []).append(problem.message)
    return grouped


HISTORY_COLUMNS = ["seq", "time", "editor", "op", "layer", "id", "changed"]


def history_rows(directory: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """The directory's history as a table, newest first, with the lines it could not read."""
    read = history.read_history(directory)
    rows = [
        {
            "seq": change.seq,
            "time": change.time,
            "editor": change.editor,
            "op": change.op if change.undoes is None else f"undo of {change.undoes}",
            "layer": change.layer,
            "id": change.id,
            "changed": ", ".join(change.changed_fields()),
        }
        for change in reversed(read.changes)
    ]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS), list(read.problems)


def changed_properties(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What an edit changes: the form's ``new`` values that differ from the ``old`` properties.

    A field the form left empty that had a value is cleared (None); the others are kept, so
    an edit never rewrites what it did not change.
    """
    changes = {}
    for name, value in properties_from_form(new, keep_empty=new).items():
        if value is None and old.get(name) is None:
            continue
        if old.get(name) != value:
            changes[name] = value
    return changes


def position_text(lat: float, lon: float) -> str:
    """A map click as the decimal "lat, lon" the position box reads (about 1 m)."""
    return f"{lat:.5f}, {lon:.5f}"

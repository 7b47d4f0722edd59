"""The field tables of ``docs/data-format.md``, generated from ``schema.json``.

The doc is hand-written prose around generated blocks; each block sits between two marker
comments and is rewritten from the schema::

    <!-- schema: assets -->
    ...generated: do not edit...
    <!-- /schema -->

Block names: ``files`` (the files of a data directory), a group of fields (``common``,
``point``, ``timed``), a layer (its geometry and own fields) or ``sources.json``.

Run ``python -m geo.data.docs`` after changing ``schema.json`` to rewrite the doc, or
``python -m geo.data.docs --check`` to exit 1 when the doc is out of date
(``tests/test_schema_docs.py`` does the same).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from geo.data import schema
from geo.data.schema import GEOMETRY_TYPES, INT64_MAX, LAYERS, SOURCES_FILE, Field

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"
"""The doc in a source checkout."""

_BLOCK = re.compile(r"(<!-- schema: (?P<name>[\w.-]+) -->\n)(?P<body>.*?)(<!-- /schema -->)", re.S)
_NOTE = "<!-- generated from geo/data/schema.json by python -m geo.data.docs: edit the schema -->"


def _words(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def field_type(sub: Mapping[str, Any]) -> str:
    """Say a field's type for the doc: ``integer >= 1``, ``1, 2 or 3``, ``list of strings``.

    Parameters
    ----------
    sub : mapping
        The field's sub-schema (references inlined).

    Returns
    -------
    str
    """
    declared = sub.get("type", [])
    types = [declared] if isinstance(declared, str) else list(declared)
    if "enum" in sub:
        types = ["string"]
    words = []
    for kind in (t for t in types if t != "null"):
        low, high = sub.get("minimum"), sub.get("maximum")
        if kind == "integer" and low is not None and high is not None and high - low <= 3:
            words.append(_words([str(n) for n in range(low, high + 1)]))
        elif kind in ("integer", "number"):
            words.append(kind + (f" >= {low}" if low is not None else ""))
            if high is not None and high != INT64_MAX:
                words[-1] += f", <= {high}"
        elif kind == "string" and sub.get("format") == "iso8601":
            words.append("ISO 8601 date or datetime")
        elif kind == "array":
            item = field_type(sub.get("items", {}))
            plural = "ISO 8601 dates or datetimes" if "ISO" in item else f"{item}s"
            words.append(f"list of {plural}")
        else:
            words.append(kind)
    if not words:
        return "any"
    return " or ".join(words)


def field_meaning(sub: Mapping[str, Any]) -> str:
    """Return a field's description, with its allowed values (and what each means) if listed.

    Parameters
    ----------
    sub : mapping
        The field's sub-schema (references inlined).

    Returns
    -------
    str
        Markdown for one table cell.
    """
    text = sub.get("description", "")
    choices = [value for value in sub.get("enum", ()) if value is not None]
    if choices:
        notes = sub.get("enumDescriptions", [None] * len(choices))
        values = []
        for value, note in zip(choices, notes, strict=False):
            extra = [note] if note else []
            extra += ["default"] if value == sub.get("default") else []
            values.append(f"`{value}`" + (f" ({'; '.join(extra)})" if extra else ""))
        text = f"{text}: {', '.join(values)}" if text else ", ".join(values)
    return text.replace("|", "\\|")


def _required(field: Field) -> str:
    # An optional field may always be null (= not given); a required one only where it says.
    if not field.required:
        return "no"
    if "null" in field.types:
        return "yes (`null` allowed)"
    return "yes, non-empty" if field.schema.get("minItems") == 1 else "yes"


def fields_table(group: str) -> str:
    """Render a group of fields as a Markdown table: field, type, required, meaning.

    Parameters
    ----------
    group : str
        A ``$defs`` group of ``schema.json`` (:func:`geo.data.schema.group_fields`); its
        description, if any, comes first.

    Returns
    -------
    str
    """
    fields = schema.group_fields(group)
    about = schema.resolve(f"#/$defs/{group}").get("description")
    lines = [about, ""] if about else []
    lines += ["| field | type | required | meaning |", "|---|---|---|---|"]
    for field in fields:
        cells = [f"`{field.name}`", field_type(field.schema), _required(field)]
        lines.append("| " + " | ".join([*cells, field_meaning(field.schema)]) + " |")
    return "\n".join(lines) + "\n"


def files_table() -> str:
    """Render the files of a data directory: file, layer, geometry.

    Returns
    -------
    str
    """
    lines = ["| file | layer | geometry |", "|---|---|---|"]
    for name, sub in schema.SCHEMA["properties"].items():
        layer = name.removesuffix(".geojson")
        if layer in LAYERS:
            what, geometry = f"{layer}: {sub['description']}", _words(GEOMETRY_TYPES[layer])
        else:
            what, geometry = sub["description"], "(JSON list)"
        lines.append(f"| `{name}` | {what} | {geometry} |")
    return "\n".join(lines) + "\n"


def block(name: str) -> str:
    """Return the generated Markdown of one marker block.

    Parameters
    ----------
    name : str
        ``files``, ``common``, ``point``, ``timed``, a layer or ``sources.json``.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        For a name the schema does not have.
    """
    if name == "files":
        return files_table()
    if name == SOURCES_FILE:
        return fields_table("source")
    if name in LAYERS:
        geometry = f"Geometry: {_words(GEOMETRY_TYPES[name])}.\n\n"
        return geometry + fields_table(f"{name}-fields")
    if name in ("common", "point", "timed"):
        return fields_table(name)
    raise KeyError(f"no block {name!r} in {schema.SCHEMA_FILE}")


def render(text: str) -> str:
    """Return ``text`` with every marker block rewritten from the schema.

    Parameters
    ----------
    text : str
        The doc, with ``<!-- schema: NAME -->`` ... ``<!-- /schema -->`` blocks.

    Returns
    -------
    str
    """

    def replace(match: re.Match[str]) -> str:
        body = f"{_NOTE}\n{block(match['name'])}"
        return f"{match.group(1)}{body}{match.group(4)}"

    return _BLOCK.sub(replace, text)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the doc (or, with ``--check``, say whether it is up to date).

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments.

    Returns
    -------
    int
        0 when the doc is (now) up to date, 1 when ``--check`` finds it out of date.
    """
    parser = argparse.ArgumentParser(prog="python -m geo.data.docs", description=__doc__)
    parser.add_argument("doc", nargs="?", type=Path, default=DOC)
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    current = args.doc.read_text(encoding="utf-8")
    wanted = render(current)
    if wanted == current:
        return 0
    if args.check:
        print(f"{args.doc} is out of date: run python -m geo.data.docs", file=sys.stderr)
        return 1
    args.doc.write_text(wanted, encoding="utf-8")
    print(f"rewrote {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

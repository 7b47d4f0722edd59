"""Reading JSON ping files: tables (records, columns, split, JSON lines), ADS-B and GeoJSON.

A JSON document is parsed whole, so its size is capped first
(:attr:`geo.tracks.content.Limits.max_document_bytes`); the parse itself is linear. Its shape
says what it is: a list of records or a dict of columns (pandas ``to_json``, as the
``traffic`` library writes them) is a table whose header gives the layout like a CSV's;
readsb/tar1090 traces, ``aircraft.json`` snapshots and OpenSky API answers go to
:mod:`geo.tracks.adsb_json`; GeoJSON to :mod:`geo.tracks.georeaders`. Called by
:func:`geo.tracks.readers.read_file`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from geo.tracks import adsb_json
from geo.tracks.content import LIMITS, Deadline
from geo.tracks.georeaders import read_geojson
from geo.tracks.layouts import Layout, PingError, ReadOptions, quote
from geo.tracks.pings import Chunk
from geo.tracks.tables import by_role

_MAX_COLUMNS = 10_000


def read_json(path: Path, options: ReadOptions, deadline: Deadline) -> tuple[Layout, list[Chunk]]:
    """Read the pings of a JSON file of any known shape.

    Parameters
    ----------
    path : Path
        The JSON file (already decompressed).
    options : ReadOptions
        Forced columns, time format.
    deadline : Deadline
        Checked between the parse and the table.

    Returns
    -------
    layout : Layout
    chunks : list of Chunk

    Raises
    ------
    PingError
        For a file past the JSON size limit, invalid JSON (with its line and column), or
        JSON of no known shape.
    """
    size = path.stat().st_size
    if size > LIMITS.max_document_bytes:
        raise PingError(
            f"a JSON file of {size:,} bytes, above the limit of {LIMITS.max_document_bytes:,} "
            "for JSON (which is parsed whole); convert it to CSV or Parquet"
        )
    raw = path.read_bytes()
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise PingError(
                f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
            ) from None
        document = _json_lines(raw)  # one record per line (pandas lines=True)
    except UnicodeDecodeError as error:
        raise PingError(f"not valid JSON: undecodable bytes at {error.start}") from None
    except RecursionError:
        raise PingError("not readable JSON: nested too deeply") from None
    deadline.check()
    return read_document(document, options)


def _json_lines(raw: bytes) -> list[Any]:
    """JSON lines: one value per line."""
    records = []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            raise PingError(
                f"not valid JSON or JSON lines (line {number}: {quote(line[:80])!r})"
            ) from None
    return records


def read_document(document: Any, options: ReadOptions) -> tuple[Layout, list[Chunk]]:
    """The pings of a parsed JSON document, by its shape.

    Parameters
    ----------
    document : object
        The parsed JSON.
    options : ReadOptions

    Returns
    -------
    layout : Layout
    chunks : list of Chunk

    Raises
    ------
    PingError
        When the shape is not a known one.
    """
    if isinstance(document, dict):
        shaped = adsb_json.read_adsb(document)
        if shaped is not None:
            return shaped
        if document.get("type") in ("FeatureCollection", "Feature"):
            return read_geojson(document, options)
        if isinstance(document.get("data"), list) and isinstance(document.get("schema"), dict):
            return _table(document["data"], options, "table")  # pandas orient="table"
        if isinstance(document.get("columns"), list) and isinstance(document.get("data"), list):
            return _split(document, options)  # pandas orient="split"
        if document and all(isinstance(v, dict | list) for v in document.values()):
            return _columns(document, options)  # pandas orient="columns" (the default)
        if not document:
            raise PingError("JSON of no known shape (an empty object)")
        keys = quote(", ".join(map(str, list(document)[:20])))
        raise PingError(f"JSON of no known shape (an object with keys {keys})")
    if isinstance(document, list):
        return _table(document, options, "records")
    raise PingError(f"JSON of no known shape (a {type(document).__name__}, not pings)")


def _header(records: list[Any]) -> list[str]:
    """Union of the keys of records, in order of appearance, bounded."""
    seen: dict[str, None] = {}
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict):
            raise PingError(
                f"JSON records: item {number} is a {type(record).__name__}, not an object"
            )
        for key in record:
            if key not in seen:
                seen[key] = None
                if len(seen) > _MAX_COLUMNS:
                    raise PingError(f"JSON records with more than {_MAX_COLUMNS:,} keys")
    return list(seen)


def _table(records: list[Any], options: ReadOptions, shape: str) -> tuple[Layout, list[Chunk]]:
    layout = options.layout(_header(records))
    wanted = sorted(set(layout.columns.values()))
    frame = pd.DataFrame.from_records(records, columns=wanted)
    return _described(layout, shape), [(pd.DataFrame(by_role(layout, frame.__getitem__)), 1, [])]


def _split(document: dict[str, Any], options: ReadOptions) -> tuple[Layout, list[Chunk]]:
    columns = [str(c) for c in document["columns"][: _MAX_COLUMNS + 1]]
    if len(columns) > _MAX_COLUMNS:
        raise PingError(f"a JSON table with more than {_MAX_COLUMNS:,} columns")
    layout = options.layout(columns)
    data = document["data"]
    # A row that is not a list of one value per column is malformed (counted, like a CSV's).
    fits = [isinstance(row, list) and len(row) == len(columns) for row in data]
    frame = pd.DataFrame([row for row, ok in zip(data, fits, strict=True) if ok], columns=columns)
    raw = pd.DataFrame(by_role(layout, frame.__getitem__))
    raw["row"] = [number for number, ok in enumerate(fits, 1) if ok]
    malformed = [number for number, ok in enumerate(fits, 1) if not ok]
    return _described(layout, "split"), [(raw, 1, malformed)]


def _columns(document: dict[str, Any], options: ReadOptions) -> tuple[Layout, list[Chunk]]:
    if len(document) > _MAX_COLUMNS:
        raise PingError(f"a JSON table with more than {_MAX_COLUMNS:,} columns")
    layout = options.layout([str(key) for key in document])
    columns = {}
    for role, name in layout.columns.items():
        values = document[name]
        columns[role] = pd.Series(values)  # a dict keeps its row labels, a list its order
    try:
        frame = pd.DataFrame(columns)
    except ValueError as error:
        raise PingError(
            f"JSON table (columns): columns of different lengths ({quote(error)})"
        ) from None
    return _described(layout, "columns"), [(frame.reset_index(drop=True), 1, [])]


def _described(layout: Layout, shape: str) -> Layout:
    return Layout(layout.name, f"{shape}: {layout.description}", layout.category, layout.columns)

"""Building a :class:`Dataset`: data files in, checked GeoDataFrames (one per layer) out.

The files are read as bytes by :mod:`geo.data.files`; here they are parsed, checked
against :mod:`geo.data.schema` and against each other (duplicate ids, cited sources,
references between layers), and turned into frames. Writing a layer back out is
:mod:`geo.data.writing`.

Every problem found on the way is collected as a :class:`~geo.data.schema.Problem`;
nothing here raises on bad input. Features with a problem are left out of the
layers, so callers can go on with what is valid and show the problems beside it.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.data import columnar, geometry, properties, schema, validation
from geo.data.files import layer_for_file, read_directory, read_files, too_large
from geo.data.jsontext import SURROGATE_ESCAPE, NonFinite
from geo.data.properties import RawFeature
from geo.data.schema import LAYERS, MAX_FILE_BYTES, SOURCES_FILE, Problem

CRS = "EPSG:4326"
SOURCE_COLUMNS = tuple(field.name for field in schema.group_fields("source"))
MAX_PROBLEMS_PER_FILE = 100
"""Problem lines kept per file; the rest are counted in one last line (``... and N more``)."""
MAX_PROBLEMS = 1_000
"""Problem lines kept in all (an upload or a directory); one more line counts the rest."""
STOP_AFTER = 10_000
"""Problems in one layer file after which its checking stops and nothing of it is loaded: a
file of a million bare features is not the format, and listing them all costs minutes."""


@dataclass
class Dataset:
    """All layers of one data set, its sources, and what was wrong with the input.

    Attributes
    ----------
    layers : dict of str to GeoDataFrame
        One GeoDataFrame per name in :data:`geo.data.schema.LAYERS`, always present
        (empty when the file is missing), in EPSG:4326, with the format's fields as
        columns, extra properties kept as further columns, ``observed``/``until`` as
        UTC timestamps, a ``layer`` column and a ``source_refs`` column holding the
        cited source records (the join with ``sources``).
    sources : DataFrame
        ``sources.json``, indexed by source id.
    problems : list of Problem
        Everything wrong with the input, in file order: at most
        :data:`MAX_PROBLEMS_PER_FILE` lines per file, then one ``... and N more`` line.
    label : str
        Where the data came from, for titles and messages.
    hidden_problems : int
        Problems counted in the ``... and N more`` lines rather than listed.
    """

    layers: dict[str, gpd.GeoDataFrame]
    sources: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    label: str = ""
    hidden_problems: int = 0

    def __getitem__(self, layer: str) -> gpd.GeoDataFrame:
        return self.layers[layer]

    @property
    def feature_count(self) -> int:
        """Number of valid features over all layers."""
        return sum(len(frame) for frame in self.layers.values())

    @property
    def problem_count(self) -> int:
        """Number of problems found, listed or counted in a ``... and N more`` line."""
        return sum(not _is_more(p) for p in self.problems) + self.hidden_problems


def empty_layer(layer: str) -> gpd.GeoDataFrame:
    """Return an empty GeoDataFrame with the columns of ``layer``."""
    columns = ["layer", *schema.known_fields(layer), "source_refs"]
    return gpd.GeoDataFrame({name: [] for name in columns}, geometry=[], crs=CRS)


# --- parsing -------------------------------------------------------------------------


def _line_column(text: str, start: int) -> str:
    return (
        f"line {text.count(chr(10), 0, start) + 1} column {start - text.rfind(chr(10), 0, start)}"
    )


def _parse_json(
    name: str, data: bytes, limit: int = MAX_FILE_BYTES, layer: str = ""
) -> tuple[Any, list[Problem], bool]:
    """Parse a file as JSON; say whether it may hold values no field accepts (to look for them).

    ``NaN``, ``Infinity`` and numbers past the range of a float are read as
    :class:`~geo.data.jsontext.NonFinite`; a lone surrogate can only come from a ``\\uD8xx``
    escape. A whole number longer than Python's limit of digits refuses the file.
    """
    odd: list[str] = []

    def non_finite(literal: str) -> Any:
        value = float(literal)
        if math.isfinite(value):
            return value
        odd.append(literal)
        return NonFinite(literal)

    if len(data) > limit:
        return None, [Problem(name, too_large(len(data), limit))], False
    if PurePosixPath(name).suffix.lower() in columnar.SUFFIXES:
        try:  # read as the FeatureCollection it stands for; NaN cells are looked for
            return columnar.read_document(name, layer, data, limit), [], True
        except columnar.ColumnarError as error:
            return None, [Problem(name, str(error))], False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [Problem(name, f"not UTF-8 text (byte {error.start})")], False
    try:
        document = json.loads(text, parse_constant=non_finite, parse_float=non_finite)
        return document, [], bool(odd) or SURROGATE_ESCAPE.search(data) is not None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        return None, [Problem(name, f"not valid JSON: {where}: {error.msg}")], False
    except ValueError:  # an integer past Python's limit of digits (sys.get_int_max_str_digits)
        limit = sys.get_int_max_str_digits()
        found = re.search(rf"\d{{{limit + 1}}}", text)
        where = f"{_line_column(text, found.start())}: " if found else ""
        message = f"not valid JSON: {where}a number of more than {limit} digits"
        return None, [Problem(name, message)], False
    except RecursionError:
        return None, [Problem(name, "not valid JSON: nested too deeply")], False


# --- building the data set ---------------------------------------------------------


def load(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    max_file_bytes: int | None = None,
) -> Dataset:
    """Load a data directory, or individual files, into a :class:`Dataset`.

    Parameters
    ----------
    paths : path or iterable of paths
        A data directory, or layer files named ``<layer>.geojson`` (or ``.parquet``,
        ``.fgb``; with an optional ``sources.json`` beside them).
    max_file_bytes : int, optional
        Largest file read (default :data:`~geo.data.schema.MAX_FILE_BYTES`).

    Returns
    -------
    Dataset
        Valid features only; every problem is in ``Dataset.problems``.
    """
    single = isinstance(paths, (str, os.PathLike))
    path_list = [Path(paths)] if single else [Path(p) for p in paths]
    if len(path_list) == 1 and (path_list[0].is_dir() or not path_list[0].exists()):
        files, problems = read_directory(path_list[0], max_file_bytes)
    else:
        files, problems = read_files(path_list, max_file_bytes)
        if not path_list:
            problems.append(Problem("(no input)", "no files given"))
    label = ", ".join(str(p) for p in path_list)
    dataset = load_bytes(files, label=label, max_file_bytes=max_file_bytes)
    dataset.problems[:0] = problems
    return dataset


def load_bytes(
    files: Mapping[str, bytes], label: str = "", max_file_bytes: int | None = None
) -> Dataset:
    """Build a :class:`Dataset` from file names and contents (used for uploads too).

    Parameters
    ----------
    files : mapping of str to bytes
        File name to content. Layer files are recognised by name; at most one
        ``sources.json``.
    label : str
        Description of the origin for titles.
    max_file_bytes : int, optional
        Largest file read (default :data:`~geo.data.schema.MAX_FILE_BYTES`).

    Returns
    -------
    Dataset
    """
    limit = MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
    problems: list[Problem] = []
    sources_name = next((n for n in files if PurePosixPath(n).name == SOURCES_FILE), None)
    sources, source_problems = _build_sources(sources_name, files.get(sources_name or ""))
    problems.extend(source_problems)

    raw: dict[str, list[RawFeature]] = {layer: [] for layer in LAYERS}
    for name, data in files.items():
        if name == sources_name:
            continue
        layer = layer_for_file(name)
        if layer is None:
            problems.append(
                Problem(
                    name,
                    f"cannot tell the layer from the file name; name it one of "
                    f"{', '.join(layer + '.geojson' for layer in LAYERS)}",
                )
            )
            continue
        features, file_problems = _parse_layer(name, layer, data, limit)
        problems.extend(file_problems)
        raw[layer].extend(features)

    problems.extend(properties.check_references(raw, sources, has_sources=sources_name is not None))
    bad = {(p.file, p.index) for p in problems if p.index is not None and p.item == "feature"}
    layers = {
        layer: _to_frame(layer, [f for f in raw[layer] if (f[0], f[1]) not in bad], sources)
        for layer in LAYERS
    }
    shown, hidden = _cap(problems)
    return Dataset(layers, sources, problems=shown, label=label, hidden_problems=hidden)


_MORE = "... and "


def _cap(problems: list[Problem]) -> tuple[list[Problem], int]:
    """Keep :data:`MAX_PROBLEMS_PER_FILE` lines per file and :data:`MAX_PROBLEMS` in all.

    A ``... and N more`` line follows each file's kept lines, and ends the list when it is cut;
    returns the lines and the number of problems they count rather than list.
    """
    seen: dict[str, int] = {}
    out: list[Problem] = []
    for problem in problems:
        seen[problem.file] = seen.get(problem.file, 0) + 1
        if seen[problem.file] <= MAX_PROBLEMS_PER_FILE:
            out.append(problem)
    hidden = {file: count - MAX_PROBLEMS_PER_FILE for file, count in seen.items()}
    for file, count in hidden.items():
        if count > 0:
            last = max(i for i, p in enumerate(out) if p.file == file)
            out.insert(last + 1, Problem(file, f"{_MORE}{count} more problems in this file"))
    if len(out) > MAX_PROBLEMS:
        # Across files too: an upload of a thousand bad files lists at most this many lines.
        rest = out[MAX_PROBLEMS:]
        counted = sum(hidden[p.file] if _is_more(p) else 1 for p in rest)
        files = len({p.file for p in rest})
        out = out[:MAX_PROBLEMS]
        out.append(Problem(rest[0].file, f"{_MORE}{counted} more problems in {files} file(s)"))
    listed = sum(not _is_more(p) for p in out)
    return out, len(problems) - listed


def _is_more(problem: Problem) -> bool:
    return problem.index is None and problem.message.startswith(_MORE)


def _parse_layer(
    name: str, layer: str, data: bytes, limit: int
) -> tuple[list[RawFeature], list[Problem]]:
    document, problems, odd = _parse_json(name, data, limit, layer)
    if problems:
        return [], problems
    envelope = validation.check_collection(layer, document)
    if envelope:
        return [], [Problem(name, envelope)]
    parsed = []
    for index, feature in enumerate(document["features"]):
        if len(problems) >= STOP_AFTER:
            total = len(document["features"])
            message = (
                f"checking stopped at feature {index} of {total:,}: {len(problems):,} problems "
                "or more; nothing of this file is loaded"
            )
            return [], [Problem(name, message), *problems]  # first: always shown
        pairs = validation.check_feature(layer, feature)
        if pairs[:1] == [(None, validation.NOT_A_FEATURE)]:
            problems.append(Problem(name, validation.NOT_A_FEATURE, index=index))
            continue
        props = feature.get("properties")
        props = {} if props is None else props
        if not isinstance(props, dict):
            problems.extend(Problem(name, m, index, None, f) for f, m in pairs)
            continue
        fid = props.get("id") if isinstance(props.get("id"), str) else None
        geometry_problems, geom = geometry.check_geometry(layer, feature.get("geometry"))
        pairs += properties.check_reserved(props)
        if odd:
            pairs += properties.check_values(props, {field for field, _ in pairs})
        bad_fields = {field for field, _ in pairs}
        pairs += properties.check_dates(layer, props, bad_fields)
        if geom is not None and "times" not in bad_fields:
            pairs += properties.check_times(layer, props, geometry.vertex_count(geom))
        for field_name, message in geometry_problems + pairs:
            problems.append(Problem(name, message, index, fid, field_name))
        parsed.append((name, index, props, geom))
    return parsed, problems


def _build_sources(name: str | None, data: bytes | None) -> tuple[pd.DataFrame, list[Problem]]:
    empty = pd.DataFrame(columns=list(SOURCE_COLUMNS)).set_index("id")
    if name is None or data is None:
        return empty, []
    document, problems, odd = _parse_json(name, data)
    if problems:
        return empty, problems
    envelope = validation.check_sources_file(document)
    if envelope:
        return empty, [Problem(name, envelope)]
    records = []
    seen: set[str] = set()
    for index, record in enumerate(document):
        sid = (
            record.get("id")
            if isinstance(record, dict) and isinstance(record.get("id"), str)
            else None
        )
        record_problems = validation.check_source(record)
        if odd and isinstance(record, dict):
            known = {field for field, _ in record_problems}
            record_problems += properties.check_values(record, known)
        if sid is not None and sid in seen:
            record_problems.append(("id", f"duplicate source id {sid!r}"))
        for field_name, message in record_problems:
            problems.append(Problem(name, message, index, sid, field_name, item="source"))
        if not record_problems:
            seen.add(sid)
            records.append({column: record.get(column) for column in SOURCE_COLUMNS})
    frame = (
        pd.DataFrame(records, columns=list(SOURCE_COLUMNS)).set_index("id") if records else empty
    )
    return frame, problems


def _to_frame(layer: str, features: list[RawFeature], sources: pd.DataFrame) -> gpd.GeoDataFrame:
    if not features:
        return empty_layer(layer)
    known = schema.known_fields(layer)
    source_records = {
        sid: {"id": sid, **{k: (None if pd.isna(v) else v) for k, v in row.items()}}
        for sid, row in sources.to_dict("index").items()
    }
    # Column by column, not row dicts: a copy of every property of every feature would be
    # built only to be taken apart again (a fifth of the peak memory of a 200 MB upload).
    props = [f[2] for f in features]
    extras = dict.fromkeys(name for p in props for name in p if name not in known)
    columns: dict[str, list[Any]] = {"layer": [layer] * len(props)}
    for name in known:
        columns[name] = [p.get(name) for p in props]
    for name in extras:
        values = [p.get(name) for p in props]
        # As given: pandas would turn [5, None] into the floats [5.0, nan] (texts are safe).
        text = all(v is None or isinstance(v, str) for v in values)
        columns[name] = values if text else pd.Series(values, dtype=object)
    columns["source_refs"] = [[source_records[s] for s in p["sources"]] for p in props]
    frame = gpd.GeoDataFrame(columns, geometry=[f[3] for f in features], crs=CRS)
    for spec in schema.fields(layer):
        # Only the layer's own fields are converted (an extra property is kept as given), and
        # only where every value was checked: a Point field of an area is not, and stays as is.
        # From the parsed values: pandas would have made [3, None] floats.
        column = spec.name
        if spec.is_integer:
            values = [f[2].get(column) for f in features]
            if all(v is None or _is_whole(v) for v in values):
                # Nullable integers: a missing count or toll stays missing, never a float.
                frame[column] = pd.array(values, dtype="Int64")
        elif spec.is_date:
            values = [f[2].get(column) for f in features]
            if all(v is None or isinstance(v, str) for v in values):
                times = [None if v is None else schema.parse_time(v) for v in values]
                frame[column] = pd.to_datetime(times, utc=True)
        if spec.schema.get("default") is not None:
            frame[column] = frame[column].fillna(spec.schema["default"])
    return frame


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

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

from geo.data import columnar, layerfiles, properties, schema, validation
from geo.data.files import layer_for_file, read_directory, read_files, too_large
from geo.data.frames import CRS, empty_layer
from geo.data.jsontext import SURROGATE_ESCAPE, NonFinite
from geo.data.layerfiles import STOP_AFTER
from geo.data.schema import LAYERS, MAX_FILE_BYTES, SOURCES_FILE, Problem

__all__ = ["CRS", "STOP_AFTER", "Dataset", "empty_layer", "load", "load_bytes"]
SOURCE_COLUMNS = tuple(field.name for field in schema.group_fields("source"))
MAX_PROBLEMS_PER_FILE = 100
"""Problem lines kept per file; the rest are counted in one last line (``... and N more``)."""
MAX_PROBLEMS = 1_000
"""Problem lines kept in all (an upload or a directory); one more line counts the rest."""


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


# --- parsing -------------------------------------------------------------------------


def _line_column(text: str, start: int) -> str:
    return (
        f"line {text.count(chr(10), 0, start) + 1} column {start - text.rfind(chr(10), 0, start)}"
    )


def _parse_json(
    name: str, data: bytes, limit: int = MAX_FILE_BYTES
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

    parts: list[layerfiles.Part] = []
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
        part, file_problems = _parse_file(name, layer, data, limit)
        problems.extend(file_problems)
        parts.append(part)

    problems.extend(
        layerfiles.check_references(parts, sources, has_sources=sources_name is not None)
    )
    bad = {(p.file, p.index) for p in problems if p.index is not None and p.item == "feature"}
    layers = {layer: layerfiles.layer_frame(layer, parts, bad, sources) for layer in LAYERS}
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


def _parse_file(
    name: str, layer: str, data: bytes, limit: int
) -> tuple[layerfiles.Part, list[Problem]]:
    if PurePosixPath(name).suffix.lower() in columnar.SUFFIXES:
        if len(data) > limit:
            return layerfiles.Part(layer, []), [Problem(name, too_large(len(data), limit))]
        return layerfiles.read_table(name, layer, data, limit)
    document, problems, odd = _parse_json(name, data, limit)
    if problems:
        return layerfiles.Part(layer, []), problems
    envelope = validation.check_collection(layer, document)
    if envelope:
        return layerfiles.Part(layer, []), [Problem(name, envelope)]
    features = document["features"]
    parsed, problems = layerfiles.check_features(
        name, layer, enumerate(features), len(features), odd
    )
    return layerfiles.Part(layer, parsed), problems


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

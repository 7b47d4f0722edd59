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
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.data import geometry, properties, schema
from geo.data.files import layer_for_file, read_directory, read_files
from geo.data.schema import LAYERS, MAX_FILE_BYTES, SOURCES_FILE, Problem

CRS = "EPSG:4326"
SOURCE_COLUMNS = ("id", "title", "publisher", "published", "url", "kind", "notes")
INT_FIELDS = ("count", "personnel", "killed", "troops", "geo_precision", "time_precision")


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
        Everything wrong with the input, in file order.
    label : str
        Where the data came from, for titles and messages.
    """

    layers: dict[str, gpd.GeoDataFrame]
    sources: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    label: str = ""

    def __getitem__(self, layer: str) -> gpd.GeoDataFrame:
        return self.layers[layer]

    @property
    def feature_count(self) -> int:
        """Number of valid features over all layers."""
        return sum(len(frame) for frame in self.layers.values())


def empty_layer(layer: str) -> gpd.GeoDataFrame:
    """Return an empty GeoDataFrame with the columns of ``layer``."""
    columns = ["layer", *schema.known_fields(layer), "source_refs"]
    return gpd.GeoDataFrame({name: [] for name in columns}, geometry=[], crs=CRS)


# --- parsing -------------------------------------------------------------------------


def _parse_json(name: str, data: bytes) -> tuple[Any, list[Problem]]:
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                name,
                f"file is {len(data) / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB",
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [Problem(name, f"not UTF-8 text (byte {error.start})")]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as error:
        return None, [
            Problem(name, f"not valid JSON: line {error.lineno} column {error.colno}: {error.msg}")
        ]
    except RecursionError:
        return None, [Problem(name, "not valid JSON: nested too deeply")]


# --- building the data set ---------------------------------------------------------


def load(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> Dataset:
    """Load a data directory, or individual files, into a :class:`Dataset`.

    Parameters
    ----------
    paths : path or iterable of paths
        A data directory, or layer files named ``<layer>.geojson`` (with an
        optional ``sources.json`` beside them).

    Returns
    -------
    Dataset
        Valid features only; every problem is in ``Dataset.problems``.
    """
    single = isinstance(paths, (str, os.PathLike))
    path_list = [Path(paths)] if single else [Path(p) for p in paths]
    if len(path_list) == 1 and (path_list[0].is_dir() or not path_list[0].exists()):
        files, problems = read_directory(path_list[0])
    else:
        files, problems = read_files(path_list)
        if not path_list:
            problems.append(Problem("(no input)", "no files given"))
    label = ", ".join(str(p) for p in path_list)
    dataset = load_bytes(files, label=label)
    dataset.problems[:0] = problems
    return dataset


def load_bytes(files: Mapping[str, bytes], label: str = "") -> Dataset:
    """Build a :class:`Dataset` from file names and contents (used for uploads too).

    Parameters
    ----------
    files : mapping of str to bytes
        File name to content. Layer files are recognised by name; at most one
        ``sources.json``.
    label : str
        Description of the origin for titles.

    Returns
    -------
    Dataset
    """
    problems: list[Problem] = []
    sources_name = next((n for n in files if PurePosixPath(n).name == SOURCES_FILE), None)
    sources, source_problems = _build_sources(sources_name, files.get(sources_name or ""))
    problems.extend(source_problems)

    raw: dict[str, list[tuple[str, int, dict[str, Any], Any]]] = {layer: [] for layer in LAYERS}
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
        features, file_problems = _parse_layer(name, layer, data)
        problems.extend(file_problems)
        raw[layer].extend(features)

    problems.extend(_check_references(raw, sources, has_sources=sources_name is not None))
    bad = {(p.file, p.index) for p in problems if p.index is not None and p.item == "feature"}
    layers = {
        layer: _to_frame(layer, [f for f in raw[layer] if (f[0], f[1]) not in bad], sources)
        for layer in LAYERS
    }
    return Dataset(layers=layers, sources=sources, problems=problems, label=label)


def _parse_layer(
    name: str, layer: str, data: bytes
) -> tuple[list[tuple[str, int, dict[str, Any], Any]], list[Problem]]:
    document, problems = _parse_json(name, data)
    if problems:
        return [], problems
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return [], [
            Problem(
                name,
                'not a GeoJSON FeatureCollection (top-level "type" must be "FeatureCollection")',
            )
        ]
    features = document.get("features")
    if not isinstance(features, list):
        return [], [Problem(name, '"features" must be a list')]
    parsed = []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem(name, "not a GeoJSON Feature", index=index))
            continue
        props = feature.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            problems.append(Problem(name, "must be an object", index, None, "properties"))
            continue
        fid = props.get("id") if isinstance(props.get("id"), str) else None
        geometry_problems, geom = geometry.check_geometry(layer, feature.get("geometry"))
        is_point = geom is not None and geom.geom_type == "Point"
        if geom is None and isinstance(feature.get("geometry"), dict):
            is_point = feature["geometry"].get("type") == "Point"
        field_problems = geometry_problems + properties.check_properties(layer, props, is_point)
        if geom is not None and layer == "tracks":
            field_problems += properties.check_times(props, geometry.vertex_count(geom))
        for field_name, message in field_problems:
            problems.append(Problem(name, message, index, fid, field_name))
        parsed.append((name, index, props, geom))
    return parsed, problems


def _build_sources(name: str | None, data: bytes | None) -> tuple[pd.DataFrame, list[Problem]]:
    empty = pd.DataFrame(columns=list(SOURCE_COLUMNS)).set_index("id")
    if name is None or data is None:
        return empty, []
    document, problems = _parse_json(name, data)
    if problems:
        return empty, problems
    if not isinstance(document, list):
        return empty, [Problem(name, "must be a JSON list of source records")]
    records = []
    seen: set[str] = set()
    for index, record in enumerate(document):
        sid = (
            record.get("id")
            if isinstance(record, dict) and isinstance(record.get("id"), str)
            else None
        )
        record_problems = properties.check_source(record)
        if sid is not None and sid in seen:
            record_problems.append(("id", f"duplicate source id {sid!r}"))
        for field_name, message in record_problems:
            problems.append(Problem(name, message, index, sid, field_name or None, item="source"))
        if not record_problems:
            seen.add(sid)
            records.append({column: record.get(column) for column in SOURCE_COLUMNS})
    frame = (
        pd.DataFrame(records, columns=list(SOURCE_COLUMNS)).set_index("id") if records else empty
    )
    return frame, problems


def _check_references(
    raw: dict[str, list[tuple[str, int, dict[str, Any], Any]]],
    sources: pd.DataFrame,
    has_sources: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    first_seen: dict[str, tuple[str, int]] = {}
    for layer in LAYERS:
        for name, index, props, _ in raw[layer]:
            fid = props.get("id")
            if isinstance(fid, str) and fid:
                if fid in first_seen:
                    other_file, other_index = first_seen[fid]
                    problems.append(
                        Problem(
                            name,
                            f"duplicate id (also {other_file} feature {other_index})",
                            index,
                            fid,
                            "id",
                        )
                    )
                else:
                    first_seen[fid] = (name, index)
    ids_by_layer = {
        layer: {p.get("id") for _, _, p, _ in raw[layer] if isinstance(p.get("id"), str)}
        for layer in LAYERS
    }
    references = {("assets", "base"): "bases", ("tracks", "asset"): "assets"}
    for layer in LAYERS:
        for name, index, props, _ in raw[layer]:
            fid = props.get("id") if isinstance(props.get("id"), str) else None
            cited = props.get("sources")
            if isinstance(cited, list):
                missing = [s for s in cited if isinstance(s, str) and s not in sources.index]
                if missing:
                    where = "in sources.json" if has_sources else "(no sources.json was given)"
                    problems.append(
                        Problem(
                            name,
                            f"unknown source id {', '.join(map(repr, missing))} {where}",
                            index,
                            fid,
                            "sources",
                        )
                    )
            for (ref_layer, ref_field), target in references.items():
                value = props.get(ref_field)
                if (
                    layer == ref_layer
                    and isinstance(value, str)
                    and value not in ids_by_layer[target]
                ):
                    problems.append(
                        Problem(
                            name,
                            f"{value!r} is not the id of any feature in {target}",
                            index,
                            fid,
                            ref_field,
                        )
                    )
    return problems


def _to_frame(
    layer: str, features: list[tuple[str, int, dict[str, Any], Any]], sources: pd.DataFrame
) -> gpd.GeoDataFrame:
    if not features:
        return empty_layer(layer)
    known = schema.known_fields(layer)
    source_records = {
        sid: {"id": sid, **{k: (None if pd.isna(v) else v) for k, v in row.items()}}
        for sid, row in sources.to_dict("index").items()
    }
    rows = []
    for _, _, props, _ in features:
        row = {"layer": layer, **{name: props.get(name) for name in known}}
        row.update({k: v for k, v in props.items() if k not in row})
        row["source_refs"] = [source_records[s] for s in props["sources"]]
        rows.append(row)
    frame = gpd.GeoDataFrame(rows, geometry=[f[3] for f in features], crs=CRS)
    for column in INT_FIELDS:
        if column in frame:
            # Nullable integers: a missing count or toll stays missing, never a float.
            frame[column] = pd.array(
                [None if pd.isna(v) else int(v) for v in frame[column]],
                dtype="Int64",
            )
    if layer == "assets":
        frame["affiliation"] = frame["affiliation"].fillna("friend")
    for column in ("observed", "until"):
        if column in frame:
            frame[column] = pd.to_datetime(
                [schema.parse_time(v) if isinstance(v, str) else None for v in frame[column]],
                utc=True,
            )
    return frame

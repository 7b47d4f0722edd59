"""Reading and writing posturemap data: a directory (or files, or an upload) in, GeoDataFrames out.

Every problem found on the way is collected as a :class:`~geo.schema.Problem`;
nothing here raises on bad input. Features with a problem are left out of the
layers, so callers can go on with what is valid and show the problems beside it.
"""

from __future__ import annotations

import io as _io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from geo import schema
from geo.schema import LAYERS, MAX_FILE_BYTES, SOURCES_FILE, Problem

CRS = "EPSG:4326"
SOURCE_COLUMNS = ("id", "title", "publisher", "published", "url", "kind", "notes")
INT_FIELDS = ("count", "personnel", "killed", "troops", "geo_precision", "time_precision")
MAX_ZIP_BYTES = 200 * 1024 * 1024
"""Largest total uncompressed size accepted from a zip upload (200 MiB)."""


@dataclass
class Dataset:
    """All layers of one data set, its sources, and what was wrong with the input.

    Attributes
    ----------
    layers : dict of str to GeoDataFrame
        One GeoDataFrame per name in :data:`geo.schema.LAYERS`, always present
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


# --- reading raw files ----------------------------------------------------------


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


def layer_for_file(name: str) -> str | None:
    """Return the layer a file name stands for (``bases.geojson`` -> ``bases``), or None."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.suffix.lower() not in (".geojson", ".json"):
        return None
    stem = path.stem.lower()
    return stem if stem in LAYERS else None


def read_directory(path: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """Read the layer files and ``sources.json`` of a data directory as bytes.

    Parameters
    ----------
    path : Path
        The directory.

    Returns
    -------
    files : dict of str to bytes
        File name (relative to ``path``) to content; missing layers are simply absent.
    problems : list of Problem
    """
    if not path.exists():
        return {}, [Problem(str(path), "no such file or directory")]
    if not path.is_dir():
        return read_files([path])
    names = [f"{layer}.geojson" for layer in LAYERS] + [SOURCES_FILE]
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name in names:
        candidate = path / name
        if candidate.exists():
            content, problem = _read_limited(candidate, str(candidate))
            if problem:
                problems.append(problem)
            else:
                files[str(candidate)] = content
    if not files and not problems:
        problems.append(Problem(str(path), f"no data files found (expected {', '.join(names)})"))
    return files, problems


def _read_limited(path: Path, label: str) -> tuple[bytes, Problem | None]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return b"", Problem(
                label, f"file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB"
            )
        return path.read_bytes(), None
    except OSError as error:
        return b"", Problem(label, f"cannot be read: {error.strerror or error}")


def read_files(paths: Iterable[Path]) -> tuple[dict[str, bytes], list[Problem]]:
    """Read individual layer files; a ``sources.json`` beside them is read too."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            more, more_problems = read_directory(path)
            files.update(more)
            problems.extend(more_problems)
            continue
        content, problem = _read_limited(path, str(path))
        if problem:
            problems.append(problem)
            continue
        files[str(path)] = content
        sibling = path.with_name(SOURCES_FILE)
        if path.name != SOURCES_FILE and sibling.exists() and str(sibling) not in files:
            content, problem = _read_limited(sibling, str(sibling))
            if problem:
                problems.append(problem)
            else:
                files[str(sibling)] = content
    return files, problems


def read_zip(name: str, data: bytes) -> tuple[dict[str, bytes], list[Problem]]:
    """Unpack the data files of a zipped data directory, with size limits against zip bombs."""
    try:
        archive = zipfile.ZipFile(_io.BytesIO(data))
    except zipfile.BadZipFile:
        return {}, [Problem(name, "not a valid zip file")]
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    total = 0
    for info in archive.infolist():
        base = PurePosixPath(info.filename).name
        if info.is_dir() or (layer_for_file(base) is None and base != SOURCES_FILE):
            continue
        label = f"{name}/{info.filename}"
        total += info.file_size
        if info.file_size > MAX_FILE_BYTES or total > MAX_ZIP_BYTES:
            problems.append(Problem(label, "too large once unpacked; refused"))
            continue
        files[label] = archive.read(info)
    if not files and not problems:
        problems.append(Problem(name, "the zip holds no layer files or sources.json"))
    return files, problems


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
        geometry_problems, geom = schema.check_geometry(layer, feature.get("geometry"))
        is_point = geom is not None and geom.geom_type == "Point"
        if geom is None and isinstance(feature.get("geometry"), dict):
            is_point = feature["geometry"].get("type") == "Point"
        field_problems = geometry_problems + schema.check_properties(layer, props, is_point)
        if geom is not None and layer == "tracks":
            field_problems += schema.check_times(props, schema.vertex_count(geom))
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
        record_problems = schema.check_source(record)
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


# --- writing -------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        text = value.isoformat()
        return text.replace("+00:00", "Z")
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()  # numpy scalars
    return value


def to_feature_collection(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """Turn a layer GeoDataFrame back into an RFC 7946 FeatureCollection (dict).

    The derived columns (``layer``, ``source_refs`` and analysis columns starting
    with an underscore) are not written; null optional fields are left out.

    Parameters
    ----------
    frame : GeoDataFrame
        A layer as built by :func:`load` (any CRS; it is written in WGS 84).

    Returns
    -------
    dict
        A GeoJSON FeatureCollection.
    """
    if frame.crs is not None and frame.crs != CRS:
        frame = frame.to_crs(CRS)
    skip = {"layer", "source_refs", frame.geometry.name}
    features = []
    for record, geom in zip(
        frame.drop(columns=frame.geometry.name).to_dict("records"), frame.geometry, strict=True
    ):
        props = {}
        for key, value in record.items():
            if key in skip or key.startswith("_"):
                continue
            value = _json_value(value)
            if value is None and key not in ("killed",):
                continue
            props[key] = value
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": mapping(geom) if geom is not None else None,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(
    frame: gpd.GeoDataFrame, path: str | os.PathLike[str], overwrite: bool = False
) -> Path:
    """Write a layer as an RFC 7946 GeoJSON file, atomically.

    Parameters
    ----------
    frame : GeoDataFrame
        The layer.
    path : path
        Destination file.
    overwrite : bool
        Replace an existing file; without it an existing file is never touched.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    FileExistsError
        When ``path`` exists and ``overwrite`` is False.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    # Indented output reads well in review, but json's indenting encoder is pure Python and
    # ten times slower: big layers (track imports) are written compact.
    indent = 1 if len(frame) <= 2000 else None
    text = json.dumps(to_feature_collection(frame), ensure_ascii=False, indent=indent)
    return atomic_write_text(target, text + "\n")


def atomic_write_text(target: Path, text: str) -> Path:
    """Write ``text`` to ``target`` through a temporary file beside it and a rename.

    An interrupted write never leaves half a file, and the file gets the permissions any
    newly created file gets (the temporary file's 0600 is not kept).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, suffix=".tmp", delete=False
    ) as handle:
        handle.write(text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(handle.name, 0o666 & ~umask)
    os.replace(handle.name, target)
    return target

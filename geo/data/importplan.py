"""The import's reading and checking, without writing: :func:`plan_import`.

:mod:`geo.data.importing` writes what it plans into a data directory (``python -m geo
import``) or into an uploaded data set held in memory (the app). Each input is read as rows
(:mod:`geo.data.sheets`), every row turned into a feature (:mod:`geo.data.rowfeatures`) with a
free id, and the layer with the new features checked as ``validate`` would; problems are
located by input file and row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from geo.data import reading, writing
from geo.data.rowfeatures import content_key, features_from_rows, free_id, taken_ids
from geo.data.schema import LAYERS, Problem
from geo.data.sheets import ImportFileError, Row, read_rows, rows_from_bytes


class ImportOptionError(ValueError):
    """A bad argument (layer, ``--set``, ``--source``); the message names the option."""


@dataclass
class ImportResult:
    """What :func:`geo.data.importing.import_features` read, found and wrote.

    Attributes
    ----------
    added : list of dict
        The new features (GeoJSON dicts), in input order.
    already_there : int
        Rows whose feature the layer already had (or that repeat an earlier row).
    other_layers : int
        Placemarks filed under another layer's folder (a KML from ``export kml``), skipped.
    problems : list of Problem
        Everything wrong, located by input file and row; when any, nothing was written.
    created_sources : list of str
        Ids of the source records added to ``sources.json``.
    written : list of Path
        The files replaced or created.
    """

    added: list[dict[str, Any]] = field(default_factory=list)
    already_there: int = 0
    other_layers: int = 0
    problems: list[Problem] = field(default_factory=list)
    created_sources: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class ImportOptions:
    """How to import: ``--source``, ``--set`` values, the day of new records, the size bound."""

    source: str | None
    settings: Mapping[str, Any]
    today: date | None
    max_file_bytes: int | None
    settable: bool = True  # a missing field may be given with --set (not in the app)


def plan_import(
    paths: Sequence[Path | tuple[str, bytes]],
    layer: str,
    files: Mapping[str, bytes],
    names: tuple[str, str],
    options: ImportOptions,
    read_problems: Sequence[Problem],
) -> tuple[ImportResult, dict[str, bytes] | None]:
    """The features of the inputs, checked in the data set ``files``; what it becomes.

    ``names`` are the keys of the layer file and of ``sources.json`` in ``files`` (present
    or not). Returns the result and the files with the two changed, or None when there are
    problems or nothing new. Raises :class:`ImportOptionError` when one of the two cannot
    be read or ``source`` is not a record.
    """
    result = ImportResult()
    layer_key, sources_key = names
    baseline = reading.load_bytes(files, max_file_bytes=options.max_file_bytes)
    # Only the two files rewritten matter here (an empty directory is fine).
    broken = [
        p
        for p in [*read_problems, *baseline.problems]
        if p.index is None and p.file in names and not p.message.startswith("... and ")
    ]
    if broken:
        raise ImportOptionError(f"{broken[0]}; fix it before importing")
    document = json.loads(files[layer_key]) if layer_key in files else None
    records = json.loads(files[sources_key]) if sources_key in files else []
    existing = list(document["features"]) if document else []
    source = options.source
    if source is not None and source not in {r.get("id") for r in records if isinstance(r, dict)}:
        raise ImportOptionError(f"--source {source!r} is not a record of {sources_key}")
    taken = taken_ids(files)  # with the features that have problems: their ids stay theirs
    for frame in baseline.layers.values():  # and those of GeoParquet/FlatGeobuf layers
        taken.update(str(i) for i in frame["id"])
    seen = {content_key(layer, f) for f in existing if isinstance(f, dict)}
    pending: dict[str, dict[str, Any]] = {}
    new: list[tuple[Path, Row, dict[str, Any]]] = []
    for item in paths:
        path = Path(item[0]) if isinstance(item, tuple) else item
        try:
            rows = (
                rows_from_bytes(item[1], item[0], options.max_file_bytes)
                if isinstance(item, tuple)
                else read_rows(path, options.max_file_bytes)
            )
        except ImportFileError as error:
            result.problems.append(Problem(str(path), str(error).removeprefix(f"{path}: ")))
            continue
        source_id = source or _file_source(path, records, pending, options.today)
        for row, feature, row_problems in features_from_rows(
            rows, layer, source_id, options.settings
        ):
            if row.layer is not None and row.layer != layer:
                result.other_layers += 1
                continue
            if row_problems:
                result.problems.extend(_located(path, row, feature, row_problems, options.settable))
                continue
            key = content_key(layer, feature)
            if key in seen:
                result.already_there += 1
                continue
            seen.add(key)
            feature["properties"]["id"] = free_id(feature["properties"], taken)
            new.append((path, row, feature))
    cited = {s for *_, feature in new for s in feature["properties"].get("sources") or []}
    for source_id, record in pending.items():  # a record only for files that add something
        if source_id in cited:
            records.append(record)
            result.created_sources.append(source_id)
    merged = None
    if not result.problems and new:
        body = dict(document or {"type": "FeatureCollection"})
        body["features"] = existing + [f for *_, f in new]
        merged = dict(files)
        # The same text the editing engine writes: one serialisation of each file.
        merged[layer_key] = writing.collection_text(body).encode("utf-8")
        merged[sources_key] = writing.sources_text(records).encode("utf-8")
        _check(merged, layer_key, len(existing), new, baseline, result, options.settable)
    if result.problems or not new:
        result.created_sources = []
        return result, None
    result.added = [feature for _, _, feature in new]
    return result, merged


def check_layer(layer: str) -> None:
    if layer not in LAYERS:
        raise ImportOptionError(f"--layer must be one of {', '.join(LAYERS)} (got {layer!r})")


def _located(
    path: Path,
    row: Row,
    feature: dict[str, Any],
    problems: list[tuple[str | None, str]],
    settable: bool = True,
) -> list[Problem]:
    name = feature["properties"].get("name")
    label = name if isinstance(name, str) else None
    out = []
    for field_name, message in problems:
        if message.startswith("missing") and field_name:
            message += "; give it in the file"
            message += f" or with --set {field_name}=VALUE" if settable else ""
        out.append(Problem(str(path), message, row.number, label, field_name, item=row.item))
    return out


def _file_source(
    path: Path, records: list[Any], pending: dict[str, dict[str, Any]], today: date | None
) -> str:
    """The source record of one imported file (``import-<file name>``): found again, else new.

    A new record waits in ``pending`` (id to record) until a feature of the file cites it.
    """
    title = f"Imported from {path.name}"
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "file"
    ids = {r.get("id"): r for r in records if isinstance(r, dict)}
    candidate = f"import-{stem}"
    ids.update(pending)
    if candidate in ids:  # the file imported before (its record may have been edited since)
        return candidate
    accessed = (today or datetime.now(timezone.utc).date()).isoformat()
    pending[candidate] = {
        "id": candidate,
        "title": title,
        "publisher": "unknown (imported file)",
        "published": accessed,
        "accessed": accessed,
        "kind": "analysis",
        "notes": "Created by `python -m geo import`; replace title, publisher and "
        "published with the real origin of the file (and add its url).",
    }
    return candidate


def _check(
    merged: Mapping[str, bytes],
    layer_key: str,
    before_count: int,
    new: list[tuple[Path, Row, dict[str, Any]]],
    baseline: reading.Dataset,
    result: ImportResult,
    settable: bool,
) -> None:
    """Validate the layer with the new features in it; report their problems by input row."""
    before = {str(p) for p in baseline.problems}
    for problem in reading.load_bytes(merged).problems:
        index = problem.index
        if problem.file == layer_key and index is not None and index >= before_count:
            path, row, feature = new[index - before_count]
            located = _located(path, row, feature, [(problem.field, problem.message)], settable)
            result.problems.extend(located)
        elif str(problem) not in before and not problem.message.startswith("... and "):
            result.problems.append(problem)

"""``python -m geo import`` as a function: KML/KMZ, CSV/TSV, GeoJSON, GeoPackage into a layer.

:func:`import_features` reads each file as rows (:mod:`geo.data.sheets`,
:mod:`geo.data.placemarks`), turns every row into a feature of the layer (columns matched and
cells typed, positions read, ``--set`` values filling what a row lacks:
:mod:`geo.data.rowfeatures`), gives it a stable id (its name and date), and
checks the layer with the new features in it exactly as ``validate`` would
(:func:`geo.data.reading.load_bytes`). Any problem is reported against its input row
(``FILE: row N (name): field: problem``) and then nothing is written. Otherwise the layer
file and ``sources.json`` are replaced atomically, the features already there kept as they
were (their JSON is not rewritten), and a row whose feature is already there (same
properties and position, the id aside) adds nothing: importing a file twice adds nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from geo.data import history, locking, reading, schema, writing
from geo.data.cells import typed_value
from geo.data.files import columnar_layer, columnar_refusal, layer_for_file, read_directory
from geo.data.paths import default_data_dir
from geo.data.rowfeatures import content_key, features_from_rows, free_id, taken_ids
from geo.data.schema import LAYERS, SOURCES_FILE, Problem
from geo.data.sheets import ImportFileError, Row, read_rows, rows_from_bytes


class ImportOptionError(ValueError):
    """A bad argument (layer, ``--set``, ``--source``); the message names the option."""


@dataclass
class ImportResult:
    """What :func:`import_features` read, found and wrote.

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


def parse_settings(items: list[str], layer: str) -> dict[str, Any]:
    """Read ``--set FIELD=VALUE`` options into typed field values.

    Parameters
    ----------
    items : list of str
        The options as given.
    layer : str
        The layer imported into (its fields and their types).

    Returns
    -------
    dict

    Raises
    ------
    ImportOptionError
        For text without ``=``, a field the layer does not have, or a value of the wrong type.
    """
    _check_layer(layer)
    settings: dict[str, Any] = {}
    known = schema.known_fields(layer)
    for item in items:
        name, equals, value = item.partition("=")
        name = name.strip()
        if not equals or not value.strip():
            raise ImportOptionError(f"--set {item!r}: expected FIELD=VALUE")
        if name not in known or name == "id":
            raise ImportOptionError(
                f"--set {item!r}: {name!r} is not a field of {layer} that can be set; "
                f"fields: {', '.join(f for f in known if f != 'id')}"
            )
        try:
            settings[name] = typed_value(layer, name, value)
        except ValueError as error:
            raise ImportOptionError(f"--set {item!r}: {error}") from None
    return settings


def import_features(
    paths: Sequence[Path | tuple[str, bytes]],
    layer: str,
    directory: Path,
    *,
    source: str | None = None,
    settings: Mapping[str, Any] | None = None,
    today: date | None = None,
    max_file_bytes: int | None = None,
) -> ImportResult:
    """Import features from files into ``DIR/<layer>.geojson``, all or nothing.

    Parameters
    ----------
    paths : sequence of Path or (name, bytes)
        KML, KMZ, CSV/TSV, GeoJSON or GeoPackage files (told by content), or uploads as
        their name and content (the app's upload takes the same files).
    layer : str
        One of :data:`geo.data.schema.LAYERS`.
    directory : Path
        The data directory (created when missing).
    source : str, optional
        A source id of ``DIR/sources.json`` every new feature cites; without it a record
        per file is added (``import-<file name>``; the same record when imported again).
    settings : mapping, optional
        Field values (:func:`parse_settings`) for rows that have none.
    today : date, optional
        The ``accessed`` date of new source records (default today, UTC).
    max_file_bytes : int, optional
        Largest file read, inputs and the directory's files alike (default
        :data:`~geo.data.schema.MAX_FILE_BYTES`); a larger input is a problem, unread.

    Returns
    -------
    ImportResult
        With ``problems`` and nothing written when a row or file is wrong.

    Raises
    ------
    ImportOptionError
        An unknown layer or ``source``, the bundled default data set, a data directory
        whose layer or sources file cannot be read, or whose layer is GeoParquet or
        FlatGeobuf (never rewritten, nor doubled by a GeoJSON file beside it).
    geo.data.locking.Busy
        When another writer holds the directory's lock too long.
    """
    _check_layer(layer)
    if directory.resolve() == default_data_dir().resolve():
        raise ImportOptionError(
            f"{directory}: the bundled default data set is never written; copy it first "
            "(python -m geo init DIR) and import into the copy"
        )
    options = _Options(source, settings or {}, today, max_file_bytes)
    if not directory.is_dir():  # a new directory: no other writer to wait for
        return _import(paths, layer, directory, options)
    with locking.locked(directory):  # one writer at a time, as the editing commands
        return _import(paths, layer, directory, options)


@dataclass(frozen=True)
class _Options:
    source: str | None
    settings: Mapping[str, Any]
    today: date | None
    max_file_bytes: int | None
    settable: bool = True  # a missing field may be given with --set (not in the app)


def _import(
    paths: Sequence[Path | tuple[str, bytes]], layer: str, directory: Path, options: _Options
) -> ImportResult:
    """:func:`import_features` once the layer is known good and the directory locked."""
    columnar = columnar_layer(directory, layer)
    if columnar is not None:
        raise ImportOptionError(columnar_refusal(columnar, "import"))
    limit = options.max_file_bytes
    files, read_problems = read_directory(directory, limit) if directory.exists() else ({}, [])
    layer_path, sources_path = directory / f"{layer}.geojson", directory / SOURCES_FILE
    names = (str(layer_path), str(sources_path))
    result, merged = plan_import(paths, layer, files, names, options, read_problems)
    if merged is not None:
        _write(files, merged, layer_path, sources_path, result)
    return result


def import_uploads(
    uploads: Sequence[tuple[str, bytes]],
    layer: str,
    files: Mapping[str, bytes],
    *,
    settings: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> tuple[dict[str, bytes], ImportResult]:
    """Import uploaded files into a data set held in memory (the app's upload): nothing written.

    The same reading, checks and messages as :func:`import_features`, into the uploaded
    data set ``files`` (name to content, as :func:`geo.data.reading.load_bytes` reads):
    the features join its ``<layer>`` file (a new ``<layer>.geojson`` when it has none) and
    a source record per file joins its ``sources.json`` (a new one when it has none).

    Parameters
    ----------
    uploads : sequence of (name, bytes)
        KML, KMZ, CSV/TSV, GeoJSON or GeoPackage files.
    layer : str
        One of :data:`geo.data.schema.LAYERS`.
    files : mapping of str to bytes
        The data set uploaded with them (may be empty).
    settings, today
        As for :func:`import_features`.

    Returns
    -------
    files : dict of str to bytes
        ``files`` with the layer and sources changed; unchanged when anything is wrong.
    result : ImportResult
        ``written`` is empty; ``problems`` located by file and row.
    """
    _check_layer(layer)
    named = [n for n in files if layer_for_file(n) == layer]
    layer_name = next((n for n in named if n.lower().endswith((".geojson", ".json"))), None)
    if named and layer_name is None:  # only a GeoParquet/FlatGeobuf: features go beside it
        layer_name = f"{uploads[0][0] if uploads else 'upload'}/{layer}.geojson"
    sources_name = next((n for n in files if PurePosixPath(n).name == SOURCES_FILE), None)
    names = (layer_name or f"{layer}.geojson", sources_name or SOURCES_FILE)
    options = _Options(None, settings or {}, today, None, settable=False)
    try:
        result, merged = plan_import(uploads, layer, files, names, options, [])
    except ImportOptionError as error:
        result = ImportResult(problems=[Problem(names[0], str(error))])
        merged = None
    return (dict(files) if merged is None else merged), result


def plan_import(
    paths: Sequence[Path | tuple[str, bytes]],
    layer: str,
    files: Mapping[str, bytes],
    names: tuple[str, str],
    options: _Options,
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


def _check_layer(layer: str) -> None:
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


def _write(
    files: Mapping[str, bytes],
    merged: Mapping[str, bytes],
    layer_path: Path,
    sources_path: Path,
    result: ImportResult,
) -> None:
    """Replace the layer and sources files; on any failure put back what was there."""
    for path in (layer_path, sources_path):  # changed by someone else since read: stop
        now = path.read_bytes() if path.exists() else None
        if now != files.get(str(path)):
            raise ImportOptionError(f"{path} changed while importing; run the import again")
    order = [sources_path] if result.created_sources else []
    order.append(layer_path)
    done: list[Path] = []
    try:
        for path in order:
            writing.atomic_write_text(path, merged[str(path)].decode("utf-8"), overwrite=True)
            done.append(path)
    except BaseException:
        for path in done:  # leave the directory as it was
            old = files.get(str(path))
            if old is None:
                path.unlink(missing_ok=True)
            else:
                writing.atomic_write_text(path, old.decode("utf-8"), overwrite=True)
        raise
    result.written = done
    layer = layer_path.name.removesuffix(".geojson")
    records = json.loads(merged[str(sources_path)])
    added = [r for r in records if isinstance(r, dict) and r.get("id") in result.created_sources]
    record_adds(layer_path.parent, "sources", added)
    record_adds(layer_path.parent, layer, [f["properties"] for f in result.added], result.added)


def record_adds(
    directory: Path,
    layer: str,
    items: Sequence[Mapping[str, Any]],
    afters: Sequence[Any] | None = None,
) -> None:
    """Record imported features (or source records) in ``history.jsonl``, one ``add`` each.

    As the editing commands record theirs (call it holding the directory's lock), so
    ``history`` lists them and ``undo`` takes them back one by one, the last first.

    Parameters
    ----------
    directory : Path
        The data directory.
    layer : str
        A layer, or ``sources``.
    items : sequence of mapping
        What carries each id: feature properties, or source records.
    afters : sequence, optional
        What was added (the features); default ``items``.
    """
    if not items:
        return
    seq = history.last_seq(directory)
    changes = [
        history.make_change(seq + n, "add", layer, str(item.get("id")), None, after)
        for n, (item, after) in enumerate(
            zip(items, afters if afters is not None else items, strict=True), start=1
        )
    ]
    history.append_many(directory, changes)

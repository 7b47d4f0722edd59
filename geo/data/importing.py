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
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from geo.data import history, locking, schema, writing
from geo.data.cells import typed_value
from geo.data.files import columnar_layer, columnar_refusal, layer_for_file, read_directory
from geo.data.importplan import (
    ImportOptionError,
    ImportOptions,
    ImportResult,
    check_layer,
    plan_import,
)
from geo.data.paths import default_data_dir
from geo.data.schema import SOURCES_FILE, Problem


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
    check_layer(layer)
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
    check_layer(layer)
    if directory.resolve() == default_data_dir().resolve():
        raise ImportOptionError(
            f"{directory}: the bundled default data set is never written; copy it first "
            "(python -m geo init DIR) and import into the copy"
        )
    options = ImportOptions(source, settings or {}, today, max_file_bytes)
    if not directory.is_dir():  # a new directory: no other writer to wait for
        return _import(paths, layer, directory, options)
    with locking.locked(directory):  # one writer at a time, as the editing commands
        return _import(paths, layer, directory, options)


def _import(
    paths: Sequence[Path | tuple[str, bytes]], layer: str, directory: Path, options: ImportOptions
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
    check_layer(layer)
    named = [n for n in files if layer_for_file(n) == layer]
    layer_name = next((n for n in named if n.lower().endswith((".geojson", ".json"))), None)
    if named and layer_name is None:  # only a GeoParquet/FlatGeobuf: features go beside it
        layer_name = f"{uploads[0][0] if uploads else 'upload'}/{layer}.geojson"
    sources_name = next((n for n in files if PurePosixPath(n).name == SOURCES_FILE), None)
    names = (layer_name or f"{layer}.geojson", sources_name or SOURCES_FILE)
    options = ImportOptions(None, settings or {}, today, None, settable=False)
    try:
        result, merged = plan_import(uploads, layer, files, names, options, [])
    except ImportOptionError as error:
        result = ImportResult(problems=[Problem(names[0], str(error))])
        merged = None
    return (dict(files) if merged is None else merged), result


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

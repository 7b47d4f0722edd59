"""The Streamlit app's data in and out: uploads, their problems, downloads.

Uploaded files become the ``{name: bytes}`` that :func:`geo.data.reading.load_bytes` reads
(nothing is written to disk), with a content digest as cache key; the problems
found become a table; the data in view becomes a GeoJSON download. No Streamlit
and no folium.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import PurePosixPath

import pandas as pd

from geo.data import files as data_files
from geo.data import importing, writing
from geo.data.jsontext import printable
from geo.data.reading import Dataset
from geo.data.schema import LAYERS, Problem
from geo.data.sheets import ImportFileError, rows_from_bytes

# --- data in and out -----------------------------------------------------------------------


def content_key(files: Mapping[str, bytes]) -> str:
    """A digest of file names and contents: the cache key of a data set."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


IMPORTED = (".kml", ".kmz", ".csv", ".tsv", ".txt", ".gpkg")
"""Endings of uploads read as ``python -m geo import`` reads them (Google Earth, spreadsheets,
GeoPackage), rather than as layer files."""
ACCEPTED = ["geojson", "json", "parquet", "fgb", "zip", *(e[1:] for e in IMPORTED)]
"""What the uploader takes: layer files, zips of them, and what :data:`IMPORTED` names."""


def upload_files(
    uploads: Mapping[str, bytes], today: date | None = None
) -> tuple[dict[str, bytes], list[Problem]]:
    """Turn uploaded files into the ``{name: bytes}`` that ``reading.load_bytes`` reads.

    Zip files are unpacked (``geo.data.files.read_zip``, with its size limits); layer files
    (GeoJSON, GeoParquet, FlatGeobuf) are passed on by name and checked by ``load_bytes``.
    KML/KMZ, CSV/TSV and GeoPackage files are imported into the uploaded data set by the
    import's own code (:func:`geo.data.importing.import_uploads`): into the layer their name
    says (``bases.csv``), else the layers a KML or GeoPackage of ``export`` files them under,
    else assets; each file and layer all or nothing, problems located by row. Nothing is
    written to disk.

    Parameters
    ----------
    uploads : mapping of str to bytes
        File name to content.
    today : date, optional
        The ``accessed`` date of the source record made for an imported file.

    Returns
    -------
    files : dict of str to bytes
    problems : list of Problem
        What could not be unpacked or imported (the rest is ``load_bytes``'s to report).
    """
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    imports: list[tuple[str, bytes]] = []
    for name, data in uploads.items():
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".zip":
            more, more_problems = data_files.read_zip(name, data)
            files.update(more)
            problems.extend(more_problems)
        elif suffix in IMPORTED:
            imports.append((name, data))
        else:
            files[name] = data
    for name, data in imports:  # after the layer files: joined to them, their ids kept
        for layer in _layers_of(name, data):
            files, result = importing.import_uploads([(name, data)], layer, files, today=today)
            problems.extend(result.problems)
    return files, problems


def _layers_of(name: str, data: bytes) -> list[str]:
    """The layers an imported upload goes into, in the order references need (bases first).

    The layer its name says (``bases.csv``); else those its placemarks or tables are filed
    under (a KML or GeoPackage from ``export``), and assets for the rest.
    """
    stem = PurePosixPath(name).stem.lower()
    if stem in LAYERS:
        return [stem]
    try:
        rows = rows_from_bytes(data, name)
    except ImportFileError:
        return ["assets"]  # the import says what is wrong with it
    filed = {row.layer for row in rows}
    return [layer for layer in LAYERS if layer in filed or (layer == "assets" and None in filed)]


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """One row per problem: file, feature (position), id, field, problem.

    Texts from the data are made printable as on the command line
    (:func:`geo.data.jsontext.printable`): a lone surrogate in an id cannot be sent to the
    browser, and a newline would hide what follows it.
    """
    rows = [
        {
            "file": printable(p.file),
            "feature": "" if p.index is None else f"{p.item} {p.index}",
            "id": printable(p.feature_id or ""),
            "field": printable(p.field or ""),
            "problem": printable(p.message),
        }
        for p in problems
    ]
    return pd.DataFrame(rows, columns=["file", "feature", "id", "field", "problem"])


def dataset_geojson(dataset: Dataset) -> str:
    """All layers of ``dataset`` as one RFC 7946 FeatureCollection (text).

    Each feature keeps its properties and gains ``layer``, so that the layers
    can be told apart (and split again).
    """
    features = []
    for layer, frame in dataset.layers.items():
        if len(frame):
            for feature in writing.to_feature_collection(frame)["features"]:
                feature["properties"] = {"layer": layer, **feature["properties"]}
                features.append(feature)
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False)

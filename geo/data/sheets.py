"""Files to import, told by content, read as rows: spreadsheets, GeoJSON, GeoPackage, KML.

:func:`read_rows` looks at a file's first bytes (never its name): a zip is a KMZ, SQLite a
GeoPackage, ``<`` KML, ``{`` GeoJSON, anything else a CSV or TSV spreadsheet (the delimiter
sniffed). Every reader returns :class:`Row` objects: cells by column name, and the geometry
when the file has one; :mod:`geo.data.importing` turns them into features.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.data.cells import normal_name
from geo.data.files import read_file, too_large
from geo.data.schema import LAYERS, MAX_FILE_BYTES, short_repr

_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "submarine": ("submarine", "submarines", "sub", "subs", "ssn", "ssbn"),
    "helicopter": ("helicopter", "helicopters", "helo", "helos", "rotary"),
    "drone": ("drone", "drones", "uav", "uavs", "uas", "rpa"),
    "ship": ("ship", "ships", "vessel", "vessels", "warship", "warships", "naval", "navy", "boat"),
    "aircraft": ("aircraft", "plane", "planes", "jet", "jets", "fighter", "fighters", "bomber"),
    "ground": ("ground", "army", "troops", "land", "forces"),
    "special": ("special", "sof"),
}


MAX_ROWS = 200_000
"""Most rows (placemarks, features) one file may bring: a bound on time and memory. More
reports than that are a big layer, not an import."""


def too_many_rows(label: str) -> ImportFileError:
    """The error for a file of more than :data:`MAX_ROWS` rows."""
    return ImportFileError(f"{label}: more than {MAX_ROWS:,} rows; split the file")


class ImportFileError(ValueError):
    """A file that cannot be imported at all; the message starts with its name."""


@dataclass
class Row:
    """One record of an input file, before it is a feature.

    Attributes
    ----------
    number : int
        Where it is, as the user counts: spreadsheet row (the header is row 1),
        placemark or feature number from 1.
    item : str
        ``row``, ``placemark`` or ``feature``: what ``number`` counts.
    cells : dict
        Column (or KML field) name to value, as text or as the file typed it.
    geometry : dict or None
        GeoJSON geometry, when the file has one.
    layer : str or None
        The layer the file files it under (a folder of ``export kml``), if any.
    words : list of str
        Names that may say an asset's category (a placemark's style id and folders, the
        nearest first), for :func:`category_from_words`.
    """

    number: int
    item: str
    cells: dict[str, Any]
    geometry: dict[str, Any] | None = None
    layer: str | None = None
    words: list[str] = field(default_factory=list)


def category_from_words(names: list[str]) -> str | None:
    """The asset category named by the first of ``names`` that names one (``Ships`` -> ship).

    Parameters
    ----------
    names : list of str
        Style ids and folder names, the nearest first.

    Returns
    -------
    str or None
    """
    for name in names:
        words = normal_name(name).split("_")
        for category, spellings in _CATEGORY_WORDS.items():
            if any(word in spellings for word in words):
                return category
    return None


def read_rows(path: Path, max_file_bytes: int | None = None) -> list[Row]:
    """Read an import file of any supported kind, told by its content.

    Parameters
    ----------
    path : Path
        A CSV/TSV spreadsheet, KML or KMZ, GeoJSON, or GeoPackage.
    max_file_bytes : int, optional
        Largest file read, and largest KML in a KMZ once unpacked (default
        :data:`~geo.data.schema.MAX_FILE_BYTES`); a larger file is refused unread.

    Returns
    -------
    list of Row

    Raises
    ------
    ImportFileError
        When the file cannot be read (too large, not text, no layout recognised).
    """
    data, problem = read_file(path, max_file_bytes)
    if problem is not None:
        raise ImportFileError(str(problem))
    return rows_from_bytes(data, str(path), max_file_bytes)


def rows_from_bytes(data: bytes, label: str, max_file_bytes: int | None = None) -> list[Row]:
    """Read an import file's content (an upload, say), told by content, as :func:`read_rows`.

    Parameters
    ----------
    data : bytes
        The file's content.
    label : str
        Its name, for messages.
    max_file_bytes : int, optional
        As for :func:`read_rows`.

    Returns
    -------
    list of Row

    Raises
    ------
    ImportFileError
        When the content cannot be read.
    """
    from geo.data import placemarks

    limit = MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
    if len(data) > limit:
        raise ImportFileError(f"{label}: {too_large(len(data), limit)}")
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(b"PK\x03\x04"):
        return placemarks.read_kmz(data, label, limit)
    if data.startswith(b"SQLite format 3\x00"):
        return _read_gpkg(data, label)
    if head.startswith(b"<"):
        return placemarks.read_kml(data, label)
    if head.startswith(b"{"):
        return _read_geojson(data, label)
    return _read_table(data, label)


def _read_table(data: bytes, label: str) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{label}: not UTF-8 text (byte {error.start}); save the spreadsheet as CSV UTF-8"
        ) from None
    if "\x00" in text:
        raise ImportFileError(f"{label}: binary content, not a spreadsheet")
    first = text.split("\n", 1)[0]
    delimiter = max(("\t", ";", ","), key=first.count)  # a header has most of its delimiter
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{label}: empty file") from None
    except csv.Error as error:
        raise ImportFileError(f"{label}: not a readable CSV/TSV: {error}") from None
    header = [column.strip() for column in header]
    if len(header) < 2 or len(set(header)) < len(header):
        raise ImportFileError(
            f"{label}: the first line must name the columns (at least two, each once); "
            f"got {short_repr(first, 120)}"
        )
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise ImportFileError(
                    f"{label}: row {number}: {len(cells)} cells for {len(header)} columns"
                )
            if len(rows) == MAX_ROWS:
                raise too_many_rows(label)
            rows.append(Row(number, "row", dict(zip(header, cells, strict=False))))
    except csv.Error as error:
        raise ImportFileError(f"{label}: not a readable CSV/TSV: {error}") from None
    return rows


def _read_geojson(data: bytes, label: str) -> list[Row]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ImportFileError(f"{label}: not valid JSON: {error}") from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise ImportFileError(f"{label}: not a GeoJSON FeatureCollection")
    if len(features) > MAX_ROWS:
        raise too_many_rows(label)
    rows = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise ImportFileError(f"{label}: feature {number}: not a GeoJSON Feature")
        props = feature.get("properties")
        cells = dict(props) if isinstance(props, dict) else {}
        rows.append(Row(number, "feature", cells, feature.get("geometry")))
    return rows


def _read_gpkg(data: bytes, label: str) -> list[Row]:
    """A GeoPackage's one table; or, with several, those named after layers (``export gpkg``)."""
    import pyogrio

    try:
        with warnings.catch_warnings():
            # GDAL notes that an in-memory GeoPackage has no .gpkg name: not the user's business.
            warnings.simplefilter("ignore", RuntimeWarning)
            names = [str(name) for name in pyogrio.list_layers(io.BytesIO(data))[:, 0]]
            tables = names if len(names) == 1 else [n for n in names if n in LAYERS]
            if not tables:
                raise ImportFileError(
                    f"{label}: a GeoPackage of {len(names)} tables ({', '.join(names)}) none "
                    f"named after a layer; export the one to import (ogr2ogr)"
                )
            counts = [pyogrio.read_info(io.BytesIO(data), layer=t)["features"] for t in tables]
            if sum(counts) > MAX_ROWS:
                raise too_many_rows(label)
            frames = {t: pyogrio.read_dataframe(io.BytesIO(data), layer=t) for t in tables}
    except ImportFileError:
        raise
    except Exception as error:  # GDAL's errors come in several types
        raise ImportFileError(f"{label}: not a readable GeoPackage: {error}") from None
    rows: list[Row] = []
    for table, frame in frames.items():
        rows.extend(_frame_rows(frame, table if len(names) > 1 else None, len(rows)))
    return rows


def _frame_rows(frame: Any, layer: str | None, before: int) -> list[Row]:
    from shapely.geometry import mapping

    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    rows = []
    columns = [c for c in frame.columns if c != frame.geometry.name]
    records = frame[columns].to_dict("records")
    for number, (record, geom) in enumerate(zip(records, frame.geometry, strict=True), 1):
        cells = {key: _cell(value) for key, value in record.items()}
        geometry = mapping(geom) if geom is not None and not geom.is_empty else None
        geometry = json.loads(json.dumps(geometry))
        rows.append(Row(before + number, "feature", cells, geometry, layer=layer))
    return rows


def _cell(value: Any) -> Any:
    """A GeoPackage value as the JSON value a layer file would hold (dates as ISO text)."""
    import pandas as pd

    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        stamp = value.tz_convert("UTC") if value.tzinfo else value
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)  # a column of whole numbers with gaps is stored as floats
    if isinstance(value, str) and value[:1] == "[":  # lists were written as JSON text
        try:
            parsed = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return value
        return parsed if isinstance(parsed, list) else value
    if isinstance(value, bytes):  # a BLOB column
        return value.decode("utf-8", "replace")
    return value

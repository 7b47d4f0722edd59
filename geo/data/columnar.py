"""GeoParquet and FlatGeobuf layers, read as the features a GeoJSON layer would hold.

A big layer (a million points is 312 MB of GeoJSON) may be a ``<layer>.parquet`` or
``<layer>.fgb`` file. It is read here with pyarrow or pyogrio into the same
``{"type": "FeatureCollection", "features": [...]}`` that :mod:`geo.data.reading` checks,
so every rule and every message is the GeoJSON layer's: a null cell is an absent property
(null for a field that takes null), a NaN cell is the ``NaN`` a JSON file may hold, a
timestamp is ISO text, a whole float in an integer field (pandas stores an integer column
with gaps as floats) is an integer. FlatGeobuf has no list columns: a cell of a list field
(``sources``, ``times``) may be the list as JSON text (``["src-a"]``).

The row count a file declares is checked before its rows are read: a few kilobytes of
run-length encoded parquet can declare billions of rows.
"""

from __future__ import annotations

import io
import json
import math
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import shapely

from geo.data import schema
from geo.data.jsontext import NonFinite

SUFFIXES = (".parquet", ".fgb")
"""File name endings read here."""
MIN_ROW_BYTES = 16
"""Fewest bytes of the size limit a row counts for: a declared row count past
``max_file_bytes / MIN_ROW_BYTES`` is refused unread (a point's coordinates alone are 16)."""


class ColumnarError(ValueError):
    """A parquet or FlatGeobuf file that cannot be read as a layer; the message says why."""


def read_document(name: str, layer: str, data: bytes, max_file_bytes: int) -> dict[str, Any]:
    """Read a GeoParquet or FlatGeobuf layer as a GeoJSON FeatureCollection of plain values.

    Parameters
    ----------
    name : str
        The file's name; its ending (``.parquet`` or ``.fgb``) tells the format.
    layer : str
        The layer it holds (for which fields are lists).
    data : bytes
        The file's content.
    max_file_bytes : int
        The size limit; the rows the file declares are bounded by it (:data:`MIN_ROW_BYTES`).

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``, each feature with a GeoJSON
        geometry (or None) and the row's non-null cells as properties.

    Raises
    ------
    ColumnarError
        Not a file of the format, too many declared rows, or no geometry column.
    """
    parquet = name.lower().endswith(".parquet")
    try:
        table, column = _parquet(data, max_file_bytes) if parquet else _fgb(data, max_file_bytes)
        if column not in table.column_names:
            raise ColumnarError("no geometry column")
        return {"type": "FeatureCollection", "features": _features(table, column, layer)}
    except ColumnarError:
        raise
    except Exception as error:  # arrow, GEOS and GDAL raise many kinds on bad bytes
        kind = "GeoParquet" if parquet else "FlatGeobuf"
        raise ColumnarError(f"not a valid {kind} file ({type(error).__name__})") from None


def _features(table: pa.Table, column: str, layer: str) -> list[dict[str, Any]]:
    """The rows as GeoJSON features of plain values."""
    shapes = shapely.from_wkb(
        table.column(column).to_numpy(zero_copy_only=False), on_invalid="ignore"
    )
    texts = shapely.to_geojson(shapes)  # lists, as JSON has them (shapely's mapping: tuples)
    kinds = {field.name: _kind(field) for field in schema.fields(layer)}
    nullable = {field.name for field in schema.fields(layer) if "null" in field.types}
    rows = table.drop_columns([column]).to_pylist()
    return [
        {
            "type": "Feature",
            "geometry": None if text is None else json.loads(text),
            "properties": {
                key: _plain(value, kinds.get(key))
                for key, value in row.items()
                if value is not None or key in nullable
            },
        }
        for text, row in zip(texts, rows, strict=True)
    ]


def _check_rows(rows: int, max_file_bytes: int) -> None:
    most = max_file_bytes // MIN_ROW_BYTES
    if rows > most:
        raise ColumnarError(
            f"declares {rows:,} rows; at most {most:,} are read under the size limit"
        )


def _parquet(data: bytes, max_file_bytes: int) -> tuple[pa.Table, str]:
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(io.BytesIO(data))
    _check_rows(handle.metadata.num_rows, max_file_bytes)  # from the footer, before any row
    geo = json.loads((handle.schema_arrow.metadata or {}).get(b"geo", b"{}"))
    return handle.read(), geo.get("primary_column", "geometry")


def _fgb(data: bytes, max_file_bytes: int) -> tuple[pa.Table, str]:
    import pyogrio
    from pyogrio.raw import read_arrow

    _check_rows(pyogrio.read_info(io.BytesIO(data)).get("features", 0), max_file_bytes)
    meta, table = read_arrow(io.BytesIO(data))
    return table, meta.get("geometry_name") or "wkb_geometry"


def _kind(field: schema.Field) -> str | None:
    if "array" in field.types:
        return "list"
    return "integer" if field.is_integer else None


def _plain(value: Any, kind: str | None = None) -> Any:
    """A cell as JSON would give it: NaN as :class:`NonFinite`, times as ISO text.

    ``kind`` is the field's: a ``"list"`` cell may be the list as JSON text; an
    ``"integer"`` cell may be a whole float (pandas stores an integer column with gaps so).
    """
    if kind == "list" and isinstance(value, str) and value.startswith("["):
        try:
            return json.loads(value)
        except ValueError:
            return value  # the field's own check says what is wrong
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return NonFinite(repr(value).replace("inf", "Infinity").replace("nan", "NaN"))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if item is not None}
    return value

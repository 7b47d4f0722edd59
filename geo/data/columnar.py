"""GeoParquet and FlatGeobuf layers, read as the features a GeoJSON layer would hold.

A big layer (a million points is 312 MB of GeoJSON) may be a ``<layer>.parquet`` or
``<layer>.fgb`` file. It is read here with pyarrow or pyogrio into a :class:`Table` (the
property columns and the geometries) that :mod:`geo.data.columns` checks column by column;
the rows it cannot vouch for become the same ``{"type": "Feature", ...}`` dicts a GeoJSON
layer gives (:func:`row_features`), so every rule and every message is the GeoJSON layer's.
A cell reads as JSON would give it (:func:`plain`): a null cell is an absent property (null
for a field that takes null), a NaN cell is the ``NaN`` a JSON file may hold, a timestamp is
ISO text, a whole float in an integer field (pandas stores an integer column with gaps as
floats) is an integer. FlatGeobuf has no list columns: a cell of a list field (``sources``,
``times``) may be the list as JSON text (``["src-a"]``).

The row count a file declares is checked before its rows are read: a few kilobytes of
run-length encoded parquet can declare billions of rows.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
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


@dataclass
class Table:
    """A columnar layer as read: its property columns and its geometries.

    Attributes
    ----------
    name : str
        The file's name.
    layer : str
        The layer it holds.
    columns : pyarrow.Table
        The property columns (the geometry column dropped), one chunk each.
    shapes : numpy.ndarray
        A shapely geometry per row (None where the cell is null or not valid WKB).
    """

    name: str
    layer: str
    columns: pa.Table
    shapes: np.ndarray
    _distinct: dict[str, tuple[list[Any], np.ndarray | None]] = field(
        default_factory=dict, repr=False
    )

    def __len__(self) -> int:
        return self.columns.num_rows

    def array(self, name: str) -> pa.Array:
        """One column as a single arrow array."""
        column = self.columns.column(name)
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()

    def forget(self) -> None:
        """Drop the distinct values found so far."""
        self._distinct.clear()

    def distinct(self, name: str) -> tuple[list[Any], np.ndarray | None]:
        """:func:`distinct` of a column, found once (several checks read it)."""
        if name not in self._distinct:
            self._distinct[name] = distinct(self.array(name))
        return self._distinct[name]


def read_table(name: str, layer: str, data: bytes, max_file_bytes: int) -> Table:
    """Read a GeoParquet or FlatGeobuf layer as columns and geometries.

    Parameters
    ----------
    name : str
        The file's name; its ending (``.parquet`` or ``.fgb``) tells the format.
    layer : str
        The layer it holds.
    data : bytes
        The file's content.
    max_file_bytes : int
        The size limit; the rows the file declares are bounded by it (:data:`MIN_ROW_BYTES`).

    Returns
    -------
    Table

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
        twice = sorted({name for name in table.column_names if table.column_names.count(name) > 1})
        if twice:  # a feature's properties have one value per name
            raise ColumnarError(f"more than one column named {', '.join(map(repr, twice))}")
        shapes = shapely.from_wkb(
            table.column(column).to_numpy(zero_copy_only=False), on_invalid="ignore"
        )
        columns = table.drop_columns([column]).combine_chunks()
        columns.validate(full=True)  # text that is not UTF-8 is refused here, not met later
        return Table(name, layer, columns, shapes)
    except ColumnarError:
        raise
    except Exception as error:  # arrow, GEOS and GDAL raise many kinds on bad bytes
        kind = "GeoParquet" if parquet else "FlatGeobuf"
        raise ColumnarError(f"not a valid {kind} file ({type(error).__name__})") from None


def read_document(name: str, layer: str, data: bytes, max_file_bytes: int) -> dict[str, Any]:
    """Read a GeoParquet or FlatGeobuf layer as a GeoJSON FeatureCollection of plain values.

    Parameters
    ----------
    name, layer, data, max_file_bytes
        As for :func:`read_table`.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``, each feature with a GeoJSON
        geometry (or None) and the row's non-null cells as properties.

    Raises
    ------
    ColumnarError
        As :func:`read_table`.
    """
    table = read_table(name, layer, data, max_file_bytes)
    return {"type": "FeatureCollection", "features": row_features(table, range(len(table)))}


def row_features(table: Table, rows: Sequence[int]) -> list[dict[str, Any]]:
    """Some rows as GeoJSON features of plain values, as a GeoJSON layer would hold them.

    Parameters
    ----------
    table : Table
        The layer.
    rows : sequence of int
        Row numbers, in the order wanted.

    Returns
    -------
    list of dict
        A feature per row: its geometry (None where missing) and its non-null cells, and
        the nullable fields' null cells as null.
    """
    picked = np.asarray(rows, dtype=np.int64)
    # Lists, as JSON has them (shapely's mapping gives tuples).
    texts = shapely.to_geojson(table.shapes[picked]) if len(picked) else []
    kinds, takes_null = field_kinds(table.layer), nullable(table.layer)
    cells = table.columns.take(pa.array(picked, pa.int64())).to_pylist()
    if not table.columns.num_columns:  # arrow lists no rows of a table without columns
        cells = [{} for _ in picked]
    return [
        {
            "type": "Feature",
            "geometry": None if text is None else json.loads(text),
            "properties": {
                key: plain(value, kinds.get(key))
                for key, value in row.items()
                if value is not None or key in takes_null
            },
        }
        for text, row in zip(texts, cells, strict=True)
    ]


def column_values(array: pa.Array, kind: str | None) -> list[Any]:
    """A column's cells as :func:`plain` gives them, each distinct value converted once.

    Parameters
    ----------
    array : pyarrow.Array
        One column.
    kind : str or None
        Its field's kind (:func:`field_kinds`).

    Returns
    -------
    list
        One value per cell (None for a null cell).
    """
    if _identity(array.type, kind):
        return array.to_pylist()
    uniques, codes = distinct(array)
    if codes is None:
        return [plain(value, kind) for value in array.to_pylist()]
    converted = np.empty(len(uniques) + 1, dtype=object)
    converted[:-1] = [plain(value, kind) for value in uniques]
    values = converted[codes].tolist()  # a null cell codes -1: the last entry, None
    if kind == "list":  # a list each, as JSON gives: rows never share one
        return [list(value) if isinstance(value, list) else value for value in values]
    return values


def distinct(array: pa.Array) -> tuple[list[Any], np.ndarray | None]:
    """A column's distinct non-null values and each cell's index among them (-1: null).

    Parameters
    ----------
    array : pyarrow.Array
        One column.

    Returns
    -------
    uniques : list
        The distinct values as Python values (lists of texts included).
    codes : numpy.ndarray or None
        None where the type has no hash kernel (structs, maps, nested lists...).
    """
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if _is_text_list(array.type):
        return _distinct_lists(array)
    try:
        encoded = array.dictionary_encode()
    except pa.ArrowNotImplementedError:
        return [], None
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return encoded.dictionary.to_pylist(), codes


def _is_text(kind_type: pa.DataType) -> bool:
    return pa.types.is_string(kind_type) or pa.types.is_large_string(kind_type)


def _is_text_list(kind_type: pa.DataType) -> bool:
    lists = pa.types.is_list(kind_type) or pa.types.is_large_list(kind_type)
    return lists and _is_text(kind_type.value_type)


def _distinct_lists(array: pa.Array) -> tuple[list[Any], np.ndarray]:
    """Distinct lists of texts (arrow has no hash kernel for lists): keyed by their texts
    joined, where no text holds the separator and no list a null; else as Python tuples."""
    joined = pc.binary_join(array, _SEPARATOR)  # null for a null list or a null text in it
    clean = pc.sum(pc.count_substring(pc.list_flatten(array), _SEPARATOR)).as_py() in (0, None)
    if not clean or joined.null_count != array.null_count:
        found: dict[tuple[Any, ...], int] = {}
        cells = array.to_pylist()
        codes = np.fromiter(
            (-1 if cell is None else found.setdefault(tuple(cell), len(found)) for cell in cells),
            dtype=np.int64,
            count=len(array),
        )
        return [list(key) for key in found], codes
    # The count tells [] from [""] (both join to "").
    lengths = pc.cast(pc.list_value_length(array), pa.string())
    keys = pc.binary_join_element_wise(lengths, joined, _SEPARATOR)
    encoded = keys.dictionary_encode()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    _, first = np.unique(codes, return_index=True)
    first = first[codes[first] >= 0]  # one row of each distinct list, in code order
    order = np.argsort(codes[first])
    return array.take(pa.array(first[order])).to_pylist(), codes


_SEPARATOR = "\x1f"


def _identity(kind_type: pa.DataType, kind: str | None) -> bool:
    """Whether :func:`plain` leaves every cell of this type as arrow gives it."""
    if _is_text(kind_type):
        return kind != "list"  # a list field's text may be the list as JSON
    # A list of texts is as arrow gives it, a new list per cell (rows never share one).
    return (
        _is_text_list(kind_type) or pa.types.is_integer(kind_type) or pa.types.is_boolean(kind_type)
    )


@cache
def field_kinds(layer: str) -> dict[str, str | None]:
    """Each field of a layer: ``"list"``, ``"integer"`` or None (:func:`plain`'s ``kind``)."""
    return {field.name: _kind(field) for field in schema.fields(layer)}


@cache
def nullable(layer: str) -> frozenset[str]:
    """The fields of a layer that take null: a null cell of theirs is a null value."""
    return frozenset(field.name for field in schema.fields(layer) if "null" in field.types)


def is_present(layer: str, name: str, array: pa.Array) -> np.ndarray:
    """Whether each row has the property ``name`` (a null cell of a nullable field has it)."""
    if name in nullable(layer):
        return np.ones(len(array), dtype=bool)
    return array.is_valid().to_numpy(zero_copy_only=False)


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


def plain(value: Any, kind: str | None = None) -> Any:
    """A cell as JSON would give it: NaN as :class:`NonFinite`, times as ISO text.

    Parameters
    ----------
    value : Any
        The cell, as arrow gives it.
    kind : str or None
        The field's (:func:`field_kinds`): a ``"list"`` cell may be the list as JSON text;
        an ``"integer"`` cell may be a whole float (pandas stores an integer column with
        gaps so).

    Returns
    -------
    Any
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
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items() if item is not None}
    return value

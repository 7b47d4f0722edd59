"""A layer's checked features as a GeoDataFrame: from GeoJSON features or straight from a table.

Both ways give the same frame for the same data (columns, dtypes, values): the columns are
the values each feature's properties hold (a GeoJSON layer's parsed JSON, or a columnar
layer's cells as :func:`geo.data.columnar.plain` reads them, each distinct value converted
once), and one function turns them into the frame. A columnar layer never becomes a million
feature dicts on the way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from geo.data import columnar, schema
from geo.data.properties import RawFeature

CRS = "EPSG:4326"


def empty_layer(layer: str) -> gpd.GeoDataFrame:
    """Return an empty GeoDataFrame with the columns of ``layer``."""
    columns = ["layer", *schema.known_fields(layer), "source_refs"]
    return gpd.GeoDataFrame({name: [] for name in columns}, geometry=[], crs=CRS)


def features_frame(
    layer: str, features: Sequence[RawFeature], sources: pd.DataFrame
) -> gpd.GeoDataFrame:
    """The frame of a layer's valid features, as read from GeoJSON.

    Parameters
    ----------
    layer : str
        One of :data:`geo.data.schema.LAYERS`.
    features : sequence of RawFeature
        The features, each without a problem.
    sources : DataFrame
        The valid source records, indexed by id.

    Returns
    -------
    GeoDataFrame
        See :class:`geo.data.reading.Dataset`.
    """
    if not features:
        return empty_layer(layer)
    known = schema.known_fields(layer)
    # Column by column, not row dicts: a copy of every property of every feature would be
    # built only to be taken apart again (a fifth of the peak memory of a 200 MB upload).
    props = [f[2] for f in features]
    extras = dict.fromkeys(name for p in props for name in p if name not in known)
    geometry = [f[3] for f in features]
    return _frame(
        layer, [*known, *extras], lambda name: [p.get(name) for p in props], geometry, sources
    )


def table_frame(table: columnar.Table, keep: np.ndarray, sources: pd.DataFrame) -> gpd.GeoDataFrame:
    """The frame of a columnar layer's valid rows, straight from its columns.

    Parameters
    ----------
    table : Table
        The layer.
    keep : numpy.ndarray of bool
        The rows without a problem.
    sources : DataFrame
        The valid source records, indexed by id.

    Returns
    -------
    GeoDataFrame
        The frame :func:`features_frame` gives for the same rows read as features.
    """
    rows = np.flatnonzero(keep)
    if not len(rows):
        return empty_layer(table.layer)
    kept = table.columns
    if len(rows) < len(table):
        kept = kept.take(pa.array(rows, pa.int64()))
    kinds = columnar.field_kinds(table.layer)
    known = schema.known_fields(table.layer)
    # An extra property that no kept row has is no column (as no feature holds it).
    extras = [
        name
        for name in kept.column_names
        if name not in known and kept.column(name).null_count < len(rows)
    ]

    dates = {spec.name for spec in schema.fields(table.layer) if spec.is_date}

    def values(name: str) -> list[Any] | pd.Series:
        if name not in kept.column_names:
            return [None] * len(rows)
        array = _array(kept, name)
        if name in dates and _is_instant(array):
            return _instants(array)
        return columnar.column_values(array, kinds.get(name))

    return _frame(table.layer, [*known, *extras], values, table.shapes[rows], sources)


def _is_instant(array: pa.Array) -> bool:
    """A timestamp column of whole microseconds at most, not all null."""
    timestamp = pa.types.is_timestamp(array.type) and array.type.unit in ("s", "ms", "us")
    return timestamp and array.null_count < len(array)


def _instants(array: pa.Array) -> pd.Series:
    """A date field's timestamps in UTC: what parsing each one's ISO text gives (a naive
    time is UTC, an offset converted), without writing and parsing a million texts."""
    stamps = pd.Series(array.to_pandas())
    if stamps.dt.tz is None:
        stamps = stamps.dt.tz_localize("UTC")
    return stamps.dt.tz_convert("UTC").dt.as_unit("us")


def _array(table: pa.Table, name: str) -> pa.Array:
    column = table.column(name)
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _frame(
    layer: str,
    names: Sequence[str],
    values_of: Callable[[str], list[Any] | pd.Series],
    geometry: Any,
    sources: pd.DataFrame,
) -> gpd.GeoDataFrame:
    """The frame from each column's values (one per feature; None where absent), a column at
    a time: the Python values of one column are alive at once, not those of all."""
    source_records = {
        sid: {"id": sid, **{k: _absent_as_none(v) for k, v in row.items()}}
        for sid, row in sources.to_dict("index").items()
    }
    specs = {spec.name: spec for spec in schema.fields(layer)}
    data: dict[str, Any] = {"layer": pd.Series([layer] * len(geometry))}
    refs: list[Any] = []
    for name in names:
        values = values_of(name)
        if name == "sources":
            refs = [[source_records[s] for s in cited] for cited in values]
        spec = specs.get(name)
        data[name] = _column(spec, values) if spec else _extra(values)
    data["source_refs"] = pd.Series(refs, dtype=object)
    return gpd.GeoDataFrame(data, geometry=geometry, crs=CRS)


def _column(spec: schema.Field, values: list[Any] | pd.Series) -> Any:
    """A field's column. Only where every value was checked is it converted: a Point field of
    an area is not, and stays as given. From the parsed values: pandas would have made
    [3, None] floats. A Series is the column already."""
    kinds = set() if isinstance(values, pd.Series) else _types(values)
    if isinstance(values, pd.Series):
        column = values
    elif spec.is_integer and kinds <= {int, type(None)}:
        # Nullable integers: a missing count or toll stays missing, never a float.
        column = pd.Series(pd.array(values, dtype="Int64"))
    elif spec.is_date and kinds <= {str, type(None)}:
        column = pd.Series(_times(values))
    else:
        column = pd.Series(values)
    if spec.schema.get("default") is not None:
        column = column.fillna(spec.schema["default"])
    return column


def _extra(values: list[Any]) -> Any:
    """An extra property, as given: pandas would turn [5, None] into [5.0, nan]."""
    if _types(values) <= {str, type(None)}:
        return pd.Series(values)  # texts are safe
    return pd.Series(values, dtype=object)


def _times(values: list[str | None]) -> pd.DatetimeIndex:
    """ISO texts as UTC timestamps, each distinct text parsed once (dates repeat)."""
    parsed = {text: schema.parse_time(text) for text in set(values) if text is not None}
    return pd.to_datetime([None if v is None else parsed[v] for v in values], utc=True)


def _types(values: list[Any]) -> set[type]:
    """The Python types of the values (JSON's and arrow's: no subclass of int or str but
    bool, which is its own type here)."""
    return set(map(type, values))


def _absent_as_none(value: Any) -> Any:
    """A source's value, None where the source has none (pandas fills the gaps with NaN).

    Not ``pd.isna``: a source may hold a list (``"notes": []``), and ``pd.isna`` of a list
    is an array, whose truth has no meaning.
    """
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value

"""Pings from geographic files: GeoJSON, GeoPackage and GeoParquet, points or timed lines.

Two shapes are read, whatever the container:

* **points** with a time property (one feature per ping): the properties are a table whose
  header gives the layout as a CSV's would (``id``/``icao24``/``mmsi``..., ``time``...), and
  the position comes from the geometry;
* **lines with times** (one feature per track or leg, as ``tracks import`` writes them): a
  ``times`` property holding one time per vertex (a list, or JSON text in a GeoPackage);
  the id is the ``track``, ``icao24``, ``mmsi``, ``hex``, ``id`` or ``name`` property, or
  the feature's own id.

GeoJSON is parsed by :mod:`geo.tracks.jsonreaders`; GeoPackage is read with pyogrio,
GeoParquet with geopandas. Called by :func:`geo.tracks.readers.read_file`.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.tracks.layouts import (
    Layout,
    PingError,
    ReadOptions,
    category_from_columns,
    header_key,
    parameter,
    quote,
)
from geo.tracks.pings import Chunk

_LINE_IDS = ("track", "icao24", "mmsi", "hex", "id", "name")
_POINT = ("Point",)
_LINES = ("LineString", "MultiLineString")
_CATEGORIES = ("aircraft", "ship")


def read_geojson(document: dict[str, Any], options: ReadOptions) -> tuple[Layout, list[Chunk]]:
    """The pings of a GeoJSON document: timed points and lines with ``times``.

    Parameters
    ----------
    document : dict
        A parsed FeatureCollection or Feature.
    options : ReadOptions
        ``id_column`` and ``time_column`` name properties.

    Returns
    -------
    layout : Layout
    chunks : list of Chunk

    Raises
    ------
    PingError
        When no feature is a point or a line, or the points' properties fit no layout.
    """
    features = (
        document.get("features") if document.get("type") == "FeatureCollection" else [document]
    )
    if not isinstance(features, list):
        raise PingError("GeoJSON: 'features' is not a list")
    point_props, point_xy, point_ids = [], [], []
    lines: list[tuple[dict[str, Any], Any, list[Any]]] = []
    for feature in features:
        if not isinstance(feature, dict):
            continue
        geometry = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(props, dict):
            props = {}
        if kind in _POINT:
            point_props.append(props)
            point_xy.append(coords[:2] if isinstance(coords, list) else [None, None])
            point_ids.append(feature.get("id"))
        elif kind in _LINES and isinstance(coords, list):
            parts = coords if kind == "MultiLineString" else [coords]
            vertices = [v for part in parts if isinstance(part, list) for v in part]
            lines.append((props, feature.get("id"), vertices))
    found = []
    if point_props:
        table = pd.DataFrame.from_records(point_props)
        if "id" not in table and any(i is not None for i in point_ids):
            table["id"] = point_ids
        xy = pd.DataFrame(
            [p if isinstance(p, list) and len(p) == 2 else [None, None] for p in point_xy]
        )
        found.append(_points(table, xy[0], xy[1], options, "GeoJSON points"))
    if lines:
        props = pd.DataFrame.from_records([p for p, _, _ in lines])
        feature_ids = pd.Series([i for _, i, _ in lines], dtype=object)
        counts = np.array([len(v) for _, _, v in lines])
        vertices = [
            v[:2] if isinstance(v, list) and len(v) >= 2 else [None, None]
            for _, _, vs in lines
            for v in vs
        ]
        xy = pd.DataFrame(vertices, columns=[0, 1]) if vertices else pd.DataFrame(columns=[0, 1])
        found.append(
            _lines(props, feature_ids, counts, xy[0], xy[1], options, "GeoJSON lines", "geojson")
        )
    if not found:
        raise PingError("GeoJSON with no Point or LineString feature")
    return _merge(found)


def _points(
    table: pd.DataFrame, lon: pd.Series, lat: pd.Series, options: ReadOptions, what: str
) -> tuple[Layout, pd.DataFrame]:
    """Point features: the properties' header gives the layout; the geometry the position."""
    header = [str(c) for c in table.columns if header_key(c) not in ("lat", "lon")]
    layout = ReadOptions(options.id_column, options.time_column).layout([*header, "lat", "lon"])
    frame = pd.DataFrame(
        {role: table[name] for role, name in layout.columns.items() if role not in ("lat", "lon")}
    )
    frame["lat"], frame["lon"] = lat.to_numpy(), lon.to_numpy()
    kind = layout.description.split(" (")[0]
    description = f"{what}: {kind} ({layout.columns['id']}, {layout.columns['time']})"
    return Layout(layout.name, description, layout.category, layout.columns), frame


def _lines(
    props: pd.DataFrame,
    feature_ids: pd.Series,
    counts: np.ndarray,
    lon: pd.Series,
    lat: pd.Series,
    options: ReadOptions,
    what: str,
    name: str,
) -> tuple[Layout, pd.DataFrame]:
    """Line features: one ping per vertex, its time from the feature's ``times``."""
    by_key = {header_key(c): c for c in props.columns}
    id_name = options.id_column or next((by_key[k] for k in _LINE_IDS if k in by_key), None)
    if id_name is not None and id_name not in props:
        found = quote(", ".join(map(str, props.columns)))
        named = f"{parameter('id_column')} {quote(id_name)!r}"
        raise PingError(f"{named} is not a property (found: {found})")
    times_name = options.time_column or by_key.get("times")
    if times_name is None or times_name not in props:
        raise PingError(
            f"{what} without a 'times' property (one time per vertex): a line's vertices have "
            "no times, so no ping can be placed in time"
        )
    ids = props[id_name].astype(object) if id_name is not None else feature_ids
    ids = ids.where(ids.notna(), feature_ids)
    per_vertex = []
    for value, count in zip(props[times_name], counts, strict=True):
        times = json.loads(value) if isinstance(value, str) and value.startswith("[") else value
        if isinstance(times, list | tuple | np.ndarray) and len(times) == count:
            per_vertex.extend(times)
        else:  # no times, or not one per vertex: those vertices have no time (counted)
            per_vertex.extend([None] * int(count))
    frame = pd.DataFrame(
        {
            "id": np.repeat(ids.to_numpy(dtype=object), counts),
            "time": pd.Series(per_vertex, dtype=object),
            "lat": lat.to_numpy(),
            "lon": lon.to_numpy(),
        }
    )
    for role in ("callsign", "vessel_name", "name"):
        if role in props:
            frame[role] = np.repeat(props[role].to_numpy(dtype=object), counts)
    category = None
    if "category" in props:
        named = set(props["category"].dropna().astype(str)) & set(_CATEGORIES)
        category = named.pop() if len(named) == 1 else None
    category = category or category_from_columns(
        [c for c in props.columns if props[c].notna().any()]
    )
    roles = {
        "id": str(id_name or "feature id"),
        "time": str(times_name),
        "lat": "geometry",
        "lon": "geometry",
    }
    layout = Layout(
        name,
        f"{what} with times ({roles['id']}, {times_name})",
        category,
        roles,
    )
    return layout, frame


def _merge(found: list[tuple[Layout, pd.DataFrame]]) -> tuple[Layout, list[Chunk]]:
    """One layout for points and lines of one file; chunks numbered on."""
    layout = (
        found[-1][0]
        if len(found) == 1
        else Layout(
            found[-1][0].name,
            "; ".join(lay.description for lay, _ in found),
            found[0][0].category or found[-1][0].category,
            found[-1][0].columns,
        )
    )
    chunks, first = [], 1
    for _, frame in found:
        chunks.append((frame.reset_index(drop=True), first, []))
        first += len(frame)
    return layout, chunks


def _from_frame(
    frame: Any, options: ReadOptions, what: str, name: str
) -> tuple[Layout, list[Chunk]]:
    """Pings of a GeoDataFrame (GeoPackage, GeoParquet): its points and its timed lines."""
    import shapely

    geometry = frame.geometry.to_numpy() if frame.geometry is not None else np.array([])
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
        geometry = frame.geometry.to_numpy()
    kinds = shapely.get_type_id(geometry)
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    found = []
    points = kinds == 0
    if points.any():
        xy = shapely.get_coordinates(geometry[points])
        found.append(
            _points(
                table[points].reset_index(drop=True),
                pd.Series(xy[:, 0]),
                pd.Series(xy[:, 1]),
                options,
                f"{what}: points",
            )
        )
    lines = np.isin(kinds, (1, 5))
    if lines.any():
        xy, index = shapely.get_coordinates(geometry[lines], return_index=True)
        counts = np.bincount(index, minlength=int(lines.sum()))
        props = table[lines].reset_index(drop=True)
        ids = pd.Series(np.arange(1, len(props) + 1), dtype=object).astype(str)
        found.append(
            _lines(
                props,
                ids,
                counts,
                pd.Series(xy[:, 0]),
                pd.Series(xy[:, 1]),
                options,
                f"{what}: lines",
                name,
            )
        )
    if not found:
        raise PingError(f"{what} with no point or line geometry")
    return _merge(found)


def read_gpkg(path: Path, options: ReadOptions) -> tuple[Layout, list[Chunk]]:
    """The pings of a GeoPackage: every layer with points or lines (read with pyogrio).

    Parameters
    ----------
    path : Path
        The GeoPackage (an SQLite file).
    options : ReadOptions

    Returns
    -------
    layout : Layout
    chunks : list of Chunk

    Raises
    ------
    PingError
        When it cannot be opened or no layer has points or timed lines.
    """
    import pyogrio

    # GDAL warns about a GeoPackage not named .gpkg: the name is never what decides here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*non conformant file extension", RuntimeWarning)
        try:
            layers = pyogrio.list_layers(path)
        except Exception as error:  # pyogrio raises DataSourceError and others
            raise PingError(f"not a readable GeoPackage: {quote(error)}") from None
        found = []
        for name, geometry_type in layers:
            if geometry_type is None or not any(k in str(geometry_type) for k in ("Point", "Line")):
                continue
            try:
                frame = pyogrio.read_dataframe(path, layer=name)
            except Exception as error:
                raise PingError(f"GeoPackage layer {quote(name, 80)!r}: {quote(error)}") from None
            what = f"GeoPackage layer {quote(name, 80)!r}"
            layout, chunks = _from_frame(frame, options, what, "gpkg")
            found.extend((layout, chunk) for chunk, _, _ in chunks)
    if not found:
        raise PingError("a GeoPackage with no layer of points or lines")
    return _merge(found)


def read_geoparquet(path: Path, options: ReadOptions) -> tuple[Layout, list[Chunk]]:
    """The pings of a GeoParquet file (read with geopandas).

    Parameters
    ----------
    path : Path
    options : ReadOptions

    Returns
    -------
    layout : Layout
    chunks : list of Chunk

    Raises
    ------
    PingError
        When it cannot be read or has no points or timed lines.
    """
    import geopandas as gpd

    try:
        frame = gpd.read_parquet(path)
    except Exception as error:  # pyarrow and geopandas raise several kinds
        raise PingError(f"not a readable GeoParquet file: {quote(error)}") from None
    return _from_frame(frame, options, "GeoParquet", "geoparquet")

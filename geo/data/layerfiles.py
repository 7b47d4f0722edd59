"""A data set's layer files as read, and the checks per feature and across files.

A layer file is read as a :class:`Part`: the features of a GeoJSON file (every feature checked
by :func:`check_features`), or the table of a GeoParquet or FlatGeobuf file, checked column by
column (:mod:`geo.data.columns`) with only the rows those checks cannot vouch for checked as
features, so every message is the GeoJSON layer's. :func:`check_references` checks ids,
sources and references over all parts; :func:`layer_frame` makes a layer's frame, straight
from its table where it is one columnar file. :mod:`geo.data.reading` puts them together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.data import columnar, columns, geometry, properties, validation
from geo.data.frames import features_frame, table_frame
from geo.data.properties import RawFeature
from geo.data.schema import LAYERS, Problem

STOP_AFTER = 10_000
"""Problems in one layer file after which its checking stops and nothing of it is loaded: a
file of a million bare features is not the format, and listing them all costs minutes."""


@dataclass
class Part:
    """One layer file as read: its features, or its table and the rows checked one by one.

    Attributes
    ----------
    layer : str
        The layer it holds.
    features : list of RawFeature
        The features checked one by one (of a table: its suspect rows), problems or not.
    table : Table or None
        A columnar file's table (None when its checking stopped, or for GeoJSON).
    """

    layer: str
    features: list[RawFeature]
    table: columnar.Table | None = None


def read_table(name: str, layer: str, data: bytes, limit: int) -> tuple[Part, list[Problem]]:
    """Read and check a GeoParquet or FlatGeobuf layer file.

    Parameters
    ----------
    name : str
        The file's name.
    layer : str
        The layer it holds.
    data : bytes
        Its content.
    limit : int
        The size limit (bounds the rows it may declare).

    Returns
    -------
    part : Part
    problems : list of Problem
    """
    try:
        table = columnar.read_table(name, layer, data, limit)
    except columnar.ColumnarError as error:
        return Part(layer, []), [Problem(name, str(error))]
    # Column by column; the rows those checks cannot vouch for are checked as GeoJSON's are.
    rows = np.flatnonzero(columns.suspect_rows(table)).tolist()
    parsed, problems = check_features(name, layer, _rows(table, rows), len(table))
    stopped = bool(problems) and problems[0].index is None
    return Part(layer, parsed, None if stopped else table), problems


def _rows(table: columnar.Table, rows: list[int]) -> Iterator[tuple[int, Any]]:
    """Rows as features, a few thousand at a time (checking may stop early)."""
    for start in range(0, len(rows), 4096):
        chunk = rows[start : start + 4096]
        yield from zip(chunk, columnar.row_features(table, chunk), strict=True)


def check_features(
    name: str,
    layer: str,
    features: Iterable[tuple[int, Any]],
    total: int,
    odd: bool = True,
) -> tuple[list[RawFeature], list[Problem]]:
    """Check features one by one, as a GeoJSON layer's are.

    Parameters
    ----------
    name : str
        The file's name.
    layer : str
        The layer.
    features : iterable of (int, Any)
        Each feature with its index in the file, in file order.
    total : int
        The features in the file (for the message when checking stops).
    odd : bool
        Whether they may hold values no field accepts (NaN, lone surrogates).

    Returns
    -------
    parsed : list of RawFeature
        The Features among them (with problems or not).
    problems : list of Problem
        At most :data:`STOP_AFTER` and then a first line saying checking stopped (and
        nothing parsed).
    """
    problems: list[Problem] = []
    parsed = []
    for index, feature in features:
        if len(problems) >= STOP_AFTER:
            message = (
                f"checking stopped at feature {index} of {total:,}: {len(problems):,} problems "
                "or more; nothing of this file is loaded"
            )
            return [], [Problem(name, message), *problems]  # first: always shown
        pairs = validation.check_feature(layer, feature)
        if pairs[:1] == [(None, validation.NOT_A_FEATURE)]:
            problems.append(Problem(name, validation.NOT_A_FEATURE, index=index))
            continue
        props = feature.get("properties")
        props = {} if props is None else props
        if not isinstance(props, dict):
            problems.extend(Problem(name, m, index, None, f) for f, m in pairs)
            continue
        fid = props.get("id") if isinstance(props.get("id"), str) else None
        geometry_problems, geom = geometry.check_geometry(layer, feature.get("geometry"))
        pairs += properties.check_reserved(props)
        if odd:
            pairs += properties.check_values(props, {field for field, _ in pairs})
        bad_fields = {field for field, _ in pairs}
        pairs += properties.check_dates(layer, props, bad_fields)
        if geom is not None and "times" not in bad_fields:
            pairs += properties.check_times(layer, props, geometry.vertex_count(geom))
        for field_name, message in geometry_problems + pairs:
            problems.append(Problem(name, message, index, fid, field_name))
        parsed.append((name, index, props, geom))
    return parsed, problems


def check_references(parts: list[Part], sources: pd.DataFrame, has_sources: bool) -> list[Problem]:
    """Check ids, cited sources and references over every file.

    A table's rows become features to check only where they may be wrong
    (:func:`geo.data.columns.reference_suspects`).

    Parameters
    ----------
    parts : list of Part
        Every layer file read, in file order.
    sources : DataFrame
        The valid source records, indexed by id.
    has_sources : bool
        Whether a ``sources.json`` was given.

    Returns
    -------
    list of Problem
        As :func:`geo.data.properties.check_references` gives them for the same features.
    """
    if not any(part.table is not None for part in parts):
        raw: dict[str, list[RawFeature]] = {layer: [] for layer in LAYERS}
        for part in parts:
            raw[part.layer].extend(part.features)
        return properties.check_references(raw, sources, has_sources)
    ids: dict[str, list[Any]] = {layer: [] for layer in LAYERS}
    for part in parts:
        if part.table is None:
            ids[part.layer].extend(p.get("id") for _, _, p, _ in part.features)
        else:
            ids[part.layer].extend(_ids(part.table))
    texts = pd.Series([i for layer in LAYERS for i in ids[layer] if isinstance(i, str) and i])
    duplicates = set(texts[texts.duplicated(keep=False)])
    known = {layer: {i for i in found if isinstance(i, str)} for layer, found in ids.items()}
    raw = {layer: [] for layer in LAYERS}
    for part in parts:
        raw[part.layer].extend(_with_suspects(part, sources.index, known, duplicates))
    return properties.check_references(raw, sources, has_sources, ids=known)


def _ids(table: columnar.Table) -> list[Any]:
    """The ``id`` cell of every row (None where missing)."""
    if "id" not in table.columns.column_names:
        return [None] * len(table)
    return columnar.column_values(table.array("id"), None)


def _with_suspects(
    part: Part, sources: pd.Index, ids: dict[str, set[str]], duplicates: set[str]
) -> list[RawFeature]:
    """A part's features, and a table's rows whose references may be wrong, in file order."""
    if part.table is None:
        return part.features
    table = part.table
    suspect = columns.reference_suspects(table, sources, ids, duplicates)
    suspect[[index for _, index, _, _ in part.features]] = False
    rows = np.flatnonzero(suspect).tolist()
    name = table.name
    more = [(name, row, f["properties"], table.shapes[row]) for row, f in _rows(table, rows)]
    return sorted([*part.features, *more], key=lambda feature: feature[1])


def layer_frame(
    layer: str, parts: list[Part], bad: set[tuple[str, int]], sources: pd.DataFrame
) -> gpd.GeoDataFrame:
    """A layer's frame of the features without a problem.

    Parameters
    ----------
    layer : str
        The layer.
    parts : list of Part
        Every layer file read.
    bad : set of (str, int)
        The (file, index) of every feature with a problem.
    sources : DataFrame
        The valid source records, indexed by id.

    Returns
    -------
    GeoDataFrame
        Straight from the table when the layer is one columnar file.
    """
    mine = [part for part in parts if part.layer == layer]
    if len(mine) == 1 and mine[0].table is not None:
        table = mine[0].table
        keep = np.ones(len(table), dtype=bool)
        keep[[index for file, index in bad if file == table.name]] = False
        return table_frame(table, keep, sources)
    features: list[RawFeature] = []
    for part in mine:
        if part.table is None:
            features.extend(part.features)
        else:  # a table beside other files of the layer: its rows as features
            table = part.table
            for row, feature in _rows(table, list(range(len(table)))):
                features.append((table.name, row, feature["properties"], table.shapes[row]))
    return features_frame(layer, [f for f in features if (f[0], f[1]) not in bad], sources)

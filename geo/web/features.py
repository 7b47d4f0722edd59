"""The payload's per-feature columns: every feature of a data set as compact columns.

:class:`FeatureColumns` turns the layers into the columns of :func:`geo.web.payload.build_payload`,
column by column (no Python work per feature except for lines and true geodesic circles):

- texts are stored once in a string table and referred to by index;
- coordinates are integers of 1e-5 degree (about 1 m); lines are delta-encoded;
- values most features share (a date, a list of sources) are stored once and referred to;
- what most features lack (a line's shape, extra properties, an ``until``) is stored
  sparsely, as ``{feature index: value}``.

Every value shown in a popup is prepared here as text; the page only ever puts it in
text nodes. The codes (kinds, sentinels) are those of :mod:`geo.web.contract`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis import geodesy
from geo.data.schema import known_fields
from geo.web import sidc, symbols, whereabouts
from geo.web.contract import AREA, LINE, NONE, PER_FEATURE_KEYS, POINT, SAME_AS_ID, SPARSE_KEYS
from geo.web.display import (
    AFFILIATION_COLOUR,
    FIELDS,
    LAYER_COLOUR,
    column_texts,
    field_texts,
    is_faded,
    is_historical,
    is_missing,
)
from geo.web.encoding import (
    direction_arrows,
    display_lines,
    e5,
    encode_line,
    line_parts,
    vertex_times,
)

# --- tables ------------------------------------------------------------------------------


class _Table:
    """Values stored once in the page and referred to by index (:data:`NONE`: none)."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.index: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        if value is None:
            return NONE
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found

    def many(self, values: Iterable[Any]) -> list[int]:
        """Indices of many values, looking each distinct value up once."""
        codes, uniques = pd.factorize(pd.Series(list(values), dtype=object))
        lookup = np.array([self(u) for u in uniques] + [NONE], dtype=np.int64)
        return lookup[codes].tolist()  # factorize codes a missing value -1: the last entry


# --- per-layer columns --------------------------------------------------------------------


def _group_keys(frame: pd.DataFrame, layer: str) -> list[str]:
    if layer == "assets":
        return ("assets:" + frame["category"].astype(str)).tolist()
    if layer == "places":
        return np.where(is_historical(frame), "historical", "places").tolist()
    return [layer] * len(frame)


def _colours(frame: pd.DataFrame, layer: str) -> list[str]:
    if layer == "bases" and own_column(frame, layer, "affiliation") is not None:
        colour = frame["affiliation"].map(AFFILIATION_COLOUR)
        return colour.fillna(LAYER_COLOUR["bases"]).tolist()
    if layer == "assets":
        colour = frame["affiliation"].map(AFFILIATION_COLOUR)
        return colour.fillna(AFFILIATION_COLOUR["unknown"]).tolist()
    if layer == "places":
        historical = is_historical(frame)
        return np.where(historical, LAYER_COLOUR["historical"], LAYER_COLOUR["places"]).tolist()
    return [LAYER_COLOUR[layer]] * len(frame)


def _texts(frame: pd.DataFrame, column: str) -> list[str | None]:
    """A text column's values (None where missing or absent), each distinct value once."""
    if column not in frame:
        return [None] * len(frame)
    return _per_distinct(
        frame[column], lambda v: None if is_missing(v) or str(v).strip() == "" else str(v)
    )


def _per_distinct(column: pd.Series, show: Callable[[Any], Any]) -> list[Any]:
    """``show`` of every value of a column, called once per distinct value (a million rows
    hold a few categories, dates and sources); missing values are ``show(None)``."""
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) != "string":
        # Lists and dicts do not hash, and True and 1 would be one value: each on its own.
        return [show(value) for value in column]
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    shown = np.empty(len(uniques) + 1, dtype=object)
    shown[:-1] = [show(value) for value in uniques]
    shown[-1] = show(None)  # the code -1 of a missing value
    return shown[codes].tolist()


def symbol_codes(frame: pd.DataFrame, layer: str) -> list[str | None]:
    """The SIDC of every asset or base (None for other layers): :mod:`geo.web.sidc`.

    Parameters
    ----------
    frame : DataFrame
        The layer's features.
    layer : str
        Its name.

    Returns
    -------
    list of str or None
        Assets: entity from ``type`` (else ``category``), frame from ``affiliation``, or
        their own ``sidc``; bases: an installation framed by ``affiliation`` (default friend).
    """
    affiliation = _texts(frame, "affiliation")
    override = _texts(frame, "sidc")
    if layer == "assets":
        rows = zip(
            _texts(frame, "category"), affiliation, _texts(frame, "type"), override, strict=True
        )
        return _once(rows, lambda c, a, t, s: sidc.sidc(c, a or "friend", t, s))
    if layer == "bases":
        rows = zip(affiliation, override, strict=True)
        return _once(rows, lambda a, s: sidc.base_sidc(a or "friend", s))
    return [None] * len(frame)


def _once(rows: Iterable[tuple[Any, ...]], make: Callable[..., str]) -> list[str]:
    """``make(*row)`` for every row, once per distinct row (a few combinations repeat)."""
    found: dict[tuple[Any, ...], str] = {}
    return [found[r] if r in found else found.setdefault(r, make(*r)) for r in rows]


def _symbol_urls(frame: pd.DataFrame, layer: str) -> list[str]:
    if layer in ("assets", "bases"):
        codes = symbol_codes(frame, layer)
        urls = {code: symbols.sidc_symbol(code) for code in set(codes)}
        return [urls[code] for code in codes]
    if layer == "strikes":
        return [symbols.strike_symbol()] * len(frame)
    kinds = own_column(frame, layer, "kind")
    return [symbols.place_symbol(k) for k in ([None] * len(frame) if kinds is None else kinds)]


def own_column(frame: pd.DataFrame, layer: str, name: str) -> pd.Series | None:
    """A typed column of the layer, or None: an extra of that name on another layer is not.

    An ``observed`` on a base or a ``count`` on a place is an extra property, kept as given
    (any JSON value); only where the layer defines the field was it checked and converted.

    Parameters
    ----------
    frame : DataFrame
        The layer's features.
    layer : str
        Its name.
    name : str
        A field of the format.

    Returns
    -------
    Series or None
    """
    return frame[name] if name in frame and name in known_fields(layer) else None


def _epochs(column: pd.Series | None, n: int) -> list[int | None]:
    """Timestamps as whole seconds since 1970 (UTC), whatever the column's time unit."""
    if column is None:
        return [None] * n
    stamps = pd.to_datetime(column, utc=True).dt.as_unit("s")  # years 1 to 9999 fit
    missing = stamps.isna().to_numpy()
    return [None if m else int(s) for s, m in zip(stamps.array.asi8, missing, strict=True)]


class FeatureColumns:
    """Accumulates the payload's per-feature columns, layer after layer.

    Parameters
    ----------
    show_uncertainty : bool
        Give points their uncertainty radius (else 0: no circle).
    geodesic_circles : bool
        Also store each circle as a true geodesic polygon (few points only: it is large).
    whereabouts : bool
        Add the ``where`` and ``crosses`` popup rows (:mod:`geo.web.whereabouts`).
    """

    def __init__(
        self, show_uncertainty: bool, geodesic_circles: bool, whereabouts: bool = False
    ) -> None:
        self.show_uncertainty = show_uncertainty
        self.geodesic_circles = geodesic_circles
        self.whereabouts = whereabouts
        self.strings = _Table()
        self.symbols = _Table()
        self.refsets = _Table()
        self.epochs = _Table()
        self.palette = _Table()
        self.task_groups = _Table()
        self.columns: dict[str, list[int]] = {field: [] for field, _ in FIELDS}
        self.cols: dict[str, list[Any]] = {k: [] for k in PER_FEATURE_KEYS}
        self.sparse: dict[str, dict[int, Any]] = {k: {} for k in SPARSE_KEYS}
        self.group_keys: list[str] = []
        self.counts: dict[str, int] = {}
        self.used_sources: set[str] = set()
        self.size = 0

    def add_layer(self, layer: str, frame: gpd.GeoDataFrame) -> None:
        """Append the features of one layer (those with a geometry) to the columns.

        Parameters
        ----------
        layer : str
            The layer's name (``assets``, ``bases``, ``tracks``, ``strikes``, ``places``).
        frame : GeoDataFrame
            Its features, in EPSG:4326.
        """
        geometry = display_lines(frame) if layer == "tracks" else frame.geometry
        keep = ~(geometry.isna() | geometry.is_empty).to_numpy(bool)
        frame, geometry = frame[keep], geometry[keep]
        n = len(frame)
        if n == 0:
            return
        base, self.size = self.size, self.size + n
        strings = self.strings

        texts = field_texts(frame, layer)
        if self.whereabouts:  # zones over the circle, territory crossed: as `analyze` says
            texts.update(whereabouts.texts(frame, layer))
        for field, _ in FIELDS:
            self.columns[field].extend(strings.many(texts.get(field) or [None] * n))
        keys = _group_keys(frame, layer)
        self.group_keys.extend(keys)
        for key in keys:
            self.counts[key] = self.counts.get(key, 0) + 1
        self.cols["faded"].extend(is_faded(frame).astype(int).tolist())
        self.cols["colour"].extend(self.palette.many(_colours(frame, layer)))
        self._extras(frame, layer, base)
        refs = [
            tuple(s for s in (r if isinstance(r, list) else []) if isinstance(s, str))
            for r in frame.get("sources", pd.Series([[]] * n)).tolist()
        ]
        for refset in set(refs):
            self.used_sources.update(refset)
        refset_index = {r: self.refsets(tuple(strings.many(r)) if r else None) for r in set(refs)}
        self.cols["refs"].extend(refset_index[r] for r in refs)
        observed = _epochs(own_column(frame, layer, "observed"), n)
        self.cols["observed"].extend(self.epochs.many(observed))
        for offset, until in enumerate(_epochs(own_column(frame, layer, "until"), n)):
            if until is not None:
                self.sparse["until"][base + offset] = until
        self._entities(frame, layer)
        for offset, text in enumerate(_texts(frame, "label")):
            if text is not None:
                self.sparse["label"][base + offset] = strings(text)
        if layer == "assets":
            for offset, name in enumerate(_texts(frame, "group")):
                if name is not None:
                    self.sparse["task_group"][base + offset] = self.task_groups(name)

        points = (geometry.geom_type == "Point").to_numpy(bool)
        kinds = np.where(points, POINT, LINE if layer == "tracks" else AREA)
        self.cols["kind"].extend(kinds.tolist())
        x = np.where(points, shapely.get_x(geometry.to_numpy()), np.nan)
        y = np.where(points, shapely.get_y(geometry.to_numpy()), np.nan)
        self.cols["lon"].extend(e5(x))
        self.cols["lat"].extend(e5(y))
        urls = _symbol_urls(frame, layer)
        self.cols["symbol"].extend(
            self.symbols(url) if point else None for url, point in zip(urls, points, strict=True)
        )
        self._circles(own_column(frame, layer, "uncertainty_km"), x, y, base)
        times = own_column(frame, layer, "times")
        for offset in np.flatnonzero(~points):
            self._line(
                layer,
                geometry.iloc[offset],
                None if times is None else times.iloc[offset],
                base + int(offset),
            )

    def per_feature(self, groups: list[str]) -> dict[str, Any]:
        """The per-feature and sparse payload entries, with ``group`` as indices into ``groups``.

        Parameters
        ----------
        groups : list of str
            The payload's group keys, in layer-control order.

        Returns
        -------
        dict
            One entry per key of :data:`geo.web.contract.PER_FEATURE_KEYS` and
            :data:`geo.web.contract.SPARSE_KEYS`.
        """
        position = {key: i for i, key in enumerate(groups)}
        cols = {**self.cols, "group": [position[key] for key in self.group_keys]}
        return {**cols, **self.sparse}

    def _extras(self, frame: pd.DataFrame, layer: str, base: int) -> None:
        known = set(known_fields(layer)) | {"layer", "source_refs", frame.geometry.name}
        known |= {"label", "sidc", "group"}  # drawn on the map (the group is a popup row too)
        for column in frame.columns:
            if column in known:
                continue
            key = self.strings(str(column))
            for offset, text in enumerate(column_texts(frame[column])):
                if text is not None:
                    pair = [key, self.strings(text)]
                    self.sparse["extras"].setdefault(base + offset, []).append(pair)

    def _entities(self, frame: pd.DataFrame, layer: str) -> None:
        n = len(frame)
        if layer in ("places", "bases"):  # they have no history to play
            self.cols["entity"].extend([NONE] * n)
            return
        ids = frame["id"].astype(str).tolist()
        entity = frame["entity"].tolist() if "entity" in frame else [None] * n
        self.cols["entity"].extend(
            SAME_AS_ID if is_missing(e) or str(e) == i else self.strings(str(e))
            for e, i in zip(entity, ids, strict=True)
        )

    def _circles(self, km: pd.Series | None, x: np.ndarray, y: np.ndarray, base: int) -> None:
        """Radius in metres per feature (0: none); true geodesic rings too for few points."""
        n = len(x)
        radius = np.zeros(n) if km is None else pd.to_numeric(km, errors="coerce").to_numpy(float)
        has = ~np.isnan(x) & (radius > 0) & self.show_uncertainty
        self.cols["circle"].extend(np.where(has, np.round(radius * 1000), 0).astype(int).tolist())
        self.counts["uncertainty"] = self.counts.get("uncertainty", 0) + int(has.sum())
        if not self.geodesic_circles:
            return
        for offset in np.flatnonzero(has):
            ring = geodesy.geodesic_circle(float(x[offset]), float(y[offset]), radius[offset], n=72)
            self.sparse["circle_rings"][base + int(offset)] = [
                encode_line(p) for p in line_parts(ring)
            ]

    def _line(self, layer: str, geom: Any, times: Any, index: int) -> None:
        parts = line_parts(geom)
        if layer == "tracks":
            parts = [_unwrapped(part) for part in parts]
        self.sparse["shape"][index] = [encode_line(part) for part in parts]
        if isinstance(times, list) and len(times) == sum(len(p) for p in parts):
            self.sparse["times"][index] = vertex_times(times)
        if layer == "tracks":
            self.sparse["arrows"][index] = [
                _near(arrow, part) for part in parts for arrow in direction_arrows([part])
            ]


def _unwrapped(coords: np.ndarray) -> np.ndarray:
    """A line's vertices with continuous longitudes: each step the short way round the globe.

    A track from 170 E to 170 W is drawn across the antimeridian (to 190), not across the
    whole map: the web map draws straight between the longitudes it is given.
    """
    if len(coords) < 2 or np.ptp(coords[:, 0]) <= 180:
        return coords
    out = np.array(coords, dtype=float)
    out[:, 0] = np.unwrap(out[:, 0], period=360.0)
    return out


def _near(arrow: list[int], part: np.ndarray) -> list[int]:
    """An arrow (longitude in 1e-5 degree) moved by whole turns next to its unwrapped line."""
    middle = (part[:, 0].min() + part[:, 0].max()) / 2 * 1e5
    turns = round((middle - arrow[0]) / 36_000_000)
    return [arrow[0] + turns * 36_000_000, *arrow[1:]]

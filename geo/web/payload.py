"""The map's data: every feature of a data set as compact columns for the page's script.

:func:`build_payload` turns the layers into one JSON-ready dict that
:class:`geo.web.script.MapData` draws. It is built column by column (no Python work per
feature except for lines and true geodesic circles), and it is small:

- texts are stored once in a string table and referred to by index;
- coordinates are integers of 1e-5 degree (about 1 m); lines are delta-encoded;
- values most features share (a date, a list of sources) are stored once and referred to;
- what most features lack (a line's shape, extra properties, an ``until``) is stored
  sparsely, as ``{feature index: value}``.

Every value shown in a popup is prepared here as text; the page only ever puts it in
text nodes. No folium here: this module is data in, dict out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis import geodesy
from geo.data.gaps import gap_lines
from geo.data.reading import Dataset
from geo.data.schema import known_fields
from geo.web import basemaps, symbols
from geo.web.display import (
    AFFILIATION_COLOUR,
    FIELDS,
    LAYER_COLOUR,
    ZONE_COLOUR,
    column_texts,
    field_texts,
    group_label,
    group_order,
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
from geo.web.escape import html_text, safe_url

GEODESIC_CIRCLE_LIMIT = 3000
"""Up to this many points, uncertainty circles are true geodesic polygons (72 vertices from
``Geod.fwd``); above, the page draws each as the Mercator image of a spherical circle of
that radius (within ~0.5 % of the geodesic one), which keeps the page small."""
EXTENT_IGNORE_KM = 1000.0
"""Points whose uncertainty is at least this large do not pull the initial view out."""
LAND_MARGIN_DEG = 25.0
"""The offline land is cut to the features' extent plus this margin."""

POINT, LINE, AREA = 0, 1, 2
"""Feature kinds in the payload's ``kind`` column."""
SAME_AS_ID = -2
"""``entity`` value of a feature whose entity is its own id (most features)."""


# --- tables ------------------------------------------------------------------------------


class _Table:
    """Values stored once in the page and referred to by index (-1: none)."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.index: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        if value is None:
            return -1
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found

    def many(self, values: Iterable[Any]) -> list[int]:
        """Indices of many values, looking each distinct value up once."""
        codes, uniques = pd.factorize(pd.Series(list(values), dtype=object))
        lookup = np.array([self(u) for u in uniques] + [-1], dtype=np.int64)
        return lookup[codes].tolist()  # factorize codes a missing value -1: the last entry


# --- per-layer columns --------------------------------------------------------------------


def _group_keys(frame: pd.DataFrame, layer: str) -> list[str]:
    if layer == "assets":
        return ("assets:" + frame["category"].astype(str)).tolist()
    if layer == "places":
        return np.where(is_historical(frame), "historical", "places").tolist()
    return [layer] * len(frame)


def _colours(frame: pd.DataFrame, layer: str) -> list[str]:
    if layer == "assets":
        colour = frame["affiliation"].map(AFFILIATION_COLOUR)
        return colour.fillna(AFFILIATION_COLOUR["unknown"]).tolist()
    if layer == "places":
        historical = is_historical(frame)
        return np.where(historical, LAYER_COLOUR["historical"], LAYER_COLOUR["places"]).tolist()
    return [LAYER_COLOUR[layer]] * len(frame)


def _symbol_urls(frame: pd.DataFrame, layer: str) -> list[str]:
    if layer == "assets":
        affiliation = frame["affiliation"].fillna("friend").astype(str)
        pairs = zip(frame["category"].astype(str), affiliation, strict=True)
        return [symbols.asset_symbol(c, a) for c, a in pairs]  # lru-cached per pair
    if layer == "bases":
        return [symbols.base_symbol()] * len(frame)
    if layer == "strikes":
        return [symbols.strike_symbol()] * len(frame)
    kinds = frame["kind"] if "kind" in frame else [None] * len(frame)
    return [symbols.place_symbol(k) for k in kinds]


def _faded(frame: pd.DataFrame) -> np.ndarray:
    estimated = (frame["confidence"] == "estimated").to_numpy(bool, copy=True)
    if "reconstructed" in frame:
        estimated |= np.array([v is True for v in frame["reconstructed"].tolist()], dtype=bool)
    return estimated


def _epochs(column: pd.Series | None, n: int) -> list[int | None]:
    """Timestamps as whole seconds since 1970 (UTC), whatever the column's time unit."""
    if column is None:
        return [None] * n
    stamps = pd.to_datetime(column, utc=True)
    seconds = (stamps - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    return [None if pd.isna(s) else int(s) for s in seconds.tolist()]


class _Builder:
    """Accumulates the payload's columns, layer after layer."""

    def __init__(self, show_uncertainty: bool, geodesic_circles: bool) -> None:
        self.show_uncertainty = show_uncertainty
        self.geodesic_circles = geodesic_circles
        self.strings = _Table()
        self.symbols = _Table()
        self.refsets = _Table()
        self.epochs = _Table()
        self.palette = _Table()
        self.columns: dict[str, list[int]] = {field: [] for field, _ in FIELDS}
        self.cols: dict[str, list[Any]] = {
            k: [] for k in ("kind", "group", "lon", "lat", "symbol", "faded", "colour", "circle")
        }
        self.cols.update({k: [] for k in ("refs", "observed", "entity")})
        self.sparse: dict[str, dict[int, Any]] = {
            k: {} for k in ("circle_rings", "shape", "times", "arrows", "extras", "until")
        }
        self.group_keys: list[str] = []
        self.counts: dict[str, int] = {}
        self.used_sources: set[str] = set()
        self.size = 0

    def add_layer(self, layer: str, frame: gpd.GeoDataFrame) -> None:
        geometry = display_lines(frame) if layer == "tracks" else frame.geometry
        keep = ~(geometry.isna() | geometry.is_empty).to_numpy(bool)
        frame, geometry = frame[keep], geometry[keep]
        n = len(frame)
        if n == 0:
            return
        base, self.size = self.size, self.size + n
        strings = self.strings

        texts = field_texts(frame, layer)
        for field, _ in FIELDS:
            self.columns[field].extend(strings.many(texts.get(field) or [None] * n))
        keys = _group_keys(frame, layer)
        self.group_keys.extend(keys)
        for key in keys:
            self.counts[key] = self.counts.get(key, 0) + 1
        self.cols["faded"].extend(_faded(frame).astype(int).tolist())
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
        self.cols["observed"].extend(self.epochs.many(_epochs(frame.get("observed"), n)))
        for offset, until in enumerate(_epochs(frame.get("until"), n)):
            if until is not None:
                self.sparse["until"][base + offset] = until
        self._entities(frame, layer)

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
        self._circles(frame.get("uncertainty_km"), x, y, base)
        for offset in np.flatnonzero(~points):
            self._line(
                layer,
                geometry.iloc[offset],
                frame["times"].iloc[offset] if "times" in frame else None,
                base + int(offset),
            )

    def _extras(self, frame: pd.DataFrame, layer: str, base: int) -> None:
        known = set(known_fields(layer)) | {"layer", "source_refs", frame.geometry.name}
        for column in frame.columns:
            if column in known or str(column).startswith("_"):
                continue
            key = self.strings(str(column))
            for offset, text in enumerate(column_texts(frame[column])):
                if text is not None:
                    pair = [key, self.strings(text)]
                    self.sparse["extras"].setdefault(base + offset, []).append(pair)

    def _entities(self, frame: pd.DataFrame, layer: str) -> None:
        n = len(frame)
        if layer in ("places", "bases"):  # they have no history to play
            self.cols["entity"].extend([-1] * n)
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
        self.sparse["shape"][index] = [encode_line(part) for part in parts]
        if isinstance(times, list) and len(times) == sum(len(p) for p in parts):
            self.sparse["times"][index] = vertex_times(times)
        if layer == "tracks":
            self.sparse["arrows"][index] = direction_arrows(parts)


# --- the payload ---------------------------------------------------------------------------


def extent(dataset: Dataset) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the features, leaving out points known only very roughly.

    Points with ``uncertainty_km`` >= :data:`EXTENT_IGNORE_KM` (an aircraft carrier "in the
    Mediterranean") are drawn but do not pull the initial view out.
    """
    boxes = []
    for frame in dataset.layers.values():
        if frame.empty:
            continue
        keep = frame
        if "uncertainty_km" in frame:
            unc = pd.to_numeric(frame["uncertainty_km"], errors="coerce").fillna(0)
            keep = frame[unc < EXTENT_IGNORE_KM]
        if not keep.empty:
            boxes.append(keep.total_bounds)
    if not boxes:
        return None
    stacked = np.vstack(boxes)
    return (
        float(stacked[:, 0].min()),
        float(stacked[:, 1].min()),
        float(stacked[:, 2].max()),
        float(stacked[:, 3].max()),
    )


def _labelled(
    frame: gpd.GeoDataFrame, label: Callable[[Any], str], colour: Callable[[Any], str] | None = None
) -> dict[str, Any]:
    frame = frame.to_crs("EPSG:4326") if frame.crs and frame.crs != "EPSG:4326" else frame
    features = []
    for (_, row), geom in zip(frame.iterrows(), frame.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        props = {"label": label(row)}
        if colour is not None:
            props["colour"] = colour(row)
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": shapely.set_precision(geom, 1e-5).__geo_interface__,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _overlays(
    dataset: Dataset, rings: gpd.GeoDataFrame | None, zones: gpd.GeoDataFrame | None
) -> tuple[dict[str, Any], dict[str, int]]:
    """Track gaps, range rings and zones as labelled GeoJSON, with their counts."""
    out: dict[str, Any] = {"gaps": None, "rings": None, "zones": None}
    counts: dict[str, int] = {}
    gaps = gap_lines(dataset["tracks"])
    if not gaps.empty:
        out["gaps"] = _labelled(
            gaps,
            lambda r: (
                f"No signal for {float(r.get('gap_s', 0)) / 3600:.1f} h "
                f"({r.get('gap_reason', 'gap')}): the path in between is unknown"
            ),
        )
        counts["gaps"] = len(gaps)
    if rings is not None and not rings.empty:
        out["rings"] = _labelled(rings, lambda r: f"{r.get('name', '')}: {r.get('label', '')}")
        counts["rings"] = len(rings)
    if zones is not None and not zones.empty:
        order = {z: i for i, z in enumerate(dict.fromkeys(zones["zone"]))}
        out["zones"] = _labelled(
            zones,
            lambda r: (
                f"{r.get('state', '')}: {r.get('zone', '')} (distance from the coast, "
                "not negotiated boundaries)"
            ),
            colour=lambda r: ZONE_COLOUR[order[r.get("zone")] % len(ZONE_COLOUR)],
        )
        counts["zones"] = len(zones)
    return out, counts


def build_payload(
    dataset: Dataset,
    *,
    basemap: str = "light",
    rings: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    show_uncertainty: bool = True,
    bounds: tuple[float, float, float, float] | None = None,
    timeline: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Everything the page draws, as one JSON-ready dict (see :class:`geo.web.script.MapData`).

    Parameters
    ----------
    dataset : Dataset
        The features to draw.
    basemap : str
        One of :data:`geo.web.basemaps.BASEMAPS`; the offline land is always included.
    rings, zones : GeoDataFrame, optional
        Range rings and maritime zones.
    show_uncertainty : bool
        Include uncertainty circles.
    bounds : (west, south, east, north), optional
        The initial view; default :func:`extent`.
    timeline : dict, optional
        ``start``, ``end``, ``now`` (epoch seconds) and ``step_ms`` of the time slider.

    Returns
    -------
    dict
        Per feature ``i``: ``kind[i]`` (:data:`POINT`, :data:`LINE`, :data:`AREA`),
        ``group[i]`` (index into ``groups``), ``lon``/``lat`` (1e-5 degree, points),
        ``symbol`` (index into ``symbols``), ``faded``, ``colour`` (string index),
        ``refs`` (index into ``refsets``, lists of source-id string indices),
        ``observed`` (index into ``epochs``), ``entity`` (string index, -1 none,
        :data:`SAME_AS_ID`), ``columns[field][i]`` (string index of the popup text).
        ``circle[i]``: uncertainty radius in metres (0: none). Sparse, keyed by feature
        index: ``circle_rings`` (the geodesic circle, when there are few points), ``shape``,
        ``times``, ``arrows``, ``extras``, ``until``.
    """
    point_total = sum(
        int((frame.geometry.geom_type == "Point").sum()) for frame in dataset.layers.values()
    )
    build = _Builder(show_uncertainty, geodesic_circles=point_total <= GEODESIC_CIRCLE_LIMIT)
    for layer, frame in dataset.layers.items():
        if not frame.empty:
            build.add_layer(layer, frame)

    sources = {
        sid: {
            "title": str(record.get("title") or ""),
            "publisher": str(record.get("publisher") or ""),
            "published": str(record.get("published") or ""),
            "url": safe_url(record.get("url")),
        }
        for sid, record in dataset.sources.to_dict("index").items()
        if sid in build.used_sources
    }
    overlays, overlay_counts = _overlays(dataset, rings, zones)
    counts = {**build.counts, **overlay_counts}
    keys = [key for key in group_order() if key in counts]
    groups = [
        {"key": k, "label": html_text(group_label(k, counts[k])), "visible": True} for k in keys
    ]
    position = {key: i for i, key in enumerate(keys)}

    box = bounds or extent(dataset)
    land_bounds = None
    if box is not None:
        land_bounds = (
            box[0] - LAND_MARGIN_DEG,
            max(box[1] - LAND_MARGIN_DEG, -90),
            box[2] + LAND_MARGIN_DEG,
            min(box[3] + LAND_MARGIN_DEG, 90),
        )
    tiles = basemaps.tile_spec(basemap)
    columns = build.columns
    per_feature = {**{k: v for k, v in build.cols.items() if k != "group"}, **build.sparse}
    per_feature["group"] = [position[key] for key in build.group_keys]
    page = {
        "strings": build.strings.values,
        # Columns with no value at all are left out: the page reads a missing column as empty.
        "columns": {f: c for f, c in columns.items() if any(i >= 0 for i in c)},
        "fields": [[field, label] for field, label in FIELDS],
        "symbols": build.symbols.values,
        "sources": sources,
        "refsets": [list(r) for r in build.refsets.values],
        "epochs": build.epochs.values,
        "palette": build.palette.values,
        "groups": groups,
        **overlays,
        "tiles": tiles,
        "tiles_label": html_text(f"{basemap.capitalize()} tiles (online)") if tiles else None,
        "land": basemaps.offline_land(land_bounds),
        "land_label": html_text("Offline map (Natural Earth 1:10m)"),
        "sea": basemaps.SEA_COLOUR[basemap],
        "offline_sea": basemaps.SEA_COLOUR[basemaps.OFFLINE],
        "bounds": [[box[1], box[0]], [box[3], box[2]]] if box else None,
        "collapsed": True,
        "timeline": timeline,
    }
    clash = page.keys() & per_feature.keys()
    if clash:  # a per-feature column must never hide a page entry (it did once: "rings")
        raise AssertionError(f"payload keys used twice: {sorted(clash)}")
    return {**page, **per_feature}

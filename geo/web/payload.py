"""The map's data: everything the page draws, as one JSON-ready dict.

:func:`build_payload` puts together the per-feature columns of
:class:`geo.web.features.FeatureColumns`, the sources they cite, the layer-control groups,
the overlays (track gaps, range rings, maritime zones as labelled GeoJSON), the basemaps
and the :mod:`geo.web.contract` that tells the page what the codes mean. The page reads it
from a data island (:class:`geo.web.script.MapData`). No folium here: data in, dict out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
import shapely.ops

from geo.analysis.naturalearth import countries, countries_path
from geo.data.cache import file_digest, json_cached
from geo.data.gaps import gap_lines
from geo.data.reading import Dataset
from geo.web import basemaps, placenames, whereabouts
from geo.web.contract import (
    DAY_S,
    OVERLAYS,
    PAGE_KEYS,
    PER_FEATURE_KEYS,
    SPARSE_KEYS,
    STALE_DAYS,
    contract,
)
from geo.web.display import FIELDS, ZONE_COLOUR, group_label, group_order, group_role
from geo.web.escape import html_text, safe_url
from geo.web.features import FeatureColumns
from geo.web.framing import extent, frame_features

GEODESIC_CIRCLE_LIMIT = 3000
"""Up to this many points, uncertainty circles are true geodesic polygons (72 vertices from
``Geod.fwd``); above, the page draws each as the Mercator image of a spherical circle of
that radius (within ~0.5 % of the geodesic one), which keeps the page small."""
LAND_MARGIN_DEG = 25.0
"""The offline land is cut to the features' extent plus this margin."""
NAMES_MARGIN_DEG = 12.0
"""Basemap names (countries, cities) are shipped for the features' extent plus this margin."""


# --- the payload ---------------------------------------------------------------------------


def _focus(
    dataset: Dataset, as_of: date | None, stale_days: int
) -> tuple[float, float, float, float] | None:
    """The area of interest the first view frames; the page says what lies outside it."""
    framing = frame_features(dataset, as_of=as_of, stale_days=stale_days)
    return framing.bounds if framing else None


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
    out: dict[str, Any] = dict.fromkeys(OVERLAYS)
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
    as_of: date | None = None,
    stale_days: int = STALE_DAYS,
    compare: dict[str, Any] | None = None,
    where_rows: bool = True,
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
        The initial view; default the area of interest
        (:func:`geo.web.framing.frame_features`, the rule slides frame by).
    timeline : dict, optional
        ``start``, ``end``, ``now`` (epoch seconds) and ``step_ms`` of the time slider.
    as_of : date, optional
        The map's date: unit reports older than ``stale_days`` before it are drawn faded,
        "last seen DATE" (default: the latest report's date).
    stale_days : int
        See ``as_of``.
    compare : dict, optional
        Compare mode's changes (:func:`geo.web.compare.compare_entry`), sent as they are.
    where_rows : bool
        Give point popups their zones over the uncertainty circle and track popups the
        states they cross (:mod:`geo.web.whereabouts`; only up to its ``WHERE_LIMIT``
        points). The app leaves them out: its details panel says the same.

    Returns
    -------
    dict
        ``contract`` (:func:`geo.web.contract.contract`: what the codes below mean).
        Per feature ``i``: ``kind[i]`` (``contract.kind``), ``group[i]`` (index into
        ``groups``), ``lon``/``lat`` (1e-5 degree, points), ``symbol`` (index into
        ``symbols``), ``faded``, ``colour`` (index into ``palette``), ``refs`` (index into
        ``refsets``, lists of source-id string indices), ``observed`` (index into
        ``epochs``), ``entity`` (string index, ``contract.none`` or
        ``contract.same_as_id``), ``columns[field][i]`` (string index of the popup text).
        ``circle[i]``: uncertainty radius in metres (0: none). Sparse, keyed by feature
        index: ``circle_rings`` (the geodesic circle, when there are few points), ``shape``,
        ``times``, ``arrows``, ``extras``, ``until``, ``label`` (string index of the
        feature's own label), ``task_group`` (index into ``task_groups``, the names of the
        data's ``group``s). ``placenames``: basemap names ``[name, kind, lon, lat, min_zoom]``
        (:mod:`geo.web.placenames`); ``freshness``: ``as_of`` (end of the map's day, epoch
        seconds) and ``days``; ``compare``: the ``compare`` argument (or None).
    """
    point_total = sum(
        int((frame.geometry.geom_type == "Point").sum()) for frame in dataset.layers.values()
    )
    build = FeatureColumns(
        show_uncertainty,
        geodesic_circles=point_total <= GEODESIC_CIRCLE_LIMIT,
        whereabouts=where_rows and point_total <= whereabouts.WHERE_LIMIT,
    )
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
        {
            "key": k,
            "label": html_text(group_label(k, counts[k])),
            "visible": True,
            "role": group_role(k),
        }
        for k in keys
    ]

    box = bounds or extent(dataset)
    focus = bounds or _focus(dataset, as_of, stale_days)
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
    page = {
        "contract": contract(),
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
        "land_key": None,  # set by an app that serves the land apart (maps.build_map)
        "land_label": html_text("Offline map (Natural Earth 1:10m)"),
        "sea": basemaps.SEA_COLOUR[basemap],
        "offline_sea": basemaps.SEA_COLOUR[basemaps.OFFLINE],
        "bounds": [[box[1], box[0]], [box[3], box[2]]] if box else None,
        "focus": [[focus[1], focus[0]], [focus[3], focus[2]]] if focus else None,
        "collapsed": True,
        "timeline": timeline,
        "task_groups": build.task_groups.values,
        "placenames": _placenames(dataset, box),
        "freshness": {"as_of": _as_of_epoch(dataset, as_of), "days": stale_days},
        "compare": compare,
    }
    payload = {**page, **build.per_feature(keys)}
    # The page reads exactly the keys of the contract (a per-feature column once hid a page
    # entry of the same name: "rings").
    if sorted(payload) != sorted([*PAGE_KEYS, *PER_FEATURE_KEYS, *SPARSE_KEYS]):
        raise AssertionError(f"payload keys differ from the contract's: {sorted(payload)}")
    return payload


def _as_of_epoch(dataset: Dataset, as_of: date | None) -> int | None:
    """The end of the map's day (epoch seconds): ``as_of``, else the latest unit report's day."""
    if as_of is None:
        observed = dataset["assets"].get("observed")
        if observed is None or observed.dropna().empty:
            return None
        as_of = pd.Timestamp(observed.dropna().max()).date()
    midnight = datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc)
    return int(midnight.timestamp()) + DAY_S


def _placenames(dataset: Dataset, box: tuple[float, float, float, float] | None) -> list[list[Any]]:
    """Country and city names around the features, except those the data names itself.

    Rows are ``[name, kind, lon, lat, min_zoom]``; a country's also lists other points to be
    named at when its label point lies outside the features' extent but the country reaches
    into it (a frame of the Caribbean cuts off Natural Earth's point for Venezuela, but not
    its coast), and whether the data's places and bases lie in it (those are named before
    the strikes' labels, the other names after everything).
    """
    if box is None:
        return []
    margin = NAMES_MARGIN_DEG
    names = placenames.place_names(
        (box[0] - margin, max(box[1] - margin, -85), box[2] + margin, min(box[3] + margin, 85))
    )
    own = {
        str(name).casefold()
        for layer in ("places", "bases")
        for name in dataset[layer].get("name", pd.Series(dtype=object)).dropna()
    }
    theatre = {
        str(name).split(" (")[0].casefold()
        for layer in ("places", "bases")
        for name in dataset[layer].get("country", pd.Series(dtype=object)).dropna()
    }
    rows: list[list[Any]] = []
    seen: set[str] = set()
    for name, kind, lon, lat, zoom in zip(
        names["name"], names["kind"], names["lon"], names["lat"], names["min_zoom"], strict=True
    ):
        if name.casefold() in own or (kind, name) in seen:
            continue
        seen.add((kind, name))
        row: list[Any] = [name, kind, round(lon, 3), round(lat, 3), float(zoom)]
        if kind == "country":
            inside = box[0] <= lon <= box[2] and box[1] <= lat <= box[3]
            row.append([] if inside else _points_inside(lon, lat, box))
            row.append(name.casefold() in theatre)
        rows.append(row)
    return rows


# Kept on disk: the countries' shapes take ~0.2 s to read, on every start.
@json_cached("country-points", lambda: file_digest(countries_path()), keep=256)
def _points_inside(
    lon: float, lat: float, box: tuple[float, float, float, float]
) -> list[list[float]]:
    """Up to 40 points inside ``box`` of the country whose label point is (lon, lat), the
    middle of its largest piece there first."""
    frame = countries()
    shapes = frame.geometry[frame.geometry.contains(shapely.Point(lon, lat))]
    if shapes.empty:
        return []
    piece = shapes.iloc[0].intersection(shapely.box(*box))
    if piece.is_empty or piece.area == 0:
        return []
    parts = getattr(piece, "geoms", [piece])
    largest = max((p for p in parts if p.area > 0), key=lambda p: p.area)
    centre = shapely.ops.polylabel(largest, tolerance=0.05)
    west, south, east, north = largest.bounds
    grid = shapely.points(
        [
            (west + (east - west) * (i + 0.5) / 12, south + (north - south) * (j + 0.5) / 6)
            for i in range(12)
            for j in range(6)
        ]
    )
    others = sorted((p for p in grid if largest.contains(p)), key=lambda p: p.distance(centre))[:39]
    return [[round(p.x, 3), round(p.y, 3)] for p in [centre, *others]]

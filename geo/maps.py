"""Build the layered folium map of a data set.

:func:`build_payload` turns the layers into one compact, column-wise payload (strings
stored once, coordinates as integers of 1e-5 degree, lines delta-encoded), which
:class:`geo.elements.MapData` draws on a canvas. That keeps 100,000 points small and
quick to open, and it keeps data out of HTML: the page builds popups from text nodes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import basemaps, geodesy, symbols
from geo.elements import Legend, MapData, PageStyle, ScaleBar, TitleBlock
from geo.escape import html_text, safe_url
from geo.io import Dataset
from geo.schema import CATEGORIES, known_fields
from geo.tracks import gap_lines

CAVEAT = "Open sources; positions approximate"
DEFAULT_TITLE = "posturemap: military posture from open sources"
GEODESIC_CIRCLE_LIMIT = 3000
"""Up to this many points, uncertainty circles are true geodesic polygons; above, Leaflet
circles (radius in metres at the centre's latitude) keep the page small."""
DISPLAY_TOLERANCE_M = 250.0
"""Tracks without per-vertex times are simplified for display by this much (metres, in an
azimuthal equidistant projection centred on the data). Tracks with times are drawn as
imported (``tracks import`` simplifies them to its own stated tolerance)."""
EXTENT_IGNORE_KM = 1000.0
"""Points whose uncertainty is at least this large do not pull the initial view out."""
ARROWS_PER_PART = 8

AFFILIATION_COLOUR = {
    "friend": "#1c7ed6",
    "hostile": "#e03131",
    "neutral": "#2f9e44",
    "unknown": "#f08c00",
}
LAYER_COLOUR = {
    "bases": "#1c7ed6",
    "strikes": "#e8590c",
    "places": "#495057",
    "historical": "#7048e8",
    "tracks": "#3b5bdb",
}
ZONE_COLOUR = ["#1971c2", "#0c8599", "#5c940d"]

FIELDS: list[tuple[str, str]] = [
    ("layer_label", "Layer"),
    ("category", "Category"),
    ("type", "Type"),
    ("designation", "Designation"),
    ("count", "Count"),
    ("affiliation", "Affiliation"),
    ("personnel", "Personnel"),
    ("base", "Home base"),
    ("asset", "Asset"),
    ("kind", "Kind"),
    ("country", "Country"),
    ("target", "Target"),
    ("killed", "Killed"),
    ("troops", "Troops"),
    ("observed", "Observed"),
    ("until", "Until"),
    ("times", "First – last fix"),
    ("confidence", "Confidence"),
    ("uncertainty", "Uncertainty"),
    ("geo_precision", "Location precision"),
    ("time_precision", "Date precision"),
    ("reconstructed", "Geometry"),
    ("id", "ID"),
    ("name", "Name"),
    ("notes", "Notes"),
]
GEO_PRECISION = {1: "1 (site named)", 2: "2 (near a place)", 3: "3 (region only)"}
TIME_PRECISION = {1: "1 (day)", 2: "2 (week)", 3: "3 (month)"}
GROUP_LABELS = {
    "bases": "Bases",
    "tracks": "Flight and ship tracks",
    "strikes": "Strike sites",
    "places": "Places",
    "historical": "Historical operations",
    "uncertainty": "Uncertainty circles",
    "gaps": "Track gaps (no signal)",
    "rings": "Range rings",
    "zones": "Maritime zones (approximate)",
}
CATEGORY_LABELS = {
    "ship": "ships",
    "submarine": "submarines",
    "aircraft": "aircraft",
    "helicopter": "helicopters",
    "drone": "drones",
    "ground": "ground forces",
    "special": "special",
}


# --- formatting -----------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and np.isnan(value)


def format_time(value: Any) -> str | None:
    """Show a timestamp as a date, or as date and time (UTC) when it has a time of day."""
    if _missing(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    if (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0):
        return stamp.strftime("%Y-%m-%d")
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def format_uncertainty(km: Any) -> str | None:
    """``450 km (243 nm)``, or ``exact`` for 0."""
    if _missing(km):
        return None
    km = float(km)
    if km == 0:
        return "exact"
    return f"{km:,.0f} km ({km / geodesy.KM_PER_NM:,.0f} nm)" if km >= 10 else f"{km:g} km"


def _text(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return f"{int(value):,}"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (pd.Timestamp, datetime)):
        return format_time(value)
    return str(value)


def display_values(row: Mapping[str, Any], layer: str) -> dict[str, str | None]:
    """The popup's values of one feature, as text (``None`` where there is nothing to show)."""
    get = row.get
    values: dict[str, str | None] = {
        field: _text(get(field)) for field, _ in FIELDS if field in row
    }
    historical = layer == "places" and symbols.is_historical(get("kind"))
    values["layer_label"] = "historical operation" if historical else layer[:-1]
    values["observed"] = format_time(get("observed"))
    values["until"] = format_time(get("until"))
    values["uncertainty"] = format_uncertainty(get("uncertainty_km"))
    precision = get("geo_precision")
    values["geo_precision"] = None if _missing(precision) else GEO_PRECISION.get(int(precision))
    precision = get("time_precision")
    values["time_precision"] = None if _missing(precision) else TIME_PRECISION.get(int(precision))
    if layer == "strikes":
        values["killed"] = "unknown" if _missing(get("killed")) else _text(get("killed"))
    times = get("times")
    if isinstance(times, list) and times:
        values["times"] = f"{times[0]} – {times[-1]}"
    else:
        values["times"] = None
    values["reconstructed"] = "reconstructed" if get("reconstructed") is True else None
    return values


# --- geometry encoding ---------------------------------------------------------------------


def _e5(values: Iterable[float]) -> list[int]:
    return [round(v * 1e5) for v in values]


def encode_line(coords: np.ndarray) -> list[int]:
    """Delta-encode a line's [lon, lat] pairs as integers of 1e-5 degree (~1 m)."""
    scaled = np.round(np.asarray(coords)[:, :2] * 1e5).astype(np.int64)
    deltas = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return deltas.ravel().tolist()


def _parts(geom: shapely.Geometry) -> list[np.ndarray]:
    if geom.geom_type in ("LineString", "LinearRing"):
        return [np.asarray(geom.coords)]
    if geom.geom_type == "Polygon":
        return [np.asarray(geom.exterior.coords)] + [np.asarray(r.coords) for r in geom.interiors]
    return [part for sub in geom.geoms for part in _parts(sub)]


def _times(values: Any) -> list[int] | None:
    if not isinstance(values, list) or not values:
        return None
    seconds = [int(pd.Timestamp(v).timestamp()) for v in values]
    return [seconds[0], *np.diff(seconds).tolist()]


def _arrows(parts: list[np.ndarray]) -> list[list[int]]:
    """Direction arrows at up to ARROWS_PER_PART segment midpoints per part: [lon, lat, azimuth]."""
    out: list[list[int]] = []
    for coords in parts:
        if len(coords) < 2:
            continue
        count = len(coords) - 1
        picks = np.unique(
            np.linspace(0, count - 1, min(count, ARROWS_PER_PART)).round().astype(int)
        )
        lon1, lat1 = coords[picks, 0], coords[picks, 1]
        lon2, lat2 = coords[picks + 1, 0], coords[picks + 1, 1]
        azimuth, _, distance = geodesy.GEOD.inv(lon1, lat1, lon2, lat2)
        mid_lon, mid_lat, back = geodesy.GEOD.fwd(lon1, lat1, azimuth, np.asarray(distance) / 2)
        bearing = (np.asarray(back) + 180.0) % 360.0
        for x, y, b, d in zip(
            np.atleast_1d(mid_lon),
            np.atleast_1d(mid_lat),
            np.atleast_1d(bearing),
            np.atleast_1d(distance),
            strict=True,
        ):
            if d > 0:
                out.append([round(float(x) * 1e5), round(float(y) * 1e5), round(float(b))])
    return out


def _display_lines(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Simplify lines without times for display, in metres, in a projection centred on them."""
    geometry = frame.geometry
    if frame.empty:
        return geometry
    no_times = frame["times"].map(lambda t: not isinstance(t, list)) if "times" in frame else True
    bounds = geometry.total_bounds
    crs = geodesy.theatre_crs([bounds[0], bounds[2]], [bounds[1], bounds[3]])
    projected = geometry.to_crs(crs).simplify(DISPLAY_TOLERANCE_M, preserve_topology=False)
    simplified = projected.to_crs("EPSG:4326")
    return geometry.where(~no_times, simplified) if not isinstance(no_times, bool) else simplified


# --- payload -----------------------------------------------------------------------------


class _Strings:
    """A string table: every distinct text is stored once in the page."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self.index: dict[str, int] = {}

    def __call__(self, value: str | None) -> int:
        if value is None:
            return -1
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


def _group_key(layer: str, row: Mapping[str, Any]) -> str:
    if layer == "assets":
        return f"assets:{row.get('category')}"
    if layer == "places" and symbols.is_historical(row.get("kind")):
        return "historical"
    return layer


def _symbol_url(layer: str, row: Mapping[str, Any]) -> str:
    if layer == "assets":
        return symbols.asset_symbol(
            str(row.get("category")), str(row.get("affiliation") or "friend")
        )
    if layer == "bases":
        return symbols.base_symbol()
    if layer == "strikes":
        return symbols.strike_symbol()
    return symbols.place_symbol(row.get("kind"))


def _colour(layer: str, row: Mapping[str, Any]) -> str:
    if layer == "assets":
        return AFFILIATION_COLOUR.get(str(row.get("affiliation")), AFFILIATION_COLOUR["unknown"])
    if layer == "places" and symbols.is_historical(row.get("kind")):
        return LAYER_COLOUR["historical"]
    return LAYER_COLOUR[layer]


def _epoch(value: Any) -> int | None:
    if _missing(value):
        return None
    return int(pd.Timestamp(value).timestamp())


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
    """Everything the page draws, as one JSON-ready dict (see :class:`geo.elements.MapData`)."""
    strings = _Strings()
    columns: dict[str, list[int]] = {field: [] for field, _ in FIELDS}
    symbol_urls: list[str] = []
    symbol_index: dict[str, int] = {}
    cols: dict[str, list[Any]] = {
        key: []
        for key in (
            "kind",
            "group",
            "lon",
            "lat",
            "symbol",
            "faded",
            "colour",
            "circle",
            "shape",
            "times",
            "arrows",
            "extras",
            "refs",
            "observed",
            "until",
            "entity",
        )
    }
    group_counts: dict[str, int] = {}
    point_total = sum(
        int((frame.geometry.geom_type == "Point").sum()) for frame in dataset.layers.values()
    )
    used_sources: set[str] = set()

    for layer, frame in dataset.layers.items():
        if frame.empty:
            continue
        known = set(known_fields(layer)) | {"layer", "source_refs", frame.geometry.name}
        extra_columns = [c for c in frame.columns if c not in known and not str(c).startswith("_")]
        display_geometry = _display_lines(frame) if layer == "tracks" else frame.geometry
        # Plain dicts: a pandas Series per row (iterrows) costs ten times more at 100k rows.
        records = frame.drop(columns=frame.geometry.name).to_dict("records")
        for row, geom in zip(records, display_geometry, strict=True):
            if geom is None or geom.is_empty:
                continue
            values = display_values(row, layer)
            for field, _ in FIELDS:
                columns[field].append(strings(values.get(field)))
            key = _group_key(layer, row)
            group_counts[key] = group_counts.get(key, 0) + 1
            cols["group"].append(key)
            faded = row.get("confidence") == "estimated" or row.get("reconstructed") is True
            cols["faded"].append(1 if faded else 0)
            colour = _colour(layer, row)
            cols["colour"].append(strings(colour))
            extras = []
            for column in extra_columns:
                text = _text(row.get(column))
                if text is not None:
                    extras.append([strings(str(column)), strings(text)])
            cols["extras"].append(extras)
            refs = [s for s in (row.get("sources") or []) if isinstance(s, str)]
            used_sources.update(refs)
            cols["refs"].append([strings(ref) for ref in refs])
            cols["observed"].append(_epoch(row.get("observed")))
            # Only an asset report ends at its `until`; strikes and tracks stay once they
            # happened, as in geo.selection.as_of without a window.
            cols["until"].append(_epoch(row.get("until")) if layer == "assets" else None)
            entity = row.get("entity") if not _missing(row.get("entity")) else row.get("id")
            cols["entity"].append(
                strings(str(entity)) if layer != "places" and layer != "bases" else -1
            )
            if geom.geom_type == "Point":
                url = _symbol_url(layer, row)
                if url not in symbol_index:
                    symbol_index[url] = len(symbol_urls)
                    symbol_urls.append(url)
                cols["kind"].append(0)
                cols["lon"].append(round(geom.x * 1e5))
                cols["lat"].append(round(geom.y * 1e5))
                cols["symbol"].append(symbol_index[url])
                cols["shape"].append(None)
                cols["times"].append(None)
                cols["arrows"].append(None)
                unc = row.get("uncertainty_km")
                circle: Any = None
                if show_uncertainty and not _missing(unc) and float(unc) > 0:
                    if point_total <= GEODESIC_CIRCLE_LIMIT:
                        ring = geodesy.geodesic_circle(geom.x, geom.y, float(unc), n=72)
                        circle = [encode_line(part) for part in _parts(ring)]
                    else:
                        circle = round(float(unc) * 1000)
                    group_counts["uncertainty"] = group_counts.get("uncertainty", 0) + 1
                cols["circle"].append(circle)
            else:
                parts = _parts(geom)
                cols["kind"].append(1 if layer == "tracks" else 2)
                cols["lon"].append(None)
                cols["lat"].append(None)
                cols["symbol"].append(None)
                cols["circle"].append(None)
                cols["shape"].append([encode_line(part) for part in parts])
                times = row.get("times")
                use_times = isinstance(times, list) and len(times) == sum(len(p) for p in parts)
                cols["times"].append(_times(times) if use_times else None)
                cols["arrows"].append(_arrows(parts) if layer == "tracks" else None)

    sources = {
        sid: {
            "title": str(record.get("title") or ""),
            "publisher": str(record.get("publisher") or ""),
            "published": str(record.get("published") or ""),
            "url": safe_url(record.get("url")),
        }
        for sid, record in dataset.sources.to_dict("index").items()
        if sid in used_sources
    }

    gap_fc = None
    gaps = gap_lines(dataset["tracks"])
    if not gaps.empty:
        gap_fc = _labelled(
            gaps,
            lambda r: (
                f"No signal for {float(r.get('gap_s', 0)) / 3600:.1f} h "
                f"({r.get('gap_reason', 'gap')}): the path in between is unknown"
            ),
        )
        group_counts["gaps"] = len(gaps)

    ring_fc = zone_fc = None
    if rings is not None and not rings.empty:
        ring_fc = _labelled(rings, lambda r: f"{r.get('name', '')}: {r.get('label', '')}")
        group_counts["rings"] = len(rings)
    if zones is not None and not zones.empty:
        order = {z: i for i, z in enumerate(dict.fromkeys(zones["zone"]))}
        zone_fc = _labelled(
            zones,
            lambda r: (
                f"{r.get('state', '')}: {r.get('zone', '')} (distance from the coast, "
                "not negotiated boundaries)"
            ),
            colour=lambda r: ZONE_COLOUR[order[r.get("zone")] % len(ZONE_COLOUR)],
        )
        group_counts["zones"] = len(zones)

    groups = []
    for key in _group_order():
        if key in group_counts:
            groups.append(
                {
                    "key": key,
                    "label": html_text(group_label(key, group_counts[key])),
                    "visible": True,
                }
            )

    tiles = basemaps.tile_spec(basemap)
    box = bounds or extent(dataset)
    land_bounds = None
    if box is not None:
        margin = 25.0
        land_bounds = (
            box[0] - margin,
            max(box[1] - margin, -90),
            box[2] + margin,
            min(box[3] + margin, 90),
        )
    return {
        "strings": strings.values,
        # Columns with no value at all are left out: the page reads a missing column as empty.
        "columns": {f: c for f, c in columns.items() if any(i >= 0 for i in c)},
        "fields": [[field, label] for field, label in FIELDS],
        "symbols": symbol_urls,
        "sources": sources,
        "groups": groups,
        "gaps": gap_fc,
        "rings": ring_fc,
        "zones": zone_fc,
        "tiles": tiles,
        "tiles_label": html_text(f"{basemap.capitalize()} tiles (online)") if tiles else None,
        "land": basemaps.offline_land(land_bounds),
        "land_label": html_text("Offline map (Natural Earth 1:10m)"),
        "sea": basemaps.SEA_COLOUR[basemap],
        "offline_sea": basemaps.SEA_COLOUR[basemaps.OFFLINE],
        "bounds": [[box[1], box[0]], [box[3], box[2]]] if box else None,
        "collapsed": True,
        "timeline": timeline,
        **cols,
    }


def _labelled(frame: gpd.GeoDataFrame, label: Any, colour: Any = None) -> dict[str, Any]:
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


def _group_order() -> list[str]:
    return [
        "bases",
        *[f"assets:{c}" for c in CATEGORIES],
        "tracks",
        "gaps",
        "strikes",
        "places",
        "historical",
        "uncertainty",
        "rings",
        "zones",
    ]


def group_label(key: str, count: int) -> str:
    """The layer-control name of a group, with its feature count."""
    if key.startswith("assets:"):
        category = key.split(":", 1)[1]
        return f"Assets: {CATEGORY_LABELS.get(category, category)} ({count})"
    return f"{GROUP_LABELS.get(key, key)} ({count})"


# --- legend, title -------------------------------------------------------------------------


def _img(url: str) -> str:
    return f'<img src="{html_text(url)}" alt="">'


def _line_key(colour: str, dashed: bool = False, faded: bool = False) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    opacity = "0.6" if faded else "0.95"
    return (
        f'<svg width="28" height="10"><line x1="1" y1="5" x2="27" y2="5" stroke="{colour}" '
        f'stroke-width="2.6" stroke-opacity="{opacity}"{dash}/></svg>'
    )


def _circle_key(colour: str, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="3 3"' if dashed else ""
    return (
        f'<svg width="22" height="22"><circle cx="11" cy="11" r="9" fill="{colour}" '
        f'fill-opacity="0.1" stroke="{colour}" stroke-width="1.3"{dash}/></svg>'
    )


def legend_entries(
    dataset: Dataset, rings: Any = None, zones: Any = None, show_uncertainty: bool = True
) -> list[tuple[str, str]]:
    """(escaped label, key HTML) for every kind of symbol and style actually on the map."""
    entries: list[tuple[str, str]] = []
    if not dataset["bases"].empty:
        entries.append(("Base", _img(symbols.base_symbol())))
    assets = dataset["assets"]
    if not assets.empty:
        pairs = assets[["category", "affiliation"]].drop_duplicates()
        order = {c: i for i, c in enumerate(CATEGORIES)}
        for category, affiliation in sorted(
            pairs.itertuples(index=False), key=lambda p: (order.get(p[0], 99), str(p[1]))
        ):
            label = f"{CATEGORY_LABELS.get(category, category).capitalize()} ({affiliation})"
            entries.append((html_text(label), _img(symbols.asset_symbol(category, affiliation))))
    if not dataset["strikes"].empty:
        entries.append(("Strike site", _img(symbols.strike_symbol())))
    places = dataset["places"]
    if not places.empty:
        kinds = {
            (
                "Historical operation"
                if symbols.is_historical(k)
                else "Airport"
                if "air" in str(k).lower()
                else "City / place"
            ): symbols.place_symbol(k)
            for k in places["kind"]
        }
        for label, url in kinds.items():
            entries.append((label, _img(url)))
    tracks = dataset["tracks"]
    if not tracks.empty:
        faded = (tracks["confidence"] == "estimated") | (tracks.get("reconstructed") == True)  # noqa: E712
        if (~faded).any():
            entries.append(("Track (direction arrows)", _line_key(LAYER_COLOUR["tracks"])))
        if faded.any():
            entries.append(
                (
                    "Track, reconstructed or estimated",
                    _line_key(LAYER_COLOUR["tracks"], dashed=True, faded=True),
                )
            )
    if not gap_lines(tracks).empty:
        entries.append(("Track gap: no signal, path unknown", _line_key("#868e96", dashed=True)))
    points = [f for f in dataset.layers.values() if "uncertainty_km" in f and not f.empty]
    if show_uncertainty and any((pd.to_numeric(f["uncertainty_km"]) > 0).any() for f in points):
        entries.append(("Uncertainty circle (geodesic radius)", _circle_key("#1c7ed6")))
        entries.append(("Estimated: faded, dashed", _circle_key("#1c7ed6", dashed=True)))
    if rings is not None and not rings.empty:
        entries.append(("Range ring (nominal range)", _line_key("#d6336c", dashed=True)))
    if zones is not None and not zones.empty:
        for i, zone in enumerate(dict.fromkeys(zones["zone"])):
            entries.append((html_text(str(zone)), _circle_key(ZONE_COLOUR[i % len(ZONE_COLOUR)])))
    return entries


def source_line(dataset: Dataset, limit: int = 3) -> str:
    """'Sources: publisher, title (date); ...' for the sources the shown features cite."""
    cited: dict[str, int] = {}
    for frame in dataset.layers.values():
        for refs in frame.get("sources", pd.Series(dtype=object)):
            for ref in refs or []:
                cited[ref] = cited.get(ref, 0) + 1
    names = []
    for sid in sorted(cited, key=lambda s: -cited[s]):
        if sid in dataset.sources.index:
            record = dataset.sources.loc[sid]
            title = str(record["title"])
            title = title if len(title) <= 60 else title[:57].rstrip() + "..."
            names.append(f"{title} ({record['publisher']}, {record['published']})")
    if not names:
        return "Sources: none cited"
    more = f"; and {len(names) - limit} more" if len(names) > limit else ""
    return "Sources: " + "; ".join(names[:limit]) + more


def as_of_text(as_of: date | None, since: date | None = None) -> str:
    """'As of 23 October 2025', with the strike/track window when there is one."""
    if as_of is None:
        return "All dates"
    text = f"As of {as_of.day} {as_of.strftime('%B %Y')}"
    if since is not None:
        text += f" · strikes and tracks since {since.day} {since.strftime('%B %Y')}"
    return text


# --- the map ------------------------------------------------------------------------------------


def build_map(
    dataset: Dataset,
    *,
    as_of: date | None = None,
    since: date | None = None,
    title: str | None = None,
    basemap: str = "light",
    rings: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    show_uncertainty: bool = True,
    bounds: tuple[float, float, float, float] | None = None,
    timeline: bool = False,
    caveat: str = CAVEAT,
    legend: bool = True,
    title_block: bool = True,
) -> folium.Map:
    """Build the layered map of ``dataset``.

    Parameters
    ----------
    dataset : Dataset
        Usually already selected with :func:`geo.selection.as_of`; with ``timeline`` the
        whole data set, which the page's time slider then selects from.
    as_of, since : date, optional
        Shown in the title block (and the timeline's starting point).
    title : str, optional
        Title text (escaped); a generic title by default.
    basemap : str
        One of :data:`geo.basemaps.BASEMAPS`; ``offline`` needs no network. The offline
        map is always offered as an alternative in the layer control.
    rings, zones : GeoDataFrame, optional
        From :func:`geo.analysis.range_rings` and :func:`geo.zones.zone_bands`.
    show_uncertainty : bool
        Draw uncertainty circles.
    bounds : (west, south, east, north), optional
        The initial view; default the features' extent.
    timeline : bool
        Add a time slider and play button.
    caveat : str
        The caveat line.
    legend, title_block : bool
        Include the legend and the title block.

    Returns
    -------
    folium.Map
        Uses Leaflet only (no jQuery, Bootstrap or icon fonts). Export it with
        :func:`geo.export.html_document`; in Streamlit use
        :func:`geo.webassets.use_local_assets`.

    Raises
    ------
    ValueError
        For an unknown basemap.
    """
    timeline_spec = None
    if timeline:
        timeline_spec = _timeline_spec(dataset, as_of)
    payload = build_payload(
        dataset,
        basemap=basemap,
        rings=rings,
        zones=zones,
        show_uncertainty=show_uncertainty,
        bounds=bounds,
        timeline=timeline_spec,
    )
    fmap = folium.Map(
        location=[15, -70], zoom_start=4, tiles=None, prefer_canvas=True, control_scale=False
    )
    fmap.default_js = [("leaflet", "leaflet.js")]
    fmap.default_css = [("leaflet_css", "leaflet.css")]
    fmap.add_child(PageStyle())
    fmap.add_child(MapData(payload))
    if title_block:
        fmap.add_child(
            TitleBlock(
                title=html_text(title or DEFAULT_TITLE),
                as_of=html_text(
                    _timeline_text(timeline_spec) if timeline else as_of_text(as_of, since)
                ),
                sources=html_text(source_line(dataset)),
                caveat=html_text(caveat),
            )
        )
    if legend:
        fmap.add_child(Legend(legend_entries(dataset, rings, zones, show_uncertainty)))
    fmap.add_child(ScaleBar())
    fmap.posturemap_bounds = payload["bounds"]  # for callers that frame a view (PNG export)
    return fmap


def _timeline_text(spec: dict[str, int] | None) -> str:
    if spec is None:
        return "Timeline: no dated features"
    first = datetime.fromtimestamp(spec["start"] - 86400, tz=timezone.utc).date()
    last = datetime.fromtimestamp(spec["end"] - 86400, tz=timezone.utc).date()
    return f"Timeline {first.isoformat()} to {last.isoformat()}: press play or move the slider"


def _timeline_spec(dataset: Dataset, as_of: date | None) -> dict[str, int] | None:
    stamps = []
    for layer in ("assets", "tracks", "strikes"):
        frame = dataset[layer]
        for column in ("observed", "until"):
            if column in frame and not frame.empty:
                stamps.extend(t for t in frame[column].dropna())
    if not stamps:
        return None
    first, last = min(stamps).date(), max(stamps).date()

    def end_of(day: date) -> int:
        return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()) + 86400

    now = as_of or last
    return {
        "start": end_of(first),
        "end": end_of(last),
        "now": end_of(min(max(now, first), last)),
        "step_ms": 400,
    }

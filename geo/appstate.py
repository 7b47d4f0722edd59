"""The Streamlit app's state, kept out of ``app.py`` so that it can be tested without Streamlit.

What lives here: the user's choices as one value (:class:`ViewState`), their round
trip through URL query parameters and through the widgets, the selection of what is
in view, turning a map click into a feature id, and the session bookkeeping that
keeps the map's view while the user explores. What the page shows from the data is
in :mod:`geo.appview`. No Streamlit and no folium: plain values in and out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo import io, schema, selection
from geo.basemaps import BASEMAPS
from geo.io import Dataset
from geo.schema import LAYERS

WINDOWS: tuple[int | None, ...] = (None, 1, 7, 30, 90)
"""Date windows offered for strikes and tracks, in days ending on the as-of date."""

NONE = ""
"""What a single-choice widget holds for "none" (Streamlit shows a None value as unset)."""

WINDOW_CHOICES: tuple[int, ...] = tuple(w or 0 for w in WINDOWS)
"""The window widget's options: 0 stands for no window."""

DEFAULT_PLACE = "caracas"
"""The place distances are measured to unless the user picks another."""

LAYER_LABELS = {
    "bases": "Bases",
    "assets": "Assets",
    "tracks": "Tracks",
    "strikes": "Strikes",
    "places": "Places",
}

# Columns of the "features in view" table, in order; analysis columns follow when present.


@dataclass(frozen=True)
class ViewState:
    """Everything the user chose, as one value that a URL can carry.

    Attributes
    ----------
    as_of : date or None
        The as-of date; None means the latest date in the data.
    window : int or None
        Days (ending on ``as_of``) of strikes and tracks to show; None shows all before it.
    layers, categories, affiliations, confidences : tuple of str or None
        Filters; None keeps everything, an empty tuple keeps nothing.
    basemap : str
        One of :data:`BASEMAPS`.
    uncertainty : bool
        Draw the uncertainty circles.
    ring_origin : str or None
        Id of the base or asset range rings are drawn around.
    ring_nm : float or None
        Ring radius in nautical miles; None means the asset's nominal ranges.
    zone_state : str or None
        ISO A3 code of the state whose maritime zones are drawn.
    to : str
        Id of the place distances are measured to.
    selected : str or None
        Id of the feature whose details are shown.
    center : tuple of float or None
        Map centre (lat, lon) when the user has moved the map.
    zoom : int or None
        Map zoom when the user has moved the map.
    timeline : bool
        Give the map a time slider and play button that replay the build-up; the map then
        holds every dated report (filtered, not as-of selected), starting at ``as_of``.
    """

    as_of: date | None = None
    window: int | None = None
    layers: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    affiliations: tuple[str, ...] | None = None
    confidences: tuple[str, ...] | None = None
    basemap: str = "light"
    uncertainty: bool = True
    ring_origin: str | None = None
    ring_nm: float | None = None
    zone_state: str | None = None
    to: str = DEFAULT_PLACE
    selected: str | None = None
    center: tuple[float, float] | None = None
    zoom: int | None = None
    timeline: bool = False

    @property
    def since(self) -> date | None:
        """First day of the window, or None when the whole history is shown."""
        return window_start(self.as_of, self.window)


CHOICES: dict[str, tuple[str, ...]] = {
    "layers": LAYERS,
    "categories": schema.CATEGORIES,
    "affiliations": schema.AFFILIATIONS,
    "confidences": schema.CONFIDENCE,
}
"""The options of each multiple-choice filter."""

# Short query parameter names keep shared links readable.
_PARAM = {
    "as_of": "date",
    "window": "window",
    "layers": "layers",
    "categories": "cat",
    "affiliations": "aff",
    "confidences": "conf",
    "basemap": "basemap",
    "uncertainty": "unc",
    "ring_origin": "ring",
    "ring_nm": "ring_nm",
    "zone_state": "zone",
    "to": "to",
    "selected": "sel",
    "view": "view",
    "timeline": "play",
}


def window_start(as_of: date | None, window: int | None) -> date | None:
    """Return the first day of a window of ``window`` days ending on ``as_of`` (inclusive).

    Examples
    --------
    >>> window_start(date(2025, 10, 7), 7)
    datetime.date(2025, 10, 1)
    """
    if as_of is None or window is None:
        return None
    return as_of - timedelta(days=window - 1)


def normalise_choice(
    chosen: Iterable[str] | None, options: Sequence[str]
) -> tuple[str, ...] | None:
    """Turn a multiselect value into a filter: None when every option is chosen.

    Unknown values are dropped and the options' order is kept, so that equal
    choices give equal states (and equal URLs).
    """
    if chosen is None:
        return None
    picked = set(chosen)
    kept = tuple(option for option in options if option in picked)
    return None if len(kept) == len(options) else kept


# --- query parameters ---------------------------------------------------------------


def _first(value: str | Sequence[str] | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value[-1] if value else None


def _nearest_day(text: str, days: Sequence[date]) -> date | None:
    """Parse an ISO date and snap it to the latest data date on or before it."""
    try:
        wanted = selection.to_day(text)
    except ValueError:
        return None
    if not days:
        return wanted
    earlier = [day for day in days if day <= wanted]
    return earlier[-1] if earlier else days[0]


def _float(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def decode_query(
    params: Mapping[str, str | Sequence[str]],
    days: Sequence[date] = (),
    ids: Iterable[str] | None = None,
    origins: Iterable[str] | None = None,
) -> ViewState:
    """Read a :class:`ViewState` from URL query parameters, ignoring anything invalid.

    A shared link must never break the app: unknown values are dropped, a date is
    snapped to the data's dates, a feature id that is not in the data is ignored.

    Parameters
    ----------
    params : mapping
        ``st.query_params.to_dict()`` (or lists of values per key).
    days : sequence of date
        The data's dates, sorted (``geo.selection.dates_in``).
    ids : iterable of str, optional
        Feature ids in the data; when given, ``to`` and ``sel`` must be among them.
    origins : iterable of str, optional
        What range rings can be drawn around (base ids, asset entities and ids); when
        given, ``ring`` must be among them (else among ``ids``).

    Returns
    -------
    ViewState
    """
    get = {name: _first(params.get(param)) for name, param in _PARAM.items()}
    known = set(ids) if ids is not None else None
    ring_keys = set(origins) if origins is not None else known

    def feature_id(text: str | None, allowed: set[str] | None = known) -> str | None:
        if not text or (allowed is not None and text not in allowed):
            return None
        return text

    state = ViewState()
    if get["as_of"]:
        day = _nearest_day(get["as_of"], days)
        if day is not None and (not days or day != days[-1]):
            state = replace(state, as_of=day)
    window = get["window"]
    if window and window.isdigit() and int(window) in WINDOWS:
        state = replace(state, window=int(window))
    for name, options in CHOICES.items():
        text = get[name]
        if text is not None:
            values = [v for v in text.split(",") if v]
            state = replace(state, **{name: normalise_choice(values, options)})
    if get["basemap"] in BASEMAPS:
        state = replace(state, basemap=get["basemap"])
    if get["uncertainty"] in ("0", "1"):
        state = replace(state, uncertainty=get["uncertainty"] == "1")
    if get["timeline"] in ("0", "1"):
        state = replace(state, timeline=get["timeline"] == "1")
    state = replace(state, ring_origin=feature_id(get["ring_origin"], ring_keys))
    ring_nm = _float(get["ring_nm"])
    if ring_nm is not None and 0 < ring_nm <= 12_000:
        state = replace(state, ring_nm=ring_nm)
    zone = (get["zone_state"] or "").upper()
    if len(zone) == 3 and zone.isalpha():
        state = replace(state, zone_state=zone)
    state = replace(state, to=feature_id(get["to"]) or DEFAULT_PLACE)
    state = replace(state, selected=feature_id(get["selected"]))
    view = (get["view"] or "").split(",")
    if len(view) == 3:
        lat, lon, zoom = (_float(v) for v in view)
        if lat is not None and lon is not None and zoom is not None and abs(lat) <= 90:
            state = replace(state, center=(lat, lon), zoom=int(min(max(zoom, 0), 20)))
    return state


def encode_query(state: ViewState) -> dict[str, str]:
    """Write a :class:`ViewState` as URL query parameters, leaving out defaults.

    ``decode_query(encode_query(s))`` gives ``s`` back (for dates that are in the data).
    """
    out: dict[str, str] = {}
    default = ViewState()
    if state.as_of is not None:
        out["date"] = state.as_of.isoformat()
    if state.window is not None:
        out["window"] = str(state.window)
    for name in CHOICES:
        value = getattr(state, name)
        if value is not None:
            out[_PARAM[name]] = ",".join(value)
    if state.basemap != default.basemap:
        out["basemap"] = state.basemap
    if not state.uncertainty:
        out["unc"] = "0"
    if state.timeline:
        out["play"] = "1"
    if state.ring_origin:
        out["ring"] = state.ring_origin
    if state.ring_nm is not None:
        out["ring_nm"] = f"{state.ring_nm:g}"
    if state.zone_state:
        out["zone"] = state.zone_state
    if state.to != DEFAULT_PLACE:
        out["to"] = state.to
    if state.selected:
        out["sel"] = state.selected
    if state.center is not None and state.zoom is not None:
        lat, lon = state.center
        out["view"] = f"{lat:.4f},{lon:.4f},{state.zoom}"
    return out


# --- widgets ---------------------------------------------------------------------------

WIDGET_KEYS = (
    "as_of",
    "window",
    "layers",
    "categories",
    "affiliations",
    "confidences",
    "basemap",
    "uncertainty",
    "timeline",
    "ring_origin",
    "ring_mode",
    "ring_nm",
    "zone_state",
    "to",
)
"""Session-state keys of the app's widgets, one per choice (``ring_mode`` picks nominal/custom)."""

DEFAULT_RING_NM = 500.0


def widget_values(state: ViewState, days: Sequence[date]) -> dict[str, Any]:
    """The widget values that show ``state`` (to seed ``st.session_state``).

    Multiselects get lists (every option when the filter is off); the as-of
    slider gets a date from ``days`` (the latest when ``state.as_of`` is None).
    """
    as_of = state.as_of if state.as_of in days else (days[-1] if days else None)
    values: dict[str, Any] = {
        "as_of": as_of,
        "window": state.window or 0,
        "basemap": state.basemap,
        "uncertainty": state.uncertainty,
        "timeline": state.timeline,
        "ring_origin": state.ring_origin or NONE,
        "ring_mode": "nominal" if state.ring_nm is None else "custom",
        "ring_nm": state.ring_nm if state.ring_nm is not None else DEFAULT_RING_NM,
        "zone_state": state.zone_state or NONE,
        "to": state.to,
    }
    for name, options in CHOICES.items():
        chosen = getattr(state, name)
        values[name] = list(options if chosen is None else chosen)
    return values


def state_from_widgets(
    values: Mapping[str, Any],
    days: Sequence[date],
    selected: str | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> ViewState:
    """Build the :class:`ViewState` from widget values (the inverse of :func:`widget_values`).

    The latest data date becomes ``as_of=None`` so that a shared link follows new data;
    :data:`NONE` and a window of 0 become None.
    """
    as_of = values.get("as_of")
    if days and as_of == days[-1]:
        as_of = None
    window = values.get("window")
    basemap = values.get("basemap")
    ring_nm = values.get("ring_nm") if values.get("ring_mode") == "custom" else None
    return ViewState(
        as_of=as_of,
        window=window if window and window in WINDOWS else None,
        basemap=basemap if basemap in BASEMAPS else "light",
        uncertainty=bool(values.get("uncertainty", True)),
        timeline=bool(values.get("timeline", False)),
        ring_origin=values.get("ring_origin") or None,
        ring_nm=float(ring_nm) if ring_nm else None,
        zone_state=values.get("zone_state") or None,
        to=values.get("to") or DEFAULT_PLACE,
        selected=selected or None,
        center=center,
        zoom=zoom,
        **{name: normalise_choice(values.get(name), options) for name, options in CHOICES.items()},
    )


def map_view(returned: Mapping[str, Any] | None) -> tuple[tuple[float, float] | None, int | None]:
    """The centre (lat, lon, rounded to 4 decimals) and zoom in ``st_folium``'s return value.

    Rounding makes the value a fixed point: passing it back to the map moves it
    by less than 10 m, and the map then reports the same rounded view.
    """
    if not returned:
        return None, None
    center, zoom = returned.get("center"), returned.get("zoom")
    if not isinstance(center, Mapping) or zoom is None:
        return None, None
    try:
        lat, lng = round(float(center["lat"]), 4), round(float(center["lng"]), 4)
    except (KeyError, TypeError, ValueError):
        return None, None
    return (lat, lng), int(zoom)


def map_bounds(returned: Mapping[str, Any] | None) -> tuple[float, float, float, float] | None:
    """The visible map area (west, south, east, north) in ``st_folium``'s return value."""
    bounds = (returned or {}).get("bounds")
    try:
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]
        box = (
            float(south_west["lng"]),
            float(south_west["lat"]),
            float(north_east["lng"]),
            float(north_east["lat"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
    usable = all(math.isfinite(v) for v in box) and box[0] < box[2] and box[1] < box[3]
    return box if usable else None


# --- selection ----------------------------------------------------------------------


def effective_date(state: ViewState, dataset: Dataset) -> date | None:
    """The as-of date in force: the chosen one, else the latest date in the data."""
    return state.as_of if state.as_of is not None else selection.latest_date(dataset)


def filtered(dataset: Dataset, state: ViewState) -> Dataset:
    """Apply the layer, category, affiliation and confidence filters (not the date)."""
    return selection.filter_layers(
        dataset,
        layers=state.layers,
        categories=state.categories,
        affiliations=state.affiliations,
        confidences=state.confidences,
    )


def in_view(dataset: Dataset, state: ViewState) -> Dataset:
    """What the map shows: the filters, then the as-of date and window."""
    day = effective_date(state, dataset)
    return selection.as_of(filtered(dataset, state), day, window_start(day, state.window))


def on_map(dataset: Dataset, state: ViewState, view: Dataset) -> Dataset:
    """What the map is given: ``view`` (:func:`in_view`), or with the timeline the filtered data.

    With ``state.timeline`` the page's time slider selects by date itself (the same rule as
    :func:`geo.selection.as_of`), so the map needs every report, not one date's; the
    figures, table and details still follow ``view``.
    """
    return filtered(dataset, state) if state.timeline else view


def all_features(dataset: Dataset) -> gpd.GeoDataFrame:
    """Every feature of every layer in one GeoDataFrame (EPSG:4326), ``layer`` column kept."""
    frames = [frame for frame in dataset.layers.values() if len(frame)]
    if not frames:
        return gpd.GeoDataFrame({"layer": [], "id": [], "name": []}, geometry=[], crs=io.CRS)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=io.CRS)


# --- clicks ---------------------------------------------------------------------------


def click_signature(returned: Mapping[str, Any] | None) -> str | None:
    """A fingerprint of the last click in ``st_folium``'s return value, None if no click.

    The component keeps returning its last click on every rerun; comparing
    fingerprints tells a new click from an old one.
    """
    if not returned:
        return None
    clicked = {
        key: returned.get(key)
        for key in ("last_object_clicked", "last_active_drawing", "last_object_clicked_tooltip")
    }
    if clicked["last_object_clicked"] is None:
        return None
    return json.dumps(clicked, sort_keys=True, default=str)


def metres_per_pixel(lat: float, zoom: float) -> float:
    """Ground size of a Web Mercator screen pixel at ``lat`` and ``zoom``."""
    return 156_543.034 * math.cos(math.radians(lat)) / 2**zoom


def clicked_feature_id(
    returned: Mapping[str, Any] | None,
    features: gpd.GeoDataFrame,
    tolerance_px: float = 30.0,
) -> str | None:
    """Turn ``st_folium``'s return value into the id of the clicked feature.

    The clicked layer's GeoJSON (``last_active_drawing``) names the feature when
    the map draws features as GeoJSON with an ``id`` property. Otherwise the
    click position is matched to the nearest feature on screen, preferring
    features whose name is in the clicked tooltip.

    Parameters
    ----------
    returned : mapping or None
        What ``st_folium`` returned.
    features : GeoDataFrame
        The features on the map (:func:`all_features` of the view), EPSG:4326.
    tolerance_px : float
        How far (in screen pixels at the returned zoom) a click may be from a
        feature without a tooltip match.

    Returns
    -------
    str or None
    """
    if not returned or features.empty:
        return None
    ids = set(features["id"])
    drawing = returned.get("last_active_drawing")
    if isinstance(drawing, Mapping):
        fid = (drawing.get("properties") or {}).get("id")
        if isinstance(fid, str) and fid in ids:
            return fid
    click = returned.get("last_object_clicked")
    if not isinstance(click, Mapping) or click.get("lat") is None or click.get("lng") is None:
        return None
    lat, lng = float(click["lat"]), float(click["lng"])
    # A local equirectangular frame in metres: enough to rank what is near a click.
    scale = math.cos(math.radians(lat))
    here = shapely.Point(lng * scale * 111_320.0, lat * 110_574.0)
    local = features.geometry.apply(
        lambda g: shapely.transform(g, lambda xy: xy * [scale * 111_320.0, 110_574.0])
    )
    distances = pd.Series(shapely.distance(here, local.values), index=features.index)
    tooltip = returned.get("last_object_clicked_tooltip")
    # streamlit-folium reports a tooltip built from DOM nodes as "[object ...]".
    if isinstance(tooltip, str) and tooltip.strip() and not tooltip.startswith("[object "):
        named = features["name"].astype(str).apply(lambda n: bool(n) and n in tooltip)
        if named.any():
            return str(features.loc[distances[named].idxmin(), "id"])
    zoom = returned.get("zoom")
    limit = tolerance_px * metres_per_pixel(lat, float(zoom) if zoom is not None else 5.0)
    nearest = distances.idxmin()
    return str(features.loc[nearest, "id"]) if distances[nearest] <= limit else None


# --- the view -------------------------------------------------------------------------


def replace_date(state: ViewState, day: date | None) -> ViewState:
    """``state`` at another as-of date (for the change since the previous data date)."""
    return replace(state, as_of=day)


def map_identity(state: ViewState, data_key: str) -> str:
    """What the drawn map depends on: the data and every choice but the view and selection.

    When it changes the map component is rebuilt, and only then must the app hand
    it the view to restore; passing back the view the map itself reported would
    make it jump back while the user is still moving it.
    """
    drawn = replace(state, center=None, zoom=None, selected=None)
    return data_key + "?" + "&".join(f"{k}={v}" for k, v in sorted(encode_query(drawn).items()))


# --- the session: what the map and the table reported ---------------------------------------
# These work on ``st.session_state`` (any mutable mapping), so that app.py stays a list of
# Streamlit calls and the bookkeeping can be tested with a dict.


def take_map_report(
    session: MutableMapping[str, Any],
    returned: Mapping[str, Any] | None,
    features: gpd.GeoDataFrame,
) -> None:
    """Apply the map's latest report: remember the view, select a newly clicked feature.

    ``session`` keys used: ``_view`` (centre, zoom), ``_click`` (last click's
    fingerprint) and ``selected`` (the selected feature id).
    """
    center, zoom = map_view(returned)
    if center is not None:
        session["_view"] = (center, zoom)
    signature = click_signature(returned)
    if signature is not None and signature != session.get("_click"):
        clicked = clicked_feature_id(returned, features)
        if clicked is not None:
            session["selected"] = clicked
    session["_click"] = signature


def take_table_selection(
    session: MutableMapping[str, Any], rows: Sequence[int], table: pd.DataFrame
) -> None:
    """Select the feature of a newly selected table row (``_table_rows`` remembers the last)."""
    rows = list(rows)
    if rows and rows != session.get("_table_rows") and 0 <= rows[0] < len(table):
        session["selected"] = str(table.iloc[rows[0]]["id"])
    session["_table_rows"] = rows


def view_to_restore(
    session: MutableMapping[str, Any], identity: str
) -> tuple[tuple[float, float] | None, int | None]:
    """The centre and zoom to hand the map: the last view when the map is rebuilt, else as before.

    See :func:`map_identity`: between rebuilds the same value is handed over and over,
    which the map component ignores, so that it never jumps back while being moved.
    """
    if session.get("_map_identity") != identity:
        session["_restore"] = session.get("_view", (None, None))
        session["_map_identity"] = identity
    return session.get("_restore", (None, None))


def previous_date(days: Sequence[date], day: date | None) -> date | None:
    """The data date before ``day`` (what the figures' changes compare with), or None."""
    earlier = [d for d in days if day is not None and d < day]
    return earlier[-1] if earlier else None


def fit_view(
    bounds: tuple[float, float, float, float] | None,
    width_px: int = 760,
    height_px: int = 640,
    padding_px: int = 24,
    max_zoom: int = 9,
) -> tuple[tuple[float, float] | None, int | None]:
    """The Web Mercator centre (lat, lon) and whole zoom that show ``bounds`` on a map.

    The map component is drawn before its frame has a size, so it cannot fit
    its features itself; the app hands it this view instead.

    Parameters
    ----------
    bounds : (west, south, east, north) or None
        Degrees; None gives (None, None).
    width_px, height_px : int
        Expected map size in CSS pixels.
    padding_px : int
        Margin kept free on every side.
    max_zoom : int
        Zoom used for a single point or a tiny area.
    """
    if bounds is None:
        return None, None
    west, south, east, north = bounds

    def mercator_y(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(east - west, 1e-9) / 360.0
    span_y = max(mercator_y(north) - mercator_y(south), 1e-9) / (2 * math.pi)
    zoom_x = math.log2((width_px - 2 * padding_px) / 256.0 / span_x)
    zoom_y = math.log2((height_px - 2 * padding_px) / 256.0 / span_y)
    zoom = int(max(1, min(max_zoom, math.floor(min(zoom_x, zoom_y)))))
    mid_y = (mercator_y(north) + mercator_y(south)) / 2
    lat = math.degrees(2 * math.atan(math.exp(mid_y)) - math.pi / 2)
    return (round(lat, 4), round((west + east) / 2, 4)), zoom

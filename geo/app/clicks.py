"""What the app's map and table report back, and which view to hand the map.

``st_folium`` returns the map's view, bounds and last click on every rerun, and the
table its selected rows; here they become a view to remember and a selected feature
id, kept in ``st.session_state`` (any mutable mapping, so that the bookkeeping can be
tested with a dict). Also the view to give the map when it is rebuilt. No Streamlit
and no folium: plain values in and out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import replace
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo.app.state import ViewState, encode_query

# --- the map's report ------------------------------------------------------------------


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


def same_view(
    a: tuple[tuple[float, float] | None, int | None] | None,
    b: tuple[tuple[float, float] | None, int | None] | None,
    pixels: float = 2.0,
) -> bool:
    """Whether two (centre, zoom) views are the same zoom and centres within ``pixels``.

    The map reports the centre it is drawn at, rounded to its pixels, not the one handed.
    """
    if not a or not b or a[0] is None or b[0] is None or a[1] is None or a[1] != b[1]:
        return False
    degrees = pixels * 360.0 / (256 * 2 ** a[1])  # per pixel at the equator; less elsewhere
    return abs(a[0][0] - b[0][0]) <= degrees and abs(a[0][1] - b[0][1]) <= degrees


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
        The features on the map (:func:`geo.app.view.all_features` of the view), EPSG:4326.
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


# --- the session: what the map and the table reported ---------------------------------------
# These work on ``st.session_state`` (any mutable mapping), so that app.py stays a list of
# Streamlit calls and the bookkeeping can be tested with a dict.


def take_map_report(
    session: MutableMapping[str, Any],
    returned: Mapping[str, Any] | None,
    features: gpd.GeoDataFrame,
) -> None:
    """Apply the map's latest report: remember the view, select a newly clicked feature.

    ``session`` keys used: ``_view`` (centre, zoom), ``_handed`` (the view the app last
    handed the map), ``_click`` (last click's fingerprint) and ``selected`` (the selected
    feature id).
    """
    center, zoom = map_view(returned)
    # The map reporting the view the app handed it (its automatic frame, or a restored view)
    # is no move: only a view the user moved to is theirs, to keep and to put in the link.
    if center is not None and not same_view((center, zoom), session.get("_handed")):
        session["_view"] = (center, zoom)
    # A run can be cut short by the next report (the popup's pan, say) before the page has
    # drawn the selection; the click's choice stands until a whole run has shown it.
    pending = session.get("_click_target")
    if pending is not None and session.get("selected") != pending:
        session["selected"] = pending
    signature = click_signature(returned)
    if signature is not None and signature != session.get("_click"):
        clicked = clicked_feature_id(returned, features)
        if clicked is not None:
            session["selected"] = clicked
            session["_click_target"] = clicked
    session["_click"] = signature


def click_shown(session: MutableMapping[str, Any]) -> None:
    """Call once the page has drawn the selection: the last click's choice is then settled."""
    session.pop("_click_target", None)


def take_table_selection(
    session: MutableMapping[str, Any], rows: Sequence[int], table: pd.DataFrame
) -> None:
    """Select the feature of a newly selected table row (``_table_rows`` remembers the last)."""
    rows = list(rows)
    if rows and rows != session.get("_table_rows") and 0 <= rows[0] < len(table):
        session["selected"] = str(table.iloc[rows[0]]["id"])
    session["_table_rows"] = rows


# --- the view to hand the map ---------------------------------------------------------


def map_identity(state: ViewState, data_key: str) -> str:
    """What the drawn map depends on: the data and every choice but the view and selection.

    When it changes the map component is rebuilt, and only then must the app hand
    it the view to restore; passing back the view the map itself reported would
    make it jump back while the user is still moving it.
    """
    drawn = replace(state, center=None, zoom=None, selected=None)
    return data_key + "?" + "&".join(f"{k}={v}" for k, v in sorted(encode_query(drawn).items()))


def view_identity(state: ViewState, data_key: str) -> str:
    """What is in view depends on: the data, the date, the window, the filters, the timeline.

    The key of what :func:`geo.app.view.in_view` selects (and of its figures and table):
    the basemap, circles, rings, zones or compare date change the map, not what is in view.
    """
    chosen = ViewState(
        as_of=state.as_of,
        window=state.window,
        layers=state.layers,
        categories=state.categories,
        affiliations=state.affiliations,
        confidences=state.confidences,
        groups=state.groups,
        timeline=state.timeline,
    )
    return map_identity(chosen, data_key)


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

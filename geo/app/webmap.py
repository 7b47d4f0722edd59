"""The app's map glue: the folium map of a view, the selection highlight, exports, assets.

The Streamlit app (``app.py``) draws the map of ``geo.web.maps.build_map`` with
``streamlit-folium``. Three things here make that work offline and keep the view
steady while the user explores:

- :func:`geo.app.served.publish_assets` copies Leaflet and the page's own scripts and
  styles under ``static/`` (served by Streamlit at ``/app/static/``), with the offline land
  (:func:`geo.app.served.land_publisher`), and :func:`view_map` points the map's script and
  style links there, so the component iframe needs no network;
- :func:`highlight` draws the selected feature as a separate feature group, which
  ``st_folium`` adds to the map in place (``feature_group_to_add``): a click does not
  reload the map;
- :data:`RETURNED_OBJECTS` limits what the map reports back (clicks and the view).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from geo.analysis.geodesy import KM_PER_NM
from geo.app import clicks, overlays
from geo.app import state as app_state
from geo.app import view as app_view
from geo.app.state import ViewState
from geo.data.reading import Dataset
from geo.slides import errors, render
from geo.slides.decorations import DEFAULT_TITLE
from geo.web import assets
from geo.web.escape import script_json
from geo.web.export import html_document
from geo.web.framing import extent, frame_features
from geo.web.maps import CAVEAT, build_map

RETURNED_OBJECTS = [
    "last_object_clicked",
    "last_active_drawing",
    "last_object_clicked_tooltip",
    "center",
    "zoom",
    "bounds",
]
"""What ``st_folium`` reports back: the click (position, clicked layer, tooltip) and the view."""

CAVEAT_LINE = CAVEAT
"""The maps' caveat ("open sources; positions approximate"), shown above the app's map."""
HIGHLIGHT_COLOUR = "#fab005"  # yellow: no symbol, zone or ring uses it
APP_STYLE = "app.css"
"""The app's smaller map: the legend folds to its title until hovered."""


def initial_view(view: Dataset) -> tuple[tuple[float, float] | None, int | None]:
    """Centre and zoom that show the area of interest of ``view``.

    The rule the HTML map and slides frame by (:func:`geo.web.framing.frame_features`; the
    map's off-view panel names what it leaves out), fitted by
    :func:`geo.app.clicks.fit_view`.
    """
    framing = frame_features(view)
    return clicks.fit_view(framing.bounds if framing else extent(view))


def view_map(
    view: Dataset,
    state: ViewState,
    day: date | None,
    *,
    rings: Any = None,
    zones: Any = None,
    assets_url: str | None = None,
    title: str | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    in_app: bool = True,
    land_link: Callable[[dict[str, Any]], tuple[str, str]] | None = None,
    history: Dataset | None = None,
    timeline_figures: Callable[[date], str] | None = None,
) -> folium.Map:
    """Build the map of a view with ``geo.web.maps.build_map``.

    Parameters
    ----------
    view : Dataset
        What the map holds (:func:`geo.app.view.on_map`): filtered and as-of selected, or
        with ``state.timeline`` filtered only (the page's time slider selects by date).
    state : ViewState
        The user's choices (window, basemap, uncertainty circles, timeline).
    day : date or None
        The as-of date in force (shown on the map; the time slider's starting point).
    rings, zones : GeoDataFrame, optional
        Range rings and maritime zones to draw.
    assets_url : str, optional
        Where the app serves the Leaflet files (:func:`geo.app.served.publish_assets`); None keeps
        the map's own links (an export inlines them).
    title : str, optional
        Title drawn on the map.
    bounds : (west, south, east, north), optional
        Area to show.
    in_app : bool
        Leave the title to the page, fold the legend and leave out the popups' "where"
        rows: the details beside the map say where a feature may be, and working them out
        for every point took 1.5–2 s of each new map. (Wherever it is drawn, a click on a
        feature reports the feature's id to ``st_folium``: see :mod:`geo.web.script`.)
    land_link : callable, optional
        Serve the offline land apart (:func:`geo.app.served.land_publisher`); None
        carries it in the map.
    history : Dataset, optional
        The whole data set, for compare mode (``state.compare``): both dates are selected
        from it.
    timeline_figures : callable, optional
        With ``state.timeline``: the figures at a date, shown by the time slider as it plays.

    Returns
    -------
    folium.Map
    """
    fmap = build_map(
        view,
        as_of=day,
        since=app_state.window_start(day, state.window),
        title=title,
        basemap=state.basemap,
        rings=rings,
        zones=zones,
        show_uncertainty=state.uncertainty,
        bounds=bounds,
        title_block=not in_app,
        timeline=state.timeline,
        stale_days=state.stale_days,
        compare_from=state.compare,
        history=history,
        land_link=land_link,
        timeline_figures=timeline_figures,
        where_rows=not in_app,
    )
    if in_app:
        assets.require(fmap, APP_STYLE)
    if assets_url:
        assets.use_local_assets(fmap, assets_url, bundled=True)
    return fmap


def app_map(
    dataset: Dataset,
    state: ViewState,
    assets_url: str | None,
    land_link: Callable[[dict[str, Any]], tuple[str, str]] | None,
    editable: bool = False,
) -> folium.Map:
    """The app's map of ``state``, from the whole data set (what the page and its
    background builds call; :mod:`geo.app.mapcache` keeps it).

    Parameters
    ----------
    dataset : Dataset
        The whole data set.
    state : ViewState
        The user's choices (view and selection aside: they do not change the map).
    assets_url : str or None
        Where the app serves the page's files (:func:`geo.app.served.publish_assets`).
    land_link : callable or None
        Serves the offline land apart (:func:`geo.app.served.land_publisher`).
    editable : bool
        The data can be edited: the map reports clicks on empty spots too ("pick on the
        map"), which ``st_folium`` fixes when the map is built, so the script says so.
    """
    view = app_view.in_view(dataset, state)
    rings = None
    if state.ring_origin:
        rings = overlays.rings_for(view, state.ring_origin, state.ring_nm)
    fmap = view_map(
        app_view.on_map(dataset, state, view),
        state,
        app_view.effective_date(state, dataset),
        rings=rings,
        zones=overlays.zones_for(state.zone_state) if state.zone_state else None,
        assets_url=assets_url,
        land_link=land_link,
        history=app_view.filtered(dataset, state) if state.compare else None,
        timeline_figures=_figures_at(dataset, state) if state.timeline else None,
    )
    if editable:
        fmap.add_child(_Note("reports clicks on empty spots"))
    return fmap


def _figures_at(dataset: Dataset, state: ViewState) -> Callable[[date], str]:
    """The page's figures at another date (filters and window as chosen), on one line."""

    def at(day: date) -> str:
        return app_view.figures_line(app_view.in_view(dataset, replace(state, as_of=day)))

    return at


def returned_objects(editable: bool) -> list[str]:
    """What the map of :func:`app_map` reports back: with ``editable``, empty clicks too.

    A click that hits nothing reruns the page only where it can pick a position.
    """
    return [*RETURNED_OBJECTS, "last_clicked"] if editable else list(RETURNED_OBJECTS)


class _Note(MacroElement):
    """A comment in the map's script: two maps that differ only in it are two components."""

    _template = Template("{% macro script(this, kwargs) %}/* {{ this.text }} */{% endmacro %}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Note"
        self.text = text


class _Halo(MacroElement):
    """A non-interactive outline around one geometry (GeoJSON): ``posturemap.halo``.

    ``interactive: false`` lets clicks through to the feature underneath; folium's
    vector layers cannot set that option, hence this element.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = posturemap.halo({{ this.geometry }}, {{ this.options|tojson }})
  .addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, geometry: dict[str, Any]) -> None:
        super().__init__()
        self._name = "Halo"
        # Serialised by geo.web.escape, like every value that reaches the page.
        self.geometry = script_json(geometry)
        self.options = {
            "line": {"color": HIGHLIGHT_COLOUR, "weight": 9, "opacity": 0.6, "fill": False},
            "point": {
                "radius": 20,
                "color": HIGHLIGHT_COLOUR,
                "weight": 5,
                "opacity": 1,
                "fill": True,
                "fillColor": HIGHLIGHT_COLOUR,
                "fillOpacity": 0.18,
            },
        }


def highlight(
    dataset: Dataset, fid: str | None, features: gpd.GeoDataFrame | None = None
) -> folium.FeatureGroup | None:
    """A feature group that outlines the selected feature, or None when nothing is selected.

    Given to ``st_folium`` as ``feature_group_to_add``, it is swapped in place on
    the map when the selection changes, without reloading the map. ``features``, when
    given, is :func:`geo.app.view.all_features` of ``dataset`` (worked out once).
    """
    if not fid:
        return None
    if features is None:
        features = app_view.all_features(dataset)
    match = features[features["id"] == fid]
    if match.empty:
        return None
    group = folium.FeatureGroup(name="Selected", control=False)
    group.add_child(_Halo(match.geometry.iloc[0].__geo_interface__))
    return group


def view_title(state: ViewState, day: date | None) -> str:
    """The title of an exported view (no date with the timeline: the page shows it as it plays)."""
    if state.timeline or not day:
        return DEFAULT_TITLE
    return f"{DEFAULT_TITLE}, as of {day.isoformat()}"


def view_html(
    view: Dataset,
    state: ViewState,
    day: date | None,
    *,
    rings: Any = None,
    zones: Any = None,
) -> str:
    """The view as one self-contained HTML page (Leaflet inlined; opens with no network).

    ``view`` as for :func:`view_map`: with ``state.timeline`` the page can play the build-up.
    """
    return html_document(
        view_map(
            view,
            state,
            day,
            rings=rings,
            zones=zones,
            title=view_title(state, day),
            in_app=False,
        )
    )


def view_png(
    dataset: Dataset,
    state: ViewState,
    day: date | None,
    bounds: tuple[float, float, float, float] | None = None,
) -> tuple[bytes | None, list[str]]:
    """The view as a PNG briefing slide (``geo.slides.render``, headless Chromium).

    The slide shows what the app's map shows: ``dataset`` filtered as the view is, the as-of
    date and window, the basemap, the uncertainty circles if on, the range rings and maritime
    zones chosen in ``state`` (drawn as the app draws them) and, with ``bounds`` (the map's
    view), that area; its title does not repeat the date, which the slide's as-of line gives.

    Parameters
    ----------
    dataset : Dataset
        The data with the view's filters applied (:func:`geo.app.view.filtered`).
    state : ViewState
        The user's choices.
    day : date or None
        The as-of date in force.
    bounds : (west, south, east, north), optional
        The area the user is looking at; default the slide's own frame.

    Returns
    -------
    png : bytes or None
        None when no PNG could be made.
    messages : list of str
        Why not, or what was changed (an online basemap that could not load falls
        back to the offline one).
    """
    messages: list[str] = []
    try:
        data = render.slide_png_bytes(
            dataset, warn=messages.append, **png_options(state, day, bounds)
        )
    except errors.PngError as error:
        return None, [*messages, f"No PNG: {error}"]
    return data, messages


def png_options(
    state: ViewState, day: date | None, bounds: tuple[float, float, float, float] | None = None
) -> dict[str, Any]:
    """The slide options (:class:`geo.slides.options.SlideOptions` fields) of the app's view."""
    rings: tuple[tuple[str, float | None], ...] = ()
    if state.ring_origin:
        km = state.ring_nm * KM_PER_NM if state.ring_nm is not None else None
        rings = ((state.ring_origin, km),)
    return {
        "as_of": day,
        "since": app_state.window_start(day, state.window),
        "basemap": state.basemap,
        "bounds": bounds,
        "rings": rings,
        "zones": (state.zone_state,) if state.zone_state else (),
        "uncertainty": state.uncertainty,
        "stale_days": state.stale_days,
    }

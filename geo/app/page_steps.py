"""The app page's slow steps, cached (keyed on the data's content digest) or run in the background.

Streamlit caching around :mod:`geo.app` helpers. The per-feature analysis (distances and
maritime zones, :func:`geo.app.overlays.analysis_of`) runs in a worker thread
(:mod:`geo.app.background`), started once the page is drawn and, on a session's first page,
once the browser has drawn the map (:data:`FIRST_MAP_HOLD_S`): the first page shows the map,
the figures and the table at once, and the analysis columns join when it is done
(:func:`analysis`); a feature's details wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.app import background, mapcache, overlays, served, webmap
from geo.app import state as app_state
from geo.app import view as app_view
from geo.data import reading

FIRST_MAP_HOLD_S = 3.0
"""How long the analysis of a session's first page waits for the browser to draw its map.

The browser loads the map's files from this process while it draws the first map; the
analysis (0.4 s of Python on the default data, and the coast index to load) would hold the
interpreter lock meanwhile and make the first map ~1 s slower: 4.24 s against 5.37 s with
no wait (``bench/bench_first_page.py``, medians of 5 fresh servers). The browser's next
message (the map reports its view) ends the wait; without a browser (``AppTest``) the time
does.
"""


@st.cache_resource(show_spinner=False)
def published_assets(static_dir: str) -> str:
    """Copy the installed Leaflet files under ``static_dir`` once per process; return their URL."""
    return served.publish_assets(Path(static_dir), st.get_option("server.baseUrlPath"))


@st.cache_resource(show_spinner=False)
def land_link(static_dir: str) -> Callable[[dict[str, Any]], tuple[str, str]]:
    """Serve the maps' offline land from ``static_dir`` (:func:`served.land_publisher`)."""
    return served.land_publisher(Path(static_dir))


@st.cache_resource(show_spinner=False)
def maps() -> mapcache.Maps:
    """The maps built in this process, by what they show (:mod:`geo.app.mapcache`)."""
    return mapcache.Maps()


def prepare_maps(
    keys: dict[str, app_state.ViewState],
    dataset: reading.Dataset,
    assets_url: str,
    static_dir: str,
    editable: bool,
) -> None:
    """Build the maps of ``keys`` (key -> state) in the background, those not built yet.

    The page asks for the dates either side of the one shown, so that a step of the date
    slider finds its map built.
    """
    kept, link = maps(), land_link(static_dir)
    for key, state in keys.items():
        if key not in kept:
            _jobs().submit(
                ("map", key),
                kept.get,
                key,
                partial(webmap.app_map, dataset, state, assets_url, link, editable),
            )


@dataclass(frozen=True)
class InView:
    """What a view shows, worked out once per data and choices (read only).

    Attributes
    ----------
    view : Dataset
        The filtered, as-of selection (:func:`geo.app.view.in_view`).
    mapped : Dataset
        What the map holds (:func:`geo.app.view.on_map`).
    features, mapped_features : GeoDataFrame
        :func:`geo.app.view.all_features` of each.
    framed : (centre, zoom)
        The view that frames the map's area of interest (:func:`webmap.initial_view`).
    """

    view: reading.Dataset
    mapped: reading.Dataset
    features: gpd.GeoDataFrame
    mapped_features: gpd.GeoDataFrame
    framed: tuple[Any, Any]


@st.cache_resource(show_spinner=False, max_entries=32)
def in_view(identity: str, _dataset: reading.Dataset, _state: app_state.ViewState) -> InView:
    """:class:`InView` of ``_state`` (``identity``: :func:`geo.app.clicks.map_identity`)."""
    view = app_view.in_view(_dataset, _state)
    mapped = app_view.on_map(_dataset, _state, view)
    mapped_features = app_view.all_features(mapped)
    features = mapped_features if mapped is view else app_view.all_features(view)
    return InView(view, mapped, features, mapped_features, webmap.initial_view(mapped))


@st.cache_resource(show_spinner=False, max_entries=8)
def everything(key: str, _dataset: reading.Dataset) -> gpd.GeoDataFrame:
    """Every feature of the data set ``key`` (read only)."""
    return app_view.all_features(_dataset)


@st.cache_data(show_spinner=False, max_entries=64)
def figures(identity: str, _view: reading.Dataset) -> dict[str, Any]:
    """The key figures of a view (:func:`geo.app.view.figures`; ``identity`` names it)."""
    return app_view.figures(_view)


@st.cache_data(show_spinner=False, max_entries=32)
def table(
    identity: str, analysed: bool, _view: reading.Dataset, _analysis: pd.DataFrame | None
) -> pd.DataFrame:
    """The features table of a view, with the analysis columns once ``analysed``."""
    return app_view.features_table(_view, _analysis)


@st.cache_data(show_spinner="Reading and checking the data…", max_entries=8)
def load_dataset(key: str, _files: dict[str, bytes], label: str) -> reading.Dataset:
    """The data set of ``_files`` (``key`` is their digest)."""
    return reading.load_bytes(_files, label=label)


@st.cache_resource(show_spinner=False)
def _jobs() -> background.Jobs:
    return background.Jobs(keep=16)


def analysis(
    key: str, day: date | None, to: str, dataset: reading.Dataset, *, wait: bool = False
) -> pd.DataFrame | None:
    """Per-feature analysis as of ``day`` (:func:`geo.app.overlays.analysis_at`), if done.

    Parameters
    ----------
    key : str
        The data's content digest.
    day : date or None
        The as-of date (the nearest other asset is measured at it).
    to : str
        Id of the place distances are measured to.
    dataset : Dataset
        The whole data set.
    wait : bool
        Start the work if needed and wait for it (a feature's details need it now);
        otherwise None until :func:`start_analysis`'s work is done.
    """
    jobs = _jobs()
    found = jobs.ready((key, to))
    if found is None:
        if not wait:
            return None
        with st.spinner("Measuring distances and maritime zones…"):
            found = jobs.wait((key, to), overlays.analysis_of, dataset, to)
    return _analysed_at(key, day, to, dataset, found)


def start_analysis(
    key: str, to: str, dataset: reading.Dataset, hold: threading.Event | None = None
) -> None:
    """Start the analysis in the background (once per data set and place).

    ``hold``: the work waits until it is set, or for :data:`FIRST_MAP_HOLD_S` at most.
    """
    _jobs().submit((key, to), _analysis_after, hold, dataset, to)


def _analysis_after(hold: threading.Event | None, dataset: reading.Dataset, to: str) -> Any:
    if hold is not None:
        hold.wait(FIRST_MAP_HOLD_S)
    return overlays.analysis_of(dataset, to)


def analysis_ready(key: str, to: str) -> bool:
    """True when :func:`analysis` has the result for this data set and place."""
    return _jobs().ready((key, to)) is not None


@st.cache_data(show_spinner=False, max_entries=64)
def _analysed_at(
    key: str, day: object, to: str, _dataset: reading.Dataset, _found: pd.DataFrame
) -> pd.DataFrame:
    return overlays.analysis_at(_dataset, _found, day)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False, max_entries=8)
def nearby_states(key: str, _dataset: reading.Dataset) -> dict[str, str]:
    """States near the data whose maritime zones can be drawn (:func:`overlays.nearby_states`)."""
    return overlays.nearby_states(_dataset)


@st.cache_data(show_spinner="Drawing range rings…", max_entries=32)
def rings_for(
    key: str, day: object, _view: reading.Dataset, origin: str, ring_nm: float | None
) -> gpd.GeoDataFrame:
    """Range rings around ``origin`` (``key`` and ``day`` identify ``_view``)."""
    return overlays.rings_for(_view, origin, ring_nm)


@st.cache_data(show_spinner="Drawing maritime zones…", max_entries=16)
def zones_for(iso_a3: str) -> gpd.GeoDataFrame | None:
    """The maritime zone bands of a state."""
    return overlays.zones_for(iso_a3)

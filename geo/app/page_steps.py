"""The app page's slow steps, cached (keyed on the data's content digest) or run in the background.

Streamlit caching around :mod:`geo.app` helpers. The per-feature analysis (distances and
maritime zones, :func:`geo.app.overlays.analysis_of`) runs in a worker thread
(:mod:`geo.app.background`), started once the page is drawn: the first page shows the map,
the figures and the table at once, and the analysis columns join when it is done
(:func:`analysis`); a feature's details wait for it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.app import background, overlays, webmap
from geo.data import reading


@st.cache_resource(show_spinner=False)
def published_assets(static_dir: str) -> str:
    """Copy the installed Leaflet files under ``static_dir`` once per process; return their URL."""
    return webmap.publish_assets(Path(static_dir), st.get_option("server.baseUrlPath"))


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


def start_analysis(key: str, to: str, dataset: reading.Dataset) -> None:
    """Start the analysis in the background (once per data set and place)."""
    _jobs().submit((key, to), overlays.analysis_of, dataset, to)


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

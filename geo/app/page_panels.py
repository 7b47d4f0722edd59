"""The app page's main area: the header and figures, the map and a feature's details, the tabs.

Streamlit calls only; the values come from :mod:`geo.app.view`, :mod:`geo.app.details`,
:mod:`geo.app.webmap` and :mod:`geo.app.uploads`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.app import clicks, mapcache, page_compare, page_steps, presses, webmap
from geo.app import details as app_details
from geo.app import state as app_state
from geo.app import uploads as app_uploads
from geo.app import view as app_view
from geo.data.reading import Dataset
from geo.data.schema import Problem
from geo.web import escape

MAP_KEY = "map"
MAP_HEIGHT = 640
HISTORY_COLUMNS = [
    "observed",
    "lat",
    "lon",
    "uncertainty_km",
    "confidence",
    "after_as_of",
    "sources",
    "notes",
    "id",
]


@dataclass
class Shown:
    """What this run of the page shows (the page works these out before drawing)."""

    dataset: Dataset
    data_key: str
    state: app_state.ViewState
    view: Dataset
    mapped: Dataset
    day: date | None
    days: list[date]
    problems: list[Problem]
    rings: gpd.GeoDataFrame | None = None
    zones: gpd.GeoDataFrame | None = None
    editable: bool = False


def header_and_figures(shown: Shown, features: pd.DataFrame) -> None:
    """The title line, the caveat, a problem warning and the five figures with their change."""
    dataset, state, day = shown.dataset, shown.state, shown.day
    numbers = page_steps.figures(clicks.view_identity(state, shown.data_key), shown.view)
    previous = app_view.previous_date(shown.days, day)
    before = None
    if previous:
        then = clicks.view_identity(app_view.replace_date(state, previous), shown.data_key)
        view_then = page_steps.in_view(then, dataset, app_view.replace_date(state, previous))
        before = page_steps.figures(then, view_then.view)
    st.markdown(
        f"#### {escape.markdown_text(dataset.label or 'Data')} · as of "
        f"{day.isoformat() if day else 'no date'} · {len(features)} features in view"
    )
    st.caption(
        f"{webmap.CAVEAT_LINE}: each position is drawn with its uncertainty circle and sources. "
        "Click a symbol for everything known about it."
    )
    if shown.problems:
        st.warning(
            f"{len(shown.problems)} problem(s) in the data: the features concerned are left "
            f"out, the {dataset.feature_count} valid ones are shown. See **Problems** below."
        )
    for cell, (name, text) in zip(st.columns(5), app_view.FIGURE_LABELS.items(), strict=True):
        delta = numbers[name] - before[name] if before is not None else None
        cell.metric(
            text,
            numbers["texts"][name],
            delta=delta or None,
            border=True,
            help=app_view.figure_help(name, numbers, previous),
        )


def map_and_details(
    shown: Shown,
    ss: MutableMapping[str, Any],
    features: pd.DataFrame,
    served: tuple[str, str],
    view_at: tuple[Any, Any],
    analysis: Callable[[], pd.DataFrame | None],
    names: tuple[Mapping[str, str], Mapping[str, str]],
) -> None:
    """The map (restored to ``view_at``) and, beside it, the selected feature's details.

    ``served`` is where the page's files are served (URL) and the static folder they are
    in. The map is built once per view and kept (:mod:`geo.app.mapcache`). ``analysis``
    gives the per-feature analysis, waiting for it: it is called only when a feature is
    selected. ``names`` are place names (for "distance to") and every feature's.
    """
    state = shown.state
    left, right = st.columns([2.7, 1], gap="medium")
    with left:
        fmap = page_steps.maps().get(
            map_key(shown),
            lambda: webmap.app_map(
                shown.dataset,
                state,
                served[0],
                page_steps.land_link(served[1]),
                shown.editable,
            ),
        )
        mapcache.draw(
            fmap,
            st_folium,
            key=MAP_KEY,
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=webmap.returned_objects(shown.editable),
            center=view_at[0],
            zoom=view_at[1],
            feature_group_to_add=webmap.highlight(
                shown.dataset, state.selected, page_steps.everything(shown.data_key, shown.dataset)
            ),
            # st_folium only needs the map's own render (header, html, script); the full
            # page render it does by default re-parses the 1 MB script as a template (~60 ms).
            render=False,
        )
    with right, st.container(height=MAP_HEIGHT, border=False):
        page_compare.what_moved(
            shown.dataset, state, shown.day, clicks.view_identity(state, shown.data_key)
        )
        _details(shown, ss, features, analysis, names)


def map_key(shown: Shown, state: app_state.ViewState | None = None) -> str:
    """What the map of ``state`` (default the one shown) is kept by: the data and choices."""
    identity = clicks.map_identity(state or shown.state, shown.data_key)
    return identity + ("&editable" if shown.editable else "")


def _details(
    shown: Shown,
    ss: MutableMapping[str, Any],
    features: pd.DataFrame,
    analysis: Callable[[], pd.DataFrame | None],
    names: tuple[Mapping[str, str], Mapping[str, str]],
) -> None:
    places, all_names = names
    state = shown.state
    choices = [app_state.NONE, *features["id"].astype(str)]
    if ss.get("selected") not in choices:
        if ss.get("selected") in all_names:
            choices.append(ss["selected"])
        else:
            ss["selected"] = app_state.NONE
    in_view = dict(zip(features["id"].astype(str), features["name"].astype(str), strict=True))
    st.selectbox(
        "Feature",
        choices,
        key="selected",
        format_func=lambda v: f"{in_view.get(v, v)} ({v})" if v else "None selected",
    )
    details = None
    if ss.get("selected"):
        details = app_details.feature_details(shown.dataset, ss["selected"], analysis(), shown.day)
    if details is None:
        st.caption(
            "Click a symbol, track or strike on the map, or a row of the table, "
            "to see everything known about it."
        )
        return
    st.markdown(f"##### {escape.markdown_text(details.name)}")
    st.caption(f"{app_details.headline(details)}  \nid {escape.markdown_text(details.id)}")
    if details.id not in in_view and state.timeline:
        st.info("Not in view at the as-of date (the figures' and the table's date).")
    elif details.id not in in_view:
        st.info("Not on the map with the current date and filters.")
    lines = app_details.analysis_lines(details.analysis, places.get(state.to, state.to), all_names)
    if lines:
        st.markdown("  \n".join(lines))
    st.markdown("**Details**  \n" + "  \n".join(app_details.property_lines(details.properties)))
    st.markdown("**Sources**\n\n" + "\n".join(app_details.source_lines(details.sources)))
    if len(details.history):
        st.markdown(f"**History**: {len(details.history)} reports")
        st.dataframe(
            details.history,
            hide_index=True,
            width="stretch",
            key="details_history",
            height=min(36 * (len(details.history) + 1), 250),
            column_order=HISTORY_COLUMNS,
            column_config={
                "observed": st.column_config.DatetimeColumn("observed", format="YYYY-MM-DD")
            },
        )


def tabs(
    shown: Shown,
    ss: MutableMapping[str, Any],
    table: pd.DataFrame,
    pending: Callable[[], bool] | None,
) -> None:
    """The features table, the problems and the downloads.

    ``pending``, while the analysis is being worked out, says whether it still is: the
    table then says so and the page reruns once it is done.
    """
    tab_table, tab_problems, tab_download = st.tabs(
        [
            f"Features in view ({len(table)})",
            f"Problems ({len(shown.problems)})",
            "Download",
        ]
    )
    with tab_table:
        if pending is not None:
            _rerun_when_done(pending)
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key="table",
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                "observed": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                "until": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                "uncertainty_km": st.column_config.NumberColumn(format="%.0f"),
            },
        )
        st.download_button(
            "Table as CSV", table.to_csv(index=False), "features.csv", "text/csv", key="dl_csv"
        )
    with tab_problems:
        if shown.problems:
            st.dataframe(
                app_uploads.problems_table(shown.problems),
                hide_index=True,
                width="stretch",
                key="problems",
            )
        else:
            st.success("No problems: every feature is valid.")
    with tab_download:
        _downloads(shown, ss)


@st.fragment(run_every=1.0)
def _rerun_when_done(pending: Callable[[], bool]) -> None:
    # Polled by the browser each second while the page waits for the analysis.
    if not pending():
        st.rerun()
    st.caption("Measuring distances and maritime zones: their columns appear when done.")


def _downloads(shown: Shown, ss: MutableMapping[str, Any]) -> None:
    state, day, mapped = shown.state, shown.day, shown.mapped
    stamp = day.isoformat() if day else "all"
    view_key = clicks.map_identity(state, shown.data_key) + str(ss["_view"])
    st.download_button(
        "Map as HTML (self-contained)",
        lambda: webmap.view_html(mapped, state, day, rings=shown.rings, zones=shown.zones),
        f"posturemap_{stamp}.html",
        "text/html",
        key="dl_html",
    )
    st.download_button(
        "Data in view as GeoJSON",
        lambda: app_uploads.dataset_geojson(shown.view),
        f"posturemap_{stamp}.geojson",
        "application/geo+json",
        key="dl_geojson",
    )
    if presses.button(
        st,
        "Make a PNG of this view",
        key="make_png",
        help="A briefing slide of the area on the map, drawn in headless Chromium.",
    ):
        with st.spinner("Rendering in headless Chromium…"):
            ss["_png"] = (
                view_key,
                *webmap.view_png(
                    app_view.filtered(shown.dataset, state),
                    state,
                    day,
                    clicks.map_bounds(ss.get(MAP_KEY)),
                ),
            )
    # A PNG is offered only for the view it was made of.
    png_key, png, png_messages = ss.get("_png", (None, None, []))
    if png_key != view_key:
        png, png_messages = None, []
    for message in png_messages:
        st.info(message)
    if png is not None:
        st.download_button("PNG slide", png, f"posturemap_{stamp}.png", "image/png", key="dl_png")

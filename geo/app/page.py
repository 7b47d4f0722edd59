"""posturemap in the browser: the Streamlit page, run by ``app.py`` and ``posturemap app``.

:func:`main` is the whole page, called on every run. Streamlit calls only, in three parts:
the sidebar (:mod:`geo.app.page_sidebar`), the main area (:mod:`geo.app.page_panels`) and
the slow steps, cached or in the background (:mod:`geo.app.page_steps`). The choices and
the URL are worked out in :mod:`geo.app.state`; clicks and the map's view in
:mod:`geo.app.clicks`; what is in view, figures and the table in :mod:`geo.app.view`; a
feature's details in :mod:`geo.app.details`; distances, rings and zones in
:mod:`geo.app.overlays`; uploads and downloads in :mod:`geo.app.uploads`; the map and its
assets in :mod:`geo.app.webmap`.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import streamlit as st

from geo.analysis import joins
from geo.app import (
    clicks,
    editing,
    mapcache,
    network,
    overlays,
    page_compare,
    page_edit,
    page_panels,
    page_sidebar,
    page_steps,
    presses,
)
from geo.app import state as app_state
from geo.app import uploads as app_uploads
from geo.app import view as app_view
from geo.app.page_panels import MAP_KEY, Shown
from geo.data import files as data_files
from geo.data import selection
from geo.data.paths import default_data_dir
from geo.web.basemaps import OFFLINE


def main(static_dir: Path) -> None:
    """Draw the page (one Streamlit run).

    Parameters
    ----------
    static_dir : Path
        The ``static/`` folder beside the script Streamlit runs: Streamlit serves it at
        ``/app/static/`` and the map's Leaflet files are copied there.
    """
    # No page_icon: a Material icon would be fetched from Google Fonts (no network here).
    st.set_page_config(page_title="posturemap", layout="wide")
    # Static page style (no data in it): less empty space above the figures.
    st.html("<style>.block-container { padding-top: 2.2rem; }</style>")
    ss = st.session_state
    # The first run's analysis waits for its map (page_steps.FIRST_MAP_HOLD_S); any later run
    # is the browser answering, with the page drawn.
    first_map = ss.setdefault("_first_map", threading.Event())
    if "_drawn_map" in ss:
        first_map.set()

    # --- data: the default set or an upload --------------------------------------------
    directory = page_edit.data_dir(ss)
    controls, uploads = page_sidebar.data_box(ss, directory)
    if directory is not None:
        files, read_problems = data_files.read_directory(directory)
        label = f"Working directory {directory.name}"
    elif uploads:
        files, read_problems = app_uploads.upload_files({f.name: f.getvalue() for f in uploads})
        label = f"Your upload ({len(uploads)} file{'s' if len(uploads) > 1 else ''})"
    else:
        files, read_problems = data_files.read_directory(default_data_dir())
        label = "Default data set"
    data_key = app_uploads.content_key(files)
    dataset = page_steps.load_dataset(data_key, files, label)
    days = selection.dates_in(dataset)
    everything = page_steps.everything(data_key, dataset)
    all_ids = everything["id"].astype(str).tolist()
    all_names = dict(zip(all_ids, everything["name"].astype(str), strict=True))

    # An edit of the open directory: the choices and the view stay, its report is selected
    # and shown at its date.
    edited = ss.pop("_edited", None)
    same_dir = directory is not None and ss.get("_open_dir") == str(directory)
    if edited is None and same_dir and ss.get("_data_key") != data_key:
        edited = (ss.get("selected"), None)  # another editor's change: the same stays
    ss["_open_dir"] = str(directory) if directory is not None else None
    if edited is not None and "_data_key" in ss:
        ss["_data_key"] = data_key
        ss["selected"] = edited[0] if edited[0] in all_ids else app_state.NONE
        day = next((d for d in days if d.isoformat() == edited[1]), None)
        if day is not None or ss.get("as_of") not in days:
            ss["as_of"] = day or (days[-1] if days else None)
    # First run, or new data: take the choices from the URL (a shared link), checked
    # against the data; afterwards the widgets hold them.
    if ss.get("_data_key") != data_key:
        params = st.query_params.to_dict()
        from_url = app_state.decode_query(params, days, all_ids, overlays.ring_origins(dataset))
        if "basemap" not in params and not network.tiles_reachable():
            from_url = replace(from_url, basemap=OFFLINE)  # no network: tiles would not come
        ss.update(app_state.widget_values(from_url, days))
        ss["selected"] = from_url.selected or app_state.NONE
        # A link's view is for the data it was made with: new data (an upload) is framed
        # on its own features.
        first = "_data_key" not in ss
        ss["_view"] = (from_url.center, from_url.zoom) if first else (None, None)
        if not first:  # the map's last report is of the old data's view: no move
            ss["_handed"] = clicks.map_view(ss.get(MAP_KEY))
        ss["_click"] = clicks.click_signature(ss.get(MAP_KEY))
        ss["_data_key"] = data_key

    # --- sidebar: choices; what is in view ----------------------------------------------
    rings_box, places = page_sidebar.choices(controls, ss, dataset, days)
    page_compare.control(controls, ss, days)
    # The map's last report (st_folium's on_change put it in the session before this run):
    # a new click selects a feature, a move records the view. Taken here, before the map is
    # drawn, so that this run already shows the selection.
    state = app_state.state_from_widgets(ss, days, ss.get("selected"), *ss["_view"])
    identity = clicks.view_identity(state, data_key)
    shows = page_steps.in_view(identity, dataset, state)
    view, mapped, features = shows.view, shows.mapped, shows.features
    page_sidebar.rings_and_zones(rings_box, ss, view, data_key, dataset)
    # A new as-of date: the selection follows the asset to its report at that date.
    day = app_view.effective_date(state, dataset)
    if ss.get("_selection_day", day) != day:
        ss["selected"] = app_view.follow_entity(ss.get("selected"), everything, features) or ""
    ss["_selection_day"] = day
    page_edit.pick_from_map(ss, ss.get(MAP_KEY))  # before the form's position box is drawn
    clicks.take_map_report(ss, ss.get(MAP_KEY), shows.mapped_features)
    to = state.to
    # Distances and zones are worked out in the background (started at the end of the
    # run): the page does not wait for them unless a feature's details need them.
    analysis = page_steps.analysis(data_key, day, to, dataset, wait=bool(ss.get("selected")))
    table_key = f"{identity}&to={to}"
    # Rows do not depend on the analysis: its columns join when it is done.
    table = page_steps.table(table_key, analysis is not None, view, analysis)
    table_selection = getattr(ss.get("table"), "selection", None)
    clicks.take_table_selection(ss, getattr(table_selection, "rows", None) or [], table)
    if analysis is None and ss.get("selected"):  # a row was just chosen
        analysis = page_steps.analysis(data_key, day, to, dataset, wait=True)
        table = page_steps.table(table_key, True, view, analysis)
    state = app_state.state_from_widgets(ss, days, ss.get("selected"), *ss["_view"])
    # The data's own capital is the default place: the link names only another one.
    linked = replace(state, to=None) if state.to == joins.default_target(dataset) else state
    st.query_params.from_dict(app_state.encode_query(linked))
    view_at = clicks.view_to_restore(ss, clicks.map_identity(state, data_key))
    if view_at[0] is None:
        view_at = shows.framed
    ss["_handed"] = view_at
    shown = Shown(
        dataset=dataset,
        data_key=data_key,
        state=state,
        view=view,
        mapped=mapped,
        day=day,
        days=days,
        problems=[*read_problems, *dataset.problems],
        rings=(
            page_steps.rings_for(
                data_key, clicks.map_identity(state, ""), view, state.ring_origin, state.ring_nm
            )
            if state.ring_origin
            else None
        ),
        zones=page_steps.zones_for(state.zone_state) if state.zone_state else None,
        editable=editing.editable(directory),
    )
    page_sidebar.ring_notes(rings_box, shown.rings)

    # --- main area ----------------------------------------------------------------------
    page_panels.header_and_figures(shown, features)
    served = (page_steps.published_assets(str(static_dir)), str(static_dir))
    page_panels.map_and_details(
        shown,
        ss,
        features,
        served,
        view_at,
        lambda: page_steps.analysis(data_key, day, to, dataset, wait=True),
        (places, all_names),
    )
    clicks.click_shown(ss)
    pending = None if analysis is not None else lambda: not page_steps.analysis_ready(data_key, to)
    tabs_box, edit_box = st.container(), st.container()
    if editing.editable(directory):  # before the tabs, which may rerun when the analysis is in
        with edit_box:
            page_edit.edit_area(ss, directory, [str(i) for i in dataset.sources.index])
    with tabs_box:
        page_panels.tabs(shown, ss, table, pending)
    if analysis is None:  # now that the page is drawn, with the CPU to itself
        page_steps.start_analysis(data_key, to, dataset, first_map)
    # Then the maps one step away, so that a step of the date slider is quick: once the
    # browser has loaded the map drawn (the run after a new map, when it reports its view),
    # so as not to slow the server's answers to it.
    drawn = page_panels.map_key(shown)
    if ss.get("_drawn_map") == drawn:
        steps = {page_panels.map_key(shown, s): s for s in mapcache.neighbours(state, days)}
        page_steps.prepare_maps(steps, dataset, *served, shown.editable)
    ss["_drawn_map"] = drawn
    presses.forget(ss)  # the end of a whole run: a press it did not reach is old

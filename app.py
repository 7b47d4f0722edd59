"""posturemap in the browser: ``streamlit run app.py``.

Streamlit calls only. The choices and the URL are worked out in :mod:`geo.appstate`;
clicks and the map's view in :mod:`geo.appclick`; what is in view, figures and the table
in :mod:`geo.appview`; a feature's details in :mod:`geo.appdetails`; distances, rings and
zones in :mod:`geo.appanalysis`; uploads and downloads in :mod:`geo.appupload`; the map
and its assets in :mod:`geo.appmap`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo import (
    appanalysis,
    appclick,
    appdetails,
    appmap,
    appstate,
    appupload,
    appview,
    datafiles,
    escape,
    io,
    selection,
)
from geo.paths import default_data_dir
from geo.schema import LAYERS

HERE = Path(__file__).resolve().parent
MAP_KEY = "map"
MAP_HEIGHT = 640

# No page_icon: a Material icon would be fetched from Google Fonts (no network here).
st.set_page_config(page_title="posturemap", layout="wide")
# Static page style (no data in it): less empty space above the figures.
st.html("<style>.block-container { padding-top: 2.2rem; }</style>")


# --- cached steps (keyed on the data's content digest) ---------------------------------


@st.cache_resource(show_spinner=False)
def published_assets() -> str:
    """Copy the installed Leaflet files under static/ once per process; return their URL."""
    return appmap.publish_assets(HERE / "static", st.get_option("server.baseUrlPath"))


@st.cache_data(show_spinner="Reading and checking the data…", max_entries=8)
def load_dataset(key: str, _files: dict[str, bytes], label: str) -> io.Dataset:
    return io.load_bytes(_files, label=label)


@st.cache_data(show_spinner="Measuring distances…", max_entries=16)
def analysed(key: str, _dataset: io.Dataset, to: str):
    return appanalysis.analysis_of(_dataset, to)


@st.cache_data(show_spinner=False, max_entries=64)
def analysed_at(key: str, day: object, to: str, _dataset: io.Dataset):
    return appanalysis.analysis_at(_dataset, analysed(key, _dataset, to), day)


@st.cache_data(show_spinner=False, max_entries=8)
def nearby_states(key: str, _dataset: io.Dataset) -> dict[str, str]:
    return appanalysis.nearby_states(_dataset)


@st.cache_data(show_spinner="Drawing range rings…", max_entries=32)
def rings_for(key: str, day: object, _view: io.Dataset, origin: str, ring_nm: float | None):
    return appanalysis.rings_for(_view, origin, ring_nm)


@st.cache_data(show_spinner="Drawing maritime zones…", max_entries=16)
def zones_for(iso_a3: str):
    return appanalysis.zones_for(iso_a3)


# --- data: the default set or an upload -------------------------------------------------

ss = st.session_state
with st.sidebar:
    st.title("posturemap")
    st.caption(
        "Where military assets are, from open sources, with every position's "
        "uncertainty and sources."
    )
    controls = st.container()  # drawn above the data box, filled once the data is known
    with st.expander("Data: default set or your own", expanded=bool(ss.get("uploads"))):
        uploads = st.file_uploader(
            "Your own data",
            type=["geojson", "json", "zip"],
            accept_multiple_files=True,
            key="uploads",
            help="Layer files named bases/assets/tracks/strikes/places.geojson with their "
            "sources.json, or a zip of a data directory. Checked here, kept in memory only.",
        )

if uploads:
    files, read_problems = appupload.upload_files({f.name: f.getvalue() for f in uploads})
    label = f"Your upload ({len(uploads)} file{'s' if len(uploads) > 1 else ''})"
else:
    files, read_problems = datafiles.read_directory(default_data_dir())
    label = "Default data set"
data_key = appupload.content_key(files)
dataset = load_dataset(data_key, files, label)
problems = [*read_problems, *dataset.problems]
days = selection.dates_in(dataset)
everything = appview.all_features(dataset)
all_ids = everything["id"].astype(str).tolist()
all_names = dict(zip(all_ids, everything["name"].astype(str), strict=True))

# First run, or new data: take the choices from the URL (a shared link), checked
# against the data; afterwards the widgets hold them.
if ss.get("_data_key") != data_key:
    from_url = appstate.decode_query(
        st.query_params.to_dict(), days, all_ids, appanalysis.ring_origins(dataset)
    )
    ss.update(appstate.widget_values(from_url, days))
    ss["selected"] = from_url.selected or appstate.NONE
    ss["_view"] = (from_url.center, from_url.zoom)
    ss["_click"] = appclick.click_signature(ss.get(MAP_KEY))
    ss["_data_key"] = data_key

# --- sidebar: choices -------------------------------------------------------------------

with controls:
    if days:
        st.select_slider(
            "As of",
            options=days,
            key="as_of",
            format_func=lambda d: d.isoformat(),
            help="The state at the end of this day (UTC): each asset's latest "
            "report on or before it.",
        )
    st.selectbox(
        "Strikes and tracks",
        appstate.WINDOW_CHOICES,
        key="window",
        format_func=lambda w: (
            "All up to the date" if not w else ("That day only" if w == 1 else f"Last {w} days")
        ),
    )
    st.multiselect("Layers", LAYERS, key="layers", format_func=appstate.LAYER_LABELS.get)
    with st.expander("Asset filters"):
        for name, label_text in (
            ("categories", "Category"),
            ("affiliations", "Affiliation"),
            ("confidences", "Confidence (all layers)"),
        ):
            st.multiselect(label_text, appstate.CHOICES[name], key=name)
    st.selectbox(
        "Basemap",
        appstate.BASEMAPS,
        key="basemap",
        help="'offline' needs no network; the others load map tiles from the internet.",
    )
    st.toggle("Uncertainty circles", key="uncertainty")
    st.toggle(
        "Play the timeline",
        key="timeline",
        help="A time slider and play button on the map replay the build-up day by day, "
        "starting at the as-of date. Strikes and tracks add up as it plays (the window "
        "above does not apply to the map); the figures and table follow the as-of date.",
    )
    rings_box = st.expander(
        "Range rings and maritime zones",
        expanded=bool(ss.get("ring_origin") or ss.get("zone_state")),
    )  # filled once the view is known
    places = appanalysis.options_for_places(dataset)
    if ss.get("to") not in places:
        ss["to"] = next(iter(places), appstate.DEFAULT_PLACE)
    st.selectbox(
        "Distances to",
        list(places) or [appstate.DEFAULT_PLACE],
        key="to",
        format_func=lambda v: places.get(v, v),
    )

# --- what is in view --------------------------------------------------------------------

# The map's last report (st_folium's on_change put it in the session before this run):
# a new click selects a feature, a move records the view. Taken here, before the map is
# drawn, so that this run already shows the selection.
state = appstate.state_from_widgets(ss, days, ss.get("selected"), *ss["_view"])
view = appview.in_view(dataset, state)
mapped = appview.on_map(dataset, state, view)  # with the timeline: every report, not one day's
with rings_box:
    ring_options = appanalysis.options_for_rings(view)
    if ss.get("ring_origin") not in ring_options:
        ss["ring_origin"] = appstate.NONE
    st.selectbox(
        "Rings around",
        [appstate.NONE, *ring_options],
        key="ring_origin",
        format_func=lambda v: ring_options.get(v, "None"),
    )
    st.radio(
        "Range",
        ["nominal", "custom"],
        key="ring_mode",
        horizontal=True,
        format_func={"nominal": "Nominal ranges", "custom": "Custom"}.get,
    )
    if ss.get("ring_mode") == "custom":
        ss.setdefault("ring_nm", appstate.DEFAULT_RING_NM)  # dropped while the input was hidden
        st.number_input("Radius (nautical miles)", 1.0, 12000.0, step=50.0, key="ring_nm")
    states = nearby_states(data_key, dataset)
    if ss.get("zone_state") not in states:
        ss["zone_state"] = appstate.NONE
    st.selectbox(
        "Maritime zones of",
        [appstate.NONE, *states],
        key="zone_state",
        help=appanalysis.ZONE_HELP,
        format_func=lambda v: f"{states[v]} ({v})" if v in states else "None",
    )
features = appview.all_features(view)
appclick.take_map_report(ss, ss.get(MAP_KEY), appview.all_features(mapped))
day = appview.effective_date(state, dataset)
analysis = analysed_at(data_key, day, state.to, dataset)
table = appview.features_table(view, analysis)
table_selection = getattr(ss.get("table"), "selection", None)
appclick.take_table_selection(ss, getattr(table_selection, "rows", None) or [], table)
state = appstate.state_from_widgets(ss, days, ss.get("selected"), *ss["_view"])
st.query_params.from_dict(appstate.encode_query(state))
restore_center, restore_zoom = appclick.view_to_restore(ss, appclick.map_identity(state, data_key))
if restore_center is None:
    restore_center, restore_zoom = appmap.initial_view(mapped)
rings = (
    rings_for(data_key, appclick.map_identity(state, ""), view, state.ring_origin, state.ring_nm)
    if state.ring_origin
    else None
)
zones = zones_for(state.zone_state) if state.zone_state else None
with rings_box:
    if rings is not None and not len(rings):
        st.caption("No nominal range is known for this type: choose a custom radius.")
    elif rings is not None:
        st.markdown("\n".join(appdetails.ring_lines(rings)))

# --- header and figures -------------------------------------------------------------------

numbers = appview.figures(view)
previous = appview.previous_date(days, day)
before = (
    appview.figures(appview.in_view(dataset, appview.replace_date(state, previous)))
    if previous
    else None
)
st.markdown(
    f"#### {escape.markdown_text(dataset.label or 'Data')} · as of "
    f"{day.isoformat() if day else 'no date'} · {len(features)} features in view"
)
st.caption(
    f"{appmap.CAVEAT_LINE}: each position is drawn with its uncertainty circle and sources. "
    "Click a symbol for everything known about it."
)
if problems:
    st.warning(
        f"{len(problems)} problem(s) in the data: the features concerned are left out, "
        f"the {dataset.feature_count} valid ones are shown. See **Problems** below."
    )
for cell, (name, text) in zip(st.columns(5), appview.FIGURE_LABELS.items(), strict=True):
    delta = numbers[name] - before[name] if before is not None else None
    cell.metric(
        text,
        f"{numbers[name]:,}",
        delta=delta or None,
        border=True,
        help=appview.figure_help(name, numbers, previous),
    )

# --- map and details ---------------------------------------------------------------------

left, right = st.columns([2.7, 1], gap="medium")
with left:
    fmap = appmap.view_map(
        mapped,
        state,
        day,
        rings=rings,
        zones=zones,
        assets_url=published_assets(),
    )
    st_folium(
        fmap,
        key=MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=appmap.RETURNED_OBJECTS,
        center=restore_center,
        zoom=restore_zoom,
        feature_group_to_add=appmap.highlight(dataset, state.selected),
        # st_folium only needs the map's own render (header, html, script); the full
        # page render it does by default re-parses the 1 MB script as a template (~60 ms).
        render=False,
    )
with right, st.container(height=MAP_HEIGHT, border=False):
    choices = [appstate.NONE, *features["id"].astype(str)]
    if ss.get("selected") not in choices:
        if ss.get("selected") in all_ids:
            choices.append(ss["selected"])
        else:
            ss["selected"] = appstate.NONE
    names = dict(zip(features["id"].astype(str), features["name"].astype(str), strict=True))
    st.selectbox(
        "Feature",
        choices,
        key="selected",
        format_func=lambda v: f"{names.get(v, v)} ({v})" if v else "None selected",
    )
    details = None
    if ss.get("selected"):
        details = appdetails.feature_details(dataset, ss["selected"], analysis, day)
    if details is None:
        st.caption(
            "Click a symbol, track or strike on the map, or a row of the table, "
            "to see everything known about it."
        )
    else:
        st.markdown(f"##### {escape.markdown_text(details.name)}")
        st.caption(f"{appdetails.headline(details)}  \nid {escape.markdown_text(details.id)}")
        if details.id not in names and state.timeline:
            st.info("Not in view at the as-of date (the figures' and the table's date).")
        elif details.id not in names:
            st.info("Not on the map with the current date and filters.")
        lines = appdetails.analysis_lines(
            details.analysis, places.get(state.to, state.to), all_names
        )
        if lines:
            st.markdown("  \n".join(lines))
        st.markdown("**Details**  \n" + "  \n".join(appdetails.property_lines(details.properties)))
        st.markdown("**Sources**\n\n" + "\n".join(appdetails.source_lines(details.sources)))
        if len(details.history):
            st.markdown(f"**History**: {len(details.history)} reports")
            st.dataframe(
                details.history,
                hide_index=True,
                width="stretch",
                key="details_history",
                height=min(36 * (len(details.history) + 1), 250),
                column_order=[
                    "observed",
                    "lat",
                    "lon",
                    "uncertainty_km",
                    "confidence",
                    "after_as_of",
                    "sources",
                    "notes",
                    "id",
                ],
                column_config={
                    "observed": st.column_config.DatetimeColumn("observed", format="YYYY-MM-DD")
                },
            )

# --- table, problems, downloads ----------------------------------------------------------

tab_table, tab_problems, tab_download = st.tabs(
    [f"Features in view ({len(table)})", f"Problems ({len(problems)})", "Download"]
)
with tab_table:
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
    if problems:
        st.dataframe(
            appupload.problems_table(problems), hide_index=True, width="stretch", key="problems"
        )
    else:
        st.success("No problems: every feature is valid.")
with tab_download:
    stamp = day.isoformat() if day else "all"
    view_key = appclick.map_identity(state, data_key) + str(ss["_view"])
    st.download_button(
        "Map as HTML (self-contained)",
        lambda: appmap.view_html(mapped, state, day, rings=rings, zones=zones),
        f"posturemap_{stamp}.html",
        "text/html",
        key="dl_html",
    )
    st.download_button(
        "Data in view as GeoJSON",
        lambda: appupload.dataset_geojson(view),
        f"posturemap_{stamp}.geojson",
        "application/geo+json",
        key="dl_geojson",
    )
    if st.button(
        "Make a PNG of this view",
        key="make_png",
        help="A briefing slide of the area on the map, drawn in headless Chromium.",
    ):
        with st.spinner("Rendering in headless Chromium…"):
            ss["_png"] = (
                view_key,
                *appmap.view_png(
                    appview.filtered(dataset, state),
                    state,
                    day,
                    appclick.map_bounds(ss.get(MAP_KEY)),
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

"""posturemap in the browser: ``streamlit run app.py``.

Streamlit calls only. The choices and the URL are worked out in :mod:`geo.app.state`;
clicks and the map's view in :mod:`geo.app.clicks`; what is in view, figures and the table
in :mod:`geo.app.view`; a feature's details in :mod:`geo.app.details`; distances, rings and
zones in :mod:`geo.app.overlays`; uploads and downloads in :mod:`geo.app.uploads`; the map
and its assets in :mod:`geo.app.webmap`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo.app import clicks, overlays, webmap
from geo.app import details as app_details
from geo.app import state as app_state
from geo.app import uploads as app_uploads
from geo.app import view as app_view
from geo.data import files as data_files
from geo.data import reading, selection
from geo.data.paths import default_data_dir
from geo.data.schema import LAYERS
from geo.web import escape

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
    return webmap.publish_assets(HERE / "static", st.get_option("server.baseUrlPath"))


@st.cache_data(show_spinner="Reading and checking the data…", max_entries=8)
def load_dataset(key: str, _files: dict[str, bytes], label: str) -> reading.Dataset:
    return reading.load_bytes(_files, label=label)


@st.cache_data(show_spinner="Measuring distances…", max_entries=16)
def analysed(key: str, _dataset: reading.Dataset, to: str):
    return overlays.analysis_of(_dataset, to)


@st.cache_data(show_spinner=False, max_entries=64)
def analysed_at(key: str, day: object, to: str, _dataset: reading.Dataset):
    return overlays.analysis_at(_dataset, analysed(key, _dataset, to), day)


@st.cache_data(show_spinner=False, max_entries=8)
def nearby_states(key: str, _dataset: reading.Dataset) -> dict[str, str]:
    return overlays.nearby_states(_dataset)


@st.cache_data(show_spinner="Drawing range rings…", max_entries=32)
def rings_for(key: str, day: object, _view: reading.Dataset, origin: str, ring_nm: float | None):
    return overlays.rings_for(_view, origin, ring_nm)


@st.cache_data(show_spinner="Drawing maritime zones…", max_entries=16)
def zones_for(iso_a3: str):
    return overlays.zones_for(iso_a3)


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
    files, read_problems = app_uploads.upload_files({f.name: f.getvalue() for f in uploads})
    label = f"Your upload ({len(uploads)} file{'s' if len(uploads) > 1 else ''})"
else:
    files, read_problems = data_files.read_directory(default_data_dir())
    label = "Default data set"
data_key = app_uploads.content_key(files)
dataset = load_dataset(data_key, files, label)
problems = [*read_problems, *dataset.problems]
days = selection.dates_in(dataset)
everything = app_view.all_features(dataset)
all_ids = everything["id"].astype(str).tolist()
all_names = dict(zip(all_ids, everything["name"].astype(str), strict=True))

# First run, or new data: take the choices from the URL (a shared link), checked
# against the data; afterwards the widgets hold them.
if ss.get("_data_key") != data_key:
    from_url = app_state.decode_query(
        st.query_params.to_dict(), days, all_ids, overlays.ring_origins(dataset)
    )
    ss.update(app_state.widget_values(from_url, days))
    ss["selected"] = from_url.selected or app_state.NONE
    ss["_view"] = (from_url.center, from_url.zoom)
    ss["_click"] = clicks.click_signature(ss.get(MAP_KEY))
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
        app_state.WINDOW_CHOICES,
        key="window",
        format_func=lambda w: (
            "All up to the date" if not w else ("That day only" if w == 1 else f"Last {w} days")
        ),
    )
    st.multiselect("Layers", LAYERS, key="layers", format_func=app_state.LAYER_LABELS.get)
    with st.expander("Asset filters"):
        for name, label_text in (
            ("categories", "Category"),
            ("affiliations", "Affiliation"),
            ("confidences", "Confidence (all layers)"),
        ):
            st.multiselect(label_text, app_state.CHOICES[name], key=name)
    st.selectbox(
        "Basemap",
        app_state.BASEMAPS,
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
    places = overlays.options_for_places(dataset)
    if ss.get("to") not in places:
        ss["to"] = next(iter(places), app_state.DEFAULT_PLACE)
    st.selectbox(
        "Distances to",
        list(places) or [app_state.DEFAULT_PLACE],
        key="to",
        format_func=lambda v: places.get(v, v),
    )

# --- what is in view --------------------------------------------------------------------

# The map's last report (st_folium's on_change put it in the session before this run):
# a new click selects a feature, a move records the view. Taken here, before the map is
# drawn, so that this run already shows the selection.
state = app_state.state_from_widgets(ss, days, ss.get("selected"), *ss["_view"])
view = app_view.in_view(dataset, state)
mapped = app_view.on_map(dataset, state, view)  # with the timeline: every report, not one day's
with rings_box:
    ring_options = overlays.options_for_rings(view)
    if ss.get("ring_origin") not in ring_options:
        ss["ring_origin"] = app_state.NONE
    st.selectbox(
        "Rings around",
        [app_state.NONE, *ring_options],
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
        ss.setdefault("ring_nm", app_state.DEFAULT_RING_NM)  # dropped while the input was hidden
        st.number_input("Radius (nautical miles)", 1.0, 12000.0, step=50.0, key="ring_nm")
    states = nearby_states(data_key, dataset)
    if ss.get("zone_state") not in states:
        ss["zone_state"] = app_state.NONE
    st.selectbox(
        "Maritime zones of",
        [app_state.NONE, *states],
        key="zone_state",
        help=overlays.ZONE_HELP,
        format_func=lambda v: f"{states[v]} ({v})" if v in states else "None",
    )
features = app_view.all_features(view)
clicks.take_map_report(ss, ss.get(MAP_KEY), app_view.all_features(mapped))
day = app_view.effective_date(state, dataset)
analysis = analysed_at(data_key, day, state.to, dataset)
table = app_view.features_table(view, analysis)
table_selection = getattr(ss.get("table"), "selection", None)
clicks.take_table_selection(ss, getattr(table_selection, "rows", None) or [], table)
state = app_state.state_from_widgets(ss, days, ss.get("selected"), *ss["_view"])
st.query_params.from_dict(app_state.encode_query(state))
restore_center, restore_zoom = clicks.view_to_restore(ss, clicks.map_identity(state, data_key))
if restore_center is None:
    restore_center, restore_zoom = webmap.initial_view(mapped)
rings = (
    rings_for(data_key, clicks.map_identity(state, ""), view, state.ring_origin, state.ring_nm)
    if state.ring_origin
    else None
)
zones = zones_for(state.zone_state) if state.zone_state else None
with rings_box:
    if rings is not None and not len(rings):
        st.caption("No nominal range is known for this type: choose a custom radius.")
    elif rings is not None:
        st.markdown("\n".join(app_details.ring_lines(rings)))

# --- header and figures -------------------------------------------------------------------

numbers = app_view.figures(view)
previous = app_view.previous_date(days, day)
before = (
    app_view.figures(app_view.in_view(dataset, app_view.replace_date(state, previous)))
    if previous
    else None
)
st.markdown(
    f"#### {escape.markdown_text(dataset.label or 'Data')} · as of "
    f"{day.isoformat() if day else 'no date'} · {len(features)} features in view"
)
st.caption(
    f"{webmap.CAVEAT_LINE}: each position is drawn with its uncertainty circle and sources. "
    "Click a symbol for everything known about it."
)
if problems:
    st.warning(
        f"{len(problems)} problem(s) in the data: the features concerned are left out, "
        f"the {dataset.feature_count} valid ones are shown. See **Problems** below."
    )
for cell, (name, text) in zip(st.columns(5), app_view.FIGURE_LABELS.items(), strict=True):
    delta = numbers[name] - before[name] if before is not None else None
    cell.metric(
        text,
        f"{numbers[name]:,}",
        delta=delta or None,
        border=True,
        help=app_view.figure_help(name, numbers, previous),
    )

# --- map and details ---------------------------------------------------------------------

left, right = st.columns([2.7, 1], gap="medium")
with left:
    fmap = webmap.view_map(
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
        returned_objects=webmap.RETURNED_OBJECTS,
        center=restore_center,
        zoom=restore_zoom,
        feature_group_to_add=webmap.highlight(dataset, state.selected),
        # st_folium only needs the map's own render (header, html, script); the full
        # page render it does by default re-parses the 1 MB script as a template (~60 ms).
        render=False,
    )
with right, st.container(height=MAP_HEIGHT, border=False):
    choices = [app_state.NONE, *features["id"].astype(str)]
    if ss.get("selected") not in choices:
        if ss.get("selected") in all_ids:
            choices.append(ss["selected"])
        else:
            ss["selected"] = app_state.NONE
    names = dict(zip(features["id"].astype(str), features["name"].astype(str), strict=True))
    st.selectbox(
        "Feature",
        choices,
        key="selected",
        format_func=lambda v: f"{names.get(v, v)} ({v})" if v else "None selected",
    )
    details = None
    if ss.get("selected"):
        details = app_details.feature_details(dataset, ss["selected"], analysis, day)
    if details is None:
        st.caption(
            "Click a symbol, track or strike on the map, or a row of the table, "
            "to see everything known about it."
        )
    else:
        st.markdown(f"##### {escape.markdown_text(details.name)}")
        st.caption(f"{app_details.headline(details)}  \nid {escape.markdown_text(details.id)}")
        if details.id not in names and state.timeline:
            st.info("Not in view at the as-of date (the figures' and the table's date).")
        elif details.id not in names:
            st.info("Not on the map with the current date and filters.")
        lines = app_details.analysis_lines(
            details.analysis, places.get(state.to, state.to), all_names
        )
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
            app_uploads.problems_table(problems), hide_index=True, width="stretch", key="problems"
        )
    else:
        st.success("No problems: every feature is valid.")
with tab_download:
    stamp = day.isoformat() if day else "all"
    view_key = clicks.map_identity(state, data_key) + str(ss["_view"])
    st.download_button(
        "Map as HTML (self-contained)",
        lambda: webmap.view_html(mapped, state, day, rings=rings, zones=zones),
        f"posturemap_{stamp}.html",
        "text/html",
        key="dl_html",
    )
    st.download_button(
        "Data in view as GeoJSON",
        lambda: app_uploads.dataset_geojson(view),
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
                *webmap.view_png(
                    app_view.filtered(dataset, state),
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

"""The app page's sidebar: the data box, the choices, range rings and maritime zones.

Streamlit widgets only; what they offer comes from :mod:`geo.app.state` and
:mod:`geo.app.overlays`. Every widget keeps its value in ``st.session_state`` under its key.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.uploaded_file_manager import UploadedFile

from geo.analysis import joins
from geo.app import details as app_details
from geo.app import overlays, page_edit, page_steps
from geo.app import state as app_state
from geo.app import uploads as app_uploads
from geo.app import view as app_view
from geo.data.reading import Dataset
from geo.data.schema import LAYERS
from geo.web.contract import MAX_STALE_DAYS


def data_box(
    ss: MutableMapping[str, Any], directory: Path | None = None
) -> tuple[DeltaGenerator, list[UploadedFile] | None]:
    """Title, an empty box for the choices, the open directory and (without one) the uploader."""
    with st.sidebar:
        st.title("posturemap")
        st.caption(
            "Where military assets are, from open sources, with every position's "
            "uncertainty and sources."
        )
        controls = st.container()  # drawn above the data box, filled once the data is known
        with st.expander(
            "Data: default set or your own", expanded=bool(ss.get("uploads") or directory)
        ):
            page_edit.directory_box(ss, directory)
            if directory is not None:  # a working directory takes files through Import
                return controls, None
            uploads = st.file_uploader(
                "Your own data",
                type=app_uploads.ACCEPTED,
                accept_multiple_files=True,
                key="uploads",
                help="Layer files named bases/assets/tracks/strikes/places.geojson (or .parquet, "
                ".fgb) with their sources.json, or a zip of a data directory; or Google Earth "
                "(KML/KMZ), spreadsheets (CSV/TSV) and GeoPackage files, imported into the layer "
                "their name says (bases.csv), else the layers of an export's folders, else into "
                "assets. Checked here, kept in memory only.",
            )
    return controls, uploads


def choices(
    controls: DeltaGenerator, ss: MutableMapping[str, Any], dataset: Dataset, days: list[date]
) -> tuple[DeltaGenerator, dict[str, str]]:
    """Date, window, layers, filters, basemap, toggles and the place to measure to.

    Returns
    -------
    rings_box : DeltaGenerator
        The expander for rings and zones, filled by :func:`rings_and_zones`.
    places : dict of str to str
        Places distances can be measured to: id -> name.
    """
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
            groups = app_view.group_names(dataset)
            # Groups of another data set (a shared link, an earlier upload) are not offered.
            ss["groups"] = [g for g in ss.get("groups") or [] if g in groups]
            st.multiselect(
                "Group",
                groups,
                key="groups",
                placeholder="All assets" if groups else "No groups in this data",
                disabled=not groups,
                help="Show only the assets of these task forces or ready groups; "
                "none chosen shows every asset.",
            )
            st.number_input(
                "Faded after (days)",
                min_value=1,
                max_value=MAX_STALE_DAYS,
                step=1,
                key="stale_days",
                help="A unit report this many days older than the as-of date is drawn faded, "
                "with 'last seen DATE' in its label.",
            )
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
        if ss.get("to") not in places:  # no theatre is special: the data's own capital
            capital = joins.default_target(dataset)
            ss["to"] = capital if capital in places else next(iter(places), None)
        st.selectbox(
            "Distances to",
            list(places) or [None],
            key="to",
            format_func=lambda v: places.get(v, v) if v else "(no place in the data)",
        )
    return rings_box, places


def rings_and_zones(
    rings_box: DeltaGenerator,
    ss: MutableMapping[str, Any],
    view: Dataset,
    data_key: str,
    dataset: Dataset,
) -> None:
    """The origin and radius of range rings, and the state whose maritime zones to draw."""
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
            # The value was dropped while the input was hidden.
            ss.setdefault("ring_nm", app_state.DEFAULT_RING_NM)
            st.number_input("Radius (nautical miles)", 1.0, 12000.0, step=50.0, key="ring_nm")
        states = page_steps.nearby_states(data_key, dataset)
        if ss.get("zone_state") not in states:
            ss["zone_state"] = app_state.NONE
        st.selectbox(
            "Maritime zones of",
            [app_state.NONE, *states],
            key="zone_state",
            help=overlays.ZONE_HELP,
            format_func=lambda v: f"{states[v]} ({v})" if v in states else "None",
        )


def ring_notes(rings_box: DeltaGenerator, rings: gpd.GeoDataFrame | None) -> None:
    """Under the ring choices: the nominal ranges drawn, or why there are none."""
    with rings_box:
        if rings is not None and not len(rings):
            st.caption("No nominal range is known for this type: choose a custom radius.")
        elif rings is not None:
            st.markdown("\n".join(app_details.ring_lines(rings)))

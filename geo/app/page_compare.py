"""Compare mode in the app: the "Compare with" date in the sidebar, and what moved since it.

The map draws the changes (``geo.web.maps.build_map(compare_from=..., history=...)``, called
by :func:`geo.app.webmap.app_map`); beside the map the page lists them, in the words of the
map's own panel (:func:`geo.web.compare.compare_entry`, from :func:`geo.analysis.diff.diff`):
arrived, departed, moved with its distance in nautical miles. The date is a choice like the
others, kept in the link (``compare=DATE``).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from geo.app import state as app_state
from geo.app import view as app_view
from geo.data.reading import Dataset
from geo.web import escape
from geo.web.compare import compare_entry

LABEL = "Compare with"


def control(controls: DeltaGenerator, ss: MutableMapping[str, Any], days: list[date]) -> None:
    """The "Compare with" choice: off, or a data date before the as-of date."""
    end = ss.get("as_of") or (days[-1] if days else None)
    earlier = [d for d in days if end is not None and d < end]
    if ss.get("compare") not in earlier:  # off, or no longer before the as-of date
        ss["compare"] = app_state.NONE
    with controls:
        st.selectbox(
            LABEL,
            [app_state.NONE, *earlier],
            key="compare",
            format_func=lambda d: d.isoformat() if d else "Off",
            disabled=not earlier,
            help="What moved from this earlier date to the as-of date: earlier positions "
            "ghosted on the map, arrows with distances, and the list beside the map.",
        )


@st.cache_data(show_spinner=False, max_entries=32)
def _changes(
    key: str, _dataset: Dataset, _state: app_state.ViewState, start: date, end: date
) -> dict[str, Any]:
    # key: the data and the filters; the dates are keys too.
    return compare_entry(app_view.filtered(_dataset, _state), start, end)


def what_moved(
    dataset: Dataset, state: app_state.ViewState, day: date | None, identity: str
) -> None:
    """The changes since ``state.compare``, listed (nothing when compare mode is off).

    ``identity`` names the data and the filters (:func:`geo.app.clicks.view_identity`).
    """
    if state.compare is None or day is None or state.compare >= day:
        return
    entry = _changes(identity, dataset, state, state.compare, day)
    with st.expander(f"What moved since {state.compare.isoformat()}", expanded=True):
        st.markdown(f"**{escape.markdown_text(entry['summary'])}**")
        for heading, names in entry["sections"]:
            lines = "\n".join(f"- {escape.markdown_text(name)}" for name in names)
            st.markdown(f"{escape.markdown_text(heading)}\n\n{lines}")
        if not entry["sections"]:
            st.caption("Nothing arrived, departed or moved.")

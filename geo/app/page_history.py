"""The app page's history (with undo) and import tabs, for an editable working directory.

Streamlit calls only: the history is read by :func:`geo.app.editing.history_rows`, undo and
import are the engine's (:func:`geo.data.edits.undo`,
:func:`geo.data.importing.import_features`).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import streamlit as st

from geo.app import editing, presses
from geo.app import uploads as app_uploads
from geo.data import importing
from geo.web.escape import markdown_text


def history(directory: Path, undo: Callable[[bool], None]) -> None:
    """The changes, newest first, under "Undo last change" (``undo(pressed)`` runs it)."""
    rows, problems = editing.history_rows(directory)
    undo(presses.button(st, "Undo last change", key="undo", disabled=rows.empty))
    for problem in problems:
        st.warning(markdown_text(problem))
    st.dataframe(rows, hide_index=True, width="stretch", key="history_table")


def import_files(ss: MutableMapping[str, Any], directory: Path, sources: list[str]) -> None:
    """KML/KMZ, CSV/TSV, GeoJSON or GeoPackage files into a layer, with defaults."""
    files = st.file_uploader(
        "Files",
        type=["kml", "kmz", "csv", "tsv", "txt", "geojson", "json", "gpkg"],
        accept_multiple_files=True,
        key="import_files",
    )
    layer = st.selectbox("Into the layer", editing.EDITABLE_LAYERS, key="import_layer")
    source = st.selectbox(
        "Source",
        [None, *sources],
        key="import_source",
        format_func=lambda v: "(a new one for each file)" if v is None else v,
    )
    settings = st.text_area(
        "Defaults (FIELD=VALUE, one a line)",
        key="import_set",
        placeholder="confidence=reported\ncategory=ship\nuncertainty_km=10",
    )
    if presses.button(st, "Import", key="import_submit", disabled=not files):
        try:
            result = importing.import_features(
                [(f.name, f.getvalue()) for f in files or []],
                layer,
                directory,
                source=source,
                settings=importing.parse_settings(
                    [line.strip() for line in settings.splitlines() if line.strip()], layer
                ),
            )
        except importing.ImportOptionError as error:
            st.error(str(error))
            return
        ss["_import_result"] = result
        if result.added:  # the map and figures show them
            st.rerun()
    if ss.get("_import_result") is not None:
        _import_result(ss["_import_result"])


def _import_result(result: importing.ImportResult) -> None:
    if result.problems:
        st.error(f"Nothing imported: {len(result.problems)} problem(s).")
        st.dataframe(app_uploads.problems_table(result.problems), hide_index=True)
        st.code("\n".join(str(p) for p in result.problems), language=None)
        return
    st.success(
        f"Added {len(result.added)}; already there {result.already_there}; "
        f"new sources {len(result.created_sources)}."
    )

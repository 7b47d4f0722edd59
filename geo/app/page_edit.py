"""The app page's editing: the working directory, the report form, history and undo, import.

Streamlit calls only; every change is made by the engine (:mod:`geo.data.edits`,
:func:`geo.data.importing.import_features`), which locks, validates, writes atomically and
records it. What the widgets need from the schema, and the turning of their values into
engine calls, is in :mod:`geo.app.editing`. An edit that lands sets ``_edited`` (the id to
select, its day) and reruns: :mod:`geo.app.page` then keeps the choices and the view.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import streamlit as st

from geo.app import editing, page_history, presses
from geo.app import state as app_state
from geo.data import edits, history, locking, workspace
from geo.data.positions import PositionError, parse_position
from geo.web.escape import markdown_text

PICK = "_picking"  # the next click on the map fills the position box of this form prefix
_PROBLEMS = "_edit_problems"  # form prefix -> problems by field, from the last refusal


def data_dir(ss: MutableMapping[str, Any]) -> Path | None:
    """The open working directory: ``--data DIR`` on the first run, later the session's."""
    if "data_dir" not in ss:
        given = editing.data_dir_from_args(sys.argv[1:])
        ss["data_dir"] = str(given) if given else None
    return Path(ss["data_dir"]) if ss.get("data_dir") else None


def directory_box(ss: MutableMapping[str, Any], directory: Path | None) -> None:
    """In the sidebar's data box: which directory is open, the editor, "Edit a copy"."""
    if directory is None:
        st.caption("Open: the bundled default data set (read-only).")
    elif editing.editable(directory):
        st.caption(f"Open: `{markdown_text(directory)}` (editable)")
    else:
        st.caption(f"Open: `{markdown_text(directory)}` (read-only)")
    ss.setdefault("editor", history.editor_name())
    st.text_input("Editor name", key="editor", help="Recorded with every change you make.")
    if editing.editable(directory):
        return
    with st.form("copy_form", border=False):
        target = st.text_input(
            "Edit a copy in", key="copy_target", placeholder="/path/to/new/directory"
        )
        if presses.button(st, "Edit a copy", key="copy_submit", form=True):
            try:
                made = workspace.copy_default(Path(target).expanduser()) if target else None
            except (FileExistsError, OSError) as error:
                st.error(str(error))
            else:
                if made is None:
                    st.error("Give a new directory to copy the default data set into.")
                else:
                    ss["data_dir"] = str(made)
                    st.rerun()


def pick_from_map(ss: MutableMapping[str, Any], returned: Mapping[str, Any] | None) -> None:
    """In "pick on the map" mode, a new click on the map fills the form's position box."""
    prefix = ss.get(PICK)
    if not prefix or not returned:
        return
    click = returned.get("last_clicked")
    fresh = isinstance(click, Mapping) and click != ss.get("_pick_from")
    if fresh and click.get("lat") is not None and click.get("lng") is not None:
        ss[f"{prefix}at"] = editing.position_text(float(click["lat"]), float(click["lng"]))
        ss[PICK] = None


def edit_area(ss: MutableMapping[str, Any], directory: Path, sources: list[str]) -> None:
    """Below the map of an editable directory: add, the selected report, history, import."""
    st.markdown("#### Edit")
    add_tab, selected_tab, history_tab, import_tab = st.tabs(
        ["Add a report", "Selected report", "History", "Import"]
    )
    with add_tab:
        _add_form(ss, directory, sources)
    with selected_tab:
        _selected_actions(ss, directory, sources)
    with history_tab:
        page_history.history(directory, lambda pressed: _undo(ss, directory, pressed))
    with import_tab:
        page_history.import_files(ss, directory, sources)


def _undo(ss: MutableMapping[str, Any], directory: Path, pressed: bool) -> None:
    if pressed:
        _run(ss, "undo_", lambda: edits.undo(directory, editor=ss.get("editor")))
    _problems(ss, "undo_", "")


# --- the form ----------------------------------------------------------------------------


def _run(ss: MutableMapping[str, Any], prefix: str, call: Callable[[], history.Change]) -> None:
    """Make an engine call; on success select its feature and rerun, else keep the problems."""
    try:
        change = call()
    except workspace.Refused as error:
        ss[_PROBLEMS] = {prefix: editing.problems_by_field(error.problems)}
        ss[f"{prefix}_message"] = str(error)
        return
    except (workspace.EditError, locking.Busy, ValueError) as error:
        ss[_PROBLEMS] = {prefix: {"": [str(error)]}}
        return
    ss[_PROBLEMS] = {}
    after = (change.after or {}).get("properties") or {}
    day = str(after.get("observed") or "")[:10]
    ss["_edited"] = (change.id if change.after else None, day or None)
    st.rerun()


def _problems(ss: MutableMapping[str, Any], prefix: str, field: str) -> None:
    for message in ss.get(_PROBLEMS, {}).get(prefix, {}).get(field, []):
        st.error(f"{field or 'report'}: {message}" if field else message, icon=None)


def _position(ss: MutableMapping[str, Any], prefix: str, required: bool = True) -> Any:
    """The position box, its "pick on the map" button, and what it reads as."""
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    text = left.text_input(
        "Position *" if required else "Position (empty: unchanged)",
        key=f"{prefix}at",
        placeholder="12.1, -68.9   or   12°06'N 68°54'W   or   19PEP108376",
    )
    picking = ss.get(PICK) == prefix
    if presses.button(right, "Cancel pick" if picking else "Pick on the map", key=f"{prefix}pick"):
        ss[PICK] = None if picking else prefix
        ss["_pick_from"] = (ss.get("map") or {}).get("last_clicked")
        st.rerun()
    if picking:
        st.info("Click the map where the report is.")
    _problems(ss, prefix, "geometry")
    if not text.strip():
        return None
    try:
        at = parse_position(text)
    except PositionError as error:
        st.error(str(error))
        return None
    st.caption(
        f"lat {at.lat:.5f}, lon {at.lon:.5f} ({at.notation}; as typed, good to about "
        + (
            f"{at.precision_km * 1000:.0f} m)"
            if at.precision_km < 1
            else f"{at.precision_km:.3g} km)"
        )
    )
    return at


def _field_widgets(
    ss: MutableMapping[str, Any], prefix: str, layer: str, sources: list[str]
) -> dict[str, Any]:
    """Name, date, sources, then the layer's fields from the schema; their values."""
    name_box, date_box, sources_box = st.columns(3)
    with name_box:
        values: dict[str, Any] = {"name": st.text_input("name *", key=f"{prefix}name")}
        _problems(ss, prefix, "name")
    if layer in ("assets", "strikes"):
        with date_box:
            values["observed"] = st.date_input("observed *", key=f"{prefix}observed", value=None)
            _problems(ss, prefix, "observed")
    with sources_box:
        values["sources"] = st.multiselect("sources *", sources, key=f"{prefix}sources")
        _problems(ss, prefix, "sources")
    columns = st.columns(3)
    for number, spec in enumerate(editing.form_fields(layer)):
        with columns[number % 3]:
            values[spec.name] = _field_widget(f"{prefix}{layer}_{spec.name}", spec)
            _problems(ss, prefix, spec.name)
    return values


def _field_widget(key: str, spec: editing.FieldSpec) -> Any:
    """One generated widget; its value."""
    if spec.kind == "enum":
        # A required choice starts empty: the form never claims a value no one chose.
        return st.selectbox(
            spec.label,
            spec.options,
            key=key,
            help=spec.help,
            index=None if spec.required else 0,
            placeholder="choose",
            format_func=lambda v: "(not given)" if v is None else str(v),
        )
    if spec.kind in ("integer", "number"):
        step: Any = 1 if spec.kind == "integer" else 1.0
        return st.number_input(spec.label, key=key, help=spec.help, value=None, step=step)
    if spec.kind == "date":
        return st.date_input(spec.label, key=key, help=spec.help, value=None)
    if spec.kind == "bool":
        return st.checkbox(spec.label, key=key, help=spec.help) or None
    return st.text_input(spec.label, key=key, help=spec.help)


def _add_form(ss: MutableMapping[str, Any], directory: Path, sources: list[str]) -> None:
    prefix = "add_"
    layer = st.selectbox(
        "Layer", editing.EDITABLE_LAYERS, key="add_layer", format_func=app_state.LAYER_LABELS.get
    )
    at = _position(ss, prefix)
    values = _field_widgets(ss, prefix, layer, sources)
    _problems(ss, prefix, "")
    if presses.button(st, "Add the report", key="add_submit", type="primary"):
        if at is None:
            ss[_PROBLEMS] = {prefix: {"geometry": ["give a position"]}}
            st.rerun()
        properties = editing.properties_from_form(values)
        _run(
            ss,
            prefix,
            lambda: edits.add_report(
                directory, layer, properties, (at.lat, at.lon), editor=ss.get("editor")
            ),
        )
        st.rerun()  # show the problems next to their fields
    _new_source(ss, directory)


def _new_source(ss: MutableMapping[str, Any], directory: Path) -> None:
    with st.expander("Add a source"), st.form("source_form"):
        record = {
            "id": st.text_input("id *"),
            "title": st.text_input("title *"),
            "publisher": st.text_input("publisher"),
            "published": st.date_input("published", value=None),
            "url": st.text_input("url"),
        }
        if presses.button(st, "Add the source", key="src_submit", form=True):
            prefix = "src_"
            _run(
                ss,
                prefix,
                lambda: edits.add_source(
                    directory, editing.properties_from_form(record), editor=ss.get("editor")
                ),
            )
    for messages in ss.get(_PROBLEMS, {}).get("src_", {}).values():
        for message in messages:
            st.error(message)


# --- the selected report -------------------------------------------------------------------


def _selected_actions(ss: MutableMapping[str, Any], directory: Path, sources: list[str]) -> None:
    selected = ss.get("selected")
    if not selected:
        st.caption("Select a report on the map or in the table to edit, retire or delete it.")
        return
    try:
        found = workspace.read_report(directory, selected)
    except workspace.EditError as error:
        st.caption(markdown_text(error))
        return
    props = found.feature.get("properties") or {}
    st.markdown(f"**{markdown_text(props.get('name', selected))}** ({markdown_text(selected)})")
    prefix = "upd_"
    if ss.get("_upd_loaded") != selected:
        # The form starts from the report as read now; its version guards the edit.
        _prefill(ss, prefix, found.layer, props)
        ss["_upd_loaded"], ss["_upd_version"] = selected, found.version
    new_tab, edit_tab, retire_tab, delete_tab = st.tabs(
        ["New report of this asset", "Edit", "Retire", "Delete"]
    )
    with new_tab:
        if found.layer in ("assets", "strikes"):
            at = _position(ss, "new_")
            observed = st.date_input("observed *", key="new_observed", value=None)
            if presses.button(st, "Add the new report", key="new_submit", type="primary"):
                if at is None or observed is None:
                    ss[_PROBLEMS] = {"new_": {"": ["give a position and a date"]}}
                else:
                    _run(
                        ss,
                        "new_",
                        lambda: edits.new_report(
                            directory,
                            selected,
                            (at.lat, at.lon),
                            observed,
                            editor=ss.get("editor"),
                        ),
                    )
            _problems(ss, "new_", "")
        else:
            st.caption("Only assets and strikes have dated reports.")
    with edit_tab:
        at = _position(ss, prefix, required=False)
        values = _field_widgets(ss, prefix, found.layer, sources)
        _problems(ss, prefix, "")
        if presses.button(st, "Save the changes", key="upd_submit", type="primary"):
            changes = editing.changed_properties(props, values)
            _run(
                ss,
                prefix,
                lambda: edits.update_report(
                    directory,
                    selected,
                    changes,
                    at=(at.lat, at.lon) if at else None,
                    expected=ss.get("_upd_version"),
                    editor=ss.get("editor"),
                ),
            )
            st.rerun()
    with retire_tab:
        until = st.date_input("Held until *", key="ret_until", value=None)
        if presses.button(st, "Retire", key="ret_submit") and until is not None:
            _run(
                ss,
                "ret_",
                lambda: edits.retire_report(
                    directory, selected, until, expected=found.version, editor=ss.get("editor")
                ),
            )
        _problems(ss, "ret_", "")
    with delete_tab:
        sure = st.checkbox("Yes, delete this report", key="del_sure")
        if presses.button(st, "Delete", key="del_submit", disabled=not sure):
            _run(
                ss,
                "del_",
                lambda: edits.delete_report(
                    directory, selected, expected=found.version, editor=ss.get("editor")
                ),
            )
        _problems(ss, "del_", "")


def _prefill(
    ss: MutableMapping[str, Any], prefix: str, layer: str, props: Mapping[str, Any]
) -> None:
    ss[f"{prefix}at"] = ""
    ss[f"{prefix}name"] = str(props.get("name") or "")
    ss[f"{prefix}observed"] = editing.widget_value(
        editing.FieldSpec("observed", "date", True), props.get("observed")
    )
    ss[f"{prefix}sources"] = list(props.get("sources") or [])
    for spec in editing.form_fields(layer):
        value = editing.widget_value(spec, props.get(spec.name))
        if spec.kind == "text" and value is None:
            value = ""
        if spec.kind == "bool":
            value = bool(value)
        ss[f"{prefix}{layer}_{spec.name}"] = value

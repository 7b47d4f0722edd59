"""Editing in the app: a working directory, the report form, history and undo (AppTest).

The page runs on a tiny data directory (``data_dir`` in the session stands for ``--data``);
every change goes through the engine, so what is asserted here is the page's wiring: the
form's values reach the engine, refusals come back by field, the map follows the edit.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from geo.app import editing, launch
from geo.data import edits, history, workspace
from geo.data.paths import default_data_dir
from geo.data.schema import Problem
from tests.factories import red_sea_layers, valid_layers, write_dataset

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _open(directory: Path | None, editor: str = "ana") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["data_dir"] = str(directory) if directory else None
    at.session_state["editor"] = editor
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _by_key(at: AppTest, kind: str, key: str) -> Any:
    found = [w for w in getattr(at, kind) if w.key == key]
    assert found, f"no {kind} with key {key!r}"
    return found[0]


def _fill_asset(at: AppTest, name: str, position: str, count: float | None = 2) -> None:
    _by_key(at, "text_input", "add_at").set_value(position)
    _by_key(at, "text_input", "add_name").set_value(name)
    _by_key(at, "date_input", "add_observed").set_value(date(2025, 10, 2))
    _by_key(at, "multiselect", "add_sources").set_value(["src-a"])
    _by_key(at, "selectbox", "add_assets_category").set_value("ship")
    _by_key(at, "text_input", "add_assets_type").set_value("destroyer")
    _by_key(at, "number_input", "add_assets_count").set_value(count)
    _by_key(at, "number_input", "add_assets_uncertainty_km").set_value(10.0)
    _by_key(at, "selectbox", "add_assets_confidence").set_value("reported")
    at.run()


def _history_table(at: AppTest) -> Any:
    (table,) = [d.value for d in at.dataframe if list(d.value.columns) == editing.HISTORY_COLUMNS]
    return table


def _submit(at: AppTest, key: str) -> AppTest:
    _by_key(at, "button", key).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "work", valid_layers())


def _ids(directory: Path, layer: str = "assets") -> list[str]:
    text = (directory / f"{layer}.geojson").read_text(encoding="utf-8")
    return [f["properties"]["id"] for f in json.loads(text)["features"]]


def test_add_refused_then_added_then_undone(tiny: Path) -> None:
    at = _open(tiny)
    assert "editable" in " ".join(c.value for c in at.sidebar.caption)
    ships_before = {m.label: m.value for m in at.metric}["Ships"]
    _fill_asset(at, "Ship Two", "12°30'N 67°00'W", count=None)
    # the typed position as read, before anything is written
    assert any("lat 12.50000, lon -67.00000" in c.value for c in at.caption)
    _submit(at, "add_submit")
    errors = [e.value for e in at.error]
    assert any(e.startswith("count:") for e in errors), errors
    assert _ids(tiny) == ["a1", "a1-later"]
    _by_key(at, "number_input", "add_assets_count").set_value(2)
    _submit(at, "add_submit")
    assert "ship-two-2025-10-02" in _ids(tiny)
    assert at.session_state["selected"] == "ship-two-2025-10-02"
    assert {m.label: m.value for m in at.metric}["Ships"] != ships_before
    rows = _history_table(at)
    assert rows.iloc[0][["op", "id", "editor"]].tolist() == ["add", "ship-two-2025-10-02", "ana"]
    _submit(at, "undo")
    assert "ship-two-2025-10-02" not in _ids(tiny)
    assert _history_table(at).iloc[0]["op"] == "undo of 1"


def test_two_sessions_both_land_and_a_stale_edit_is_refused(tiny: Path) -> None:
    first, second = _open(tiny, "ana"), _open(tiny, "bo")
    for at, name in ((first, "Ship A"), (second, "Ship B")):
        _fill_asset(at, name, "12.5, -67")
    _submit(first, "add_submit")
    _submit(second, "add_submit")  # on a page read before the first add
    assert {"ship-a-2025-10-02", "ship-b-2025-10-02"} <= set(_ids(tiny))
    assert [c.editor for c in history.read_history(tiny).changes] == ["ana", "bo"]
    first.session_state["selected"] = "a1-later"
    first.run()
    _by_key(first, "text_input", "upd_assets_type").set_value("frigate")
    # Someone else changes the report after this page read it.
    edits.update_report(tiny, "a1-later", {"count": 3}, editor="bo")
    _submit(first, "upd_submit")
    assert workspace.read_report(tiny, "a1-later").feature["properties"]["type"] != "frigate"
    assert any("changed since you read it by bo" in e.value for e in first.error)


@pytest.mark.parametrize(
    ("layer", "field", "kind"),
    [
        ("assets", "category", "enum"),
        ("assets", "count", "integer"),
        ("assets", "uncertainty_km", "number"),
        ("strikes", "killed", "integer"),
        ("bases", "country", "text"),
        ("assets", "reconstructed", "bool"),
    ],
)
def test_form_fields_follow_the_schema(layer: str, field: str, kind: str) -> None:
    specs = {s.name: s for s in editing.form_fields(layer)}
    assert specs[field].kind == kind
    assert "id" not in specs and "observed" not in specs


def test_optional_enums_offer_not_given_and_changes_clear_fields() -> None:
    specs = {s.name: s for s in editing.form_fields("assets")}
    assert specs["status"].options[0] is None and specs["category"].options[0] == "ship"
    old = {"count": 1, "designation": "DDG-1", "type": "x"}
    new = {"count": 1, "designation": "", "type": "y", "observed": date(2025, 1, 2)}
    assert editing.changed_properties(old, new) == {
        "designation": None,
        "type": "y",
        "observed": "2025-01-02",
    }
    grouped = editing.problems_by_field([Problem("f", "bad", field="count"), Problem("f", "x")])
    assert grouped == {"count": ["bad"], "": ["x"]}


def test_data_dir_from_args_and_what_is_editable(tmp_path: Path) -> None:
    assert editing.data_dir_from_args(["--data", "/x/y", "--other"]) == Path("/x/y")
    assert editing.data_dir_from_args([]) is None
    assert editing.editable(write_dataset(tmp_path / "red", red_sea_layers()))
    assert not editing.editable(default_data_dir())
    assert not editing.editable(tmp_path / "missing")
    assert not editing.editable(None)


@pytest.mark.parametrize(
    "extra", [["--data", "work", "--server.port", "8600"], ["--server.port", "8600", "--data=work"]]
)
def test_posturemap_app_gives_data_to_the_page(extra: list[str]) -> None:
    command = launch.streamlit_command(Path("page.py"), extra)
    assert command[-3:] == ["--", "--data", str(Path("work").resolve())]
    assert command[-5:-3] == ["--server.port", "8600"]

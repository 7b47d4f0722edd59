"""The editing engine: each operation round trip, refusals by field, stale edits, the default
data set refused, a directory's files never half-written, 20 processes adding at once."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from geo.data import edits, history, locking
from geo.data.fieldvalues import BadAssignment, parse_assignment, typed_value
from geo.data.paths import default_data_dir
from geo.data.reading import load
from tests.factories import valid_layers, write_dataset

SHIP = {
    "name": "USS Example",
    "category": "ship",
    "type": "guided-missile destroyer",
    "count": 1,
    "observed": "2025-10-24",
    "uncertainty_km": 20,
    "sources": ["src-a"],
    "confidence": "reported",
}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "work", valid_layers())


def _ids(directory: Path, layer: str = "assets") -> list[str]:
    document = json.loads((directory / f"{layer}.geojson").read_text(encoding="utf-8"))
    return [f["properties"]["id"] for f in document["features"]]


def test_add_writes_a_valid_feature_and_a_history_line(work: Path) -> None:
    change = edits.add_report(work, "assets", SHIP, (12.5, -67.25), editor="analyst")
    assert change.id == "uss-example-2025-10-24"
    assert change.id in _ids(work)
    dataset = load(work)
    assert dataset.problems == []
    row = dataset["assets"].set_index("id").loc[change.id]
    assert (row.geometry.x, row.geometry.y) == (-67.25, 12.5)  # (lat, lon) in, GeoJSON out
    (line,) = history.read_history(work).changes
    assert (line.seq, line.op, line.editor, line.layer, line.before) == (
        1,
        "add",
        "analyst",
        "assets",
        None,
    )
    assert line.after["properties"]["id"] == change.id and line.time.endswith("Z")


def test_ids_made_from_name_and_date_never_collide(work: Path) -> None:
    made = [edits.add_report(work, "assets", SHIP, (12.0, -67.0)).id for _ in range(3)]
    base = "uss-example-2025-10-24"
    assert made == [base, f"{base}-2", f"{base}-3"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"count": 0}, "count", "out of range"),
        ({"confidence": "sure"}, "confidence", "is not one of"),
        ({"sources": ["nowhere"]}, "sources", "unknown source id 'nowhere'"),
        ({"base": "no-such-base"}, "base", "not the id of any feature in bases"),
        ({"until": "2025-01-01"}, "until", "is before observed"),
        ({"uncertainty_km": None}, "uncertainty_km", "missing"),
    ],
)
def test_bad_changes_are_refused_by_field_and_nothing_is_written(
    work: Path, changes: dict[str, Any], field: str, words: str
) -> None:
    before = (work / "assets.geojson").read_bytes()
    with pytest.raises(edits.Refused) as caught:
        edits.update_report(work, "a1", changes)
    assert [p.field for p in caught.value.problems] == [field]
    assert words in caught.value.problems[0].message
    assert "feature 0 (a1)" in str(caught.value.problems[0])
    assert (work / "assets.geojson").read_bytes() == before
    assert history.read_history(work).changes == []


def test_add_without_required_fields_names_each(work: Path) -> None:
    with pytest.raises(edits.Refused) as caught:
        props = {"name": "Unknown", "count": 1, "sources": ["src-a"]}
        edits.add_report(work, "assets", props, (12, -67))
    fields = {p.field for p in caught.value.problems}
    assert fields == {"category", "type", "confidence", "observed", "uncertainty_km"}


def test_a_delete_that_would_leave_a_dangling_reference_is_refused(work: Path) -> None:
    with pytest.raises(edits.Refused, match="base: 'b1' is not the id"):
        edits.delete_report(work, "b1")
    assert "b1" in _ids(work, "bases")


def test_update_retire_delete_and_undo_each_round_trip(work: Path) -> None:
    original = (work / "assets.geojson").read_bytes()
    edits.update_report(work, "a1", {"notes": "seen in port"}, at=(12.9, -66.4))
    edits.retire_report(work, "a1", "2025-09-20")
    edits.delete_report(work, "a1-later")
    found = edits.read_report(work, "a1")
    assert found.feature["properties"]["until"] == "2025-09-20"
    assert found.feature["geometry"]["coordinates"] == [-66.4, 12.9]
    assert "a1-later" not in _ids(work)
    undone = [edits.undo(work, editor="lead").undoes for _ in range(3)]
    assert undone == [3, 2, 1]
    assert json.loads((work / "assets.geojson").read_bytes()) == json.loads(original)
    ops = [(c.op, c.undoes) for c in history.read_history(work).changes]
    assert ops == [("update", None), ("retire", None), ("delete", None)] + [
        ("undo", n) for n in undone
    ]
    with pytest.raises(edits.NothingToUndo):
        edits.undo(work)


def test_new_report_keeps_the_entity_and_copies_the_rest(work: Path) -> None:
    change = edits.new_report(work, "a1-later", (13.1, -65.0), "2025-10-20", {"count": 2})
    props = edits.read_report(work, change.id).feature["properties"]
    assert change.id == "ship-one-2025-10-20"
    assert (props["entity"], props["observed"], props["count"]) == ("a1", "2025-10-20", 2)
    assert props["type"] == "guided-missile destroyer" and "until" not in props
    with pytest.raises(edits.Refused, match="for assets only"):
        edits.new_report(work, "s1", (13.1, -65.0), "2025-10-20")


def test_a_stale_edit_is_refused_and_the_other_change_kept(work: Path) -> None:
    read = edits.read_report(work, "a1")
    edits.update_report(work, "a1", {"notes": "first"}, expected=read.version, editor="ana")
    with pytest.raises(edits.Stale, match="changed since you read it by ana"):
        edits.update_report(work, "a1", {"notes": "second"}, expected=read.version)
    assert edits.read_report(work, "a1").feature["properties"]["notes"] == "first"


def test_undo_refuses_a_feature_changed_by_hand(work: Path) -> None:
    edits.update_report(work, "a1", {"notes": "by the engine"})
    text = (work / "assets.geojson").read_text(encoding="utf-8")
    (work / "assets.geojson").write_text(text.replace("by the engine", "by hand"), "utf-8")
    with pytest.raises(edits.Stale, match="changed outside the history"):
        edits.undo(work)


def test_the_bundled_default_is_never_edited_and_copies_are(tmp_path: Path) -> None:
    with pytest.raises(edits.DefaultData, match="copy it into a new directory first"):
        edits.delete_report(default_data_dir(), "barksdale-afb")
    copy = edits.copy_default(tmp_path / "mine")
    assert sorted(p.name for p in copy.iterdir()) == sorted(
        p.name for p in default_data_dir().iterdir() if p.suffix in (".geojson", ".json")
    )
    with pytest.raises(FileExistsError):
        edits.copy_default(copy)  # never over an existing directory
    original = (default_data_dir() / "bases.geojson").read_bytes()
    edits.update_report(copy, "barksdale-afb", {"notes": "edited in the copy"})
    assert (default_data_dir() / "bases.geojson").read_bytes() == original
    assert edits.read_report(copy, "barksdale-afb").feature["properties"]["notes"] == (
        "edited in the copy"
    )


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("count", "3", 3),
        ("uncertainty_km", "2.5", 2.5),
        ("uncertainty_km", "20", 20),
        ("personnel", "null", None),
        ("sources", "src-a, src-b", ["src-a", "src-b"]),
        ("count", "two", "two"),  # kept as text: validation words it
        ("call_sign", "null", None),  # an extra property
        ("name", "null", "null"),  # a name that cannot be null stays text
    ],
)
def test_typed_values_follow_the_schema(field: str, text: str, value: Any) -> None:
    assert typed_value("assets", field, text) == value


def test_an_assignment_needs_an_equals_sign() -> None:
    assert parse_assignment("strikes", "killed=null") == ("killed", None)
    with pytest.raises(BadAssignment):
        parse_assignment("assets", "count")


def _add_one(args: tuple[str, int]) -> str:
    directory, number = args
    props = {**SHIP, "name": f"Boat {number}"}
    return edits.add_report(directory, "assets", props, (12.0, -67.0 + number / 100)).id


def test_twenty_processes_adding_at_once_all_land(work: Path) -> None:
    context = multiprocessing.get_context("fork")
    with context.Pool(20) as pool:
        made = pool.map(_add_one, [(str(work), n) for n in range(20)])
    assert len(set(made)) == 20
    assert set(made) <= set(_ids(work))
    lines = history.read_history(work)
    assert sorted(c.seq for c in lines.changes) == list(range(1, 21))
    assert load(work).problems == []


def test_threads_of_one_process_adding_at_once_all_land(work: Path) -> None:
    """App sessions are threads of one Streamlit process: the lock serialises them too."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(_add_one, [(str(work), n) for n in range(8)]))
    assert len(set(made)) == 8 and set(made) <= set(_ids(work))
    assert [c.seq for c in history.read_history(work).changes] == list(range(1, 9))


def test_a_held_lock_times_out_with_a_message(work: Path) -> None:
    with locking.locked(work), pytest.raises(locking.Busy, match="another edit"):  # noqa: SIM117
        with locking.locked(work, timeout=0.1):
            pass


def test_problems_the_directory_had_do_not_block_other_edits(work: Path) -> None:
    layers = valid_layers()
    del layers["strikes"]["features"][0]["properties"]["killed"]  # a problem of its own
    write_dataset(work, layers)
    edits.update_report(work, "a1", {"notes": "still editable"})
    with pytest.raises(edits.Refused) as caught:
        edits.update_report(work, "a1", {"count": -1})
    assert [p.field for p in caught.value.problems] == ["count"]  # only the edit's own


def test_a_layer_file_that_cannot_be_read_is_never_replaced(work: Path) -> None:
    import os

    (work / "strikes.geojson").unlink()
    os.mkfifo(work / "strikes.geojson")
    strike = {"name": "Strike", "killed": None, "observed": "2025-10-05", "uncertainty_km": 5}
    with pytest.raises(edits.EditError, match="not a regular file"):
        edits.add_report(work, "strikes", {**strike, "sources": ["src-a"]}, (12.0, -67.0))
    assert (work / "strikes.geojson").is_fifo()
    edits.update_report(work, "a1", {"notes": "other layers stay editable"})


NEW_SOURCE = {
    "id": "src-new",
    "title": "Satellite image of the port",
    "publisher": "Imagery Co",
    "published": "2025-10-22",
    "kind": "satellite",
}


def test_a_new_source_can_be_cited_and_its_add_undone(work: Path) -> None:
    change = edits.add_source(work, NEW_SOURCE, editor="ana")
    assert (change.layer, change.id, change.op) == ("sources", "src-new", "add")
    cited = edits.update_report(work, "a1", {"sources": ["src-a", "src-new"]})
    assert load(work).problems == []
    assert [edits.undo(work).undoes for _ in range(2)] == [cited.seq, change.seq]
    records = json.loads((work / "sources.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in records] == ["src-a"]


@pytest.mark.parametrize(
    ("record", "field", "words"),
    [
        ({"id": "src-a"}, "id", "duplicate source id 'src-a'"),
        ({"kind": "rumour"}, "kind", "'rumour' is not one of"),
        ({"url": "javascript:alert(1)"}, "url", "is not an http or https URL"),
        ({"published": "yesterday"}, "published", "not an ISO 8601 date"),
    ],
)
def test_bad_sources_are_refused_by_field(
    work: Path, record: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(edits.Refused) as caught:
        edits.add_source(work, {**NEW_SOURCE, **record})
    (problem,) = caught.value.problems
    assert problem.field == field and words in problem.message and problem.item == "source"


def test_a_new_theatre_starts_from_an_empty_directory(tmp_path: Path) -> None:
    empty = tmp_path / "baltic"
    empty.mkdir()
    edits.add_source(empty, {**NEW_SOURCE, "id": "osint-1"})
    props = {**SHIP, "name": "HNLMS Tromp", "sources": ["osint-1"]}
    first = edits.add_report(empty, "assets", props, (54.45, 10.15))
    edits.new_report(empty, first.id, (57.3, 18.0), "2025-10-27")
    dataset = load(empty)
    assert dataset.problems == [] and len(dataset["assets"]) == 2


def test_a_layer_without_dates_cannot_be_retired(work: Path) -> None:
    with pytest.raises(edits.Refused, match="bases have no dates to retire"):
        edits.retire_report(work, "b1", "2025-10-01")

"""history.jsonl: who and when, a line cut short by a crash reported and not fatal, undo as a
change; the command line's report, history and undo commands and their exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from geo.data import edits, history
from tests.factories import valid_layers, write_dataset

SHIP_SETS = [
    "--set", "category=ship", "--set", "type=destroyer", "--set", "count=1",
    "--set", "uncertainty_km=20", "--set", "confidence=reported",
]  # fmt: skip


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "work", valid_layers())


def test_the_editor_comes_from_the_argument_then_the_environment(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(history.EDITOR_VARIABLE, "desk-2")
    edits.update_report(work, "a1", {"notes": "one"})
    edits.update_report(work, "a1", {"notes": "two"}, editor="  ana ")
    monkeypatch.delenv(history.EDITOR_VARIABLE)
    edits.update_report(work, "a1", {"notes": "three"})
    editors = [change.editor for change in history.read_history(work).changes]
    assert editors[:2] == ["desk-2", "ana"] and editors[2] not in ("", "desk-2", "ana")


def test_a_line_cut_short_is_reported_and_the_next_change_lands(work: Path) -> None:
    edits.update_report(work, "a1", {"notes": "kept"})
    path = work / history.HISTORY_FILE
    with path.open("ab") as stream:
        stream.write(b'{"seq":2,"time":"2025-')  # a crash in the middle of a write
    read = history.read_history(work)
    assert len(read.changes) == 1
    (problem,) = read.problems
    assert "line 2 (cut short" in str(problem) and str(problem).startswith(str(path))
    edits.update_report(work, "a1", {"notes": "after the crash"})
    read = history.read_history(work)
    assert [c.seq for c in read.changes] == [1, 2] and len(read.problems) == 1
    assert edits.undo(work).undoes == 2


@pytest.mark.parametrize(
    "line",
    [
        b"[1, 2]",
        b'{"seq": "x"}',
        b'{"seq":1,"time":"t","editor":"e","op":"fly","layer":"assets","id":"a"}',
    ],
)
def test_unreadable_lines_are_skipped_with_a_reason(work: Path, line: bytes) -> None:
    (work / history.HISTORY_FILE).write_bytes(line + b"\n")
    read = history.read_history(work)
    assert read.changes == [] and "line 1: " in str(read.problems[0])


def test_undo_skips_what_was_undone_and_undo_lines(work: Path) -> None:
    first = edits.update_report(work, "a1", {"notes": "1"})
    second = edits.update_report(work, "a1", {"notes": "2"})
    assert edits.undo(work).undoes == second.seq
    edits.update_report(work, "a1", {"notes": "3"})
    assert edits.undo(work).undoes == 4
    assert edits.undo(work).undoes == first.seq
    assert "notes" not in edits.read_report(work, "a1").feature["properties"]


def test_command_line_add_update_retire_new_delete_undo(run_cli: Any, work: Path) -> None:
    data = ["--data", str(work)]
    code, out, err = run_cli(
        "report", "add", *data, "--layer", "assets", "--name", "Red Sea Patrol",
        "--at", "15.5, 41.9", "--observed", "2025-10-24", "--source", "src-a",
        *SHIP_SETS, "--editor", "ana",
    )  # fmt: skip
    assert (code, out.strip()) == (0, "red-sea-patrol-2025-10-24"), err
    new_id = out.strip()
    code, out, _ = run_cli("report", "show", new_id, *data)
    shown = json.loads(out)
    assert shown["feature"]["geometry"]["coordinates"] == [41.9, 15.5]
    code, _, err = run_cli(
        "report", "update", new_id, *data, "--set", "count=2", "--expect", shown["version"]
    )
    assert code == 0, err
    code, _, err = run_cli(
        "report", "update", new_id, *data, "--set", "count=3", "--expect", shown["version"]
    )
    assert code == 1 and "changed since you read it" in err
    code, out, err = run_cli(
        "report", "new", new_id, *data, "--at", "15°30'N 42°10'E", "--observed", "2025-10-25"
    )
    assert code == 0 and out.strip() == "red-sea-patrol-2025-10-25", err
    assert run_cli("report", "retire", new_id, *data, "--until", "2025-10-24")[0] == 0
    assert run_cli("report", "delete", "red-sea-patrol-2025-10-25", *data)[0] == 0
    code, out, _ = run_cli("history", *data)
    ops = [line.split("  ")[3] for line in out.splitlines()]
    assert ops == ["add", "update", "new", "retire", "delete"]
    assert "(count)" in out.splitlines()[1]
    code, out, _ = run_cli("undo", *data, "--editor", "lead")
    assert code == 0 and "lead  undo" in out and "undoes 5" in out
    code, out, _ = run_cli("history", *data, "--json")
    assert [c["op"] for c in json.loads(out)][-1] == "undo"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--layer", "assets", "--name", "X", "--at", "95, 10"], 2, "--at"),
        (["--layer", "tracks", "--name", "X", "--at", "1, 2"], 2, "tracks import"),
        (["--layer", "bases", "--name", "X", "--at", "1, 2", "--observed", "2025"], 2, "bases"),
        (["--layer", "assets", "--name", "X", "--at", "1, 2", "--observed", "soon"], 2, "soon"),
        (["--layer", "assets", "--name", "X", "--at", "1, 2", "--set", "count"], 2, "--set"),
        (
            ["--layer", "assets", "--name", "X", "--at", "12, -67", "--source", "src-a",
             "--observed", "2025-10-01", *SHIP_SETS, "--set", "count=0"],
            1,
            "feature 2 (x-2025-10-01): count: 0 is out of range",
        ),
    ],
)  # fmt: skip
def test_command_line_add_exit_codes(
    run_cli: Any, work: Path, args: list[str], code: int, words: str
) -> None:
    before = (work / "assets.geojson").read_bytes()
    got, out, err = run_cli("report", "add", "--data", str(work), *args)
    assert (got, out) == (code, "") and words in err and "Traceback" not in err
    assert (work / "assets.geojson").read_bytes() == before


def test_command_line_refusals(run_cli: Any, work: Path, tmp_path: Path) -> None:
    from geo.data.paths import default_data_dir

    code, _, err = run_cli("report", "delete", "b1", "--data", str(default_data_dir()))
    assert code == 1 and "python -m geo init DIR" in err
    code, _, err = run_cli("report", "delete", "nope", "--data", str(work))
    assert code == 1 and "no feature with id 'nope'" in err
    code, _, err = run_cli("undo", "--data", str(work))
    assert code == 1 and "nothing to undo" in err
    code, _, err = run_cli("report", "update", "a1", "--data", str(work), "--set", "cont=2")
    assert code == 0 and "--set: cont is not a field of assets (did you mean count?)" in err
    code, _, _ = run_cli("init", str(tmp_path / "copy"))
    assert code == 0 and (tmp_path / "copy" / "assets.geojson").is_file()
    code, _, err = run_cli("init", str(tmp_path / "copy"))
    assert code == 1 and "already exists" in err


def test_a_history_that_is_not_a_file_is_refused_before_anything_is_written(work: Path) -> None:
    import os

    os.mkfifo(work / history.HISTORY_FILE)
    assert "not a regular file" in str(history.read_history(work).problems[0])
    before = (work / "assets.geojson").read_bytes()
    with pytest.raises(edits.EditError, match="history cannot be kept"):
        edits.update_report(work, "a1", {"notes": "x"})
    assert (work / "assets.geojson").read_bytes() == before


def test_command_line_source(run_cli: Any, work: Path) -> None:
    data = ["--data", str(work)]
    args = ["--title", "Port image", "--publisher", "Imagery Co", "--kind", "satellite"]
    code, out, err = run_cli(
        "report", "source", "src-img", *data, *args, "--published", "2025-10-22"
    )
    assert (code, out.strip()) == (0, "src-img"), err
    code, _, err = run_cli("report", "source", "src-img", *data, *args, "--published", "2025-10-22")
    assert code == 1 and "sources.json: source 2 (src-img): id: duplicate source id" in err
    code, _, err = run_cli("report", "source", "src-x", *data, *args, "--published", "soon")
    assert code == 2 and "--published" in err


@pytest.mark.parametrize("block", [7, 64, 1 << 16])
def test_the_last_seq_is_read_from_the_end_across_blocks(
    work: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    for number in range(5):
        edits.update_report(work, "a1", {"notes": f"note {number}" * 20})
    with (work / history.HISTORY_FILE).open("ab") as stream:
        stream.write(b'{"seq":6,"ti')  # cut short
    monkeypatch.setattr(history, "_TAIL_BLOCK", block)
    assert history.last_seq(work) == 5
    assert history.last_seq(work / "missing") == 0


def test_a_change_names_the_fields_it_changed(work: Path) -> None:
    moved = edits.update_report(work, "a1", {"notes": "moved", "count": 1}, at=(13.0, -66.0))
    assert moved.changed_fields() == ["notes", "geometry"]  # count was 1 already
    assert edits.delete_report(work, "a1-later").changed_fields() == []

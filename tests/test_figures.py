"""Key figures as honest as their sources: qualifiers, status, actors, personnel reporting."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import geo
from geo.data import figures, selection
from tests.factories import red_sea_layers, write_dataset


@pytest.fixture
def red_sea_dir(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "red-sea", red_sea_layers())


@pytest.mark.parametrize(
    ("qualifiers", "expected"),
    [
        ([], "exact"),
        ([None, "exact"], "exact"),
        (["exact", "about"], "about"),
        (["estimated", "exact"], "about"),
        (["about", "at least"], "at least"),
        (["at least", None], "at least"),
    ],
)
def test_a_sum_is_as_firm_as_its_weakest_term(qualifiers: list, expected: str) -> None:
    assert figures.combine(qualifiers) == expected


@pytest.mark.parametrize(
    ("value", "qualifier", "text"),
    [
        (20, "exact", "20"),
        (20, None, "20"),
        (10, "about", "~10"),
        (2, "at least", "≥ 2"),
        (7800, "estimated", "~7,800 (est.)"),
        (10**20, "at least", "≥ 100,000,000,000,000,000,000"),
    ],
)
def test_qualified_text(value: int, qualifier: str | None, text: str) -> None:
    assert figures.qualified(value, qualifier) == text


def test_red_sea_figures_count_deployed_assets_and_split_strikes_by_actor(
    red_sea_dir: Path,
) -> None:
    numbers = selection.summary(selection.as_of(geo.load(red_sea_dir)))
    assert numbers["ships"] == 2  # the Nimitz is en route: listed, not counted
    assert [a["name"] for a in numbers["en_route"]] == ["USS Nimitz"]
    assert numbers["texts"]["aircraft"] == "≥ 2"
    assert numbers["texts"]["killed"] == "≥ 30"
    assert numbers["strikes_killed_unknown"] == 1
    assert numbers["strikes_by_actor"] == {
        "United States": {"strikes": 2, "killed": 30, "killed_text": "≥ 30", "killed_unknown": 1},
        "Houthis": {"strikes": 1, "killed": 0, "killed_text": "0", "killed_unknown": 0},
    }
    assert figures.personnel_text(numbers) == "~5,000 (1 of 3 assets report)"


def test_default_data_figures_say_how_firm_they_are(default_dataset: geo.Dataset) -> None:
    numbers = selection.summary(selection.as_of(default_dataset, "2025-10-24"))
    # The Ford was ordered to the Caribbean on 24 Oct: en route, not a ship in the region.
    assert "USS Gerald R. Ford" in [a["name"] for a in numbers["en_route"]]
    assert numbers["ships"] == 8
    # P-8s, helicopters, MQ-9s and B-1Bs were reported in the plural: lower bounds.
    assert numbers["texts"]["aircraft"].startswith("≥ ")
    # 2,200 Marines reported, ~7,800 worked out as a remainder of "about 10,000".
    assert numbers["texts"]["personnel"] == "~10,000"
    assert "personnel" not in numbers["assets_by_category"]  # not a unit, counts as none
    assert numbers["strikes_by_actor"]["United States"]["strikes"] == numbers["strikes"]


def test_cli_summary_prints_qualified_figures(
    run_cli: Callable[..., tuple[int, str, str]], red_sea_dir: Path
) -> None:
    code, out, err = run_cli("summary", "--data", str(red_sea_dir))
    assert code == 0, err
    assert "≥ 30" in out and "strikes by Houthis" in out and "en route: USS Nimitz" in out
    code, out, _ = run_cli("summary", "--data", str(red_sea_dir), "--json")
    assert json.loads(out)["qualifiers"]["killed"] == "at least"


def test_slide_figures_line_is_qualified(red_sea_dir: Path) -> None:
    from geo.slides.text import figures_line

    line = figures_line(selection.as_of(geo.load(red_sea_dir)))
    assert line == "2 ships · ≥ 2 aircraft · ~5,000 personnel · 3 strikes, ≥ 30 killed · 1 en route"

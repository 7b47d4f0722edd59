"""A theatre other than the Caribbean, end to end: the Red Sea through validate, summary,
analyze and the HTML export (the app's upload of it: ``tests/test_app.py``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.factories import collection, feature, red_sea_layers, write_dataset

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def red_sea(tmp_path: Path) -> Path:
    layers = red_sea_layers()
    route = {"type": "LineString", "coordinates": [[43.15, 11.55], [43.5, 13.2], [40.5, 15.8]]}
    layers["tracks"] = collection(
        feature(
            route,
            id="p8-sortie",
            name="P-8 sortie from Djibouti",
            observed="2025-03-15",
            reconstructed=True,
            notes="Reconstructed from the report: out of Djibouti to the southern Red Sea.",
            sources=["src-a"],
            confidence="estimated",
        )
    )
    return write_dataset(tmp_path / "red-sea", layers)


def test_validate_warns_of_a_reconstruction_through_undeclared_territory(
    run_cli: Cli, red_sea: Path
) -> None:
    code, out, err = run_cli("validate", str(red_sea))
    assert code == 0, err
    (warning,) = [line for line in out.splitlines() if line.startswith("warning:")]
    assert "tracks.geojson: feature 0 (p8-sortie): geometry:" in warning
    assert "Yemen" in warning


def test_analyze_takes_sides_and_measures_to_the_theatre_capital(
    run_cli: Cli, red_sea: Path
) -> None:
    code, out, err = run_cli("analyze", "--data", str(red_sea), "--json")
    assert code == 0, err
    records = {r["id"]: r for r in json.loads(out)}
    carrier = records["cvn-75"]
    assert carrier["to"] == "sanaa"
    # The PLA base is nearer, but not on the carrier's side.
    assert carrier["nearest_base"] == "camp-lemonnier"
    assert carrier["nearest_hostile_base"] == "hodeidah"
    assert carrier["nearest_base_nm_min"] < carrier["nearest_base_nm"]
    assert carrier["nearest_base_nm"] < carrier["nearest_base_nm_max"]
    assert records["p8-sortie"]["land_crossed"] == ["Djibouti", "Yemen"]
    code, table, _ = run_cli("analyze", "--data", str(red_sea))
    assert "to sanaa" in table and "nearest hostile base" in table
    assert "caracas" not in table.lower()


def test_summary_splits_strikes_by_actor(run_cli: Cli, red_sea: Path) -> None:
    code, out, err = run_cli("summary", "--data", str(red_sea), "--json")
    assert code == 0, err
    numbers = json.loads(out)
    assert set(numbers["strikes_by_actor"]) == {"United States", "Houthis"}
    assert numbers["texts"]["killed"] == "≥ 30"


def test_html_export_of_the_red_sea(run_cli: Cli, red_sea: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "red-sea.html"
    code, _, err = run_cli(
        "export", "html", str(out_file), "--data", str(red_sea), "--basemap", "offline"
    )
    assert code == 0, err
    page = out_file.read_text(encoding="utf-8")
    assert "USS Harry S. Truman" in page and "Hodeidah port" in page

"""What moved: per entity arrived, departed, moved or stayed, honest about uncertainty; the
strikes in between; the command line. Red Sea and Baltic examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from geo.analysis.diff import diff
from geo.analysis.geodesy import GEOD
from geo.data.reading import Dataset, load_bytes
from tests.factories import collection, feature, point, ship, tiny_files, write_dataset


def _strike(fid: str, lon: float, lat: float, observed: str) -> dict[str, Any]:
    return feature(
        point(lon, lat),
        id=fid,
        name=fid,
        killed=None,
        observed=observed,
        uncertainty_km=5,
        sources=["src-a"],
        confidence="reported",
    )


RED_SEA = {
    "assets": collection(
        # A carrier from off Jeddah to the Bab el-Mandeb.
        ship("ike-1", 39.0, 21.4, entity="ike", observed="2025-03-01", uncertainty_km=10),
        ship("ike-2", 43.2, 12.8, entity="ike", observed="2025-03-10", uncertainty_km=10),
        # A small shift well inside two 30 km circles.
        ship("watch-1", 38.5, 20.0, entity="watch", observed="2025-03-01", uncertainty_km=30),
        ship("watch-2", 38.6, 20.1, entity="watch", observed="2025-03-09", uncertainty_km=30),
        # Due north by one degree: the bearing is 0.
        ship("north-1", 38.0, 19.0, entity="north", observed="2025-03-01", uncertainty_km=1),
        ship("north-2", 38.0, 20.0, entity="north", observed="2025-03-08", uncertainty_km=1),
        ship("frigate", 42.0, 15.0, observed="2025-03-05"),
        ship("sub", 40.0, 18.0, observed="2025-02-20", until="2025-03-03"),
        ship("static", 41.0, 16.0, observed="2025-02-01"),
    ),
    "strikes": collection(
        _strike("strike-before", 42.9, 14.8, "2025-03-01"),
        _strike("strike-between", 42.7, 15.1, "2025-03-07"),
        _strike("strike-after", 42.5, 15.3, "2025-03-12"),
    ),
}


@pytest.fixture(scope="module")
def red_sea() -> Dataset:
    dataset = load_bytes(tiny_files(RED_SEA))
    assert dataset.problems == []
    return dataset


def _rows(dataset: Dataset, start: str, end: str) -> dict[str, dict[str, Any]]:
    return {row["entity"]: row for row in diff(dataset, start, end).entities.to_dict("records")}


@pytest.mark.parametrize(
    ("entity", "change", "within"),
    [
        ("ike", "moved", False),
        ("watch", "stayed", True),
        ("north", "moved", False),
        ("frigate", "arrived", False),
        ("sub", "departed", False),
        ("static", "stayed", False),
    ],
)
def test_each_entity_gets_its_change(
    red_sea: Dataset, entity: str, change: str, within: bool
) -> None:
    row = _rows(red_sea, "2025-03-01", "2025-03-10")[entity]
    assert (row["change"], bool(row["within_uncertainty"])) == (change, within)


def test_a_move_is_geodesic_with_its_bearing_and_bounds(red_sea: Dataset) -> None:
    rows = _rows(red_sea, "2025-03-01", "2025-03-10")
    ike = rows["ike"]
    azimuth, _, metres = GEOD.inv(39.0, 21.4, 43.2, 12.8)
    assert ike["moved_nm"] == pytest.approx(metres / 1852)
    assert 560 < ike["moved_nm"] < 570  # about 565 nm down the Red Sea
    assert ike["bearing_deg"] == pytest.approx(azimuth % 360) and 150 < ike["bearing_deg"] < 160
    slack = 20 / 1.852  # two 10 km radii
    assert ike["moved_nm_min"] == pytest.approx(ike["moved_nm"] - slack)
    assert ike["moved_nm_max"] == pytest.approx(ike["moved_nm"] + slack)
    north = rows["north"]
    assert north["bearing_deg"] == pytest.approx(0.0, abs=1e-9)
    assert north["moved_nm"] == pytest.approx(59.75, abs=0.05)  # one degree of latitude at 19.5N


def test_a_shift_inside_the_uncertainty_is_not_a_move(red_sea: Dataset) -> None:
    watch = _rows(red_sea, "2025-03-01", "2025-03-10")["watch"]
    assert 0 < watch["moved_nm"] < 60 / 1.852
    assert watch["moved_nm_min"] == 0
    assert watch["moved_nm_max"] == pytest.approx(watch["moved_nm"] + 60 / 1.852)


def test_only_the_strikes_in_between_and_the_counts(red_sea: Dataset) -> None:
    result = diff(red_sea, "2025-03-01", "2025-03-10")
    assert list(result.strikes["id"]) == ["strike-between"]
    assert result.counts() == {"arrived": 1, "departed": 1, "moved": 2, "stayed": 2}
    data = result.to_json()
    json.dumps(data)  # plain JSON values only
    assert data["strikes"][0]["id"] == "strike-between"


def test_the_same_date_twice_changes_nothing(red_sea: Dataset) -> None:
    result = diff(red_sea, "2025-03-10", "2025-03-10")
    assert set(result.entities["change"]) == {"stayed"}
    assert result.strikes.empty
    with pytest.raises(ValueError, match="after the end date"):
        diff(red_sea, "2025-03-10", "2025-03-01")


def test_baltic_move_from_kiel_to_gotland() -> None:
    layers = {
        "assets": collection(
            ship("k-1", 10.15, 54.45, entity="k", observed="2025-06-01", uncertainty_km=5),
            ship("k-2", 18.0, 57.3, entity="k", observed="2025-06-04", uncertainty_km=5),
        )
    }
    row = _rows(load_bytes(tiny_files(layers)), "2025-06-02", "2025-06-05")["k"]
    assert row["change"] == "moved" and 50 < row["bearing_deg"] < 70
    assert 300 < row["moved_nm"] < 320


def test_command_line_diff(run_cli: Any, tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "red", RED_SEA)
    code, out, err = run_cli(
        "diff", "--data", str(folder), "--from", "2025-03-01", "--to", "2025-03-10", "--json"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert {row["entity"]: row["change"] for row in data["entities"]}["ike"] == "moved"
    code, out, _ = run_cli(
        "diff", "--data", str(folder), "--from", "2025-03-01", "--to", "2025-03-10"
    )
    assert code == 0 and "stayed (within uncertainty)" in out and "strike-between" in out
    assert "1 arrived, 1 departed, 2 moved, 2 stayed" in out
    code, _, err = run_cli(
        "diff", "--data", str(folder), "--from", "2025-03-10", "--to", "2025-03-01"
    )
    assert code == 2 and "after" in err
    code, _, err = run_cli("diff", "--data", str(folder), "--from", "March", "--to", "2025-03-01")
    assert code == 2 and "--from" in err


def test_a_report_of_departure_is_a_departure_and_en_route_is_shown() -> None:
    layers = {
        "assets": collection(
            ship("cv-1", 38.0, 20.0, entity="cv", observed="2025-03-01"),
            ship("cv-2", 35.0, 28.0, entity="cv", observed="2025-03-08", status="departed"),
            ship("lhd-1", 30.0, 33.0, entity="lhd", observed="2025-03-02", status="en route"),
            ship("old-1", 40.0, 18.0, entity="old", observed="2025-02-01", status="departed"),
        )
    }
    result = diff(load_bytes(tiny_files(layers)), "2025-03-05", "2025-03-10")
    rows = {row["entity"]: row for row in result.entities.to_dict("records")}
    assert set(rows) == {"cv", "lhd"}  # gone at both dates: left out
    assert (rows["cv"]["change"], rows["cv"]["to_status"]) == ("departed", "departed")
    assert (rows["lhd"]["change"], rows["lhd"]["to_status"]) == ("stayed", "en route")

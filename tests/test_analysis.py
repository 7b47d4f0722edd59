"""The analysis layer: joins, geodesic distances, strikes by zone, range rings, ``analyze`` CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

import geo
from geo.analysis import geodesy, joins, ranges, rings, zones
from geo.data import selection
from tests.factories import collection, feature, point, valid_layers, write_dataset

COMMON = {"sources": ["src-a"], "confidence": "reported", "uncertainty_km": 0}


def base(fid: str, lon: float, lat: float) -> dict[str, Any]:
    return feature(
        point(lon, lat), id=fid, name=fid.title(), kind="air base", country="X", **COMMON
    )


def asset(fid: str, lon: float, lat: float, **extra: Any) -> dict[str, Any]:
    props = {
        "category": "ship",
        "type": "guided-missile destroyer",
        "count": 1,
        "observed": "2025-10-01",
        **COMMON,
        **extra,
    }
    return feature(point(lon, lat), id=fid, name=fid.title(), **props)


def strike(fid: str, lon: float, lat: float, killed: int | None) -> dict[str, Any]:
    return feature(
        point(lon, lat), id=fid, name=fid, killed=killed, observed="2025-10-02", **COMMON
    )


def dataset_of(tmp_path: Path, **layers: Any) -> geo.Dataset:
    content = valid_layers()
    if "assets" in layers:
        content["tracks"] = collection()  # the tiny track refers to the tiny asset
    content.update({name: collection(*features) for name, features in layers.items()})
    loaded = geo.load(write_dataset(tmp_path / "d", content))
    assert loaded.problems == []
    return loaded


def frame(*rows: tuple[str, float, float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": [r[0] for r in rows]}, geometry=[Point(r[1], r[2]) for r in rows], crs=4326
    )


# --- nearest ---------------------------------------------------------------------------------


def test_nearest_is_geodesic_not_degrees() -> None:
    # At 60N one degree east (56 km) is nearer than 0.6 degree north (67 km).
    found = joins.nearest(frame(("p", 0.0, 60.0)), frame(("north", 0.0, 60.6), ("east", 1.0, 60.0)))
    assert found["nearest_id"].iloc[0] == "east"
    assert found["nearest_km"].iloc[0] == pytest.approx(float(geodesy.distance_km(0, 60, 1, 60)))


def test_nearest_ties_go_to_the_smallest_id_and_are_counted() -> None:
    found = joins.nearest(frame(("p", 0.0, 0.5)), frame(("zulu", 1.0, 0.0), ("alpha", -1.0, 0.0)))
    assert found["nearest_id"].iloc[0] == "alpha"
    assert found["ties"].iloc[0] == 2


def test_nearest_other_skips_itself_but_not_a_colocated_twin() -> None:
    points = frame(("a", -66.0, 12.0), ("b", -66.0, 12.0), ("c", -65.0, 12.0))
    found = joins.nearest(points, points, exclude_same_id=True)
    assert found["nearest_id"].tolist() == ["b", "a", "a"]
    assert found["nearest_km"].iloc[0] == 0.0
    assert found["nearest_km"].iloc[2] == pytest.approx(
        float(geodesy.distance_km(-65, 12, -66, 12))
    )


def test_nearest_matches_brute_force_over_a_wide_theatre() -> None:
    rng = np.random.default_rng(7)
    left = frame(
        *[
            (f"l{i}", x, y)
            for i, (x, y) in enumerate(
                zip(rng.uniform(-100, -50, 300), rng.uniform(0, 40, 300), strict=True)
            )
        ]
    )
    right = frame(
        *[
            (f"r{i}", x, y)
            for i, (x, y) in enumerate(
                zip(rng.uniform(-100, -50, 40), rng.uniform(0, 40, 40), strict=True)
            )
        ]
    )
    found = joins.nearest(left, right)
    lx, ly = left.geometry.x.to_numpy()[:, None], left.geometry.y.to_numpy()[:, None]
    rx, ry = right.geometry.x.to_numpy()[None, :], right.geometry.y.to_numpy()[None, :]
    brute = geodesy.distance_km(lx, ly, rx, ry)
    assert np.allclose(found["nearest_km"].to_numpy(dtype=float), brute.min(axis=1))
    assert (found["nearest_id"].to_numpy() == right["id"].to_numpy()[brute.argmin(axis=1)]).all()


def test_nearest_with_an_empty_side_gives_nulls() -> None:
    found = joins.nearest(frame(("p", 0.0, 0.0)), frame())
    assert found["nearest_id"].isna().all() and found["nearest_km"].isna().all()


# --- analyze --------------------------------------------------------------------------------------


def test_analyze_gives_one_record_per_point_feature(tiny_dir: Path) -> None:
    dataset = selection.as_of(geo.load(tiny_dir))
    result = joins.analyze(dataset)
    assert list(result.columns[:-1]) == joins.ANALYSIS_COLUMNS
    assert sorted(result["id"]) == ["a1-later", "b1", "caracas", "s1", "s2"]
    row = result.set_index("id").loc["a1-later"]
    assert row["to_nm"] == pytest.approx(float(geodesy.distance_nm(-66.0, 12.5, -66.904, 10.481)))
    assert row["nearest_base"] == "b1"
    assert row["nearest_base_nm"] == pytest.approx(
        float(geodesy.distance_nm(-66.0, 12.5, -65.643, 18.255))
    )
    assert result.set_index("id").loc["caracas", "to_nm"] == 0.0
    assert result.set_index("id").loc["b1", "nearest_base"] is None  # no other base
    assert result.crs.to_epsg() == 4326


def test_analyze_joins_home_base_nearest_asset_and_zone(tmp_path: Path) -> None:
    dataset = dataset_of(
        tmp_path,
        bases=[base("b-far", -65.6, 18.25), base("b-near", -67.1, 18.5)],
        assets=[asset("ship-1", -66.93, 10.66, base="b-far"), asset("ship-2", -66.0, 13.0)],
        strikes=[strike("s-1", -66.9, 11.0, 3)],
    )
    result = joins.analyze(selection.as_of(dataset), to="caracas").set_index("id")
    ship = result.loc["ship-1"]
    assert ship["home_base"] == "b-far"
    assert ship["home_base_nm"] == pytest.approx(
        float(geodesy.distance_nm(-66.93, 10.66, -65.6, 18.25))
    )
    assert ship["nearest_asset"] == "ship-2"
    assert ship["zone"] == zones.TERRITORIAL and ship["coastal_state"] == "Venezuela"
    assert pd.isna(ship["country"])
    assert result.loc["s-1", "nearest_asset"] == "ship-1"
    assert result.loc["b-far", "nearest_base"] == "b-near"
    assert result.loc["caracas", "country"] == "Venezuela"


def test_analyze_unknown_place_names_the_known_ones(tiny_dir: Path) -> None:
    with pytest.raises(KeyError, match=r"unknown place id 'atlantis'.*caracas"):
        joins.analyze(geo.load(tiny_dir), to="atlantis")


def test_strikes_by_zone_adds_up(tmp_path: Path) -> None:
    dataset = dataset_of(
        tmp_path,
        strikes=[
            strike("s-a", *_north_of_la_guaira(5), 2),
            strike("s-b", *_north_of_la_guaira(18), 4),
            strike("s-c", *_north_of_la_guaira(19), None),
            strike("s-d", -40.0, 30.0, 1),
        ],
    )
    table = joins.strikes_by_zone(dataset)
    assert table["strikes"].sum() == 4
    by_zone = table.set_index("zone")
    assert by_zone.loc[zones.CONTIGUOUS, "strikes"] == 2
    assert by_zone.loc[zones.CONTIGUOUS, "killed"] == 4
    assert by_zone.loc[zones.CONTIGUOUS, "killed_unknown"] == 1
    assert by_zone.loc[zones.TERRITORIAL, "coastal_state"] == "Venezuela"
    assert by_zone.loc[zones.HIGH_SEAS, "coastal_state"] == "(none)"
    assert list(table["zone"]) == [zones.TERRITORIAL, zones.CONTIGUOUS, zones.HIGH_SEAS]
    assert "approximate" in zones.EEZ_CAVEAT


def _north_of_la_guaira(nm: float) -> tuple[float, float]:
    lon, lat = geodesy.destination(-66.93, 10.60, 0.0, nm * geodesy.KM_PER_NM)
    return float(lon), float(lat)


# --- range rings ----------------------------------------------------------------------------------


def test_range_rings_from_the_nominal_table(tmp_path: Path) -> None:
    dataset = dataset_of(
        tmp_path,
        assets=[
            asset("ddg", -66.0, 13.0),
            asset("jets", -65.6, 18.3, category="aircraft", type="F-35B"),
        ],
    )
    found = rings.range_rings(dataset["assets"])
    assert list(found.columns) == [
        "center_id",
        "name",
        "radius_km",
        "radius_nm",
        "label",
        "source",
        "url",
        "range_key",
        "geometry",
    ]
    by_key = found.set_index("range_key")
    assert by_key.loc["tomahawk", "center_id"] == "ddg"
    assert by_key.loc["tomahawk", "radius_km"] == 1600.0
    assert by_key.loc["f-35b", "center_id"] == "jets"
    assert "833 km" in by_key.loc["f-35b", "label"]
    assert found.is_valid.all() and found.crs.to_epsg() == 4326


def test_range_rings_user_override_and_explicit_radius(tmp_path: Path) -> None:
    dataset = dataset_of(tmp_path, assets=[asset("ddg", -66.0, 13.0)])
    found = rings.range_rings(dataset["assets"], ranges={"tomahawk": 1000})
    assert found["radius_km"].tolist() == [1000.0]
    assert found["source"].iloc[0].startswith("user override")
    explicit = rings.range_rings([(179.5, -17.0), (-66.9, 10.5)], radius_km=[500, 1000])
    assert len(explicit) == 4 and explicit.is_valid.all()
    assert explicit["center_id"].tolist() == ["point-1", "point-1", "point-2", "point-2"]
    assert explicit.geometry.iloc[0].geom_type == "MultiPolygon"  # across the antimeridian


def test_every_nominal_range_has_a_public_source() -> None:
    table = ranges.load_ranges()
    assert len(table) >= 5
    assert (table["radius_km"] > 0).all()
    assert table["source"].str.len().gt(10).all()
    assert table["url"].str.startswith("https://").all()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"tomahawk": -5}, "positive"),
        ([{"key": "new-thing", "radius_km": 10}], "needs label"),
        ([{"radius_km": 10}], "key"),
    ],
)
def test_bad_range_overrides_are_refused(override: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ranges.load_ranges(override)


def test_range_override_file(tmp_path: Path) -> None:
    path = tmp_path / "my-ranges.json"
    path.write_text(
        json.dumps(
            {
                "ranges": [
                    {
                        "key": "himars",
                        "label": "HIMARS ATACMS",
                        "radius_km": 300,
                        "match": ["HIMARS"],
                        "source": "test",
                    }
                ]
            }
        )
    )
    table = ranges.load_ranges(path)
    assert table.loc["himars", "radius_km"] == 300.0 and "tomahawk" in table.index
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ValueError, match=r"broken\.json"):
        ranges.load_ranges(tmp_path / "broken.json")


# --- command line -------------------------------------------------------------------------------


def test_cli_analyze_json(run_cli: Callable[..., tuple[int, str, str]], tiny_dir: Path) -> None:
    code, out, err = run_cli("analyze", "--data", str(tiny_dir), "--json")
    assert code == 0, err
    records = json.loads(out)
    points = [r for r in records if r["layer"] != "tracks"]
    assert {r["id"] for r in points} == {"a1-later", "b1", "caracas", "s1", "s2"}
    tracks = {r["id"]: r for r in records if r["layer"] == "tracks"}
    assert set(tracks) == {"t1"} and "territorial_sea_crossed" in tracks["t1"]
    needed = {
        "id",
        "layer",
        "country",
        "zone",
        "coastal_state",
        "coast_nm",
        "nearest_base",
        "nearest_base_nm",
        "to_nm",
    }
    assert all(needed <= set(r) for r in points)
    s1 = next(r for r in records if r["id"] == "s1")
    assert s1["to_nm"] == pytest.approx(
        float(geodesy.distance_nm(-66.9, 11.8, -66.904, 10.481)), abs=1e-3
    )


def test_cli_analyze_table(run_cli: Callable[..., tuple[int, str, str]], tiny_dir: Path) -> None:
    code, out, _ = run_cli("analyze", "--data", str(tiny_dir), "--as-of", "2025-09-05")
    assert code == 0
    assert "coast" in out and "nearest base, same side" in out and "a1 " in out.replace("│", " ")
    assert "to caracas" in out  # the data's capital, not a theatre built in
    assert "EEZ approximate" in out


@pytest.mark.parametrize("case", ["unknown-place", "empty-dir", "bad-date"])
def test_cli_analyze_bad_input(
    run_cli: Callable[..., tuple[int, str, str]], tiny_dir: Path, tmp_path: Path, case: str
) -> None:
    if case == "unknown-place":
        code, _, err = run_cli("analyze", "--data", str(tiny_dir), "--to", "atlantis")
        assert code == 1 and "unknown place id 'atlantis'" in err
    elif case == "empty-dir":
        empty = tmp_path / "empty"
        empty.mkdir()
        code, _, err = run_cli("analyze", "--data", str(empty))
        assert code == 1 and "no data files found" in err
    else:
        code, _, err = run_cli("analyze", "--data", str(tiny_dir), "--as-of", "someday")
        assert code == 2 and "--as-of" in err
    assert "Traceback" not in err


def _sided_base(fid: str, lon: float, lat: float, affiliation: str | None) -> dict[str, Any]:
    made = base(fid, lon, lat)
    if affiliation:
        made["properties"]["affiliation"] = affiliation
    return made


def test_nearest_base_is_of_the_same_side_with_the_hostile_one_beside_it(tmp_path: Path) -> None:
    # A Red Sea theatre: the PLA base in Djibouti is the nearest base to a US carrier, but it
    # is not the US side's; Camp Lemonnier and NSA Bahrain are.
    dataset = dataset_of(
        tmp_path,
        bases=[
            _sided_base("pla-djibouti", 43.05, 11.59, "neutral"),
            _sided_base("camp-lemonnier", 43.15, 11.55, None),  # no affiliation: friend
            _sided_base("hodeidah", 42.95, 14.80, "hostile"),
            _sided_base("nsa-bahrain", 50.61, 26.21, "friend"),
        ],
        assets=[asset("cvn", 43.0, 12.0), asset("houthi-boat", 42.5, 14.0, affiliation="hostile")],
    )
    result = joins.analyze(dataset).set_index("id")
    assert result.loc["cvn", "side"] == "friend"
    assert result.loc["cvn", "nearest_base"] == "camp-lemonnier"
    assert result.loc["cvn", "nearest_hostile_base"] == "hodeidah"
    assert result.loc["houthi-boat", "nearest_base"] == "hodeidah"
    assert result.loc["houthi-boat", "nearest_hostile_base"] == "camp-lemonnier"
    # a base's nearest same-side base is another one
    assert result.loc["camp-lemonnier", "nearest_base"] == "nsa-bahrain"
    assert result.loc["pla-djibouti", "nearest_base"] is None  # no other neutral base
    for column in ("nearest_hostile_base_nm_min", "nearest_hostile_base_nm_max"):
        assert np.isfinite(result.loc["cvn", column])
    # distance to hodeidah from the carrier, geodesic
    expected = float(geodesy.distance_nm(43.0, 12.0, 42.95, 14.80))
    assert result.loc["cvn", "nearest_hostile_base_nm"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("capital city", "capital"), ("Capital", "capital"), ("city", None), ("port", None)],
)
def test_analyze_measures_to_the_data_capital_or_leaves_the_column_out(
    tmp_path: Path, kind: str, expected: str | None
) -> None:
    place = feature(point(44.2, 15.35), id="capital", name="Sanaa", kind=kind, **COMMON)
    dataset = dataset_of(tmp_path, places=[place], assets=[asset("cvn", 43.0, 12.0)])
    assert joins.default_target(dataset) == expected
    row = joins.analyze(dataset).set_index("id").loc["cvn"]
    assert row["to"] == expected
    assert np.isfinite(row["to_nm"]) == (expected is not None)

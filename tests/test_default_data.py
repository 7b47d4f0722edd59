"""The default data set: validates clean and matches what the seed reports say."""

from __future__ import annotations

import json

import pandas as pd

import geo


def test_validates_clean(run_cli, data_dir) -> None:
    code, stdout, _ = run_cli("validate", str(data_dir))
    assert code == 0
    assert "no problems" in stdout


def test_three_b52s_from_barksdale(default_dataset) -> None:
    assets = default_dataset["assets"]
    b52 = assets[assets["type"].str.contains("B-52")]
    assert b52["count"].sum() == 3
    assert set(b52["base"]) == {"barksdale-afb"}
    assert b52["observed"].iloc[0] == pd.Timestamp("2025-10-15", tz="UTC")


def test_eight_warships_and_a_submarine_ten_ships(default_dataset) -> None:
    figures = geo.summary(geo.as_of(default_dataset, "2025-10-23"))
    assert figures["ships"] == 8
    assert figures["submarines"] == 1
    # Seed 004: ten US military ships as of 23 Oct = 8 warships + submarine + MV Ocean Trader.
    assert figures["assets_by_category"]["special"] == 1
    assert figures["personnel"] == 10_000


def test_seven_strikes_32_killed(default_dataset) -> None:
    figures = geo.summary(geo.as_of(default_dataset, "2025-10-23"))
    assert figures["strikes"] == 7
    assert figures["killed"] == 32
    assert figures["strikes_killed_unknown"] == 0


def test_every_feature_cites_a_source_and_states_its_uncertainty(default_dataset) -> None:
    for layer, frame in default_dataset.layers.items():
        assert frame["sources"].map(len).min() >= 1, layer
        points = frame[frame.geometry.geom_type == "Point"]
        if len(points):
            assert points["uncertainty_km"].notna().all(), layer
    # Regional positions are not dressed up as precise ones.
    strikes = default_dataset["strikes"]
    assert (strikes["uncertainty_km"] >= 100).all()
    assert (strikes["geo_precision"] == 3).all()


def test_b52_track_is_a_marked_reconstruction(default_dataset) -> None:
    tracks = default_dataset["tracks"].set_index("id")
    flight = tracks.loc["b-52-flight-2025-10-15"]
    assert bool(flight["reconstructed"]) is True
    assert flight["confidence"] == "estimated"
    assert flight["asset"] == "b-52-2025-10-15"
    start = flight.geometry.geoms[0].coords[0]
    assert start == (-93.663, 32.502)  # Barksdale


def test_historical_operations_have_troops(default_dataset) -> None:
    places = default_dataset["places"].set_index("id")
    assert places.loc["grenada-1983", "troops"] == 7000
    assert places.loc["panama-1989", "troops"] == 30000
    assert pd.isna(places.loc["haiti-1994", "troops"])  # not in the sources: left empty


def test_summary_cli_json(run_cli, data_dir) -> None:
    code, stdout, _ = run_cli("summary", "--data", str(data_dir), "--as-of", "2025-10-23", "--json")
    assert code == 0
    figures = json.loads(stdout)
    assert (figures["ships"], figures["strikes"], figures["killed"]) == (8, 7, 32)

"""Territory crossed by tracks, in any theatre, and the geodesic densifying behind it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.analysis import geodesy, territory


def _track(*coords: tuple[float, float], fid: str = "t") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": [fid], "name": [fid]}, geometry=[shapely.LineString(coords)], crs=4326
    )


@pytest.mark.parametrize(
    ("theatre", "coords", "land", "sea"),
    [
        # from the Caribbean across the coast to Caracas: Venezuela's sea and land
        ("caribbean", [(-66.9, 12.5), (-66.9, 10.3)], ["Venezuela"], ["Venezuela"]),
        # down the middle of the Red Sea: more than 12 nm from both coasts
        ("red sea", [(38.5, 21.0), (40.0, 18.0)], [], []),
        # across Gotland in the Baltic
        ("baltic", [(17.5, 57.4), (19.5, 57.4)], ["Sweden"], ["Sweden"]),
        # the open Atlantic
        ("atlantic", [(-40.0, 30.0), (-35.0, 32.0)], [], []),
    ],
)
def test_crossings(theatre, coords, land, sea) -> None:
    row = territory.crossings(_track(*coords)).iloc[0]
    assert row["land_crossed"] == land, theatre
    assert row["territorial_sea_crossed"] == sea, theatre
    assert row["step_km"] == territory.STEP_KM


def test_a_long_layer_gets_a_longer_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(territory, "POINT_BUDGET", 100)
    row = territory.crossings(_track((-40.0, 30.0), (-30.0, 30.0))).iloc[0]
    assert row["step_km"] > territory.STEP_KM


def test_empty_layer() -> None:
    empty = gpd.GeoDataFrame({"id": [], "name": []}, geometry=[], crs=4326)
    assert list(territory.crossings(empty).columns) == territory.COLUMNS


@pytest.mark.parametrize(
    ("lons", "lats", "step"),
    [
        ([-93.6, -67.0], [32.5, 11.5], 100.0),
        ([179.5, -179.5], [0.0, 0.0], 10.0),
        ([10.0, 10.0, 12.0], [55.0, 56.0, 56.0], 7.0),
    ],
)
def test_densify_keeps_vertices_and_bounds_the_step(lons, lats, step) -> None:
    x, y = geodesy.densify(lons, lats, step)
    km = geodesy.distance_km(x[:-1], y[:-1], x[1:], y[1:])
    assert km.max() <= step + 1e-6
    for lon, lat in zip(lons, lats, strict=True):
        assert np.any(np.isclose(x, lon) & np.isclose(y, lat))
    assert (np.abs(x) <= 180).all()
    total = geodesy.distance_km(np.array(lons[:-1]), np.array(lats[:-1]), lons[1:], lats[1:]).sum()
    assert km.sum() == pytest.approx(total, rel=1e-9)


@pytest.mark.parametrize(
    ("notes", "reconstructed", "expected"),
    [
        # Djibouti to off Eritrea across Yemen's coast near Mocha: Yemen is not named
        ("Reconstructed: Djibouti to the southern Red Sea.", True, ["Yemen"]),
        ("Reconstructed across Yemen near Mocha (per the report).", True, []),
        # a recorded track says what it did; only reconstructions are checked
        ("Recorded by a flight tracker.", False, []),
    ],
)
def test_undeclared_crossings_of_reconstructed_tracks(notes, reconstructed, expected) -> None:
    tracks = _track((43.15, 11.55), (43.5, 13.2), (40.5, 15.8), fid="r1")
    tracks["notes"] = notes
    tracks["reconstructed"] = reconstructed
    found = territory.undeclared(tracks)
    if expected:
        assert found == [(0, "r1", expected)]
    else:
        assert found == []

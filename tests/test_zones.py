"""Maritime zones: the coast index and its cache (geo.analysis.coastindex), classification by
geodesic
distance to the Natural Earth coast (geo.analysis.zones), zone bands (geo.analysis.zonebands)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from geo.analysis import coastindex, geodesy, naturalearth, zonebands, zones

LA_GUAIRA = (-66.93, 10.60)  # Venezuela's coast near La Guaira


def offshore(nm: float) -> tuple[float, float]:
    """A point ``nm`` nautical miles due north of the coast at La Guaira (open sea)."""
    lon, lat = geodesy.destination(*LA_GUAIRA, 0.0, nm * geodesy.KM_PER_NM)
    return float(lon), float(lat)


@pytest.fixture(scope="module")
def index() -> coastindex.CoastIndex:
    return coastindex.coast_index()


def exact_coast_nm(index: coastindex.CoastIndex, lon: float, lat: float, within_km: float) -> float:
    """Brute force: geodesic distance to every coast vertex, the coast densified to ~100 m."""
    window = shapely.box(lon - 5, lat - 5, lon + 5, lat + 5)
    chunks = index.chunks[index.chunk_tree.query(window)]
    xy = shapely.get_coordinates(shapely.segmentize(chunks, 0.001))
    dist = geodesy.distance_km(lon, lat, xy[:, 0], xy[:, 1])
    assert dist.min() < within_km
    return float(dist.min()) / geodesy.KM_PER_NM


@pytest.mark.parametrize(
    ("nm", "zone"),
    [(5.0, zones.TERRITORIAL), (20.0, zones.CONTIGUOUS), (35.0, zones.EEZ)],
)
def test_points_off_la_guaira_are_in_venezuelan_waters(nm: float, zone: str) -> None:
    lon, lat = offshore(nm)
    row = zones.classify([lon], [lat]).iloc[0]
    assert row["zone"] == zone
    assert row["coastal_iso_a3"] == "VEN"
    assert pd.isna(row["country"])
    # North of the coast the nearest shore may lie a little east or west: within 1.5 nm.
    assert abs(row["coast_nm"] - nm) < 1.5


def test_open_atlantic_is_high_seas_with_no_coastal_state() -> None:
    row = zones.classify([-40.0], [30.0]).iloc[0]
    assert row["zone"] == zones.HIGH_SEAS
    assert pd.isna(row["coastal_state"])
    assert row["coast_nm"] > zones.EEZ_NM


def test_caracas_is_venezuelan_land() -> None:
    row = zones.classify([-66.904], [10.481]).iloc[0]
    assert row["zone"] == zones.LAND
    assert row["country_iso_a3"] == "VEN"
    assert row["coastal_iso_a3"] == "VEN"
    assert 0 < row["coast_nm"] < 20


def test_bad_coordinates_give_nulls_not_errors() -> None:
    result = zones.classify([np.nan, 0.0], [0.0, 95.0])
    assert result["zone"].isna().all()
    assert result["coast_nm"].isna().all()


@pytest.mark.parametrize(
    ("lon", "lat", "within_km"),
    [
        (*offshore(5.0), 20.0),
        (*offshore(30.0), 80.0),
        (-68.3, 13.3, 200.0),
        (-61.0, 13.6, 50.0),
        (-66.2, 12.4, 100.0),
    ],
)
def test_coast_distance_matches_brute_force_geodesic(
    index: coastindex.CoastIndex, lon: float, lat: float, within_km: float
) -> None:
    found = float(zones.classify([lon], [lat], index)["coast_nm"].iloc[0])
    expected = exact_coast_nm(index, lon, lat, within_km)
    assert found == pytest.approx(expected, abs=0.05)  # the brute force is ~100 m coarse


def test_distance_is_continuous_across_the_antimeridian() -> None:
    result = zones.classify([179.999, -179.999], [-16.2, -16.2])
    a, b = result["coast_nm"]
    assert abs(a - b) < 0.2
    assert result["coastal_iso_a3"].iloc[0] == result["coastal_iso_a3"].iloc[1] == "FJI"


def test_cache_round_trip(index: coastindex.CoastIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.npz"
    coastindex._save(index, path)
    again = coastindex._load(path)
    assert len(again.chunks) == len(index.chunks)
    assert np.array_equal(again.chunk_owner, index.chunk_owner)
    assert shapely.equals_exact(again.land, index.land, tolerance=0).all()
    lon, lat = offshore(5.0)
    assert zones.classify([lon], [lat], again).equals(zones.classify([lon], [lat], index))


def test_cache_key_is_the_content_not_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = naturalearth.countries_path()
    key = coastindex.cache_key()
    copy = tmp_path / "elsewhere" / original.name
    copy.parent.mkdir()
    copy.write_bytes(original.read_bytes())  # another install: other path, other mtime
    monkeypatch.setattr(naturalearth, "countries_path", lambda: copy)
    assert coastindex.cache_key() == key
    copy.write_bytes(original.read_bytes() + b"\0")  # other data: another index
    assert coastindex.cache_key() != key


def test_writing_an_index_removes_the_old_ones(
    index: coastindex.CoastIndex, tmp_path: Path
) -> None:
    import os
    import time

    old = tmp_path / f"{coastindex.CACHE_PREFIX}0123456789abcdef.npz"
    old.write_bytes(b"an index for other data")
    killed = tmp_path / f".{coastindex.CACHE_PREFIX}killed.tmp"
    killed.write_bytes(b"half")
    hours_ago = time.time() - 2 * coastindex.STALE_TEMP_S
    os.utime(killed, (hours_ago, hours_ago))
    writing = tmp_path / f".{coastindex.CACHE_PREFIX}writing.tmp"  # another writer, now
    writing.write_bytes(b"half")
    other = tmp_path / "notes.txt"  # not ours: left alone
    other.write_text("keep")
    path = tmp_path / f"{coastindex.CACHE_PREFIX}{coastindex.cache_key()}.npz"
    coastindex._save(index, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [path.name, writing.name, other.name]
    )


def test_concurrent_first_calls_build_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    built: list[int] = []

    def slow_build(path: Path) -> str:
        built.append(1)
        time.sleep(0.2)
        return "index"

    monkeypatch.setattr(coastindex, "_INDEX", None)
    monkeypatch.setattr(coastindex, "_load_or_build", slow_build)
    assert not coastindex.is_loaded()
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(coastindex.coast_index())) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["index"] * 4
    assert len(built) == 1
    assert coastindex.is_loaded()


def test_an_empty_cache_is_filled_and_then_read(
    index: coastindex.CoastIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTUREMAP_CACHE_DIR", str(tmp_path / "cache"))
    built: list[int] = []
    monkeypatch.setattr(coastindex, "build_index", lambda: built.append(1) or index)
    first = coastindex._load_or_build(coastindex.cache_path())
    assert first is index and built == [1]
    (written,) = (tmp_path / "cache").iterdir()
    assert written == coastindex.cache_path()
    again = coastindex._load_or_build(coastindex.cache_path())  # read, not built
    assert built == [1]
    assert np.array_equal(again.chunk_owner, index.chunk_owner)


@pytest.fixture(scope="module")
def venezuela() -> object:
    return zonebands.zone_bands("ven")


def test_zone_bands_shape(venezuela: object) -> None:
    bands = venezuela
    assert list(bands["zone"]) == [
        zonebands.BAND_TERRITORIAL,
        zonebands.BAND_CONTIGUOUS,
        zonebands.BAND_EEZ,
    ]
    assert set(bands["state"]) == {"Venezuela"}
    assert bands.crs.to_epsg() == 4326
    assert bands.is_valid.all()
    assert not bands.geometry.contains(Point(-66.904, 10.481)).any()  # Caracas is land


@pytest.mark.parametrize(("nm", "band"), [(5.0, 0), (20.0, 1), (35.0, 2)])
def test_zone_bands_hold_the_points_classified_in_them(
    venezuela: object, nm: float, band: int
) -> None:
    lon, lat = offshore(nm)
    contains = venezuela.geometry.contains(Point(lon, lat)).to_numpy()
    assert contains.tolist() == [i == band for i in range(3)]


def test_zone_bands_agree_with_classify_on_random_points(venezuela: object) -> None:
    rng = np.random.default_rng(3)
    expected = {0: zones.TERRITORIAL, 1: zones.CONTIGUOUS, 2: zones.EEZ}
    for position, geometry in enumerate(venezuela.geometry):
        xmin, ymin, xmax, ymax = geometry.bounds
        x, y = rng.uniform(xmin, xmax, 4000), rng.uniform(ymin, ymax, 4000)
        inside = shapely.contains_xy(geometry, x, y)
        result = zones.classify(x[inside], y[inside])
        agree = (result["zone"] == expected[position]) & (result["coastal_iso_a3"] == "VEN")
        # Disagreement only along the edges (simplified coast, sampled median line).
        assert inside.sum() > 50 and agree.mean() > 0.97


def test_zone_bands_across_the_antimeridian_are_valid() -> None:
    bands = zonebands.zone_bands("FJI")
    assert bands.is_valid.all()
    assert bands.total_bounds[0] == pytest.approx(-180) and bands.total_bounds[2] == pytest.approx(
        180
    )


def test_landlocked_state_has_no_bands_and_unknown_code_is_refused() -> None:
    assert len(zonebands.zone_bands("CHE")) == 0
    with pytest.raises(ValueError, match="unknown state"):
        zonebands.zone_bands("XXX")


@pytest.mark.parametrize(
    ("iso_a3", "lon", "lat", "expected"),
    [
        ("VEN", -71.6, 9.8, None),  # Lake Maracaibo: internal water, no band
        ("VEN", -67.0, 11.0, "contiguous zone (24 nm)"),  # off Maiquetía
        ("LVA", 23.9, 57.2, "territorial sea (12 nm)"),  # Gulf of Riga: two states' sea
        ("YEM", 42.0, 15.0, "EEZ, approximate (200 nm)"),  # the Red Sea stays sea
        ("YEM", 46.5, 15.8, None),  # inland Yemen: no sliver of sea
    ],
)
def test_bands_lie_at_sea(iso_a3: str, lon: float, lat: float, expected: str | None) -> None:
    bands = zonebands.zone_bands(iso_a3)
    found = [
        z
        for z, g in zip(bands["zone"], bands.geometry, strict=True)
        if g.contains(shapely.Point(lon, lat))
    ]
    assert found == ([expected] if expected else [])


def test_no_band_over_land() -> None:
    countries = naturalearth.countries()
    for iso_a3 in ("YEM", "VEN"):
        bands = zonebands.zone_bands(iso_a3)
        near = countries[countries.intersects(shapely.box(*bands.total_bounds))]
        land = shapely.union_all(near.geometry.values)
        for geometry in bands.geometry:
            assert geometry.intersection(land).area < 1e-5  # coast precision only


THEATRES = {
    "caribbean": (-85.0, 8.0, -58.0, 26.0),
    "red sea": (32.0, 10.0, 52.0, 30.0),
    "baltic": (9.0, 53.0, 31.0, 66.0),
    "fiji, across the antimeridian": (176.0, -22.0, 184.0, -12.0),
    "mid-atlantic": (-45.0, 20.0, -30.0, 35.0),
}


@pytest.mark.parametrize("bounds", THEATRES.values(), ids=THEATRES.keys())
def test_the_reach_bound_changes_no_result(
    index: coastindex.CoastIndex, bounds: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Searching only as far as a coast known to be in reach finds what searching the whole
    window finds: the same state, distance and zone for every point."""
    rng = np.random.default_rng(7)
    west, south, east, north = bounds
    lon = (rng.uniform(west, east, 150) + 180.0) % 360.0 - 180.0
    lat = rng.uniform(south, north, 150)
    bounded = zones.classify(lon, lat, index)
    monkeypatch.setattr(zones, "_coast_reach_km", lambda *args: float("inf"))
    whole = zones.classify(lon, lat, index)
    pd.testing.assert_frame_equal(bounded, whole)

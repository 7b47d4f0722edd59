"""Uncertainty carried through the analysis: zones and distances as ranges over each circle."""

from __future__ import annotations

import numpy as np
import pytest

from geo.analysis import geodesy, uncertainty, zones
from geo.analysis.joins import analyze
from geo.data.reading import load_bytes
from tests.factories import collection, feature, point, tiny_files

LAND, TS, CZ, EEZ, HS = zones.ZONES


@pytest.mark.parametrize(
    ("where", "lon", "lat", "radius_km", "possible", "states"),
    [
        # Caribbean: a strike ~20 nm off Venezuela drawn at ±400 km
        ("caribbean", -66.9, 11.0, 400, [LAND, TS, CZ, EEZ], {"Venezuela", "Curaçao"}),
        # Red Sea: Bab-el-Mandeb, ±50 km: three coastal states
        ("red sea", 43.3, 12.6, 50, [LAND, TS, CZ], {"Djibouti", "Eritrea", "Yemen"}),
        # Baltic: an exact position in Latvia's contiguous zone
        ("baltic", 20.6, 56.95, 0, [CZ], {"Latvia"}),
        # Open Atlantic: far from any coast, ±10 km
        ("atlantic", -40.0, 30.0, 10, [HS], set()),
        # Inland Caracas, ±1 km: land only
        ("inland", -66.9, 10.48, 1, [LAND], {"Venezuela"}),
    ],
)
def test_zones_possible(where, lon, lat, radius_km, possible, states) -> None:
    row = uncertainty.zone_ranges([lon], [lat], [radius_km]).iloc[0]
    assert row["zones_possible"] == possible, where
    assert states <= set(row["states_possible"]), where
    assert row["zone_certain"] == (len(possible) == 1 and len(row["states_possible"]) <= 1)
    assert row["coast_nm_min"] <= row["coast_nm"] <= row["coast_nm_max"]


@pytest.mark.parametrize("radius_km", [0.0, 5.0, 120.0, 450.0])
def test_coast_minimum_is_exact(radius_km: float) -> None:
    """Coast distance at the point r along the geodesic to the nearest coast: d - r."""
    lon, lat = -66.0, 13.0  # off Venezuela
    row = uncertainty.zone_ranges([lon], [lat], [radius_km]).iloc[0]
    expected = max(0.0, row["coast_nm"] - radius_km / geodesy.KM_PER_NM)
    assert row["coast_nm_min"] == pytest.approx(expected)
    # no sample of the circle is nearer the coast than the exact minimum
    xs, ys, _ = uncertainty.circle_samples(np.array([lon]), np.array([lat]), np.array([radius_km]))
    assert zones.classify(xs, ys)["coast_nm"].min() >= expected - 1e-6


def test_samples_lie_on_their_rings() -> None:
    xs, ys, owner = uncertainty.circle_samples(
        np.array([-66.0, 10.0]), np.array([13.0, 55.0]), np.array([300.0, 0.0])
    )
    assert (owner == 1).sum() == 1  # an exact position is its centre alone
    km = geodesy.distance_km(-66.0, 13.0, xs[owner == 0], ys[owner == 0])
    rings = sorted({round(f * 300.0, 6) for f, _ in uncertainty.RING_SAMPLES} | {0.0})
    assert np.isclose(km[:, None], np.array(rings)[None, :], atol=1e-6).any(axis=1).all()


def test_distance_range_to_a_point() -> None:
    low, high = uncertainty.distance_range(np.array([100.0, 10.0]), np.array([92.6, 92.6]))
    assert low == pytest.approx([50.0, 0.0], abs=0.01)
    assert high == pytest.approx([150.0, 60.0], abs=0.01)


def test_describe_zones() -> None:
    assert uncertainty.describe_zones([CZ, EEZ], 400) == f"{CZ} or {EEZ} (±400 km)"
    assert uncertainty.describe_zones([LAND, TS, CZ], 50) == f"{LAND}, {TS} or {CZ} (±50 km)"
    assert uncertainty.describe_zones([CZ], 0) == CZ
    assert uncertainty.describe_zones([], 10) == "unknown"


def test_analyze_reports_ranges_that_contain_the_reported_values() -> None:
    files = tiny_files()
    dataset = load_bytes(files)
    table = analyze(dataset).set_index("id")
    for column in ("coast_nm", "to_nm", "nearest_base_nm"):
        low, mid, high = table[f"{column}_min"], table[column], table[f"{column}_max"]
        ok = mid.isna() | ((low <= mid + 1e-9) & (mid <= high + 1e-9))
        assert ok.all(), column
    ship = table.loc["a1"]  # ±300 km, 13N off Venezuela
    assert not ship["zone_certain"] and len(ship["zones_possible"]) > 1
    r_nm = 300 / geodesy.KM_PER_NM
    assert ship["to_nm_max"] - ship["to_nm"] == pytest.approx(r_nm)
    assert ship["to_nm_min"] == pytest.approx(max(0.0, ship["to_nm"] - r_nm))
    assert ship["nearest_base_nm_min"] == pytest.approx(ship["nearest_base_nm"] - r_nm)


def test_red_sea_theatre_without_caracas() -> None:
    common = {"sources": ["src-a"], "confidence": "reported"}
    layers = {
        "bases": collection(
            feature(
                point(43.15, 11.55),
                id="camp-lemonnier",
                name="Camp Lemonnier",
                kind="expeditionary base",
                country="Djibouti",
                uncertainty_km=1,
                **common,
            )
        ),
        "assets": collection(
            feature(
                point(39.5, 19.0),
                id="cvn",
                name="Carrier",
                category="ship",
                type="aircraft carrier",
                count=1,
                observed="2024-01-10",
                uncertainty_km=100,
                **common,
            )
        ),
        "places": collection(
            feature(
                point(44.21, 15.35),
                id="sanaa",
                name="Sanaa",
                kind="capital city",
                uncertainty_km=0,
                **common,
            )
        ),
    }
    dataset = load_bytes(tiny_files(layers))
    assert [str(p) for p in dataset.problems] == []
    row = analyze(dataset, to="sanaa").set_index("id").loc["cvn"]
    assert set(row["zones_possible"]) <= {LAND, TS, CZ, EEZ, HS}
    assert {"Saudi Arabia", "Sudan"} & set(row["states_possible"])
    assert row["to_nm_min"] < row["to_nm"] < row["to_nm_max"]


@pytest.mark.parametrize(
    ("states", "first", "expected"),
    [
        (
            ["Aruba", "Colombia", "Netherlands", "Venezuela"],
            "Venezuela",
            f"{CZ} or {EEZ} (±400 km) of Venezuela, Aruba, Colombia and 1 more",
        ),
        (["Venezuela"], None, f"{CZ} or {EEZ} (±400 km) of Venezuela"),
        ([], None, f"{CZ} or {EEZ} (±400 km)"),
    ],
)
def test_describe_where_names_the_reported_state_first(states, first, expected) -> None:
    assert uncertainty.describe_where([CZ, EEZ], states, 400, first=first) == expected


@pytest.mark.parametrize(
    ("centre", "low", "high", "expected"),
    [
        (318.2, 75.4, 561.0, "75–561 nm"),  # wider than 1 %: the range, not one answer
        (314.33, 313.79, 314.33, "314 nm"),  # a 1 km circle 314 nm away: firm
        (0.18, 0.0, 0.72, "0.2 nm"),  # under a mile wide: the value
        (float("nan"), float("nan"), float("nan"), ""),
    ],
)
def test_describe_range(centre, low, high, expected) -> None:
    assert uncertainty.describe_range(centre, low, high) == expected

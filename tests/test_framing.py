"""What a slide frames (``geo.web.framing``), its locator inset (``geo.slides.locator``) and
words (``geo.slides.text``), on the default data and on a Red Sea theatre; no browser."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

import geo
from geo.data import selection
from geo.slides import locator, text
from geo.web import framing
from geo.web.payload import build_payload
from tests.factories import collection, feature, point, ship

DAY = date(2025, 10, 23)
RED_SEA_DAY = date(2025, 3, 20)
COMMON = {"sources": ["src-a"], "confidence": "reported"}


def base(fid: str, name: str, lon: float, lat: float, country: str) -> dict[str, Any]:
    return feature(
        point(lon, lat),
        id=fid,
        name=name,
        kind="naval base",
        country=country,
        uncertainty_km=1,
        **COMMON,
    )


def strike(fid: str, lon: float, lat: float, observed: str) -> dict[str, Any]:
    return feature(
        point(lon, lat),
        id=fid,
        name=f"Strike {fid}",
        killed=None,
        target="military site",
        observed=observed,
        uncertainty_km=20,
        **COMMON,
    )


def red_sea_layers() -> dict[str, dict[str, Any]]:
    """A Red Sea theatre in March 2025: bases in Djibouti and Bahrain, a carrier group in the
    northern Red Sea, a destroyer off Bab el-Mandeb, strikes in Yemen, the carrier's home port
    in Virginia."""
    march = {"observed": "2025-03-18", "uncertainty_km": 150}
    return {
        "bases": collection(
            base("camp-lemonnier", "Camp Lemonnier", 43.159, 11.547, "Djibouti"),
            base("nsa-bahrain", "Naval Support Activity Bahrain", 50.61, 26.21, "Bahrain"),
            base("ns-norfolk", "Naval Station Norfolk", -76.33, 36.95, "United States"),
        ),
        "assets": collection(
            ship(
                "cvn-75",
                38.2,
                21.0,
                name="USS Harry S. Truman",
                type="aircraft carrier",
                base="ns-norfolk",
                **march,
            ),
            ship(
                "cg-64", 38.9, 20.3, name="USS Gettysburg", type="guided-missile cruiser", **march
            ),
            ship(
                "ddg-101", 40.6, 17.6, name="USS Gridley", type="guided-missile destroyer", **march
            ),
            ship(
                "ddg-109",
                42.9,
                13.0,
                name="USS Jason Dunham",
                type="guided-missile destroyer",
                **march,
            ),
        ),
        "strikes": collection(
            strike("sanaa", 44.21, 15.35, "2025-03-15"),
            strike("saada", 43.76, 16.94, "2025-03-15"),
            strike("hodeidah", 42.95, 14.8, "2025-03-17"),
            strike("ras-isa", 42.6, 15.2, "2025-03-19"),
        ),
    }


@pytest.fixture(scope="module")
def red_sea(tmp_path_factory: pytest.TempPathFactory) -> geo.Dataset:
    from tests.factories import write_dataset

    dataset = geo.load(write_dataset(tmp_path_factory.mktemp("red-sea"), red_sea_layers()))
    assert dataset.problems == []
    return selection.as_of(dataset, RED_SEA_DAY)


def contains(bounds: framing.Bounds, lon: float, lat: float) -> bool:
    return bounds[0] <= lon <= bounds[2] and bounds[1] <= lat <= bounds[3]


# --- the frame -----------------------------------------------------------------------------


def test_default_data_frames_the_caribbean(default_dataset: geo.Dataset) -> None:
    shown = selection.as_of(default_dataset, DAY)
    framed = framing.frame_features(shown, aspect=1.4, as_of=DAY)
    assert framed is not None
    # Every ship, the strikes off Venezuela and Puerto Rico's airfields are in the frame...
    for lon, lat in [(-69.6, 13.7), (-64.4, 12.6), (-70.0, 12.9), (-63.6, 12.7), (-65.64, 18.25)]:
        assert contains(framed.bounds, lon, lat)
    assert {"uss-gravely-2025-10-23", "strike-2025-10-16", "caracas"} <= set(framed.members)
    # ...the bomber bases in the United States are not: they are far features, with distances.
    west, _, east, north = framed.bounds
    assert west > -80 and north < 22 and east - west < 20
    far = {f.id: f for f in framed.far}
    assert {"barksdale-afb", "dyess-afb"} <= set(far)
    assert far["barksdale-afb"].bearing == "NW"
    assert 1_700 < far["barksdale-afb"].distance_nm < far["dyess-afb"].distance_nm < 2_200
    # Far means outside the frame; those beyond the estimated view too come first.
    assert all(not contains(framed.bounds, f.lon, f.lat) for f in far.values())
    flags = [f.beyond_view for f in framed.far]
    assert flags == sorted(flags, reverse=True)
    assert far["barksdale-afb"].beyond_view and not contains(framed.view, -93.663, 32.502)


def test_red_sea_frames_the_theatre_not_the_home_port(red_sea: geo.Dataset) -> None:
    framed = framing.frame_features(red_sea, aspect=1.4, as_of=RED_SEA_DAY)
    assert framed is not None
    # Carrier group, destroyer, strikes in Yemen and Djibouti: inside.
    for lon, lat in [(38.2, 21.0), (42.9, 13.0), (44.21, 15.35), (43.159, 11.547)]:
        assert contains(framed.bounds, lon, lat)
    assert framed.bounds[0] > 30 and framed.bounds[2] < 50  # not stretched to Virginia
    far = {f.id: f for f in framed.far}
    assert "ns-norfolk" in far and far["ns-norfolk"].bearing in ("NW", "W")
    assert 5_500 < far["ns-norfolk"].distance_nm < 7_500
    # Bahrain, 1,300 km from the strikes, is beyond the view: shown on the inset.
    assert "nsa-bahrain" in far and not contains(framed.view, 50.61, 26.21)
    assert "cvn-75" not in far and "camp-lemonnier" not in far


def test_units_outweigh_a_pile_of_bases(red_sea: geo.Dataset) -> None:
    """Six bases at home weigh less than the theatre's units and strikes."""
    import pandas as pd

    bases = red_sea["bases"]
    home = bases[bases["id"] == "ns-norfolk"]
    extra = pd.concat([home.assign(id=f"home-{i}") for i in range(6)], ignore_index=True)
    layers = dict(red_sea.layers)
    layers["bases"] = pd.concat([bases, extra], ignore_index=True)
    crowded = geo.Dataset(layers=layers, sources=red_sea.sources)
    framed = framing.frame_features(crowded, aspect=1.4, as_of=RED_SEA_DAY)
    assert framed is not None and contains(framed.bounds, 42.9, 13.0)
    assert not contains(framed.bounds, -76.33, 36.95)


@pytest.mark.parametrize(
    ("theatre", "inside", "outside"),
    [("caribbean", (-66.5, 11.5), (-93.66, 32.5)), ("red_sea", (42.9, 13.0), (-76.33, 36.95))],
)
def test_html_first_view_frames_the_area_of_interest(
    request: pytest.FixtureRequest,
    default_dataset: geo.Dataset,
    theatre: str,
    inside: tuple[float, float],
    outside: tuple[float, float],
) -> None:
    """The page fits ``focus`` (the slide's rule); ``bounds`` (every feature) is for 'Show all'."""
    shown = (
        selection.as_of(default_dataset, DAY)
        if theatre == "caribbean"
        else request.getfixturevalue(theatre)
    )
    payload = build_payload(shown, basemap="offline")
    (south, west), (north, east) = payload["focus"]
    focus = (west, south, east, north)
    (south, west), (north, east) = payload["bounds"]
    assert contains(focus, *inside) and not contains(focus, *outside)
    assert contains((west, south, east, north), *outside)
    box = (10.0, 10.0, 20.0, 20.0)
    assert build_payload(shown, basemap="offline", bounds=box)["focus"] == [
        [10.0, 10.0],
        [20.0, 20.0],
    ]


def test_explicit_bounds_win(red_sea: geo.Dataset) -> None:
    box = (30.0, 10.0, 60.0, 30.0)
    framed = framing.frame_features(red_sea, aspect=1.4, bounds=box)
    assert framed is not None and framed.bounds == box
    assert [f.id for f in framed.far] == ["ns-norfolk"]  # Bahrain is inside now


def test_stale_units_and_rough_positions_pull_less(default_dataset: geo.Dataset) -> None:
    shown = selection.as_of(default_dataset, DAY)
    points = framing._points(shown, DAY, framing.STALE_DAYS)
    weight = dict(zip(points.ids, points.weight, strict=True))
    assert weight["uss-gravely-2025-10-23"] == framing.WEIGHTS["unit"]
    assert weight["f-35-puerto-rico-2025-09"] == framing.WEIGHTS["stale_unit"]  # September
    assert weight["us-personnel-other-2025-10-21"] == 0  # "in the region": 1,000 km
    assert weight["panama-1989"] == framing.HISTORICAL_WEIGHT
    assert weight["barksdale-afb"] == framing.WEIGHTS["base"]


def test_lone_feature_and_empty_data(tiny: geo.Dataset) -> None:
    lone = selection.filter_layers(tiny, layers=("bases",))
    framed = framing.frame_features(lone)
    assert framed is not None and framed.far == ()
    west, south, east, north = framed.bounds
    assert east - west >= framing.MIN_SPAN_DEG and north - south >= framing.MIN_SPAN_DEG
    assert framing.frame_features(selection.filter_layers(tiny, layers=())) is None


def test_many_points_are_pooled_and_framed_fast() -> None:
    """100,000 points: pooled on a grid, framed in well under a second."""
    import time

    import geopandas as gpd
    import numpy as np

    rng = np.random.default_rng(1)
    lon = np.concatenate([rng.normal(-66, 1.5, 99_000), rng.normal(-95, 0.5, 1_000)])
    lat = np.concatenate([rng.normal(13, 1.0, 99_000), rng.normal(32, 0.5, 1_000)])
    assets = gpd.GeoDataFrame(
        {"id": [f"p{i}" for i in range(len(lon))], "name": "unit"},
        geometry=gpd.points_from_xy(lon, lat),
        crs=4326,
    )
    empty = geo.load_bytes({})
    layers = {**empty.layers, "assets": assets}
    started = time.perf_counter()
    framed = framing.frame_features(geo.Dataset(layers=layers, sources=empty.sources))
    assert time.perf_counter() - started < 2.0
    assert framed is not None and contains(framed.bounds, -66, 13)
    assert not contains(framed.bounds, -95, 32)


@pytest.mark.parametrize(
    ("bounds", "aspect", "wider"),
    [((-70.0, 10.0, -60.0, 20.0), 2.0, True), ((-70.0, 10.0, -40.0, 12.0), 1.0, False)],
)
def test_view_takes_the_free_area_shape(bounds: framing.Bounds, aspect: float, wider: bool) -> None:
    import math

    view = framing.view_bounds(bounds, aspect)
    merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    ratio = math.radians(view[2] - view[0]) / (merc(view[3]) - merc(view[1]))
    assert ratio == pytest.approx(aspect, rel=1e-6)
    assert (view[0] < bounds[0]) is wider and (view[1] < bounds[1]) is not wider


@pytest.mark.parametrize(("azimuth", "name"), [(0, "N"), (-44, "NW"), (100, "E"), (200, "S")])
def test_bearing_name(azimuth: float, name: str) -> None:
    assert framing.bearing_name(azimuth) == name


# --- the locator inset ------------------------------------------------------------------------


def test_inset_labels_far_features_in_groups(default_dataset: geo.Dataset) -> None:
    shown = selection.as_of(default_dataset, DAY)
    framed = framing.frame_features(shown, aspect=1.4, as_of=DAY)
    spec = locator.inset_spec(framed)
    assert spec is not None and spec["unlisted"] == 0
    assert len(spec["dots"]) == len(framed.far)
    # Barksdale and Dyess are near each other on the inset: one label of two lines.
    bombers = [label["lines"] for label in spec["labels"] if "Barksdale" in label["lines"][0]]
    assert len(bombers) == 1 and len(bombers[0]) == 2 and bombers[0][1].startswith("Dyess AFB")
    assert bombers[0][0].startswith("Barksdale AFB · 1,") and bombers[0][0].endswith(" nm NW")
    # Land around the view and the far dots: Texas and Venezuela both.
    land = spec["land"]
    assert land["type"] == "MultiPolygon" and len(land["coordinates"]) > 10
    corners = [xy for polygon in land["coordinates"] for xy in polygon[0]]
    assert min(x for x, _ in corners) < -100 and max(y for _, y in corners) > 33


def test_no_inset_without_far_features(red_sea: geo.Dataset) -> None:
    framed = framing.frame_features(red_sea, bounds=(-100.0, -10.0, 100.0, 60.0))
    assert framed is not None and framed.far == () and locator.inset_spec(framed) is None


def test_label_groups_keep_every_line() -> None:
    far = tuple(
        framing.FarFeature(
            f"b{i}", f"Base {i}", "bases", -90 + i * 0.1, 30, 1, 1000 + i, "NW", True
        )
        for i in range(5)
    )
    frame = framing.Framing((-70, 10, -60, 20), (-72, 10, -58, 20), far, ())
    spec = locator.inset_spec(frame)
    assert len(spec["labels"]) == 1 and spec["max_lines"] == 3
    assert spec["labels"][0]["members"] == [0, 1, 2, 3, 4]
    assert spec["labels"][0]["lines"][:2] == ["Base 0 · 1,000 nm NW", "Base 1 · 1,001 nm NW"]


# --- the words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 10, 23, 12, 0, tzinfo=timezone.utc), "231200Z OCT 25"),
        (datetime(2025, 1, 2, 3, 4), "020304Z JAN 25"),
        # 01:30 in UTC+3 is 22:30Z the day before.
        (datetime(2025, 3, 1, 1, 30, tzinfo=timezone(timedelta(hours=3))), "282230Z FEB 25"),
    ],
)
def test_dtg(moment: datetime, expected: str) -> None:
    assert text.dtg(moment) == expected


def test_as_of_line_says_end_of_day() -> None:
    assert text.as_of_line(DAY) == "As of 23 Oct 2025, end of day UTC (232359Z OCT 25)"
    assert text.as_of_line(DAY, date(2025, 10, 1)).endswith("· strikes and tracks since 1 Oct 2025")
    assert text.as_of_line(None) == ""


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Barksdale Air Force Base", "Barksdale AFB"),
        ("Naval Support Activity Bahrain", "NSA Bahrain"),
        ("Roosevelt Roads (José Aponte de la Torre Airport)", "Roosevelt Roads (José Aponte…"),
    ],
)
def test_short_name(name: str, short: str) -> None:
    assert text.short_name(name) == short
    assert len(text.short_name(name)) <= text.NAME_CHARS

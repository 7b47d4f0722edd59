"""Tracks from pings: splitting, antimeridian, simplification bound, gaps between legs.

Every input is synthetic (:mod:`tests.synthetic_pings`), so every expected answer is known.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS, Transformer

import geo
from geo.data.gaps import gap_lines
from geo.tracks import legs as T
from tests.synthetic_pings import GEOD, T0, T0_ISO, build, import_args, ping_frame, straight

# --- splitting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "silence_s", "legs"),
    [
        ("aircraft", 29 * 60, 1),
        ("aircraft", 31 * 60, 2),
        ("ship", 5 * 3600, 1),
        ("ship", 7 * 3600, 2),
    ],
)
def test_a_gap_longer_than_the_threshold_splits_the_track(category, silence_s, legs):
    speed = 200.0 if category == "aircraft" else 8.0
    every = 10.0 if category == "aircraft" else 60.0
    times, lons, lats = straight(-66.0, 12.0, 90.0, speed, 40, every)
    # Silence in the middle: the second half is delayed, at a position it could have reached.
    times[20:] += silence_s
    tracks, report = build(ping_frame(("x", (times, lons, lats)), category=category))
    assert len(tracks) == legs
    assert report.gaps == legs - 1
    if legs == 2:
        second = tracks.iloc[1]
        assert second["gap_reason"] == T.GAP_SILENCE
        assert second["gap_before_s"] == pytest.approx(silence_s + every)
        assert second["observed"] == pd.Timestamp(times[20], unit="s", tz="UTC")
        assert tracks.iloc[0]["until"] == pd.Timestamp(times[19], unit="s", tz="UTC")
    assert tracks["points_in"].sum() == 40


def test_an_impossible_jump_splits_the_track():
    times, lons, lats = straight(-66.0, 12.0, 90.0, 200.0, 40)
    lats[20:] += 3.0  # 330 km north in 10 s, and it stays there
    tracks, report = build(ping_frame(("x", (times, lons, lats))))
    assert len(tracks) == 2
    assert report.jumps == 1 and report.gaps == 0
    assert tracks.iloc[1]["gap_reason"] == T.GAP_JUMP
    assert list(tracks["points_in"]) == [20, 20]


def test_a_possible_fast_move_does_not_split():
    times, lons, lats = straight(-66.0, 12.0, 90.0, 650.0, 40)  # supersonic, under the limit
    tracks, report = build(ping_frame(("x", (times, lons, lats))))
    assert len(tracks) == 1 and report.jumps == 0


def test_a_single_wild_ping_is_an_outlier_not_a_split():
    times, lons, lats = straight(-66.0, 12.0, 90.0, 200.0, 40)
    lats[17] += 4.0
    tracks, report = build(ping_frame(("x", (times, lons, lats))))
    assert len(tracks) == 1
    assert report.bad.counts == {T.OUTLIER: 1}
    assert tracks.iloc[0]["points_in"] == 39


def test_unsorted_pings_are_sorted_per_aircraft():
    times, lons, lats = straight(-66.0, 12.0, 90.0, 200.0, 50)
    shuffle = np.random.default_rng(1).permutation(50)
    other = straight(-60.0, 15.0, 0.0, 200.0, 10)
    frame = ping_frame(("x", (times[shuffle], lons[shuffle], lats[shuffle])), ("y", other))
    tracks, _ = build(frame, tolerance_m=0)
    x = tracks[tracks["track"] == "x"].iloc[0]
    stamps = pd.to_datetime(x["times"])
    assert stamps.is_monotonic_increasing and len(stamps) == 50
    assert shapely.get_coordinates(x.geometry)[0] == pytest.approx([lons[0], lats[0]])


@pytest.mark.parametrize("eastward", [True, False])
def test_the_antimeridian_splits_the_track(eastward):
    start = 179.0 if eastward else -179.0
    times, lons, lats = straight(start, -17.0, 90.0 if eastward else 270.0, 220.0, 100)
    lons = (lons + 180) % 360 - 180
    tracks, report = build(ping_frame(("x", (times, lons, lats))))
    assert report.antimeridian == 1 and len(tracks) == 1
    geom = tracks.geometry.iloc[0]
    assert geom.geom_type == "MultiLineString" and len(geom.geoms) == 2
    first, second = (shapely.get_coordinates(part) for part in geom.geoms)
    assert first[-1][0] == (180.0 if eastward else -180.0)
    assert second[0][0] == -first[-1][0]
    assert first[-1][1] == pytest.approx(second[0][1])
    assert -17.2 < first[-1][1] < -16.8
    coords = shapely.get_coordinates(geom)
    assert (np.abs(coords[:, 0]) <= 180).all()
    assert len(tracks.iloc[0]["times"]) == len(coords)
    assert tracks.iloc[0]["points_in"] == 100
    # The crossing time lies between the pings around it.
    crossing = pd.Timestamp(tracks.iloc[0]["times"][len(first) - 1])
    assert pd.Timestamp(T0_ISO) < crossing < pd.Timestamp(times[-1], unit="s", tz="UTC")


def test_a_one_ping_leg_is_reported_not_drawn():
    times, lons, lats = straight(-66.0, 12.0, 90.0, 200.0, 21)
    times[20] += 3 * 3600
    tracks, report = build(ping_frame(("x", (times, lons, lats))))
    assert len(tracks) == 1 and report.single_pings == 1
    assert report.points_in == 20


# --- simplification -----------------------------------------------------------------------------


def wiggly(lat0: float, lon0: float, count: int, seed: int) -> tuple[np.ndarray, ...]:
    """A noisy wandering aircraft track: 2 km steps, random turns, 15 m position noise."""
    rng = np.random.default_rng(seed)
    heading = np.cumsum(rng.normal(0, 4, count)) + rng.uniform(0, 360)
    lons, lats = np.empty(count), np.empty(count)
    lon, lat = lon0, lat0
    for i in range(count):  # 2 km per step along the wandering heading
        lon, lat, _ = GEOD.fwd(lon, lat, heading[i], 2000.0)
        lons[i], lats[i] = lon, lat
    noise = rng.normal(0, 15, (count, 2))
    lons, lats, _ = GEOD.fwd(
        lons,
        lats,
        np.degrees(np.arctan2(noise[:, 0], noise[:, 1])),
        np.hypot(noise[:, 0], noise[:, 1]),
    )
    return T0 + 10.0 * np.arange(count), np.asarray(lons), np.asarray(lats)


def ground_error(raw: np.ndarray, simplified: shapely.Geometry) -> float:
    """Largest geodesic distance (m) from any raw ping to the simplified line.

    Measured in the test's own projection (azimuthal equidistant centred on the track,
    not the module's transverse Mercator): for each ping, the nearest point on the line
    there, back to lon/lat, then the geodesic distance from the ping to it.
    """
    centre = raw.mean(axis=0)
    aeqd = CRS.from_proj4(f"+proj=aeqd +lon_0={centre[0]} +lat_0={centre[1]} +ellps=WGS84")
    forward = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    back = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    line = shapely.transform(simplified, lambda xy: np.column_stack(forward.transform(*xy.T)))
    points = shapely.points(np.column_stack(forward.transform(raw[:, 0], raw[:, 1])))
    nearest = shapely.get_coordinates(shapely.shortest_line(points, line))[1::2]
    lon, lat = back.transform(nearest[:, 0], nearest[:, 1])
    _, _, dist = GEOD.inv(raw[:, 0], raw[:, 1], lon, lat)
    return float(np.max(dist))


def projected_hausdorff(raw: np.ndarray, simplified: shapely.Geometry) -> float:
    """Hausdorff distance (m) between raw and simplified line in the local UTM zone."""
    utm = gpd.GeoSeries(shapely.points(raw), crs="EPSG:4326").estimate_utm_crs()
    forward = Transformer.from_crs("EPSG:4326", utm, always_xy=True)
    raw_line = shapely.linestrings(np.column_stack(forward.transform(raw[:, 0], raw[:, 1])))
    line = shapely.transform(simplified, lambda xy: np.column_stack(forward.transform(*xy.T)))
    return float(shapely.hausdorff_distance(raw_line, line, densify=0.05))


@pytest.mark.parametrize(
    ("lat0", "lon0", "tolerance_m"),
    [(12.0, -66.0, 100.0), (12.0, -66.0, 20.0), (45.0, 10.0, 100.0), (68.0, 20.0, 500.0)],
)
def test_simplification_stays_within_the_tolerance(lat0, lon0, tolerance_m):
    times, lons, lats = wiggly(lat0, lon0, 600, seed=int(lat0))
    tracks, report = build(ping_frame(("x", (times, lons, lats))), tolerance_m=tolerance_m)
    assert len(tracks) == 1
    line = tracks.geometry.iloc[0]
    raw = np.column_stack([lons, lats])
    # It did simplify, and it used the tolerance (not a much smaller one)...
    assert report.points_out < report.points_in * 0.85
    error = ground_error(raw, line)
    assert tolerance_m * 0.5 < error
    # ...and no raw ping is farther than the tolerance from the line on the ground.
    assert error <= tolerance_m * 1.0001
    # The UTM scale factor is within 0.9996..1.0010 here: allow that much in the plane.
    assert projected_hausdorff(raw, line) <= tolerance_m * 1.001
    # Kept vertices are raw pings, with their own times; vertices added on long segments
    # (for web maps) have times between their neighbours'.
    kept = shapely.get_coordinates(line)
    positions = {(x, y): t for x, y, t in zip(lons, lats, times, strict=True)}
    written = pd.to_datetime(tracks.iloc[0]["times"])
    raw_vertex = np.array([(x, y) in positions for x, y in kept])
    expected = [pd.Timestamp(positions[(x, y)], unit="s", tz="UTC") for x, y in kept[raw_vertex]]
    assert written[raw_vertex].tolist() == expected
    assert (~raw_vertex).sum() == report.added_points
    assert written.is_monotonic_increasing and written.is_unique
    assert tracks.iloc[0]["points_out"] == len(kept)


def test_zero_tolerance_keeps_every_ping():
    times, lons, lats = wiggly(12.0, -66.0, 200, seed=3)
    tracks, report = build(ping_frame(("x", (times, lons, lats))), tolerance_m=0)
    assert report.points_out == report.points_in == 200
    assert len(tracks.iloc[0]["times"]) == 200


def test_a_part_too_wide_for_one_projection_keeps_every_vertex():
    # A ship-slow, aircraft-category leg along the equator over 140 degrees of longitude.
    times, lons, lats = straight(-70.0, 0.0, 90.0, 250.0, 6300, every_s=10.0)
    assert lons[-1] - lons[0] > 125
    tracks, report = build(ping_frame(("x", (times, lons, lats))))
    assert report.unsimplified_parts == 1
    assert report.points_out == report.points_in == 6300
    assert len(tracks.iloc[0]["times"]) == 6300
    assert "kept whole: 1" in T.describe(report)


# --- gaps for the map ------------------------------------------------------------------------


def test_gap_lines_join_consecutive_legs_and_split_at_the_antimeridian():
    times, lons, lats = straight(179.5, 10.0, 90.0, 200.0, 40)
    lons = (lons + 180) % 360 - 180
    times[20:] += 3600
    lons[20:] = -179.0  # after the silence it is across the antimeridian
    tracks, _ = build(ping_frame(("x", (times, lons, lats))))
    assert len(tracks) == 2
    gaps = gap_lines(tracks)
    assert len(gaps) == 1
    gap = gaps.iloc[0]
    assert gap["before"] == tracks.iloc[0]["id"] and gap["after"] == tracks.iloc[1]["id"]
    assert gap["gap_s"] == pytest.approx(3610)
    assert gap["times"] == [tracks.iloc[0]["times"][-1], tracks.iloc[1]["times"][0]]
    assert gap.geometry.geom_type == "MultiLineString"
    assert np.abs(shapely.get_coordinates(gap.geometry)[:, 0]).max() == 180.0


def test_gap_lines_work_on_a_loaded_layer_mixed_with_hand_drawn_tracks(tiny_dir, run_cli, tmp_path):
    times, lons, lats = straight(-66.0, 12.0, 90.0, 200.0, 40)
    times[20:] += 3600
    frame = pd.DataFrame({"id": "x", "time": times.astype("int64"), "lat": lats, "lon": lons})
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    imported = tmp_path / "imported" / "tracks.geojson"
    assert run_cli(*import_args([path], imported))[0] == 0
    # Put the imported legs beside the tiny data set's hand-drawn track t1.
    hand = json.loads((tiny_dir / "tracks.geojson").read_text())
    legs = json.loads(imported.read_text())
    for feature in legs["features"]:
        feature["properties"]["sources"] = ["src-a"]
    hand["features"] += legs["features"]
    (tiny_dir / "tracks.geojson").write_text(json.dumps(hand))
    dataset = geo.load(tiny_dir)
    assert dataset.problems == []
    gaps = geo.gap_lines(dataset.layers["tracks"])
    assert list(gaps["before"]) == ["track-x-1"] and list(gaps["after"]) == ["track-x-2"]
    assert gaps["gap_reason"].tolist() == [T.GAP_SILENCE]
    assert gaps["gap_s"].iloc[0] == pytest.approx(3610)

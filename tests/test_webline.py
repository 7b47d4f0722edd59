"""The line as a web map draws it: straight in Web Mercator, within the tolerance of the pings.

Measured independently of :mod:`geo.tracks.webline`: each output segment is drawn straight
in EPSG:3857 (pyproj) and sampled every kilometre (between samples the drawn curve is within
centimetres of a chord); for every raw ping, the nearest point of those sampled lines (found
in an azimuthal equidistant projection) gives, by its geodesic distance, an upper bound of
the ping's distance to the line as drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS, Transformer

from geo.tracks import webline
from tests.synthetic_pings import GEOD, T0, build, ping_frame

TO_WEB = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


def drawn_error(raw: np.ndarray, line: shapely.Geometry, step_m: float = 1000.0) -> float:
    """Largest geodesic distance (m) from a raw ping to the line drawn straight in 3857."""
    centre = raw.mean(axis=0)
    aeqd = CRS.from_proj4(f"+proj=aeqd +lon_0={centre[0]} +lat_0={centre[1]} +ellps=WGS84")
    forward = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    drawn = []
    for part in getattr(line, "geoms", [line]):
        coords = shapely.get_coordinates(part)
        wx, wy = TO_WEB.transform(coords[:, 0], coords[:, 1])
        for i in range(len(coords) - 1):
            count = max(2, int(np.hypot(wx[i + 1] - wx[i], wy[i + 1] - wy[i]) / step_m) + 2)
            share = np.linspace(0.0, 1.0, count)
            lon, lat = TO_WEB.transform(
                wx[i] + share * (wx[i + 1] - wx[i]),
                wy[i] + share * (wy[i + 1] - wy[i]),
                direction="INVERSE",
            )
            drawn.append(shapely.linestrings(np.c_[forward.transform(lon, lat)]))
    drawn = shapely.multilinestrings(drawn)
    pings = shapely.points(np.c_[forward.transform(raw[:, 0], raw[:, 1])])
    nearest = shapely.get_coordinates(shapely.shortest_line(pings, drawn))[1::2]
    near_lon, near_lat = forward.transform(nearest[:, 0], nearest[:, 1], direction="INVERSE")
    _, _, dist = GEOD.inv(raw[:, 0], raw[:, 1], near_lon, near_lat)
    return float(np.max(dist))


def long_flight(lat0: float, lon0: float, azimuth: float, km: float, seed: int = 0):
    """A straight (geodesic) flight, a ping every 60 s at 230 m/s, 10 m position noise."""
    count = int(km * 1000 / 230 / 60)
    lons, lats, _ = GEOD.fwd(
        np.full(count, lon0), np.full(count, lat0), np.full(count, azimuth),
        230.0 * 60 * np.arange(count),
    )  # fmt: skip
    rng = np.random.default_rng(seed)
    lons, lats, _ = GEOD.fwd(lons, lats, rng.uniform(0, 360, count), rng.uniform(0, 10, count))
    return T0 + 60.0 * np.arange(count), np.asarray(lons), np.asarray(lats)


@pytest.mark.parametrize(
    ("lat0", "lon0", "azimuth", "tolerance_m"),
    [
        (10.0, -70.0, 60.0, 100.0),
        (45.0, 0.0, 80.0, 100.0),
        (72.0, -50.0, 88.0, 100.0),  # EDW24 over Greenland
        (79.0, -60.0, 100.0, 30.0),
        (-70.0, 0.0, 95.0, 100.0),
    ],
)
def test_the_line_drawn_in_web_mercator_stays_within_the_tolerance(
    lat0, lon0, azimuth, tolerance_m, monkeypatch
):
    times, lons, lats = long_flight(lat0, lon0, azimuth, 1200.0)
    raw = np.c_[lons, lats]
    frame = ping_frame(("x", (times, lons, lats)))
    tracks, report = build(frame, tolerance_m=tolerance_m)
    line = tracks.geometry.iloc[0]
    error = drawn_error(raw, line)
    assert error <= tolerance_m
    assert error > tolerance_m * 0.3  # the tolerance is used, not a far smaller one
    assert report.added_points > 0
    # Without the added vertices the same simplified line strays far past the tolerance.
    monkeypatch.setattr(webline, "WEB_SHARE", 0.0)
    bare, bare_report = build(frame, tolerance_m=tolerance_m)
    assert bare_report.added_points == 0
    assert drawn_error(raw, bare.geometry.iloc[0]) > tolerance_m * 5


def test_added_vertices_have_times_between_their_neighbours_and_cross_no_antimeridian():
    times, lons, lats = long_flight(70.0, 170.0, 90.0, 1500.0)
    lons = (lons + 180) % 360 - 180
    tracks, report = build(ping_frame(("x", (times, lons, lats))))
    leg = tracks.iloc[0]
    assert report.antimeridian == 1 and leg.geometry.geom_type == "MultiLineString"
    west, east = (shapely.get_coordinates(part) for part in leg.geometry.geoms)
    assert (west[:, 0] > 0).all() and (east[:, 0] < 0).all()
    assert west[-1, 0] == 180.0 and east[0, 0] == -180.0
    stamps = pd.to_datetime(leg["times"])
    assert stamps.is_monotonic_increasing and len(stamps) == len(west) + len(east)
    assert leg["points_out"] == report.points_out == len(stamps)
    assert report.added_points > 20
    assert drawn_error(np.c_[lons, lats], leg.geometry) <= 100.0


def test_short_segments_get_no_added_vertices():
    times, lons, lats = long_flight(12.0, -66.0, 90.0, 30.0)
    _, report = build(ping_frame(("x", (times, lons, lats))))
    assert report.added_points == 0

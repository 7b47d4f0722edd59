"""Geodesy: WGS 84 distances, geodesic circles (antimeridian, poles), aeqd projections."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Point

from geo.analysis import geodesy

BARKSDALE = (-93.663, 32.502)
CARACAS = (-66.904, 10.481)


def test_barksdale_caracas_matches_pyproj_to_a_tenth_of_a_mile() -> None:
    _, _, metres = Geod(ellps="WGS84").inv(*BARKSDALE, *CARACAS)
    expected_nm = metres / 1852.0
    assert abs(float(geodesy.distance_nm(*BARKSDALE, *CARACAS)) - expected_nm) < 0.1
    assert abs(float(geodesy.distance_km(*BARKSDALE, *CARACAS)) - metres / 1000) < 0.1 * 1.852
    # Checked by hand against the published great-circle figure: about 1,982 nm.
    assert 1975 < expected_nm < 1990


def test_distances_are_vectorised_and_propagate_nan() -> None:
    lons = np.array([-66.904, -93.663, np.nan])
    lats = np.array([10.481, 32.502, 10.0])
    out = geodesy.distance_km(lons, lats, *CARACAS)
    assert out.shape == (3,)
    assert out[0] == pytest.approx(0.0, abs=1e-6)
    assert out[1] > 3000
    assert np.isnan(out[2])


def test_planar_degrees_would_be_wrong_at_high_latitude() -> None:
    # One degree of longitude at 60N is about half a degree of latitude on the ground.
    east = float(geodesy.distance_km(0.0, 60.0, 1.0, 60.0))
    north = float(geodesy.distance_km(0.0, 60.0, 0.0, 60.6))
    assert east < north  # while in degrees 1.0 > 0.6


CENTRES = [(-66.9, 10.5), (0.0, 0.0), (18.0, 69.0), (-150.0, -45.0), (100.0, 30.0)]


@pytest.mark.parametrize(("lon", "lat"), CENTRES)
def test_every_vertex_of_a_1000_km_ring_is_1000_km_from_its_centre(lon: float, lat: float) -> None:
    ring = geodesy.geodesic_circle(lon, lat, 1000.0)
    assert ring.is_valid and ring.geom_type == "Polygon"
    x, y = shapely.get_coordinates(ring).T
    dist = geodesy.distance_km(lon, lat, x, y)
    assert np.all(np.abs(dist - 1000.0) <= 5.0)  # +-0.5 %
    assert ring.contains(Point(lon, lat))


@pytest.mark.parametrize("azimuth", [0.0, 45.0, 90.0, 200.0, 300.0])
def test_ring_contains_points_just_inside_and_not_just_outside(azimuth: float) -> None:
    lon, lat = -66.9, 10.5
    ring = geodesy.geodesic_circle(lon, lat, 1000.0)
    inside = geodesy.destination(lon, lat, azimuth, 995.0)
    outside = geodesy.destination(lon, lat, azimuth, 1005.0)
    assert ring.contains(Point(float(inside[0]), float(inside[1])))
    assert not ring.contains(Point(float(outside[0]), float(outside[1])))


@pytest.mark.parametrize(
    ("lon", "lat", "radius"), [(179.5, -17.0, 1000.0), (-179.0, 60.0, 3000.0), (180.0, 0.0, 500.0)]
)
def test_ring_across_the_antimeridian_is_split_and_valid(
    lon: float, lat: float, radius: float
) -> None:
    ring = geodesy.geodesic_circle(lon, lat, radius)
    assert ring.is_valid
    assert ring.geom_type == "MultiPolygon"
    xmin, _, xmax, _ = ring.bounds
    assert xmin == pytest.approx(-180.0) and xmax == pytest.approx(180.0)
    # Points just either side of the antimeridian, near the centre's latitude, are inside.
    assert ring.contains(Point(179.99, lat)) and ring.contains(Point(-179.99, lat))
    x, y = shapely.get_coordinates(ring).T
    on_circle = np.abs(np.abs(x) - 180.0) > 1e-9  # seam vertices are interpolated
    assert np.all(np.abs(geodesy.distance_km(lon, lat, x[on_circle], y[on_circle]) - radius) < 1.0)


@pytest.mark.parametrize(("lon", "lat", "pole"), [(0.0, 85.0, 90.0), (120.0, -80.0, -90.0)])
def test_ring_around_a_pole_contains_the_pole(lon: float, lat: float, pole: float) -> None:
    ring = geodesy.geodesic_circle(lon, lat, 1500.0)
    assert ring.is_valid
    beyond = float(geodesy.wrap_longitude(lon + 170.0))  # across the pole from the centre
    assert ring.contains(Point(beyond, pole - np.sign(pole) * 0.01))
    assert ring.contains(Point(lon, lat))


def test_ring_containing_both_poles_excludes_the_antipode() -> None:
    ring = geodesy.geodesic_circle(10.0, 20.0, 15000.0)
    assert ring.is_valid
    assert ring.contains(Point(0.0, 89.9)) and ring.contains(Point(0.0, -89.9))
    assert not ring.contains(Point(-170.0, -20.0))


@pytest.mark.parametrize("radius", [0.0, -5.0, 25000.0, float("nan")])
def test_bad_radius_is_refused(radius: float) -> None:
    with pytest.raises(ValueError, match="radius_km"):
        geodesy.geodesic_circle(0.0, 0.0, radius)


def test_aeqd_distances_from_the_centre_are_geodesic() -> None:
    lon0, lat0 = -70.0, 15.0
    crs = geodesy.aeqd_crs(lon0, lat0)
    to_plane = Transformer.from_crs(4326, crs, always_xy=True)
    lons, lats = np.array([-93.663, -66.904, -60.0]), np.array([32.502, 10.481, 20.0])
    x, y = to_plane.transform(lons, lats)
    assert np.allclose(np.hypot(x, y), geodesy.distance_m(lon0, lat0, lons, lats), rtol=1e-9)


def test_aeqd_scale_bound_brackets_projected_distances() -> None:
    rng = np.random.default_rng(1)
    lons, lats = rng.uniform(-95, -55, 200), rng.uniform(5, 35, 200)
    crs = geodesy.theatre_crs(lons, lats)
    lon0, lat0 = geodesy.spherical_centre(lons, lats)
    k = geodesy.aeqd_scale_bound(lon0, lat0, lons, lats)
    assert 1.0 < k < 1.1
    x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(lons, lats)
    i, j = rng.integers(0, 200, 500), rng.integers(0, 200, 500)
    planar = np.hypot(x[i] - x[j], y[i] - y[j])
    true = geodesy.distance_m(lons[i], lats[i], lons[j], lats[j])
    keep = true > 1000
    ratio = planar[keep] / true[keep]
    assert ratio.min() > 1 - 2e-3 and ratio.max() < k * 1.001


def test_spherical_centre_handles_the_antimeridian() -> None:
    lon, lat = geodesy.spherical_centre([179.0, -179.0], [0.0, 0.0])
    assert abs(abs(lon) - 180.0) < 1e-6 and abs(lat) < 1e-6


@pytest.mark.parametrize(
    ("lon", "lat"), [(-66.9, 10.5), (42.5, 14.8), (20.0, 57.5), (179.9, -16.0), (0.0, 88.0)]
)
def test_aeqd_transformer_is_the_crs_transform(lon: float, lat: float) -> None:
    """The fast pipeline gives the metres (and degrees back) of the CRS-built transformer."""
    rng = np.random.default_rng(7)
    xs = lon + rng.uniform(-8.0, 8.0, 200)
    ys = np.clip(lat + rng.uniform(-6.0, 6.0, 200), -89.0, 89.0)
    reference = Transformer.from_crs(4326, geodesy.aeqd_crs(lon, lat), always_xy=True)
    fast = geodesy.aeqd_transformer(lon, lat)
    expected = np.column_stack(reference.transform(xs, ys))
    got = np.column_stack(fast.transform(xs, ys))
    np.testing.assert_allclose(got, expected, atol=1e-6)
    back = np.column_stack(fast.transform(got[:, 0], got[:, 1], direction="INVERSE"))
    np.testing.assert_allclose(back, np.column_stack([(xs + 180) % 360 - 180, ys]), atol=1e-9)

"""Tracks from raw pings: layouts, splitting, antimeridian, simplification bound, bad pings, CLI.

Every input is synthetic and built here, so every expected answer is known.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import geopandas as gpd
import gpxpy.gpx
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS, Geod, Transformer

import geo
from geo import pings as P
from geo import tracks as T

GEOD = Geod(ellps="WGS84")
T0 = 1_760_529_600  # 2025-10-15T12:00:00Z
T0_ISO = "2025-10-15T12:00:00Z"


# --- builders ------------------------------------------------------------------------------


def straight(
    lon: float,
    lat: float,
    azimuth: float,
    speed_ms: float,
    count: int,
    every_s: float = 10.0,
    start: float = T0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` pings along a geodesic: (times, lon, lat)."""
    distances = speed_ms * every_s * np.arange(count)
    lons, lats, _ = GEOD.fwd(
        np.full(count, lon), np.full(count, lat), np.full(count, azimuth), distances
    )
    return start + every_s * np.arange(count), np.asarray(lons), np.asarray(lats)


def ping_frame(
    *segments: tuple[str, tuple[np.ndarray, np.ndarray, np.ndarray]], category: str = "aircraft"
) -> pd.DataFrame:
    """A ping frame (as geo.pings gives) from (id, (times, lon, lat)) segments."""
    parts = []
    for ident, (times, lons, lats) in segments:
        parts.append(
            pd.DataFrame(
                {
                    "id": ident,
                    "time": pd.to_datetime(np.asarray(times) * 1e9, unit="ns", utc=True),
                    "lat": lats,
                    "lon": lons,
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame["category"] = category
    frame["layout"] = "plain"
    frame["file"] = "test"
    frame["row"] = np.arange(1, len(frame) + 1)
    for role in P.EXTRA_ROLES:
        frame[role] = pd.Series(np.nan, index=frame.index, dtype="str")
    return frame


def build(frame: pd.DataFrame, tolerance_m: float = 100.0, **kwargs):
    return T.build_tracks(frame, "src-a", tolerance_m=tolerance_m, **kwargs)


def opensky_rows(count: int = 30) -> pd.DataFrame:
    times, lons, lats = straight(-66.0, 12.0, 90.0, 220.0, count)
    return pd.DataFrame(
        {
            "time": times.astype("int64"),
            "icao24": "AE1234",
            "callsign": "RCH123 ",
            "lat": lats,
            "lon": lons,
            "baroaltitude": 9000.0,
            "velocity": 220.0,
            "heading": 90.0,
        }
    )


def ais_rows(count: int = 30) -> pd.DataFrame:
    times, lons, lats = straight(-65.0, 18.0, 180.0, 8.0, count, every_s=60.0)
    stamps = pd.to_datetime(times, unit="s").strftime("%Y-%m-%dT%H:%M:%S")
    return pd.DataFrame(
        {
            "MMSI": 338000001,
            "BaseDateTime": stamps,
            "LAT": lats,
            "LON": lons,
            "SOG": 15.5,
            "COG": 180.0,
            "VesselName": "USS EXAMPLE",
        }
    )


def plain_rows(count: int = 30) -> pd.DataFrame:
    times, lons, lats = straight(-67.0, 11.0, 45.0, 150.0, count)
    stamps = pd.to_datetime(times, unit="s", utc=True).strftime("%Y-%m-%dT%H:%M:%SZ")
    return pd.DataFrame({"id": "mq9-1", "time": stamps, "lat": lats, "lon": lons})


def kml_text(count: int = 30) -> str:
    times, lons, lats = straight(-66.5, 12.5, 0.0, 100.0, count)
    whens = "".join(
        f"<when>{pd.Timestamp(t, unit='s', tz='UTC').strftime('%Y-%m-%dT%H:%M:%SZ')}</when>"
        for t in times
    )
    coords = "".join(f"<gx:coord>{x} {y} 3000</gx:coord>" for x, y in zip(lons, lats, strict=True))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'
        f"<Document><Placemark><name>P-8 one</name><gx:Track>{whens}{coords}</gx:Track>"
        "</Placemark>"
        "<Placemark><name>drone</name><TimeStamp><when>2025-10-15T14:00:00+02:00</when>"
        "</TimeStamp><Point><coordinates>-66.0,12.0,0</coordinates></Point></Placemark>"
        "<Placemark><name>drone</name><TimeStamp><when>2025-10-15T12:05:00Z</when>"
        "</TimeStamp><Point><coordinates>-66.05,12.0,0</coordinates></Point></Placemark>"
        "</Document></kml>"
    )


def gpx_text(count: int = 30) -> str:
    times, lons, lats = straight(-66.0, 13.0, 270.0, 60.0, count)
    document = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack(name="MH-60 sortie")
    document.tracks.append(track)
    segment = gpxpy.gpx.GPXTrackSegment()
    track.segments.append(segment)
    for t, x, y in zip(times, lons, lats, strict=True):
        stamp = dt.datetime.fromtimestamp(float(t), tz=dt.timezone.utc)
        segment.points.append(gpxpy.gpx.GPXTrackPoint(float(y), float(x), time=stamp))
    return document.to_xml()


def write_layout(kind: str, fmt: str, directory: Path, count: int = 30) -> Path:
    """Write a small ping file of one layout and format; return its path."""
    if kind == "kml":
        path = directory / "pings.kml"
        path.write_text(kml_text(count), encoding="utf-8")
        return path
    if kind == "gpx":
        path = directory / "pings.gpx"
        path.write_text(gpx_text(count), encoding="utf-8")
        return path
    frame = {"opensky": opensky_rows, "ais": ais_rows, "plain": plain_rows}[kind](count)
    # Names deliberately uninformative: the layout must come from the content.
    path = directory / f"{kind}-data.{'bin' if fmt == 'parquet' else 'txt'}"
    if fmt == "parquet":
        frame.to_parquet(path)
    else:
        frame.to_csv(path, index=False)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- layouts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fmt", "ident", "category"),
    [
        ("opensky", "csv", "ae1234", "aircraft"),
        ("opensky", "parquet", "ae1234", "aircraft"),
        ("ais", "csv", "338000001", "ship"),
        ("ais", "parquet", "338000001", "ship"),
        ("plain", "csv", "mq9-1", "aircraft"),
        ("plain", "parquet", "mq9-1", "aircraft"),
        ("kml", "xml", "P-8 one", "aircraft"),
        ("gpx", "xml", "MH-60 sortie", "aircraft"),
    ],
)
def test_each_layout_is_detected_from_content(tmp_path, kind, fmt, ident, category):
    path = write_layout(kind, fmt, tmp_path)
    pings = P.read_file(path)
    assert [layout.name for _, layout in pings.layouts] == [kind]
    frame = pings.frame
    assert pings.bad.total == 0
    mine = frame[frame["id"] == ident]
    assert len(mine) == 30
    assert (mine["category"] == category).all()
    assert str(frame["time"].dtype) == "datetime64[ns, UTC]"
    assert mine["time"].min() == pd.Timestamp(T0_ISO)


def test_kml_point_times_with_offsets_become_utc(tmp_path):
    path = write_layout("kml", "xml", tmp_path)
    drone = P.read_file(path).frame.query("id == 'drone'").sort_values("time")
    assert drone["time"].tolist() == [
        pd.Timestamp("2025-10-15T12:00:00Z"),
        pd.Timestamp("2025-10-15T12:05:00Z"),
    ]


def test_ais_times_without_offset_are_utc_and_ids_keep_no_decimal(tmp_path):
    frame = ais_rows(3)
    frame["MMSI"] = frame["MMSI"].astype(float)  # as a numeric column with gaps would read
    path = tmp_path / "ais.parquet"
    frame.to_parquet(path)
    pings = P.read_file(path)
    assert set(pings.frame["id"]) == {"338000001"}
    assert pings.frame["time"].iloc[0] == pd.Timestamp(T0_ISO)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["time", "icao24", "callsign", "lat", "lon", "baroaltitude", "velocity", "heading"],
            "opensky",
        ),
        (["MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG", "VesselName"], "ais"),
        (["id", "time", "lat", "lon"], "plain"),
        (["ID", "Timestamp", "Latitude", "Longitude"], "plain"),
    ],
)
def test_detect_layout_from_header(header, expected):
    assert P.detect_layout(header).name == expected


def test_unknown_header_is_refused_with_the_columns_named():
    with pytest.raises(P.PingError, match=r"cannot tell the layout.*\(a, b, c\)"):
        P.detect_layout(["a", "b", "c"])


def test_asset_id_column_overrides_the_layout(tmp_path):
    frame = plain_rows(5).rename(columns={"id": "hex"})
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(P.PingError):
        P.read_file(path)
    pings = P.read_file(path, id_column="hex")
    assert set(pings.frame["id"]) == {"mq9-1"}


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
    assert report.points_out < report.points_in * 0.8
    error = ground_error(raw, line)
    assert tolerance_m * 0.5 < error
    # ...and no raw ping is farther than the tolerance from the line on the ground.
    assert error <= tolerance_m * 1.0001
    # The UTM scale factor is within 0.9996..1.0010 here: allow that much in the plane.
    assert projected_hausdorff(raw, line) <= tolerance_m * 1.001
    # Kept vertices are raw pings, with their own times.
    kept = shapely.get_coordinates(line)
    positions = {(x, y): t for x, y, t in zip(lons, lats, times, strict=True)}
    expected = [pd.Timestamp(positions[(x, y)], unit="s", tz="UTC") for x, y in kept]
    assert pd.to_datetime(tracks.iloc[0]["times"]).tolist() == expected
    assert tracks.iloc[0]["points_out"] == len(kept)


def test_zero_tolerance_keeps_every_ping():
    times, lons, lats = wiggly(12.0, -66.0, 200, seed=3)
    tracks, report = build(ping_frame(("x", (times, lons, lats))), tolerance_m=0)
    assert report.points_out == report.points_in == 200
    assert len(tracks.iloc[0]["times"]) == 200


# --- bad pings -------------------------------------------------------------------------------


BAD_CSV = """time,icao24,callsign,lat,lon
1760529600,ae1234,RCH1,12.0,-66.0
1760529610,ae1234,RCH1,12.0,-66.02
yesterday,ae1234,RCH1,12.0,-66.04
1760529630,ae1234,RCH1,95.0,-66.06
1760529640,ae1234,RCH1,12.0,-190.0
1760529650,ae1234,RCH1,,-66.08
1760529660,,RCH1,12.0,-66.1
1760529670,ae1234,RCH1,12.0,-66.12,extra
1760529610,ae1234,RCH1,12.0,-66.02
1760529610,ae1234,RCH1,12.5,-66.02
,ae1234,RCH1,12.0,-66.14
99,ae1234,RCH1,12.0,-66.16
1760529680,ae1234,RCH1,12.0,-66.18
"""


def test_each_kind_of_bad_ping_is_counted_with_its_reason(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    pings = P.read_file(path)
    assert pings.rows_read == 13
    assert pings.bad.counts == {
        P.BAD_TIME: 1,
        P.BAD_LAT: 1,
        P.BAD_LON: 1,
        P.BAD_POSITION: 1,
        P.BAD_ID: 1,
        P.BAD_LINE: 1,
        P.BAD_NO_TIME: 1,
        P.BAD_TIME_RANGE: 1,
    }
    assert pings.bad.examples[P.BAD_TIME] == f"{path} row 3: 'yesterday'"
    assert pings.bad.examples[P.BAD_LINE] == f"{path} row 8"
    _, report = build(pings.frame)
    assert report.bad.counts == {T.DUPLICATE: 1, T.CONFLICT: 1}
    assert len(pings.frame) - report.bad.total == report.points_in == 3


def test_bad_pings_through_the_cli_are_reported_not_a_traceback(tmp_path, run_cli):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    code, stdout, stderr = run_cli(
        "tracks", "import", str(path), "--out", str(tmp_path / "d" / "tracks.geojson")
    )
    assert code == 0, stderr
    assert "Traceback" not in stdout + stderr
    assert "read 13 rows; 10 not used" in stdout
    for reason in (
        P.BAD_TIME,
        P.BAD_LAT,
        P.BAD_LON,
        P.BAD_POSITION,
        P.BAD_ID,
        P.BAD_LINE,
        T.DUPLICATE,
        T.CONFLICT,
    ):
        assert f"1 {reason}" in stdout


@pytest.mark.parametrize("suffix", ["kml", "gpx"])
def test_xml_with_a_doctype_is_refused(tmp_path, run_cli, suffix):
    root = "kml" if suffix == "kml" else "gpx"
    path = tmp_path / f"evil.{suffix}"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        f"<{root}>&x;</{root}>",
        encoding="utf-8",
    )
    with pytest.raises(P.PingError, match="DOCTYPE"):
        P.read_file(path)
    code, _, stderr = run_cli(
        "tracks", "import", str(path), "--out", str(tmp_path / "d" / "tracks.geojson")
    )
    assert code == 1 and "DOCTYPE" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "d").exists()


# --- command line ----------------------------------------------------------------------------


def import_args(paths: list[Path], out: Path, *more: str) -> list[str]:
    return ["tracks", "import", *map(str, paths), "--out", str(out), *more]


def test_cli_writes_tracks_that_validate_and_creates_a_source(tmp_path, run_cli):
    sky = write_layout("opensky", "csv", tmp_path)
    ais = write_layout("ais", "parquet", tmp_path)
    before = sha(sky), sha(ais)
    out = tmp_path / "data" / "tracks.geojson"
    code, stdout, stderr = run_cli(*import_args([sky, ais], out))
    assert code == 0, stderr
    assert f"{sky}: opensky" in stdout and f"{ais}: ais" in stdout
    assert (sha(sky), sha(ais)) == before  # inputs untouched
    sources = json.loads((out.parent / "sources.json").read_text())
    assert [s["id"] for s in sources] == ["pings-opensky-data"]
    code, stdout, _ = run_cli("validate", str(out.parent))
    assert code == 0, stdout
    dataset = geo.load(out.parent)
    tracks = dataset.layers["tracks"]
    assert sorted(tracks["track"]) == ["338000001", "ae1234"]
    assert (tracks["confidence"] == "reported").all()
    assert all(s == ["pings-opensky-data"] for s in tracks["sources"])
    for _, row in tracks.iterrows():
        assert pd.Timestamp(row["times"][0]) == row["observed"]
        assert pd.Timestamp(row["times"][-1]) == row["until"]
        assert len(row["times"]) == shapely.get_num_coordinates(row.geometry)
    ship = tracks[tracks["track"] == "338000001"].iloc[0]
    assert ship["mmsi"] == "338000001" and ship["vessel_name"] == "USS EXAMPLE"
    plane = tracks[tracks["track"] == "ae1234"].iloc[0]
    assert plane["icao24"] == "ae1234" and plane["callsign"] == "RCH123"


def test_cli_never_overwrites_without_force(tmp_path, run_cli):
    sky = write_layout("opensky", "csv", tmp_path)
    out = tmp_path / "data" / "tracks.geojson"
    out.parent.mkdir()
    out.write_text("keep me", encoding="utf-8")
    code, _, stderr = run_cli(*import_args([sky], out))
    assert code == 1 and "--force" in stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    assert not (out.parent / "sources.json").exists()
    code, _, stderr = run_cli(*import_args([sky], out, "--force"))
    assert code == 0, stderr
    assert json.loads(out.read_text())["type"] == "FeatureCollection"


def test_cli_source_must_exist_in_an_existing_sources_json(tiny_dir, run_cli, tmp_path):
    sky = write_layout("opensky", "csv", tmp_path)
    before = sha(tiny_dir / "sources.json")
    out = tiny_dir / "tracks.geojson"
    tracks_before = sha(out)
    code, _, stderr = run_cli(*import_args([sky], out, "--force", "--source", "nope"))
    assert code == 2 and "'nope' is not in sources.json" in stderr
    code, _, stderr = run_cli(*import_args([sky], out, "--force"))
    assert code == 2 and "--source is required" in stderr
    assert sha(tiny_dir / "sources.json") == before and sha(out) == tracks_before


def test_cli_matches_assets_and_the_result_validates(tiny_dir, run_cli, tmp_path):
    # The tiny data set has asset a1 (reported twice: a1-later has entity a1); give it an icao24.
    assets_path = tiny_dir / "assets.geojson"
    assets = json.loads(assets_path.read_text())
    assets["features"][1]["properties"]["icao24"] = "AE1234"
    assets_path.write_text(json.dumps(assets))
    sky = write_layout("opensky", "csv", tmp_path)
    plain = write_layout("plain", "csv", tmp_path)
    out = tiny_dir / "tracks.geojson"
    code, stdout, stderr = run_cli(*import_args([sky, plain], out, "--force", "--source", "src-a"))
    assert code == 0, stderr
    code, stdout, _ = run_cli("validate", str(tiny_dir))
    assert code == 0, stdout
    tracks = geo.load(tiny_dir).layers["tracks"].set_index("track")
    assert tracks.loc["ae1234", "asset"] == "a1"  # the entity, not the later report
    assert pd.isna(tracks.loc["mq9-1", "asset"])


def test_cli_usage_errors_exit_2(tmp_path, run_cli):
    sky = write_layout("opensky", "csv", tmp_path)
    code, _, stderr = run_cli(*import_args([sky], tmp_path / "tracks.json"))
    assert code == 2 and "tracks.geojson" in stderr
    code, _, stderr = run_cli(*import_args([tmp_path / "missing.csv"], tmp_path / "tracks.geojson"))
    assert code == 2 and "no such file" in stderr
    code, _, stderr = run_cli(*import_args([sky], tmp_path / "tracks.geojson", "--category", "x"))
    assert code == 2


def test_cli_unknown_layout_is_a_clear_error(tmp_path, run_cli):
    path = tmp_path / "weird.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    code, _, stderr = run_cli(*import_args([path], tmp_path / "d" / "tracks.geojson"))
    assert code == 1 and "cannot tell the layout" in stderr and "a, b, c" in stderr


def test_cli_thresholds_can_be_changed(tmp_path, run_cli):
    times, lons, lats = straight(-66.0, 12.0, 90.0, 200.0, 40)
    times[20:] += 20 * 60
    frame = pd.DataFrame({"id": "x", "time": times.astype("int64"), "lat": lats, "lon": lons})
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "d" / "tracks.geojson"
    code, stdout, _ = run_cli(*import_args([path], out, "--gap-minutes", "10"))
    assert code == 0 and "legs: 2 from 1 aircraft" in stdout


# --- gaps for the map ------------------------------------------------------------------------


def test_gap_lines_join_consecutive_legs_and_split_at_the_antimeridian():
    times, lons, lats = straight(179.5, 10.0, 90.0, 200.0, 40)
    lons = (lons + 180) % 360 - 180
    times[20:] += 3600
    lons[20:] = -179.0  # after the silence it is across the antimeridian
    tracks, _ = build(ping_frame(("x", (times, lons, lats))))
    assert len(tracks) == 2
    gaps = T.gap_lines(tracks)
    assert len(gaps) == 1
    gap = gaps.iloc[0]
    assert gap["before"] == tracks.iloc[0]["id"] and gap["after"] == tracks.iloc[1]["id"]
    assert gap["gap_s"] == pytest.approx(3610)
    assert gap["times"] == [tracks.iloc[0]["times"][-1], tracks.iloc[1]["times"][0]]
    assert gap.geometry.geom_type == "MultiLineString"
    assert np.abs(shapely.get_coordinates(gap.geometry)[:, 0]).max() == 180.0


@pytest.mark.parametrize(
    ("kind", "fmt", "malformed"),
    [
        ("opensky", "csv", False),
        ("opensky", "csv", True),
        ("ais", "parquet", False),
        ("kml", "xml", False),
    ],
)
def test_progress_reports_every_byte_once(tmp_path, kind, fmt, malformed):
    path = write_layout(kind, fmt, tmp_path)
    if malformed:  # forces the second (pandas) reader after the first gave up
        with path.open("a", encoding="utf-8") as handle:
            handle.write("1,2,3,4,5,6,7,8,9,10\n")
    seen: list[int] = []
    P.read_file(path, progress=seen.append)
    assert seen and all(n > 0 for n in seen)
    assert sum(seen) == path.stat().st_size


def test_cli_with_no_usable_leg_writes_nothing_and_says_why(tmp_path, run_cli):
    path = tmp_path / "p.csv"
    path.write_text("id,time,lat,lon\nx,yesterday,12,-66\nx,1760529600,12,-66\n", encoding="utf-8")
    out = tmp_path / "d" / "tracks.geojson"
    code, stdout, stderr = run_cli(*import_args([path], out))
    assert code == 1 and "no track written" in stderr
    assert f"1 {P.BAD_TIME}" in stdout and "lone pings not drawn: 1" in stdout
    assert not out.exists() and not (out.parent / "sources.json").exists()


def test_kml_with_doctype_text_inside_cdata_is_read(tmp_path):
    text = kml_text(5).replace(
        "<name>P-8 one</name>",
        "<name>P-8 one</name><description><![CDATA[<!DOCTYPE html><p>x</p>]]></description>",
    )
    path = tmp_path / "cdata.kml"
    path.write_text(text, encoding="utf-8")
    assert (P.read_file(path).frame["id"] == "P-8 one").sum() == 5


def test_utf16_xml_with_a_doctype_is_refused_too(tmp_path):
    path = tmp_path / "evil16.kml"
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE kml [<!ENTITY a "b">]><kml>&a;</kml>'
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(P.PingError, match="DOCTYPE"):
        P.read_file(path)


def test_a_part_too_wide_for_one_projection_keeps_every_vertex():
    # A ship-slow, aircraft-category leg along the equator over 140 degrees of longitude.
    times, lons, lats = straight(-70.0, 0.0, 90.0, 250.0, 6300, every_s=10.0)
    assert lons[-1] - lons[0] > 125
    tracks, report = build(ping_frame(("x", (times, lons, lats))))
    assert report.unsimplified_parts == 1
    assert report.points_out == report.points_in == 6300
    assert len(tracks.iloc[0]["times"]) == 6300
    assert "kept whole: 1" in T.describe(report)


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


def test_cli_names_a_broken_sources_json(tmp_path, run_cli):
    sky = write_layout("opensky", "csv", tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    (data / "sources.json").write_text('[{"id": "adsb"}]', encoding="utf-8")
    code, _, stderr = run_cli(*import_args([sky], data / "tracks.geojson", "--source", "adsb"))
    assert code == 2
    assert "'adsb' is not in sources.json" in stderr and "title: missing" in stderr
    assert not (data / "tracks.geojson").exists()

"""Synthetic pings for the ping, track and import tests: builders with known answers.

Every input is built here (straight geodesic flights, small files of each layout, a CSV
with one bad row of each kind), so every expected answer is known.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import gpxpy.gpx
import numpy as np
import pandas as pd
from pyproj import Geod

from geo.tracks import legs as T
from geo.tracks.layouts import EXTRA_ROLES

GEOD = Geod(ellps="WGS84")
T0 = 1_760_529_600  # 2025-10-15T12:00:00Z
T0_ISO = "2025-10-15T12:00:00Z"


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
    """A ping frame (as geo.tracks.pings gives) from (id, (times, lon, lat)) segments."""
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
    for role in EXTRA_ROLES:
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


def import_args(paths: list[Path], out: Path, *more: str) -> list[str]:
    return ["tracks", "import", *map(str, paths), "--out", str(out), *more]

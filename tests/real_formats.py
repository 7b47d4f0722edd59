"""Small ping files in real-world formats, built here so every expected answer is known.

Each builder writes one file in the shape a real tool writes it: ``traffic`` (pandas
``to_json`` records/columns, Parquet), readsb/tar1090 ``trace_full``, ``aircraft.json``
snapshots, OpenSky state vectors with ``lastposupdate`` and the OpenSky API, raw AIS NMEA
(encoded with ``pyais``, MIT licence) with NMEA 4.0 tag blocks, Flightradar24 CSV exports,
GeoJSON, GeoPackage, GeoParquet and KMZ. File names are deliberately uninformative: the
readers must tell the format from the content.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from functools import reduce
from operator import xor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyais.encode import encode_dict

from tests.synthetic_pings import GEOD, T0, kml_text, straight

COUNT = 30


def _flight(count: int = COUNT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return straight(-66.0, 12.0, 90.0, 220.0, count)


def traffic_frame(count: int = COUNT) -> pd.DataFrame:
    """A ``traffic`` Flight's data: timestamp, icao24, latitude, longitude, callsign..."""
    times, lons, lats = _flight(count)
    return pd.DataFrame(
        {
            "timestamp": pd.to_datetime(times, unit="s", utc=True),
            "icao24": "AE1234",
            "latitude": lats,
            "longitude": lons,
            "callsign": "RCH123",
            "altitude": 30000.0,
            "groundspeed": 430.0,
            "track": 90.0,
        }
    )


def nmea_checksum(body: str) -> str:
    """The two hex digits of an NMEA checksum (XOR of the characters)."""
    return f"{reduce(xor, body.encode(), 0):02X}"


def tag_block(unix: int, station: str = "rx1") -> str:
    body = f"s:{station},c:{unix}"
    return f"\\{body}*{nmea_checksum(body)}\\"


def ais_position(mmsi: int, lon: float, lat: float, talker: str = "AI") -> str:
    return encode_dict({"type": 1, "mmsi": mmsi, "lon": lon, "lat": lat}, talker_id=talker)[0]


def ais_static(mmsi: int, name: str, callsign: str) -> list[str]:
    """A type 5 message: two sentences (a multi-sentence message)."""
    return encode_dict(
        {"type": 5, "mmsi": mmsi, "shipname": name, "callsign": callsign},
        talker_id="AI",
        seq_id=3,
    )


def nmea_lines(count: int = COUNT) -> list[str]:
    """Position reports of one ship with tag-block times, and its static data in 2 parts."""
    times, lons, lats = straight(-65.0, 18.0, 180.0, 8.0, count, every_s=60.0)
    lines = []
    for i, (t, x, y) in enumerate(zip(times, lons, lats, strict=True)):
        lines.append(tag_block(int(t)) + ais_position(338000001, float(x), float(y)))
        if i == 3:
            lines += [tag_block(int(t)) + s for s in ais_static(338000001, "USNS EXAMPLE", "NABC")]
    return lines


def readsb_trace(count: int = COUNT) -> dict:
    times, lons, lats = _flight(count)
    points = []
    for i, (t, x, y) in enumerate(zip(times, lons, lats, strict=True)):
        details = {"type": "adsb_icao", "flight": "NAVY123 "} if i % 10 == 0 else None
        points.append([float(t - times[0]), float(y), float(x), 25000, 430.0, 90.0, 0, 0,
                       details, "adsb_icao", 25500, 0, 280, 0.0])  # fmt: skip
    return {"icao": "ae1234", "r": "168123", "t": "P8", "timestamp": float(times[0]),
            "trace": points}  # fmt: skip


def aircraft_snapshots(directory: Path, count: int = 5) -> list[Path]:
    """``aircraft.json`` files, one per minute; ``seen_pos`` back-dates each position."""
    times, lons, lats = straight(-66.0, 12.0, 90.0, 220.0, count, every_s=60.0)
    paths = []
    for k in range(count):
        document = {
            "now": float(times[k]) + 1.5,
            "messages": 1000 + k,
            "aircraft": [
                {"hex": "AE1234", "flight": "RCH123  ", "lat": float(lats[k]),
                 "lon": float(lons[k]), "seen_pos": 1.5, "seen": 0.2},
                {"hex": "~1a2b3c", "seen": 3.0},  # TIS-B target without a position
            ],
        }  # fmt: skip
        path = directory / f"snap-{k}"
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(path)
    return paths


def opensky_stale(seconds: int = 900, with_lastposupdate: bool = True) -> pd.DataFrame:
    """OpenSky state vectors every second whose position is updated only now and then.

    A C-2 at 150 m/s whose position goes stale for 12-15 s at times: the state vector
    repeats the last position with a new ``time``; ``lastposupdate`` is the position's
    own time. The catch-up after a stale spell (1.8-2.3 km in 1 s) is an impossible jump.
    """
    rng = np.random.default_rng(4)
    t = T0 + np.arange(seconds)
    lons, lats, _ = GEOD.fwd(
        np.full(seconds, 141.0), np.full(seconds, 35.0), np.full(seconds, 60.0),
        150.0 * np.arange(seconds),
    )  # fmt: skip
    fresh = np.zeros(seconds, dtype=bool)
    i = 0
    while i < seconds:
        fresh[i] = True
        i += int(rng.choice([1, 2, 3, 12, 15], p=[0.4, 0.3, 0.2, 0.05, 0.05]))
    last = np.maximum.accumulate(np.where(fresh, np.arange(seconds), 0))
    frame = pd.DataFrame(
        {
            "time": t,
            "icao24": "87c123",
            "lat": np.asarray(lats)[last],
            "lon": np.asarray(lons)[last],
            "velocity": 150.0,
            "heading": 60.0,
            "callsign": "JASDF01",
            "lastposupdate": t[last] + 0.4,
            "lastcontact": t + 0.6,
        }
    )
    return frame if with_lastposupdate else frame.drop(columns="lastposupdate")


def fr24_csv(count: int = COUNT) -> str:
    """A Flightradar24 flight export: Position holds "lat,lon"; no aircraft address."""
    times, lons, lats = _flight(count)
    rows = ["Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction"]
    for t, x, y in zip(times, lons, lats, strict=True):
        utc = pd.Timestamp(t, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(f'{int(t)},{utc},RCH123,"{y:.6f},{x:.6f}",30000,430,90')
    return "\n".join(rows) + "\n"


def geojson_document(count: int = COUNT) -> dict:
    """A line with ``times`` (as tracks import writes) and timed point features of a ship."""
    times, lons, lats = _flight(count)
    iso = [pd.Timestamp(t, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ") for t in times]
    line = {
        "type": "Feature",
        "properties": {"track": "mq9-1", "times": iso},
        "geometry": {"type": "LineString", "coordinates": np.c_[lons, lats].tolist()},
    }
    points = [
        {
            "type": "Feature",
            "properties": {"id": "drone-2", "time": stamp},
            "geometry": {"type": "Point", "coordinates": [x + 1.0, y]},
        }
        for stamp, x, y in zip(iso, lons.tolist(), lats.tolist(), strict=True)
    ]
    return {"type": "FeatureCollection", "features": [line, *points]}


def geo_points(count: int = COUNT) -> gpd.GeoDataFrame:
    times, lons, lats = _flight(count)
    return gpd.GeoDataFrame(
        {"id": "mq9-1", "time": pd.to_datetime(times, unit="s", utc=True)},
        geometry=shapely.points(lons, lats),
        crs="EPSG:4326",
    )


def _epoch_ms(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetimes as Unix milliseconds, as ``to_json`` writes them by default (epoch)."""
    return frame.assign(timestamp=frame["timestamp"].astype("int64") // 10**6)


def write_format(kind: str, directory: Path, count: int = COUNT) -> Path:
    """Write one sample of a format under an uninformative name; return its path."""
    path = directory / f"sample-{kind}"
    if kind == "traffic-records":
        _epoch_ms(traffic_frame(count)).to_json(path, orient="records")
    elif kind == "traffic-columns":
        _epoch_ms(traffic_frame(count)).to_json(path)
    elif kind == "traffic-parquet":
        traffic_frame(count).to_parquet(path)
    elif kind == "readsb-trace-gz":
        path.write_bytes(gzip.compress(json.dumps(readsb_trace(count)).encode()))
    elif kind == "opensky-api":
        times, lons, lats = _flight(count)
        path.write_text(json.dumps({"icao24": "ae1234", "callsign": "RCH123", "startTime":
            int(times[0]), "path": [[int(t), y, x, 9000, 90, False] for t, x, y in
            zip(times, lons.tolist(), lats.tolist(), strict=True)]}))  # fmt: skip
    elif kind == "nmea":
        path.write_text("\n".join(nmea_lines(count)) + "\n", encoding="ascii")
    elif kind == "fr24":
        path.write_text(fr24_csv(count), encoding="utf-8")
    elif kind == "geojson":
        path.write_text(json.dumps(geojson_document(count)), encoding="utf-8")
    elif kind == "gpkg":
        geo_points(count).to_file(directory / "written.gpkg", driver="GPKG")
        (directory / "written.gpkg").rename(path)
    elif kind == "geoparquet":
        geo_points(count).to_parquet(path)
    elif kind == "kmz":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("doc.kml", kml_text(count))
            archive.writestr("files/icon.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    else:
        raise ValueError(kind)
    return path

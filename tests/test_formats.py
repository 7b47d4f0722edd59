"""Real-world ping formats: each read from its content, compressed or not, within bounds.

Samples are built by :mod:`tests.real_formats` under uninformative names, so the readers
can only go by the bytes.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import time
import zipfile

import numpy as np
import pandas as pd
import pytest

from geo.tracks import content as C
from geo.tracks import nmea as N
from geo.tracks import pings as P
from geo.tracks import readers as F
from geo.tracks.layouts import PingError
from tests.real_formats import (
    aircraft_snapshots,
    ais_position,
    nmea_checksum,
    nmea_lines,
    tag_block,
    traffic_frame,
    write_format,
)
from tests.synthetic_pings import T0_ISO, plain_rows

FORMATS = [
    # kind, layout, id, category, pings of that id
    ("traffic-records", "opensky", "ae1234", "aircraft", 30),
    ("traffic-columns", "opensky", "ae1234", "aircraft", 30),
    ("traffic-parquet", "opensky", "ae1234", "aircraft", 30),
    ("readsb-trace-gz", "readsb-trace", "ae1234", "aircraft", 30),
    ("opensky-api", "opensky-api", "ae1234", "aircraft", 30),
    ("nmea", "nmea", "338000001", "ship", 30),
    ("fr24", "fr24", "RCH123", "aircraft", 30),
    ("geojson", "geojson", "mq9-1", "aircraft", 30),
    ("gpkg", "plain", "mq9-1", "aircraft", 30),
    ("geoparquet", "plain", "mq9-1", "aircraft", 30),
    ("kmz", "kml", "P-8 one", "aircraft", 30),
]


@pytest.mark.parametrize(("kind", "layout", "ident", "category", "count"), FORMATS)
def test_each_real_format_is_read_from_its_content(tmp_path, kind, layout, ident, category, count):
    path = write_format(kind, tmp_path)
    pings = F.read_file(path)
    assert [found.name for _, found in pings.layouts] == [layout]
    assert pings.bad.total == 0, pings.bad.lines()
    mine = pings.frame[pings.frame["id"] == ident]
    assert len(mine) == count
    assert (mine["category"] == category).all()
    assert mine["time"].min() == pd.Timestamp(T0_ISO)
    assert mine["lat"].between(-90, 90).all() and mine["lon"].between(-180, 180).all()


def test_names_and_callsigns_come_with_the_pings(tmp_path):
    trace = F.read_file(write_format("readsb-trace-gz", tmp_path)).frame
    assert set(trace["callsign"].dropna()) == {"NAVY123"} and set(trace["name"]) == {"168123"}
    ship = F.read_file(write_format("nmea", tmp_path)).frame.sort_values("time")
    # The type 5 message (two sentences) comes after the 4th report: later pings carry it.
    assert ship["vessel_name"].iloc[:4].isna().all()
    assert set(ship["vessel_name"].iloc[4:]) == {"USNS EXAMPLE"}
    assert set(ship["callsign"].dropna()) == {"NABC"}


def test_aircraft_json_snapshots_date_each_position_by_seen_pos(tmp_path):
    pings = F.read_pings(aircraft_snapshots(tmp_path))
    frame = pings.frame.sort_values("time")
    assert [layout.name for _, layout in pings.layouts] == ["readsb-aircraft"] * 5
    assert set(frame["id"]) == {"ae1234"}  # hex lower-cased
    assert frame["time"].iloc[0] == pd.Timestamp(T0_ISO)  # now - seen_pos
    assert pings.bad.counts == {P.BAD_POSITION: 5}  # the TIS-B target has no position


# --- containers, by content --------------------------------------------------------------


def _plain(tmp_path):
    path = tmp_path / "plain-source"
    plain_rows(30).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("wrap", ["gzip", "bzip2", "xz", "zip", "gzip-in-zip"])
@pytest.mark.parametrize("inner", ["csv", "nmea"])
def test_compressed_and_zipped_files_are_recognised_by_content(tmp_path, wrap, inner):
    source = _plain(tmp_path) if inner == "csv" else write_format("nmea", tmp_path)
    data = source.read_bytes()
    path = tmp_path / "pings.csv"  # the name says CSV whatever it holds
    if wrap == "gzip":
        path.write_bytes(gzip.compress(data))
    elif wrap == "bzip2":
        path.write_bytes(bz2.compress(data))
    elif wrap == "xz":
        path.write_bytes(lzma.compress(data))
    else:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt.png", b"\x89PNG\r\n\x1a\n\x00\x00")  # skipped
            archive.writestr("x.kml", gzip.compress(data) if wrap == "gzip-in-zip" else data)
    direct, wrapped = F.read_file(source), F.read_file(path)
    assert len(wrapped.frame) == len(direct.frame) == 30
    assert wrapped.frame["time"].tolist() == direct.frame["time"].tolist()
    assert wrapped.layouts[0][1].name == direct.layouts[0][1].name
    seen: list[int] = []
    F.read_file(path, progress=seen.append)
    assert sum(seen) == path.stat().st_size


def test_a_decompression_bomb_stops_at_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(C.LIMITS, "max_bytes", 1 << 20)
    bomb = tmp_path / "bomb"
    bomb.write_bytes(gzip.compress(b"0" * (16 << 20), 9))
    assert bomb.stat().st_size < 50_000
    zipped = tmp_path / "zip-bomb"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.csv", b"0" * (16 << 20))
    for path in (bomb, zipped):
        started = time.perf_counter()
        with pytest.raises(PingError, match="once decompressed; the limit is 1 MB"):
            F.read_file(path)
        assert time.perf_counter() - started < 5.0


def test_a_zip_without_ping_data_and_binary_files_are_refused(tmp_path):
    path = tmp_path / "images"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(PingError, match="no ping file inside"):
        F.read_file(path)
    binary = tmp_path / "blob"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(PingError, match="binary"):
        F.read_file(binary)
    truncated = tmp_path / "cut"
    truncated.write_bytes(gzip.compress(plain_rows(30).to_csv(index=False).encode())[:-30])
    with pytest.raises(PingError, match="broken gzip"):
        F.read_file(truncated)


# --- NMEA ---------------------------------------------------------------------------------


def test_nmea_times_come_from_tag_blocks_or_from_the_log(tmp_path):
    tagged = tag_block(1_760_529_600) + ais_position(338000001, -65.0, 18.0)
    aivdo = ais_position(338000002, -65.0, 18.0).replace("!AIVDM", "!AIVDO")
    aivdo = aivdo[:-2] + nmea_checksum(aivdo[1:-3])
    lines = [
        tagged,
        ais_position(338000001, -65.01, 18.0) + ",1760529660",  # time after the checksum
        "2025-10-15T12:02:00Z " + ais_position(338000001, -65.02, 18.0),  # before it
        "\\s:rx1,c:1760529780000*00\\" + aivdo,  # milliseconds
        ais_position(338000001, -65.03, 18.0),  # no time at all
        tag_block(1_760_529_900) + ais_position(338000003, 181.0, 91.0),  # "not available"
    ]
    path = tmp_path / "log"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    pings = F.read_file(path)
    times = pings.frame.set_index("row")["time"]
    assert times.to_dict() == {
        1: pd.Timestamp("2025-10-15T12:00:00Z"),
        2: pd.Timestamp("2025-10-15T12:01:00Z"),
        3: pd.Timestamp("2025-10-15T12:02:00Z"),
        4: pd.Timestamp("2025-10-15T12:03:00Z"),
    }
    assert pings.bad.counts == {P.BAD_NO_TIME: 1, P.BAD_POSITION: 1}
    assert pings.bad.examples[P.BAD_NO_TIME].startswith(f"{path} row 5")


def test_nmea_bad_lines_are_counted_by_reason_with_their_line(tmp_path):
    good = nmea_lines(6)
    static = [line for line in good if ",2,1," in line or ",2,2," in line]
    lines = [
        *good[:2],
        good[2][:-2] + "00",  # checksum broken
        "$GPGGA,120000,1800.0,N,06500.0,W,1,08,0.9,10,M,,M,,*47",  # not AIS: no pings
        "this line is not NMEA",
        static[1],  # second part with no first: incomplete
        *good[3:],
    ]
    path = tmp_path / "log"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    pings = F.read_file(path)
    assert pings.bad.counts == {
        N.BAD_CHECKSUM: 1,
        N.BAD_SENTENCE: 2,
        N.BAD_PARTS: 1,
    }
    assert pings.bad.examples[N.BAD_CHECKSUM].startswith(f"{path} line 3: \\s:rx1")
    assert pings.bad.examples[N.BAD_SENTENCE].startswith(f"{path} line 4: $GPGGA")
    assert len(pings.frame) == 5


def test_nmea_streams_in_chunks_and_reports_progress(tmp_path, monkeypatch):
    monkeypatch.setattr(N, "_CHUNK", 7)
    path = write_format("nmea", tmp_path)
    seen: list[int] = []
    pings = F.read_file(path, progress=seen.append)
    assert len(pings.frame) == 30 and pings.frame["row"].is_unique
    assert sum(seen) == path.stat().st_size


# --- JSON and tables within bounds -----------------------------------------------------------


def test_traffic_json_is_read_quickly(tmp_path):
    frame = traffic_frame(40_000)
    frame["timestamp"] = frame["timestamp"].astype("int64") // 10**6  # epoch ms, as written
    path = tmp_path / "flight"
    frame.to_json(path, orient="records")
    assert path.stat().st_size > 2_000_000 and path.read_bytes().count(b"\n") == 0
    started = time.perf_counter()
    pings = F.read_file(path)
    assert time.perf_counter() - started < 5.0
    assert len(pings.frame) == 40_000 and pings.bad.total == 0


def test_hostile_json_and_huge_lines_are_refused_quickly_with_short_messages(tmp_path, monkeypatch):
    cases = {
        "nested": "[" * 200_000 + "]" * 200_000,
        "unknown": json.dumps({f"key{i}" * 50: 1 for i in range(2000)}),
        "broken": '[{"icao24": "ae1234", "time": 1760529600,' + " " * 100 + "oops",
        "wide-csv": ",".join(f"column{i}" for i in range(300_000)) + "\n1,2\n",
        "long-line": "x" * (3 << 20),
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        with pytest.raises(PingError) as caught:
            F.read_pings([path])
        assert time.perf_counter() - started < 5.0, name
        assert len(str(caught.value)) < 600, name
    monkeypatch.setattr(C.LIMITS, "max_document_bytes", 1000)
    path = tmp_path / "big"
    traffic_frame(100).to_json(path, orient="records", date_format="iso")
    with pytest.raises(PingError, match="above the limit"):
        F.read_file(path)


def test_reading_stops_at_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(C.LIMITS, "max_seconds", 0.0)
    with pytest.raises(PingError, match="time limit"):
        F.read_file(_plain(tmp_path))


def test_bad_values_are_quoted_short(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"id,time,lat,lon\nx,{'y' * 5000},12,-66\n", encoding="utf-8")
    pings = F.read_file(path)
    assert len(pings.bad.examples[P.BAD_TIME]) < 400


def test_traffic_last_position_column_gives_the_position_time(tmp_path):
    frame = traffic_frame(5)
    frame["last_position"] = frame["timestamp"] - pd.Timedelta(seconds=3)
    path = tmp_path / "t"
    frame.to_parquet(path)
    pings = F.read_file(path)
    assert pings.frame["time"].iloc[0] == pd.Timestamp(T0_ISO) - pd.Timedelta(seconds=3)
    assert np.all(pings.frame["time"] == frame["last_position"])


HOSTILE_JSON = {
    "odd values": [{"icao24": {"b": 1}, "time": [1], "lat": [1, 2], "lon": {"x": 1}}],
    "ragged trace": {"icao": "abc", "timestamp": 1760529600, "trace": [[0, "x"], "s", [{}]]},
    "odd snapshot": {"now": 1760529600, "aircraft": [{"hex": ["x"], "lat": {}}, 5]},
    "odd states": {"time": 1, "states": [[None] * 3, "x", list(range(20))]},
    "odd features": {
        "type": "FeatureCollection",
        "features": [
            5,
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": "x"}},
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[1], 2]},
                "properties": {"track": "t", "times": "[1, 2]"},
            },
        ],
    },
    "split mismatch": {"columns": ["icao24", "time", "lat", "lon"], "data": [[1, 2], [1] * 5]},
    "columns mismatch": {"icao24": {"0": "a"}, "time": [1, 2, 3], "lat": {"0": 1}, "lon": [2]},
    "empty object": {},
    "odd track": {"icao24": 5, "path": [[1], None, ["a", "b", "c"]]},
}


@pytest.mark.parametrize("name", HOSTILE_JSON)
def test_odd_json_gives_counted_rows_or_a_message_never_a_crash(tmp_path, name):
    path = tmp_path / "odd"
    path.write_text(json.dumps(HOSTILE_JSON[name]), encoding="utf-8")
    try:
        pings = F.read_file(path)
    except PingError as error:
        assert 0 < len(str(error)) < 600
    else:
        assert pings.rows_read >= len(pings.frame) + pings.bad.total - 1
        assert pings.bad.total > 0


def test_an_endless_nmea_line_is_counted_and_the_rest_read(tmp_path, monkeypatch):
    monkeypatch.setattr(C.LIMITS, "max_line_bytes", 10_000)
    lines = nmea_lines(5)
    path = tmp_path / "log"
    path.write_text(lines[0] + "\n" + "!" * 50_000 + "\n" + "\n".join(lines[1:]) + "\n")
    pings = F.read_file(path)
    assert pings.bad.counts == {N.BAD_LONG: 1} and len(pings.frame) == 5

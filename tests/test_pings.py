"""Reading ping files: layouts from content, times to UTC, bad rows counted, safe XML.

Every input is synthetic (:mod:`tests.synthetic_pings`), so every expected answer is known.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geo.tracks import layouts
from geo.tracks import legs as T
from geo.tracks import pings as P
from geo.tracks import readers as F
from tests.synthetic_pings import (
    BAD_CSV,
    T0_ISO,
    ais_rows,
    build,
    kml_text,
    plain_rows,
    write_layout,
)

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
    pings = F.read_file(path)
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
    drone = F.read_file(path).frame.query("id == 'drone'").sort_values("time")
    assert drone["time"].tolist() == [
        pd.Timestamp("2025-10-15T12:00:00Z"),
        pd.Timestamp("2025-10-15T12:05:00Z"),
    ]


def test_ais_times_without_offset_are_utc_and_ids_keep_no_decimal(tmp_path):
    frame = ais_rows(3)
    frame["MMSI"] = frame["MMSI"].astype(float)  # as a numeric column with gaps would read
    path = tmp_path / "ais.parquet"
    frame.to_parquet(path)
    pings = F.read_file(path)
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
    assert layouts.detect_layout(header).name == expected


def test_unknown_header_is_refused_with_the_columns_named():
    with pytest.raises(layouts.PingError, match=r"cannot tell the layout.*\(a, b, c\)"):
        layouts.detect_layout(["a", "b", "c"])


def test_asset_id_column_overrides_the_layout(tmp_path):
    frame = plain_rows(5).rename(columns={"id": "tail"})
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(layouts.PingError):
        F.read_file(path)
    pings = F.read_file(path, id_column="tail")
    assert set(pings.frame["id"]) == {"mq9-1"}


# --- bad pings -------------------------------------------------------------------------------


def test_each_kind_of_bad_ping_is_counted_with_its_reason(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    pings = F.read_file(path)
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


@pytest.mark.parametrize("suffix", ["kml", "gpx"])
def test_xml_with_a_doctype_is_refused(tmp_path, run_cli, suffix):
    root = "kml" if suffix == "kml" else "gpx"
    path = tmp_path / f"evil.{suffix}"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        f"<{root}>&x;</{root}>",
        encoding="utf-8",
    )
    with pytest.raises(layouts.PingError, match="DOCTYPE"):
        F.read_file(path)
    code, _, stderr = run_cli(
        "tracks", "import", str(path), "--out", str(tmp_path / "d" / "tracks.geojson")
    )
    assert code == 1 and "DOCTYPE" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "d").exists()


# --- progress and XML edge cases ----------------------------------------------------------


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
    F.read_file(path, progress=seen.append)
    assert seen and all(n > 0 for n in seen)
    assert sum(seen) == path.stat().st_size


def test_kml_with_doctype_text_inside_cdata_is_read(tmp_path):
    text = kml_text(5).replace(
        "<name>P-8 one</name>",
        "<name>P-8 one</name><description><![CDATA[<!DOCTYPE html><p>x</p>]]></description>",
    )
    path = tmp_path / "cdata.kml"
    path.write_text(text, encoding="utf-8")
    assert (F.read_file(path).frame["id"] == "P-8 one").sum() == 5


def test_utf16_xml_with_a_doctype_is_refused_too(tmp_path):
    path = tmp_path / "evil16.kml"
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE kml [<!ENTITY a "b">]><kml>&a;</kml>'
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(layouts.PingError, match="DOCTYPE"):
        F.read_file(path)

"""Real recordings through the import: repeated positions, id columns, times, options.

Each test states the failure it guards against (see docs/tracks.md) and checks the number
of legs, the category or the times that come out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.tracks import legs as T
from geo.tracks import pings as P
from geo.tracks import readers as F
from geo.tracks.importer import import_tracks
from geo.tracks.layouts import PingError
from tests.real_formats import opensky_stale
from tests.synthetic_pings import GEOD, T0, T0_ISO, build, ping_frame, plain_rows, straight

# --- repeated positions ------------------------------------------------------------------


def _catch_up_jumps(frame: pd.DataFrame) -> int:
    """Moves between consecutive state vectors (by ``time``) faster than the jump limit."""
    _, _, dist = GEOD.inv(frame["lon"][:-1], frame["lat"][:-1], frame["lon"][1:], frame["lat"][1:])
    elapsed = np.diff(frame["time"].to_numpy())
    return int(np.sum(T._impossible(np.asarray(dist), elapsed * 1e9, 700.0)))


@pytest.mark.parametrize("with_lastposupdate", [True, False])
def test_opensky_repeated_positions_give_one_leg(tmp_path, with_lastposupdate):
    frame = opensky_stale(with_lastposupdate=with_lastposupdate)
    assert _catch_up_jumps(frame) >= 5  # by 'time', the catch-ups are impossible jumps
    path = tmp_path / "states"
    frame.to_csv(path, index=False)
    pings = F.read_file(path)
    tracks, report = build(pings.frame)
    assert report.legs == 1 and report.jumps == 0
    first_time = pd.Timestamp(T0, unit="s", tz="UTC")
    if with_lastposupdate:  # the position's own time, to the second
        assert "lastposupdate" in pings.layouts[0][1].description
        assert tracks.iloc[0]["observed"] == first_time
    assert report.bad.counts.get(T.DUPLICATE if with_lastposupdate else T.REPEATED, 0) > 300


def test_a_moored_ship_repeating_its_position_is_not_split_by_a_silence():
    # Every 3 minutes for 10 h at the same spot, then under way: one leg, fewer pings.
    moored = T0 + 180.0 * np.arange(200)
    times, lons, lats = straight(-65.0, 18.0, 180.0, 8.0, 30, every_s=60.0, start=moored[-1] + 60)
    frame = ping_frame(
        (
            "s",
            (
                np.r_[moored, times],
                np.r_[np.full(200, lons[0]), lons],
                np.r_[np.full(200, lats[0]), lats],
            ),
        ),
        category="ship",
    )
    tracks, report = build(frame)
    assert report.legs == 1 and report.gaps == 0
    # One repeat kept per 3 h (half the 6 h gap): the 200 moored pings and the first one
    # under way (still at the mooring) span 10 h, so 4 of those 201 are kept.
    assert report.bad.counts[T.REPEATED] == 197
    assert tracks.iloc[0]["observed"] == pd.Timestamp(T0_ISO)


# --- id columns ------------------------------------------------------------------------------


def _adsb_table(tmp_path, id_name: str = "hex", extra: dict | None = None):
    times, lons, lats = straight(-66.0, 12.0, 90.0, 220.0, 30)
    frame = pd.DataFrame(
        {id_name: "AE1234", "time": times.astype("int64"), "lat": lats, "lon": lons,
         "flight": "RCH123", **(extra or {})}
    )  # fmt: skip
    path = tmp_path / "table"
    frame.to_csv(path, index=False)
    return path


def test_an_explicit_id_column_never_makes_aircraft_into_ships(tmp_path):
    path = _adsb_table(tmp_path, extra={"alt_baro": 30000, "gs": 430})
    out = tmp_path / "d" / "tracks.geojson"
    result = import_tracks([path], out, id_column="hex")
    layout = result.pings.layouts[0][1]
    assert (layout.name, layout.category) == ("adsb", "aircraft")
    leg = result.tracks.iloc[0]
    assert (leg["category"], leg["icao24"], leg["mmsi"]) == ("aircraft", "ae1234", None)
    assert leg["callsign"] == "RCH123"


@pytest.mark.parametrize(
    ("extra", "category"),
    [({"sog": 12.0, "cog": 90.0}, "ship"), ({"squawk": "7700"}, "aircraft"), ({}, "aircraft")],
)
def test_with_another_id_column_the_category_comes_from_the_other_columns(
    tmp_path, extra, category
):
    path = _adsb_table(tmp_path, "registration", extra)
    pings = F.read_file(path, id_column="registration")
    assert pings.layouts[0][1].name == "plain"
    assert set(pings.frame["category"]) == {category}
    forced = F.read_file(path, id_column="registration", category="ship")
    assert set(forced.frame["category"]) == {"ship"}


def test_an_id_unique_to_every_row_gets_a_warning(tmp_path):
    frame = plain_rows(30)
    frame["id"] = [f"msg-{i}" for i in range(30)]
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    pings = F.read_file(path)
    assert len(pings.warnings) == 1 and "'id'" in pings.warnings[0]
    assert "`id_column`" in pings.warnings[0]  # the parameter; the CLI says its flag
    assert F.read_file(_adsb_table(tmp_path)).warnings == []


# --- times and columns ---------------------------------------------------------------------


def _timed(tmp_path, stamps: list[str]):
    frame = plain_rows(len(stamps)).assign(time=stamps)
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    return path


def test_day_first_dates_are_read_when_some_day_is_above_12(tmp_path):
    pings = F.read_file(_timed(tmp_path, ["05/10/2025 12:00", "13/10/2025 12:00:30"]))
    assert pings.frame["time"].tolist() == [
        pd.Timestamp("2025-10-05T12:00:00Z"),
        pd.Timestamp("2025-10-13T12:00:30Z"),
    ]
    us = F.read_file(_timed(tmp_path, ["10/05/2025 12:00", "10/13/2025 12:00:30"]))
    assert us.frame["time"].iloc[1] == pd.Timestamp("2025-10-13T12:00:30Z")


def test_ambiguous_dates_are_counted_unless_a_format_is_given(tmp_path):
    path = _timed(tmp_path, ["05/10/2025 12:00", "06/10/2025 12:00"])
    pings = F.read_file(path)
    assert pings.bad.counts == {P.BAD_AMBIGUOUS: 2}
    assert "`time_format`" in P.BAD_AMBIGUOUS
    given = F.read_file(path, time_format="%d/%m/%Y %H:%M")
    assert given.frame["time"].tolist() == [
        pd.Timestamp("2025-10-05T12:00Z"),
        pd.Timestamp("2025-10-06T12:00Z"),
    ]


def test_compact_file_name_style_times_are_read(tmp_path):
    pings = F.read_file(_timed(tmp_path, ["20251015_120000", "20251015_120010"]))
    assert pings.frame["time"].iloc[0] == pd.Timestamp(T0_ISO) and pings.bad.total == 0


def test_time_lat_and_lon_columns_can_be_named(tmp_path):
    times, lons, lats = straight(-66.0, 12.0, 90.0, 220.0, 10)
    frame = pd.DataFrame({"unit": "u1", "when_utc": times.astype("int64"), "y": lats, "x": lons})
    path = tmp_path / "odd.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(PingError, match="`time_column`"):
        F.read_file(path, id_column="unit")
    pings = F.read_file(
        path, id_column="unit", time_column="when_utc", lat_column="y", lon_column="x"
    )
    assert pings.frame["lat"].tolist() == pytest.approx(lats.tolist())
    assert pings.frame["time"].iloc[0] == pd.Timestamp(T0_ISO)
    with pytest.raises(PingError, match="`lat_column` 'nope' is not a column"):
        F.read_file(path, id_column="unit", time_column="when_utc", lat_column="nope")

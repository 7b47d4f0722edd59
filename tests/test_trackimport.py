"""The ``tracks import`` command: files in, a valid ``tracks.geojson`` out, clear errors.

Every input is synthetic (:mod:`tests.synthetic_pings`), so every expected answer is known.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import shapely

import geo
from geo.data import writing
from geo.tracks import importer
from geo.tracks import legs as T
from geo.tracks import pings as P
from tests.synthetic_pings import BAD_CSV, import_args, sha, straight, write_layout

# --- command line ----------------------------------------------------------------------------


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


def test_cli_with_no_usable_leg_writes_nothing_and_says_why(tmp_path, run_cli):
    path = tmp_path / "p.csv"
    path.write_text("id,time,lat,lon\nx,yesterday,12,-66\nx,1760529600,12,-66\n", encoding="utf-8")
    out = tmp_path / "d" / "tracks.geojson"
    code, stdout, stderr = run_cli(*import_args([path], out))
    assert code == 1 and "no track written" in stderr
    assert f"1 {P.BAD_TIME}" in stdout and "lone pings not drawn: 1" in stdout
    assert not out.exists() and not (out.parent / "sources.json").exists()


def test_cli_names_a_broken_sources_json(tmp_path, run_cli):
    sky = write_layout("opensky", "csv", tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    (data / "sources.json").write_text('[{"id": "adsb"}]', encoding="utf-8")
    code, _, stderr = run_cli(*import_args([sky], data / "tracks.geojson", "--source", "adsb"))
    assert code == 2
    assert "'adsb' is not in sources.json" in stderr and "title: missing" in stderr
    assert not (data / "tracks.geojson").exists()


def test_a_failed_write_leaves_the_directory_as_it_was(tmp_path, monkeypatch) -> None:
    """tracks import --force: if the tracks cannot be written, the new sources.json goes too."""
    out = tmp_path / "d" / "tracks.geojson"
    out.parent.mkdir()
    out.write_text("old tracks")
    pings = tmp_path / "pings.csv"
    pings.write_text(
        "id,time,lat,lon\na,2025-01-01T00:00:00Z,10,10\na,2025-01-01T00:01:00Z,10,10.01\n"
    )

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writing, "write_geojson", full_disk)
    with pytest.raises(OSError, match="No space"):
        importer.import_tracks([pings], out, source="feed", force=True)
    assert out.read_text() == "old tracks"
    assert sorted(p.name for p in out.parent.iterdir()) == ["tracks.geojson"]


def test_tracks_are_untouched_when_sources_json_cannot_be_written(tmp_path, monkeypatch) -> None:
    out = tmp_path / "d" / "tracks.geojson"
    out.parent.mkdir()
    out.write_text("old tracks")
    pings = tmp_path / "pings.csv"
    pings.write_text(
        "id,time,lat,lon\na,2025-01-01T00:00:00Z,10,10\na,2025-01-01T00:01:00Z,10,10.01\n"
    )
    real = writing.atomic_write_text

    def no_sources(target, text, overwrite=True):
        if target.name == "sources.json":
            raise PermissionError(13, "Permission denied", str(target))
        return real(target, text, overwrite)

    monkeypatch.setattr(writing, "atomic_write_text", no_sources)
    with pytest.raises(PermissionError):
        importer.import_tracks([pings], out, source="feed", force=True)
    assert out.read_text() == "old tracks"


# --- real recordings through the command line ----------------------------------------------


def test_cli_reads_named_columns_with_a_time_format(tmp_path, run_cli):
    times, lons, lats = straight(-66.0, 12.0, 90.0, 200.0, 20)
    stamps = pd.to_datetime(times, unit="s", utc=True).strftime("%d/%m/%Y %H:%M:%S")
    frame = pd.DataFrame({"unit": "u1", "when": stamps, "y": lats, "x": lons})
    path = tmp_path / "odd.txt"
    frame.to_csv(path, index=False, sep=";")
    out = tmp_path / "d" / "tracks.geojson"
    code, stdout, stderr = run_cli(
        *import_args([path], out, "--asset-id-col", "unit", "--time-col", "when"),
        *("--lat-col", "y", "--lon-col", "x", "--time-format", "%d/%m/%Y %H:%M:%S"),
    )
    assert code == 0, stderr
    assert "legs: 1 from 1 aircraft" in stdout and "0 not used" in stdout
    leg = json.loads(out.read_text())["features"][0]["properties"]
    assert leg["observed"].startswith("2025-10-15T12:00:00")


def test_cli_hex_id_column_gives_aircraft_and_warns_on_a_per_row_id(tmp_path, run_cli):
    times, lons, lats = straight(-66.0, 12.0, 90.0, 200.0, 20)
    frame = pd.DataFrame(
        {"hex": "AE1234", "row": range(20), "time": times.astype("int64"), "lat": lats, "lon": lons}
    )
    path = tmp_path / "adsb.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "d" / "tracks.geojson"
    code, _, stderr = run_cli(*import_args([path], out, "--asset-id-col", "hex"))
    assert code == 0, stderr
    assert "warning" not in stderr
    leg = json.loads(out.read_text())["features"][0]["properties"]
    assert (leg["category"], leg["icao24"], leg.get("mmsi")) == ("aircraft", "ae1234", None)
    other = tmp_path / "e" / "tracks.geojson"
    code, _, stderr = run_cli(*import_args([path], other, "--asset-id-col", "row"))
    assert code == 1 and "no track written" in stderr
    assert "warning:" in stderr and "own id in column 'row'" in stderr


# --- --append --------------------------------------------------------------------------------


def test_append_keeps_hand_made_tracks_cites_each_file_and_adds_nothing_twice(
    tiny_dir, run_cli, tmp_path
):
    out = tiny_dir / "tracks.geojson"
    hand_made = json.loads(out.read_text())["features"]
    assert hand_made  # the tiny data set has a drawn track
    sky = write_layout("opensky", "csv", tmp_path)
    ais = write_layout("ais", "parquet", tmp_path)
    code, stdout, stderr = run_cli(*import_args([sky, ais], out, "--append"))
    assert code == 0, stderr
    assert "appended 2 legs" in stdout and f"{len(hand_made)} features kept" in stdout
    features = json.loads(out.read_text())["features"]
    assert features[: len(hand_made)] == hand_made  # kept as they were
    cited = {
        f["properties"]["track"]: f["properties"]["sources"] for f in features[len(hand_made) :]
    }
    assert cited == {"ae1234": ["pings-opensky-data"], "338000001": ["pings-ais-data"]}
    sources = [s["id"] for s in json.loads((tiny_dir / "sources.json").read_text())]
    assert sources[-2:] == ["pings-opensky-data", "pings-ais-data"]
    code, stdout, _ = run_cli("validate", str(tiny_dir))
    assert code == 0, stdout
    before = sha(out), sha(tiny_dir / "sources.json")
    code, stdout, stderr = run_cli(*import_args([ais], out, "--append"))
    assert code == 0, stderr
    assert "appended 0 legs" in stdout and "1 already there" in stdout
    assert (sha(out), sha(tiny_dir / "sources.json")) == before


@pytest.mark.parametrize(
    ("content", "more", "code", "words"),
    [
        (None, ["--force"], 2, "--append and --force exclude each other"),
        ("{broken", [], 2, "fix it before appending"),
        (None, ["--source", "nope"], 2, "--source 'nope' is not in"),
    ],
)
def test_append_refusals_write_nothing(tiny_dir, run_cli, tmp_path, content, more, code, words):
    out = tiny_dir / "tracks.geojson"
    if content is not None:
        out.write_text(content, encoding="utf-8")
    before = sha(out), sha(tiny_dir / "sources.json")
    sky = write_layout("opensky", "csv", tmp_path)
    got, _, stderr = run_cli(*import_args([sky], out, "--append", *more))
    assert (got, words in stderr) == (code, True), stderr
    assert (sha(out), sha(tiny_dir / "sources.json")) == before

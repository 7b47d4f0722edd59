"""``--max-file-mb`` on ``import`` and ``tracks import``: refused before being read whole.

A file past the bound is refused with the option named, exit 1, nothing written; a zip, a KMZ
or a gzip is measured by what it unpacks to (a small archive of a big file is refused too);
raising the bound lets the same file through.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from tests.factories import valid_layers, write_dataset
from tests.synthetic_pings import import_args, write_layout
from tests.test_imports import KML, SETTINGS, SHIPS_CSV

HINT = "raise it with --max-file-mb"
SMALL = "0.001"  # 1,049 bytes


def _padded_kml() -> str:
    # Whitespace packs to almost nothing: the KMZ is small, its KML is not.
    return KML.replace("</Document>", " " * 20_000 + "</Document>")


def _kmz(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", _padded_kml())
    return path


@pytest.mark.parametrize("kind", ["csv", "kmz"])
def test_import_refuses_a_file_past_the_bound_and_raising_it_lets_it_through(
    tmp_path: Path, run_cli, kind: str
) -> None:
    if kind == "csv":
        path = tmp_path / "ships.csv"
        path.write_text(SHIPS_CSV * 1 + 'x,ship,"1, 2",01/01/2024,y\n' * 40, encoding="utf-8")
    else:
        path = _kmz(tmp_path / "ships.kmz")
        assert path.stat().st_size < 1049  # only its unpacked size is past the bound
    data = tmp_path / "data"
    args = ["import", str(path), "--layer", "assets", "--data", str(data)]
    args += [f"--set={s}" for s in SETTINGS]
    code, stdout, stderr = run_cli(*args, "--max-file-mb", SMALL)
    assert code == 1, stdout
    assert HINT in stderr and str(path) in stderr and "Traceback" not in stderr
    assert not (data / "assets.geojson").exists()
    code, stdout, stderr = run_cli(*args, "--max-file-mb", "1")
    assert code == 0, stderr
    assert "added" in stdout and (data / "assets.geojson").exists()


def test_a_kmz_with_a_bomb_inside_is_refused_while_unpacking(tmp_path: Path) -> None:
    from geo.data.sheets import ImportFileError, rows_from_bytes

    path = _kmz(tmp_path / "bomb.kmz")
    with pytest.raises(ImportFileError, match="too large once unpacked; the limit is"):
        rows_from_bytes(path.read_bytes(), str(path), max_file_bytes=5_000)
    assert len(rows_from_bytes(path.read_bytes(), str(path), max_file_bytes=50_000)) == 3


@pytest.mark.parametrize("packed", [False, True])
def test_tracks_import_refuses_a_file_past_the_bound(tmp_path: Path, run_cli, packed) -> None:
    path = write_layout("plain", "csv", tmp_path, count=12 if packed else 120)
    if packed:  # a gzip under the bound that unpacks past it
        gz = tmp_path / "pings.gz"
        gz.write_bytes(gzip.compress(path.read_bytes() + b"\n" * 200_000))
        assert gz.stat().st_size < 1049
        path = gz
    out = tmp_path / "d" / "tracks.geojson"
    code, stdout, stderr = run_cli(*import_args([path], out), "--max-file-mb", SMALL)
    assert code == 1, stdout
    assert HINT in stderr and "the limit is 0.001 MB" in stderr
    assert ("once decompressed" in stderr) is packed
    assert not out.exists()
    code, stdout, stderr = run_cli(*import_args([path], out), "--max-file-mb", "2")
    assert code == 0, stderr
    assert out.exists()


def test_tracks_messages_name_parameters_and_the_cli_its_flags(tmp_path: Path, run_cli) -> None:
    """The library names an option once (`time_format`); the command line says its flag."""
    from geo.cli.tracks import FLAGS, worded
    from geo.tracks.layouts import PARAMETERS, parameter

    code, stdout, _ = run_cli("tracks", "import", "--help")
    assert code == 0 and set(FLAGS) == set(PARAMETERS)
    assert all(flag in stdout for flag in FLAGS.values())
    assert worded(f"give {parameter('time_format')}") == "give --time-format"
    with pytest.raises(ValueError, match="not one of"):
        parameter("time-format")
    path = tmp_path / "odd.csv"
    path.write_text("unit,when,y,x\nu1,1760529600,12,-66\n", encoding="utf-8")
    out = tmp_path / "d" / "tracks.geojson"
    code, _, stderr = run_cli(*import_args([path], out, "--asset-id-col", "unit"))
    assert code == 1 and "--time-col" in stderr and "`" not in stderr


@pytest.mark.parametrize("append", [False, True])
def test_tracks_import_refuses_a_file_of_the_directory_past_the_bound(
    tmp_path: Path, run_cli, append: bool
) -> None:
    """DIR's own files are read whole, to keep the new tracks' ids off the ids there: one
    past the bound is refused, named, with the option; nothing is written."""
    pings = write_layout("plain", "csv", tmp_path, count=12)
    layers = valid_layers()
    if not append:
        del layers["tracks"]
    big = "tracks" if append else "assets"  # appending reads the tracks file itself too
    layers[big] = json.dumps(layers[big]) + " " * 5000
    work = write_dataset(tmp_path / "d", layers)
    out = work / "tracks.geojson"
    before = {p.name: p.read_bytes() for p in work.iterdir()}
    assert pings.stat().st_size < 1049  # the pings pass the bound, the padded layer does not
    more = ["--source", "src-a", "--max-file-mb", SMALL, *(["--append"] * append)]
    code, stdout, stderr = run_cli(*import_args([pings], out, *more))
    assert code == 1, stdout
    assert HINT in stderr and "Traceback" not in stderr
    assert str(work / f"{big}.geojson") in stderr and "the limit is" in stderr
    after = {p.name: p.read_bytes() for p in work.iterdir() if p.name != ".posturemap.lock"}
    assert after == before
    more[3] = "2"
    code, stdout, stderr = run_cli(*import_args([pings], out, *more))
    assert code == 0, stderr
    assert out.read_bytes() != before.get("tracks.geojson")

"""The loader: layers, joined sources, extra properties, empty layers, uploads and writing back."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import geo
from geo.data import files as data_files
from tests.factories import SOURCES, valid_layers, write_dataset


def test_layers_are_geodataframes_with_joined_sources(tiny_dir: Path) -> None:
    dataset = geo.load(tiny_dir)
    assert dataset.problems == []
    assert set(dataset.layers) == set(geo.LAYERS)
    assets = dataset["assets"]
    assert str(assets.crs) == "EPSG:4326"
    assert list(assets["id"]) == ["a1", "a1-later"]
    assert assets["source_refs"].iloc[0][0]["publisher"] == "Test Wire"
    assert assets["source_refs"].iloc[0][0]["url"] == "https://example.org/report"
    assert assets["observed"].dt.tz is not None
    assert assets["affiliation"].tolist() == ["friend", "friend"]  # the documented default


@pytest.mark.parametrize("notes", [[], ["seen from shore", "AIS off"], None, "one note"])
def test_sources_with_lists_join_as_they_are(tmp_path: Path, notes: object) -> None:
    """A source's extra field may hold a list of any length (pd.isna of a list is an array)."""
    sources = [{**SOURCES[0], "notes": notes}]
    dataset = geo.load(write_dataset(tmp_path / "d", valid_layers(), sources))
    assert dataset.problems == []
    assert dataset["assets"]["source_refs"].iloc[0][0]["notes"] == notes


def test_missing_layer_file_is_an_empty_layer(tiny_dir: Path) -> None:
    (tiny_dir / "tracks.geojson").unlink()
    dataset = geo.load(tiny_dir)
    assert len(dataset["tracks"]) == 0
    assert "times" in dataset["tracks"].columns
    # The tracks referenced a1; with no tracks nothing is unresolved.
    assert dataset.problems == []


def test_extra_properties_are_kept_and_written_back(tmp_path: Path) -> None:
    layers = valid_layers()
    layers["bases"]["features"][0]["properties"]["runway_m"] = 3300
    layers["bases"]["features"][0]["properties"]["operator"] = {"branch": "Navy"}
    directory = write_dataset(tmp_path / "extra", layers)
    bases = geo.load(directory)["bases"]
    assert bases["runway_m"].iloc[0] == 3300
    out = geo.write_geojson(bases, tmp_path / "out" / "bases.geojson")
    props = json.loads(out.read_text())["features"][0]["properties"]
    assert props["runway_m"] == 3300
    assert props["operator"] == {"branch": "Navy"}
    assert "source_refs" not in props and "layer" not in props


def test_round_trip_validates_clean(tiny_dir: Path, tmp_path: Path) -> None:
    dataset = geo.load(tiny_dir)
    out_dir = tmp_path / "copy"
    for layer, frame in dataset.layers.items():
        geo.write_geojson(frame, out_dir / f"{layer}.geojson")
    (out_dir / "sources.json").write_text((tiny_dir / "sources.json").read_text())
    again = geo.load(out_dir)
    assert again.problems == []
    for layer in geo.LAYERS:
        assert list(again[layer]["id"]) == list(dataset[layer]["id"])
    assert again["strikes"]["killed"].isna().tolist() == [False, True]  # null stays null, not 0
    written = json.loads((out_dir / "tracks.geojson").read_text())
    assert written["features"][0]["properties"]["observed"] == "2025-10-15T00:00:00Z"


def test_write_never_overwrites_without_asking(tiny_dir: Path) -> None:
    target = tiny_dir / "bases.geojson"
    before = target.read_bytes()
    with pytest.raises(FileExistsError):
        geo.write_geojson(geo.load(tiny_dir)["bases"], target)
    assert target.read_bytes() == before


def test_load_bytes_and_zip_upload(tiny_dir: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in tiny_dir.iterdir():
            archive.write(path, f"mydata/{path.name}")
        archive.writestr("mydata/readme.txt", "ignored")
    files, problems = data_files.read_zip("upload.zip", buffer.getvalue())
    assert problems == []
    assert len(files) == 6
    dataset = geo.load_bytes(files, label="upload.zip")
    assert dataset.problems == []
    assert dataset.feature_count == 7


def test_bad_zip_is_a_problem() -> None:
    files, problems = data_files.read_zip("upload.zip", b"PK not really")
    assert files == {}
    assert str(problems[0]) == "upload.zip: not a valid zip file"


def test_dates_with_offsets_become_utc(tmp_path: Path) -> None:
    layers = valid_layers()
    layers["strikes"]["features"][0]["properties"]["observed"] = "2025-09-02T22:30:00-04:00"
    dataset = geo.load(write_dataset(tmp_path / "tz", layers))
    assert dataset["strikes"]["observed"].iloc[0] == pd.Timestamp("2025-09-03T02:30:00Z")


def test_missing_directory(tmp_path: Path) -> None:
    dataset = geo.load(tmp_path / "nope")
    assert [str(p) for p in dataset.problems] == [f"{tmp_path / 'nope'}: no such file or directory"]

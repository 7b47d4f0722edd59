"""Uploads, their problems and downloads (geo.app.uploads)."""

from __future__ import annotations

import io as _io
import json
import zipfile
from datetime import date

import geopandas as gpd
import pytest

from geo.app import uploads
from geo.app import view as app_view
from geo.app.state import ViewState
from geo.data import reading
from tests.factories import (
    collection,
    red_sea_layers,
    ship,
    tiny_files,
    valid_layers,
    write_dataset,
)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = _io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"mydata/{name}", data)
    return buffer.getvalue()


def test_upload_of_a_zip_is_unpacked() -> None:
    files, problems = uploads.upload_files({"mine.zip": zipped(tiny_files())})
    assert problems == []
    dataset = reading.load_bytes(files)
    assert dataset.problems == [] and dataset.feature_count == 7


def test_bad_uploads_list_every_problem() -> None:
    layers = valid_layers()
    layers["assets"] = collection(
        ship("x1", 13.0, -166.5, name="Swapped"),
        ship("x2", -66, 12, name="Bad date", observed="yesterday", confidence="sure"),
    )
    files, problems = uploads.upload_files(
        {**tiny_files(layers), "broken.zip": b"not a zip", "notes.geojson": b"{}"}
    )
    dataset = reading.load_bytes(files)
    table = uploads.problems_table([*problems, *dataset.problems])
    assert list(table.columns) == ["file", "feature", "id", "field", "problem"]
    rows = {(r.file, r.id, r.field) for r in table.itertuples()}
    assert ("broken.zip", "", "") in rows
    assert ("assets.geojson", "x1", "geometry") in rows
    assert ("assets.geojson", "x2", "observed") in rows
    assert ("assets.geojson", "x2", "confidence") in rows
    assert any(r.file == "notes.geojson" for r in table.itertuples())
    assert len(dataset["assets"]) == 0 and len(dataset["bases"]) == 1  # the valid rest


def test_content_key_changes_with_content() -> None:
    files = tiny_files()
    assert uploads.content_key(files) == uploads.content_key(dict(reversed(files.items())))
    changed = {**files, "bases.geojson": files["bases.geojson"] + b" "}
    assert uploads.content_key(changed) != uploads.content_key(files)


def test_geojson_download_round_trips(tiny: reading.Dataset) -> None:
    view = app_view.in_view(tiny, ViewState(as_of=date(2025, 9, 15)))
    document = json.loads(uploads.dataset_geojson(view))
    assert document["type"] == "FeatureCollection"
    by_layer = {}
    for item in document["features"]:
        by_layer.setdefault(item["properties"]["layer"], []).append(item["properties"]["id"])
    assert by_layer == {"bases": ["b1"], "assets": ["a1"], "strikes": ["s1"], "places": ["caracas"]}


# --- files that `import` reads, uploaded ----------------------------------------------------

BALTIC_CSV = (
    "name,category,type,latitude,longitude,observed,confidence,uncertainty_km,count\n"
    "HNoMS Roald Amundsen,ship,frigate,59 20 N,18 03 E,2024-06-07,reported,5,1\n"
    "P-8A,aircraft,maritime patrol aircraft,55.5,13.9,2024-06-08T10:30:00Z,reported,20,1\n"
)
BALTIC_BASES = (
    "name,kind,country,lat,lon,confidence,uncertainty_km\n"
    "Karlskrona,naval base,Sweden,56.16,15.59,confirmed,1\n"
    "Rostock-Laage,air base,Germany,53.92,12.28,confirmed,1\n"
)
RED_SEA_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>Ships</name>
 <Placemark><name>USS Carney</name><TimeStamp><when>2024-01-12</when></TimeStamp>
  <Point><coordinates>43.33,12.58,0</coordinates></Point></Placemark>
</Folder></Document></kml>
"""


def _no_disk_writes(monkeypatch) -> None:
    from geo.data import locking, writing

    def refuse(*args, **kwargs):
        raise AssertionError("an upload wrote to disk")

    monkeypatch.setattr(writing, "atomic_write_text", refuse)
    monkeypatch.setattr(locking, "locked", refuse)


@pytest.mark.parametrize(("name", "layer"), [("baltic.csv", "assets"), ("bases.csv", "bases")])
def test_a_spreadsheet_upload_is_imported_in_memory(monkeypatch, name: str, layer: str) -> None:
    _no_disk_writes(monkeypatch)
    text = BALTIC_CSV if layer == "assets" else BALTIC_BASES
    files, problems = uploads.upload_files(
        {**tiny_files(), name: text.encode()}, today=date(2026, 1, 2)
    )
    assert problems == []
    dataset = reading.load_bytes(files)
    assert dataset.problems == []
    names = set(dataset[layer]["name"])
    before = len(reading.load_bytes(tiny_files())[layer])
    added = (
        {"HNoMS Roald Amundsen", "P-8A"} if layer == "assets" else {"Karlskrona", "Rostock-Laage"}
    )
    assert added <= names and len(dataset[layer]) == before + 2
    stem = name.removesuffix(".csv")
    assert f"import-{stem}" in dataset.sources.index  # its own source record, as import makes
    again, _ = uploads.upload_files({**files, name: text.encode()}, today=date(2026, 1, 2))
    assert len(reading.load_bytes(again)[layer]) == before + 2  # uploaded twice: nothing twice


def test_a_kml_upload_with_missing_fields_shows_each_by_row(monkeypatch) -> None:
    _no_disk_writes(monkeypatch)
    files, problems = uploads.upload_files({**tiny_files(), "red-sea.kml": RED_SEA_KML.encode()})
    table = uploads.problems_table(problems)
    rows = {(r.file, r.feature, r.id, r.field) for r in table.itertuples()}
    assert ("red-sea.kml", "placemark 1", "USS Carney", "confidence") in rows
    assert ("red-sea.kml", "placemark 1", "USS Carney", "uncertainty_km") in rows
    assert not any("--set" in p.message for p in problems)  # no flag to give in the app
    dataset = reading.load_bytes(files)
    assert dataset.problems == []  # the rest is as uploaded: the kml added nothing
    assert len(dataset["assets"]) == len(reading.load_bytes(tiny_files())["assets"])


def test_an_exported_kmz_and_a_geoparquet_layer_upload(tmp_path) -> None:
    from geo.analysis.kml import write_kml

    directory = write_dataset(tmp_path / "red-sea", red_sea_layers())
    dataset = reading.load(directory)
    kmz = write_kml(dataset, tmp_path / "red-sea.kmz").read_bytes()
    given = {n: (directory / n).read_bytes() for n in ("sources.json", "bases.geojson")}
    files, problems = uploads.upload_files({**given, "assets.kmz": kmz})  # the assets only
    assert problems == []
    loaded = reading.load_bytes(files)
    assert loaded.problems == [] and len(loaded["assets"]) == len(dataset["assets"])
    files, problems = uploads.upload_files({"sources.json": given["sources.json"], "a.kmz": kmz})
    loaded = reading.load_bytes(files)  # every layer back from its folder, bases first
    assert problems == [] and loaded.problems == []
    assert {layer: len(loaded[layer]) for layer in loaded.layers} == {
        layer: len(dataset[layer]) for layer in dataset.layers
    }
    bases = json.loads(given["bases.geojson"])["features"]
    gpd.GeoDataFrame.from_features(bases, crs="EPSG:4326").to_parquet(tmp_path / "b.parquet")
    parquet = (tmp_path / "b.parquet").read_bytes()
    files, problems = uploads.upload_files({**given, "bases.parquet": parquet, "bases.csv": b""})
    files.pop("bases.geojson")
    dataset = reading.load_bytes(files)
    assert dataset.problems == [] and len(dataset["bases"]) == len(bases)
    assert problems[0].file == "bases.csv" and "empty file" in problems[0].message


def test_the_uploader_takes_what_import_reads() -> None:
    assert {"kml", "kmz", "csv", "tsv", "txt", "gpkg", "parquet", "fgb", "geojson", "zip"} <= set(
        uploads.ACCEPTED
    )

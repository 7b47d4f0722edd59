"""Uploads, their problems and downloads (geo.app.uploads)."""

from __future__ import annotations

import io as _io
import json
import zipfile
from datetime import date

from geo.app import uploads
from geo.app import view as app_view
from geo.app.state import ViewState
from geo.data import reading
from tests.factories import collection, ship, tiny_files, valid_layers


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

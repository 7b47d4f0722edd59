"""A working directory whose layer is GeoParquet or FlatGeobuf: read, never doubled or lost.

Edits, ``import`` and ``tracks import`` refuse to write such a layer (a ``.geojson`` beside it
would be a second file for one layer) with a message naming the file and what to do; the
file stays byte for byte. The directory's other layers are edited as usual, and new ids do
not clash with the columnar layer's. Red Sea data.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from geo.data import edits, workspace
from geo.data.history import read_history
from geo.data.importing import ImportOptionError, import_features
from geo.data.reading import load
from tests.factories import red_sea_layers, write_dataset
from tests.synthetic_pings import import_args, write_layout
from tests.test_big_layers import _write as write_columnar


@pytest.fixture(params=[".parquet", ".fgb"])
def work(tmp_path: Path, request) -> tuple[Path, Path]:
    """A Red Sea directory whose assets layer is GeoParquet or FlatGeobuf."""
    layers = red_sea_layers()
    directory = write_dataset(tmp_path / "red-sea", layers)
    path = write_columnar(directory, "assets", layers["assets"], request.param)
    assert load(directory).problems == []
    return directory, path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_edit_of_the_columnar_layer_is_refused_and_nothing_changes(work) -> None:
    directory, path = work
    before = _sha(path)
    props = {"name": "USS Stout", "category": "ship", "observed": "2025-03-20"}
    with pytest.raises(edits.EditError) as refused:
        edits.add_report(directory, "assets", props, (15.0, 41.0))
    message = str(refused.value)
    assert str(path) in message and "ogr2ogr" in message and "assets.geojson" in message
    with pytest.raises(edits.EditError, match="does not rewrite"):
        edits.retire_report(directory, "cvn-75", "2025-04-01")
    assert _sha(path) == before and not (directory / "assets.geojson").exists()
    assert read_history(directory).changes == []


def test_other_layers_are_edited_and_the_columnar_ids_stay_taken(work) -> None:
    directory, _ = work
    assert workspace.read_report(directory, "cvn-75").layer == "assets"  # read from it
    props = {"id": "cvn-75", "name": "Twin", "kind": "naval base", "country": "X"}
    props |= {"uncertainty_km": 1, "sources": ["src-a"], "confidence": "reported"}
    with pytest.raises(edits.Refused, match="cvn-75"):  # an id of the parquet layer
        edits.add_report(directory, "bases", props, (12.0, 43.0))
    props.pop("id")
    change = edits.add_report(directory, "bases", props, (12.0, 43.0))
    assert change.id not in {"cvn-75", "ddg-1", "f-18s", "cvn-68"}
    assert load(directory).problems == []


def test_import_into_the_columnar_layer_is_refused(work, tmp_path: Path, run_cli) -> None:
    directory, path = work
    before = _sha(path)
    csv = tmp_path / "more.csv"
    csv.write_text("name,lat,lon\nUSS Stout,15,41\n", encoding="utf-8")
    with pytest.raises(ImportOptionError, match="import does not rewrite"):
        import_features([csv], "assets", directory)
    code, _, stderr = run_cli("import", str(csv), "--layer", "assets", "--data", str(directory))
    assert code == 1 and str(path) in stderr and "Traceback" not in stderr
    assert _sha(path) == before and not (directory / "assets.geojson").exists()


def test_tracks_import_beside_a_columnar_tracks_layer_is_refused(tmp_path: Path, run_cli) -> None:
    layers = red_sea_layers()
    directory = write_dataset(tmp_path / "red-sea", layers)
    line = {"type": "LineString", "coordinates": [[38.5, 20.5], [40.0, 18.0]]}
    track = {"id": "t-1", "name": "Leg", "sources": ["src-a"], "confidence": "reported"}
    track["observed"] = "2025-03-15"
    (directory / "tracks.geojson").write_text("{}")  # replaced by the parquet below
    tracks = {"type": "FeatureCollection"}
    tracks["features"] = [{"type": "Feature", "geometry": line, "properties": track}]
    path = write_columnar(directory, "tracks", tracks, ".parquet")
    pings = write_layout("plain", "csv", tmp_path)
    code, _, stderr = run_cli(*import_args([pings], directory / "tracks.geojson"), "--append")
    assert code == 1 and str(path) in stderr and "tracks import does not rewrite" in stderr
    assert not (directory / "tracks.geojson").exists()

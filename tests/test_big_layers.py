"""Big layers: GeoParquet and FlatGeobuf layers are checked as GeoJSON ones; --max-file-mb."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest

from geo.data import columnar, reading
from tests.factories import red_sea_layers, valid_layers, write_dataset


def _frame(layer: dict[str, Any]) -> gpd.GeoDataFrame:
    """A layer's features as a frame; list cells as JSON text for FlatGeobuf, lists for parquet."""
    frame = gpd.GeoDataFrame.from_features(layer["features"], crs="EPSG:4326")
    return frame


def _write(directory: Path, name: str, layer: dict[str, Any], suffix: str) -> Path:
    (directory / f"{name}.geojson").unlink()
    frame = _frame(layer)
    target = directory / f"{name}{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(target)
    else:  # FlatGeobuf has no list columns, no spatial index so the order stays the file's
        for column in frame.columns:
            if frame[column].map(lambda v: isinstance(v, list)).any():
                frame[column] = frame[column].map(
                    lambda v: json.dumps(v) if isinstance(v, list) else v
                )
        frame.to_file(target, driver="FlatGeobuf", engine="pyogrio", SPATIAL_INDEX="NO")
    return target


def _missing(features: list[dict]) -> None:
    del features[0]["properties"]["category"]


def _enum(features: list[dict]) -> None:
    features[0]["properties"]["confidence"] = "sure"


def _date(features: list[dict]) -> None:
    features[0]["properties"]["observed"] = "2025-13-40"


def _infinite(features: list[dict]) -> None:
    # Not NaN: pandas writes a NaN float cell to parquet as null (an absent property).
    features[1]["properties"]["count"] = float("inf")


def _lon(features: list[dict]) -> None:
    features[0]["geometry"]["coordinates"] = [500.0, 12.0]


BREAKS = {"missing": _missing, "enum": _enum, "date": _date, "infinite": _infinite, "lon": _lon}


def _problems(path: Path) -> list[tuple]:
    """What is wrong, without the file's ending: the same for every format."""
    dataset = reading.load(path)
    return sorted(
        (Path(p.file).stem, p.index, p.feature_id, p.field, p.message) for p in dataset.problems
    )


@pytest.mark.parametrize("suffix", [".parquet", ".fgb"])
@pytest.mark.parametrize("theatre", [valid_layers, red_sea_layers])
def test_every_layer_reads_as_its_geojson(tmp_path: Path, suffix: str, theatre) -> None:
    layers = theatre()
    geojson = reading.load(write_dataset(tmp_path / "json", layers))
    for name in layers:
        directory = write_dataset(tmp_path / f"{name}{suffix}", layers)
        _write(directory, name, layers[name], suffix)
        dataset = reading.load(directory)
        assert dataset.problems == []
        assert sorted(dataset[name]["id"]) == sorted(geojson[name]["id"])
        assert dataset.feature_count == geojson.feature_count


@pytest.mark.parametrize("suffix", [".parquet", ".fgb"])
@pytest.mark.parametrize("broken", sorted(BREAKS))
def test_same_problems_as_geojson(tmp_path: Path, suffix: str, broken: str) -> None:
    layers = copy.deepcopy(valid_layers())
    BREAKS[broken](layers["assets"]["features"])
    expected = _problems(write_dataset(tmp_path / "json", layers))
    assert expected  # each break is a problem
    directory = write_dataset(tmp_path / "columnar", layers)
    _write(directory, "assets", layers["assets"], suffix)
    assert _problems(directory) == expected


def test_two_files_for_one_layer_is_a_problem(tmp_path: Path) -> None:
    layers = valid_layers()
    directory = write_dataset(tmp_path / "both", layers)
    _frame(layers["assets"]).to_parquet(directory / "assets.parquet")
    problems = reading.load(directory).problems
    both = "both assets.geojson and assets.parquet hold the assets layer; keep one"
    assert (problems[0].file, problems[0].message) == (str(directory), both)


def test_too_many_declared_rows_are_refused_unread(tmp_path: Path) -> None:
    layers = valid_layers()
    directory = write_dataset(tmp_path / "rows", layers)
    data = _write(directory, "assets", layers["assets"], ".parquet").read_bytes()
    # 2 rows need 32 bytes of the limit: 31 refuses them from the footer's count.
    with pytest.raises(columnar.ColumnarError, match="declares 2 rows; at most 1 are read"):
        columnar.read_document("assets.parquet", "assets", data, 31)
    assert len(columnar.read_document("assets.parquet", "assets", data, 32)["features"]) == 2


@pytest.mark.parametrize(("limit", "refused"), [(None, True), ("60", False), ("0.001", True)])
def test_max_file_mb(tmp_path: Path, run_cli, limit: str | None, refused: bool) -> None:
    directory = write_dataset(tmp_path / "big", valid_layers())
    with (directory / "places.geojson").open("r+b") as handle:
        handle.truncate(50 * 2**20 + 1)  # beyond the default; NUL bytes are not JSON
    args = ["validate", str(directory)] + (["--max-file-mb", limit] if limit else [])
    code, stdout, _ = run_cli(*args)
    assert code == 1
    shown = "50" if limit is None else limit
    assert (f"the limit is {shown} MB: raise it with --max-file-mb" in stdout) is refused
    if not refused:
        assert "places.geojson: not valid JSON" in stdout


@pytest.mark.parametrize("suffix", [".parquet", ".fgb"])
def test_a_zip_upload_may_hold_a_big_layer(tmp_path: Path, suffix: str) -> None:
    import io
    import zipfile

    from geo.app.uploads import upload_files

    layers = red_sea_layers()
    directory = write_dataset(tmp_path / "red", layers)
    _write(directory, "assets", layers["assets"], suffix)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in directory.iterdir():
            archive.write(path, f"red/{path.name}")
    files, problems = upload_files({"red.zip": buffer.getvalue()})
    dataset = reading.load_bytes(files)
    assert (problems, dataset.problems) == ([], [])
    assert len(dataset["assets"]) == len(layers["assets"]["features"])

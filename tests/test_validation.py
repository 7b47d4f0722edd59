"""Every validation rule of the data format, one small bad file each, via the CLI and the loader."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import geo
from geo.data.schema import MAX_FILE_BYTES
from tests.factories import SOURCES, valid_layers, write_dataset
from tests.mutations import (
    drop_prop,
    polygon_place,
    replace_file,
    set_geometry,
    set_prop,
)

# (case id, mutation, expected file, expected field, expected text in the line)
CASES = [
    ("not-json", replace_file("assets", "{not json"), "assets.geojson", None, "not valid JSON"),
    (
        "not-geojson",
        replace_file("assets", {"type": "Feature"}),
        "assets.geojson",
        None,
        "not a GeoJSON FeatureCollection",
    ),
    (
        "features-not-list",
        replace_file("assets", {"type": "FeatureCollection", "features": {}}),
        "assets.geojson",
        None,
        '"features" must be a list',
    ),
    (
        "wrong-geometry-type",
        set_geometry("bases", 0, {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
        "bases.geojson",
        "geometry",
        "not allowed in bases",
    ),
    (
        "lon-out-of-range",
        set_geometry("assets", 0, {"type": "Point", "coordinates": [200, 10]}),
        "assets.geojson",
        "geometry",
        "longitude 200 is out of range",
    ),
    (
        "lat-out-of-range",
        set_geometry("assets", 0, {"type": "Point", "coordinates": [100, 95]}),
        "assets.geojson",
        "geometry",
        "latitude 95 is out of range",
    ),
    (
        "swapped",
        set_geometry("assets", 0, {"type": "Point", "coordinates": [13.0, -166.5]}),
        "assets.geojson",
        "geometry",
        "look swapped",
    ),
    (
        "nan",
        set_geometry("assets", 0, {"type": "Point", "coordinates": [float("nan"), 10]}),
        "assets.geojson",
        "geometry",
        "NaN",
    ),
    (
        "null-coordinate",
        set_geometry("assets", 0, {"type": "Point", "coordinates": [None, 10]}),
        "assets.geojson",
        "geometry",
        "missing (null)",
    ),
    ("missing-geometry", set_geometry("assets", 0, None), "assets.geojson", "geometry", "missing"),
    (
        "empty-geometry",
        set_geometry("assets", 0, {"type": "Point", "coordinates": []}),
        "assets.geojson",
        "geometry",
        "empty geometry",
    ),
    (
        "empty-line",
        set_geometry("tracks", 0, {"type": "LineString", "coordinates": []}),
        "tracks.geojson",
        "geometry",
        "empty geometry",
    ),
    (
        "unclosed-ring",
        polygon_place([[0, 0], [1, 0], [1, 1], [0, 1]]),
        "places.geojson",
        "geometry",
        "not closed",
    ),
    (
        "self-intersecting-ring",
        polygon_place([[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]),
        "places.geojson",
        "geometry",
        "Self-intersection",
    ),
    ("missing-name", drop_prop("assets", 0, "name"), "assets.geojson", "name", "missing"),
    (
        "name-not-string",
        set_prop("assets", 0, name=5),
        "assets.geojson",
        "name",
        "must be a string",
    ),
    ("missing-id", drop_prop("bases", 0, "id"), "bases.geojson", "id", "missing"),
    (
        "bad-confidence",
        set_prop("assets", 0, confidence="sure"),
        "assets.geojson",
        "confidence",
        "not one of",
    ),
    (
        "bad-category",
        set_prop("assets", 0, category="tank"),
        "assets.geojson",
        "category",
        "not one of",
    ),
    ("count-zero", set_prop("assets", 0, count=0), "assets.geojson", "count", "out of range"),
    ("count-string", set_prop("assets", 0, count="2"), "assets.geojson", "count", "whole number"),
    (
        "negative-uncertainty",
        set_prop("strikes", 0, uncertainty_km=-1),
        "strikes.geojson",
        "uncertainty_km",
        "number 0..20000",
    ),
    (
        "missing-uncertainty",
        drop_prop("strikes", 0, "uncertainty_km"),
        "strikes.geojson",
        "uncertainty_km",
        "missing",
    ),
    (
        "killed-missing",
        drop_prop("strikes", 0, "killed"),
        "strikes.geojson",
        "killed",
        "use null when",
    ),
    (
        "killed-negative",
        set_prop("strikes", 0, killed=-3),
        "strikes.geojson",
        "killed",
        "out of range",
    ),
    ("empty-sources", set_prop("assets", 0, sources=[]), "assets.geojson", "sources", "non-empty"),
    (
        "unknown-source",
        set_prop("assets", 0, sources=["nope"]),
        "assets.geojson",
        "sources",
        "unknown source id 'nope'",
    ),
    (
        "duplicate-id-across-layers",
        set_prop("strikes", 0, id="b1"),
        "strikes.geojson",
        "id",
        "duplicate id",
    ),
    (
        "unresolved-base",
        set_prop("assets", 0, base="nowhere"),
        "assets.geojson",
        "base",
        "not the id of any feature in bases",
    ),
    (
        "unresolved-asset",
        set_prop("tracks", 0, asset="ghost"),
        "tracks.geojson",
        "asset",
        "not the id of any feature in assets",
    ),
    (
        "bad-date",
        set_prop("assets", 0, observed="last Tuesday"),
        "assets.geojson",
        "observed",
        "not an ISO 8601",
    ),
    (
        "missing-observed",
        drop_prop("strikes", 0, "observed"),
        "strikes.geojson",
        "observed",
        "missing",
    ),
    (
        "until-before-observed",
        set_prop("assets", 0, until="2025-01-01"),
        "assets.geojson",
        "until",
        "before observed",
    ),
    (
        "times-count",
        set_prop("tracks", 0, times=["2025-10-15T12:00:00Z"]),
        "tracks.geojson",
        "times",
        "has 1 entries but the line has 2 vertices",
    ),
    (
        "times-backwards",
        set_prop("tracks", 0, times=["2025-10-15T12:00:00Z", "2025-10-15T11:00:00Z"]),
        "tracks.geojson",
        "times",
        "earlier than the one before",
    ),
    (
        "bad-geo-precision",
        set_prop("assets", 0, geo_precision=4),
        "assets.geojson",
        "geo_precision",
        "out of range",
    ),
    (
        "bad-affiliation",
        set_prop("assets", 0, affiliation="ally"),
        "assets.geojson",
        "affiliation",
        "not one of",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "file", "field", "text"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_rule_gives_one_clear_line(
    tmp_path: Path, run_cli, mutation, file, field, text
) -> None:
    layers = copy.deepcopy(valid_layers())
    mutation(layers)
    directory = write_dataset(tmp_path / "bad", layers)
    code, stdout, stderr = run_cli("validate", str(directory))
    assert code == 1
    assert "Traceback" not in stdout + stderr
    lines = [line for line in stdout.splitlines() if text in line]
    assert lines, stdout
    line = lines[0]
    assert line.startswith(str(directory / file))
    if field:
        assert f": {field}: " in line
    dataset = geo.load(directory)
    assert any(text in str(problem) for problem in dataset.problems)


@pytest.mark.parametrize(
    ("record_change", "field", "text"),
    [
        ({"url": "javascript:alert(1)"}, "url", "not an http or https URL"),
        ({"url": "ftp://example.org/x"}, "url", "not an http or https URL"),
        ({"kind": "blog"}, "kind", "not one of"),
        ({"published": "soon"}, "published", "not an ISO 8601"),
        ({"title": ""}, "title", "non-empty string"),
        ({"kind": None}, "kind", "missing (required; one of news, official"),
        ({"published": 20251001}, "published", "must be an ISO 8601 date string"),
        ({"publisher": ["x"]}, "publisher", "must be a string, got ['x']"),
    ],
)
def test_source_records_are_checked(tmp_path: Path, run_cli, record_change, field, text) -> None:
    sources = [dict(SOURCES[0], **record_change)]
    directory = write_dataset(tmp_path / "bad", valid_layers(), sources=sources)
    code, stdout, _ = run_cli("validate", str(directory))
    assert code == 1
    assert any(
        f"sources.json: source 0 (src-a): {field}: " in line and text in line
        for line in stdout.splitlines()
    ), stdout


def test_duplicate_source_ids(tmp_path: Path) -> None:
    directory = write_dataset(tmp_path / "dup", valid_layers(), sources=SOURCES + SOURCES)
    problems = [str(p) for p in geo.load(directory).problems]
    assert any("source 1 (src-a): id: duplicate source id" in p for p in problems)


def test_every_problem_found_in_one_pass(tmp_path: Path) -> None:
    layers = copy.deepcopy(valid_layers())
    set_prop("assets", 0, count=0, confidence="sure")(layers)
    set_geometry("strikes", 0, {"type": "Point", "coordinates": [500, 0]})(layers)
    dataset = geo.load(write_dataset(tmp_path / "many", layers))
    fields = sorted(p.field for p in dataset.problems)
    assert fields == ["confidence", "count", "geometry"]
    # The valid features are still there; the bad ones are left out.
    assert list(dataset["assets"]["id"]) == ["a1-later"]
    assert list(dataset["strikes"]["id"]) == ["s2"]


def test_file_too_large_is_refused_unread(tmp_path: Path, run_cli) -> None:
    directory = write_dataset(tmp_path / "big", valid_layers())
    with (directory / "places.geojson").open("r+b") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    code, stdout, _ = run_cli("validate", str(directory))
    assert code == 1
    expected = "places.geojson: file is 50.0 MB; the limit is 50 MB: raise it with --max-file-mb"
    assert expected in stdout


def test_not_utf8(tmp_path: Path) -> None:
    directory = write_dataset(tmp_path / "latin", valid_layers())
    (directory / "bases.geojson").write_bytes(
        b'{"type": "FeatureCollection", "features": ["\xff"]}'
    )
    assert any("not UTF-8" in str(p) for p in geo.load(directory).problems)


def test_unknown_layer_file_name(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "ships.geojson"
    path.write_text(json.dumps(valid_layers()["assets"]))
    code, stdout, _ = run_cli("validate", str(path))
    assert code == 1
    assert "cannot tell the layer from the file name" in stdout


def test_single_file_uses_sources_beside_it(tiny_dir: Path, run_cli) -> None:
    code, stdout, _ = run_cli("validate", str(tiny_dir / "assets.geojson"))
    # The assets cite base b1, which is not among the files given: that is reported.
    assert code == 1
    assert "base: 'b1' is not the id of any feature in bases" in stdout
    code, stdout, _ = run_cli(
        "validate", str(tiny_dir / "assets.geojson"), str(tiny_dir / "bases.geojson")
    )
    assert code == 0, stdout


def test_deeply_nested_json_is_a_problem_not_a_crash(tmp_path: Path, run_cli) -> None:
    directory = write_dataset(tmp_path / "deep", valid_layers())
    (directory / "assets.geojson").write_text("[" * 100000 + "]" * 100000)
    code, stdout, stderr = run_cli("validate", str(directory))
    assert code == 1
    assert "Traceback" not in stdout + stderr
    assert "assets.geojson: not valid JSON" in stdout

"""The rules of ``schema.json`` as validation sees them: one bad value each, files that stay
valid, extra properties kept as given, and a bounded number of problem lines."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import geo
from geo.data import reading
from tests.factories import SOURCES, feature, point, tiny_files, valid_layers, write_dataset
from tests.mutations import drop_prop, polygon_place, replace_file, set_feature, set_prop

# (case id, mutation, expected file, expected field, expected text in the line)
CASES = [
    (
        "enum-words",
        set_prop("assets", 0, confidence="sure"),
        "assets.geojson",
        "confidence",
        "confidence: 'sure' is not one of confirmed, reported, claimed, estimated",
    ),
    ("null-required", set_prop("assets", 0, name=None), "assets.geojson", "name", "missing"),
    (
        "null-required-enum",
        set_prop("assets", 0, category=None),
        "assets.geojson",
        "category",
        "missing (required; one of ship, submarine",
    ),
    (
        "blank-name",
        set_prop("bases", 0, name="  "),
        "bases.geojson",
        "name",
        "'  ' is not a non-empty string",
    ),
    ("id-number", set_prop("places", 0, id=7), "places.geojson", "id", "must be a string, got 7"),
    ("count-2.0", set_prop("assets", 0, count=2.0), "assets.geojson", "count", "whole number"),
    ("count-too-large", set_prop("assets", 0, count=2**63), "assets.geojson", "count", "at most"),
    (
        "uncertainty-nan",
        set_prop("assets", 0, uncertainty_km=float("nan")),
        "assets.geojson",
        "uncertainty_km",
        "must be a number 0..20000, got NaN",
    ),
    (
        "uncertainty-boolean",
        set_prop("bases", 0, uncertainty_km=True),
        "bases.geojson",
        "uncertainty_km",
        "must be a number 0..20000, got true",
    ),
    (
        "point-place-needs-uncertainty",
        drop_prop("places", 0, "uncertainty_km"),
        "places.geojson",
        "uncertainty_km",
        "missing (required for points; 0 means exact)",
    ),
    (
        "reconstructed-null",
        set_prop("tracks", 0, reconstructed=None),
        "tracks.geojson",
        "reconstructed",
        "must be true or false, got null",
    ),
    ("notes-number", set_prop("bases", 0, notes=5), "bases.geojson", "notes", "must be a string"),
    (
        "sources-not-list",
        set_prop("assets", 0, sources="src-a"),
        "assets.geojson",
        "sources",
        "must be a list of strings, got 'src-a'",
    ),
    (
        "source-id-empty",
        set_prop("assets", 0, sources=["src-a", ""]),
        "assets.geojson",
        "sources",
        "entry 1: '' is not a non-empty string",
    ),
    (
        "observed-number",
        set_prop("strikes", 0, observed=2025),
        "strikes.geojson",
        "observed",
        "must be an ISO 8601 date string, got 2025",
    ),
    (
        "until-not-a-date",
        set_prop("assets", 0, until="later"),
        "assets.geojson",
        "until",
        "not an ISO 8601 date or datetime: 'later'",
    ),
    (
        "times-not-list",
        set_prop("tracks", 0, times="noon"),
        "tracks.geojson",
        "times",
        "must be a list of ISO 8601 date strings",
    ),
    (
        "times-bad-entry",
        set_prop("tracks", 0, times=["2025-10-15T12:00:00Z", "noon"]),
        "tracks.geojson",
        "times",
        "entry 1: not an ISO 8601 date or datetime: 'noon'",
    ),
    (
        "time-precision",
        set_prop("tracks", 0, time_precision=0),
        "tracks.geojson",
        "time_precision",
        "0 is out of range: must be a whole number 1..3",
    ),
    (
        "personnel-negative",
        set_prop("assets", 0, personnel=-1),
        "assets.geojson",
        "personnel",
        "out of range",
    ),
    (
        "troops-text",
        set_prop("places", 0, troops="many"),
        "places.geojson",
        "troops",
        "must be a whole number >= 0, got 'many'",
    ),
    (
        "base-affiliation",
        set_prop("bases", 0, affiliation="ally"),
        "bases.geojson",
        "affiliation",
        "'ally' is not one of friend, hostile, neutral, unknown",
    ),
    ("sidc-number", set_prop("assets", 0, sidc=5), "assets.geojson", "sidc", "must be a string"),
    (
        "properties-not-object",
        set_feature("bases", 0, properties=[1]),
        "bases.geojson",
        "properties",
        "must be an object, got array",
    ),
    (
        "not-a-feature",
        set_feature("strikes", 1, type="Point"),
        "strikes.geojson",
        None,
        "feature 1: not a GeoJSON Feature",
    ),
    (
        "features-missing",
        replace_file("places", {"type": "FeatureCollection"}),
        "places.geojson",
        None,
        '"features" must be a list',
    ),
]


@pytest.mark.parametrize(
    ("mutation", "file", "field", "text"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_schema_rule_gives_one_clear_line(
    tmp_path: Path, run_cli, mutation, file, field, text
) -> None:
    layers = copy.deepcopy(valid_layers())
    mutation(layers)
    directory = write_dataset(tmp_path / "bad", layers)
    code, stdout, stderr = run_cli("validate", str(directory))
    assert code == 1
    assert "Traceback" not in stdout + stderr
    lines = [line for line in stdout.splitlines() if text in line]
    assert len(lines) == 1, stdout
    assert lines[0].startswith(str(directory / file))
    if field:
        assert f": {field}: " in lines[0]


# Files valid before the format became a schema stay valid: null for "not given", empty
# optional text, the Point fields of an area left unchecked, offsets and datetimes, altitude.
VALID = {
    "optional-nulls": set_prop(
        "assets",
        0,
        notes=None,
        base=None,
        personnel=None,
        affiliation=None,
        designation=None,
        entity=None,
        until=None,
        geo_precision=None,
        time_precision=None,
    ),
    "track-nulls": set_prop("tracks", 0, asset=None, times=None),
    "place-nulls": set_prop("places", 0, troops=None, country=None),
    "empty-optional-text": set_prop("assets", 0, notes="", designation="", entity=""),
    "killed-null": set_prop("strikes", 0, killed=None),
    "area-point-fields-unchecked": polygon_place([[0, 0], [1, 0], [1, 1], [0, 0]]),
    "datetimes": set_prop(
        "assets", 1, observed="2025-10-01T14:20:00+02:00", until="2025-10-02 06:00"
    ),
    "altitude": lambda layers: layers["bases"]["features"][0]["geometry"].update(
        coordinates=[-65.643, 18.255, 12.5]
    ),
    "properties-null-place-removed": replace_file(
        "places", {"type": "FeatureCollection", "features": [], "name": "extra member"}
    ),
    "no-uncertainty-on-an-area": lambda layers: layers["places"]["features"].append(
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            "properties": {
                "id": "zone",
                "name": "Zone",
                "kind": "area",
                "sources": ["src-a"],
                "confidence": "claimed",
                "geo_precision": "wide",
            },
        }
    ),
    "whole-number-at-the-limit": set_prop("assets", 0, count=2**63 - 1, personnel=0),
}


@pytest.mark.parametrize("mutation", list(VALID.values()), ids=list(VALID))
def test_what_was_valid_stays_valid(tmp_path: Path, run_cli, mutation) -> None:
    layers = copy.deepcopy(valid_layers())
    mutation(layers)
    sources = [dict(SOURCES[0], url=None, notes=3, extra_key=True)]
    directory = write_dataset(tmp_path / "ok", layers, sources=sources)
    code, stdout, _ = run_cli("validate", str(directory))
    assert code == 0, stdout
    assert stdout.startswith("OK:")


# A property a layer does not define is kept as given, whatever its name means elsewhere.
EXTRAS = [
    ("bases", "observed", "soon"),
    ("bases", "count", "many"),
    ("bases", "times", ["not", "one", "per", "vertex"]),
    ("bases", "until", "2020-01-01"),  # before the next test's observed: not compared either
    ("places", "killed", 2.5),
    ("places", "until", "after the war"),
    ("places", "category", ["tank"]),
    ("tracks", "uncertainty_km", "far"),
    ("tracks", "personnel", -4),
    ("strikes", "affiliation", "ally"),
    ("assets", "troops", "a brigade"),
]


@pytest.mark.parametrize(("layer", "name", "value"), EXTRAS)
def test_extra_properties_are_kept_not_checked(tmp_path, run_cli, layer, name, value) -> None:
    layers = copy.deepcopy(valid_layers())
    set_prop(layer, 0, **{name: value})(layers)
    if name == "until":
        set_prop(layer, 0, observed="2025-10-01")(layers)
    directory = write_dataset(tmp_path / "extra", layers)
    code, stdout, stderr = run_cli("validate", str(directory))
    assert (code, stderr) == (0, ""), stdout
    frame = geo.load(directory)[layer]
    assert frame[name].iloc[0] == value
    written = geo.write_geojson(frame, tmp_path / "out" / f"{layer}.geojson")
    assert json.loads(written.read_text())["features"][0]["properties"][name] == value


def test_whole_numbers_stay_exact_beside_nulls() -> None:
    layers = copy.deepcopy(valid_layers())
    set_prop("assets", 0, personnel=2**62 + 1)(layers)  # a float64 would round it
    dataset = geo.load_bytes(tiny_files(layers))
    assert dataset.problems == []
    assert dataset["assets"]["personnel"].tolist()[0] == 2**62 + 1
    assert dataset["assets"]["personnel"].isna().tolist() == [False, True]


def test_defined_fields_are_converted_but_extras_are_not(tiny) -> None:
    assert str(tiny["assets"]["count"].dtype) == "Int64"
    assert str(tiny["assets"]["observed"].dtype).startswith("datetime64")
    assert list(tiny["assets"]["affiliation"]) == ["friend", "friend"]  # the schema's default
    assert "affiliation" in tiny["bases"] and tiny["bases"]["affiliation"].isna().all()


def _many_bad_assets(count: int) -> dict[str, Any]:
    bad = [
        feature(point(-66.0, 12.0), id=f"x{i}", name="X", category="tank", count=1)
        for i in range(count)
    ]
    return {"type": "FeatureCollection", "features": bad}


def test_problem_lines_per_file_are_capped(tmp_path: Path, run_cli) -> None:
    layers = valid_layers()
    layers["assets"] = _many_bad_assets(300)  # 6 problems each: 1,800 in all
    directory = write_dataset(tmp_path / "many", layers)
    code, stdout, stderr = run_cli("validate", str(directory))
    assert code == 1 and "Traceback" not in stdout + stderr
    lines = [line for line in stdout.splitlines() if "assets.geojson" in line]
    cap = reading.MAX_PROBLEMS_PER_FILE
    assert len(lines) == cap + 1
    assert lines[-1].endswith(f"assets.geojson: ... and {1800 - cap} more problems in this file")
    # Other files' lines are not counted against it.
    assert "tracks.geojson: feature 0 (t1): asset: 'a1' is not the id" in stdout
    dataset = geo.load(directory)
    assert dataset["assets"].empty
    assert (dataset.hidden_problems, dataset.problem_count) == (1800 - cap, 1800 + 1)


def test_a_bad_feature_reports_every_field_at_once(tmp_path: Path) -> None:
    layers = copy.deepcopy(valid_layers())
    set_prop("assets", 0, confidence="sure", count="2", until="x", sidc=[])(layers)
    drop_prop("assets", 0, "type")(layers)
    set_feature("assets", 1, properties=None)(layers)
    dataset = geo.load(write_dataset(tmp_path / "bad", layers))
    first = [p.field for p in dataset.problems if p.index == 0 and "assets" in p.file]
    assert first == ["confidence", "type", "count", "sidc", "until"]  # in the schema's order
    second = {p.field for p in dataset.problems if p.index == 1 and "assets" in p.file}
    assert {"id", "name", "sources", "confidence", "category", "observed"} <= second

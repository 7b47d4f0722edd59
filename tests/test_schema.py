"""``schema.json`` itself: a valid draft 2020-12 schema that accepts the data it should, the
source of what Python knows about the format, and of the doc's tables (no drift)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from geo.data import docs, geometry, schema, validation
from tests.factories import SOURCES, valid_layers

REPO = Path(__file__).resolve().parent.parent


def _directory(path: Path) -> dict[str, Any]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(path.iterdir())}


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(schema.SCHEMA)
    assert schema.SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("strict", [True, False], ids=["posturemap", "plain-jsonschema"])
def test_the_whole_schema_accepts_the_default_data_and_the_fixtures(data_dir, strict) -> None:
    """Other tools can use the file as it is: a plain validator accepts the same files."""
    cls = validation.Validator if strict else Draft202012Validator
    checker = validation.FORMAT_CHECKER if strict else None
    validator = cls(schema.SCHEMA, format_checker=checker)
    fixtures = {f"{layer}.geojson": fc for layer, fc in valid_layers().items()}
    for directory in (_directory(data_dir), {**fixtures, "sources.json": SOURCES}):
        assert [e.message for e in validator.iter_errors(directory)] == []


# Geometries geometry.py refuses for reasons a schema can state: the schema refuses them too.
BAD_GEOMETRIES = [
    ("bases", {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
    ("assets", {"type": "Point", "coordinates": [200, 10]}),
    ("assets", {"type": "Point", "coordinates": [10, -95]}),
    ("assets", {"type": "Point", "coordinates": [None, 10]}),
    ("assets", {"type": "Point", "coordinates": ["10", 10]}),
    ("assets", {"type": "Point", "coordinates": []}),
    ("assets", None),
    ("tracks", {"type": "LineString", "coordinates": [[0, 0]]}),
    ("tracks", {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]], [[2, 2]]]}),
    ("places", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}),
    ("places", {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
]


@pytest.mark.parametrize(("layer", "geom"), BAD_GEOMETRIES)
def test_schema_and_geometry_checks_agree_on_bad_geometries(layer, geom) -> None:
    assert geometry.check_geometry(layer, geom)[0], "geometry.py accepts it"
    collection = copy.deepcopy(valid_layers()[layer])
    collection["features"][0]["geometry"] = geom
    validator = validation.compile_schema(schema.SCHEMA["properties"][f"{layer}.geojson"])
    assert not validator.is_valid(collection)


def test_python_reads_the_format_from_the_schema() -> None:
    files = list(schema.SCHEMA["properties"])
    assert [f"{layer}.geojson" for layer in schema.LAYERS] + [schema.SOURCES_FILE] == files
    assert schema.GEOMETRY_TYPES["places"] == ("Point", "Polygon", "MultiPolygon")
    common = schema.resolve("#/$defs/common")["properties"]
    assert tuple(common["confidence"]["enum"]) == schema.CONFIDENCE
    assert "unknown" in schema.AFFILIATIONS and None not in schema.AFFILIATIONS
    # Time fields only where the layer is timed, Point fields only where it takes Points.
    assert {"observed", "until"} <= set(schema.known_fields("assets"))
    assert "observed" not in schema.known_fields("bases")
    assert "uncertainty_km" not in schema.known_fields("tracks")
    whole = {f.name for f in schema.fields("assets") if f.is_integer}
    assert whole == {"count", "personnel", "geo_precision", "time_precision"}
    assert {f.name for f in schema.fields("strikes") if f.is_date} == {"observed", "until"}
    links = {(f.name, f.reference) for layer in schema.LAYERS for f in schema.fields(layer)}
    assert {("base", "bases"), ("asset", "assets")} <= links


def test_every_field_has_a_description() -> None:
    groups = {g for layer in schema.LAYERS for g in schema.layer_groups(layer)} | {"source"}
    missing = [
        f"{group}.{field.name}"
        for group in sorted(groups)
        for field in schema.group_fields(group)
        if not field.schema.get("description")
    ]
    assert missing == []


def test_a_change_to_the_schema_source_is_a_change_to_validation(monkeypatch) -> None:
    """No second copy of the rules: validators are compiled from schema.SCHEMA."""
    patched = copy.deepcopy(schema.SCHEMA)
    patched["$defs"]["common"]["properties"]["confidence"]["enum"].append("rumoured")
    monkeypatch.setattr(schema, "SCHEMA", patched)
    validation._item_validator.cache_clear()
    try:
        feature = copy.deepcopy(valid_layers()["bases"]["features"][0])
        feature["properties"]["confidence"] = "rumoured"
        assert validation.check_feature("bases", feature) == []
    finally:
        monkeypatch.undo()
        validation._item_validator.cache_clear()
    assert validation.check_feature("bases", feature) != []


# --- the doc ---------------------------------------------------------------------------


def test_the_committed_doc_matches_the_schema() -> None:
    text = docs.DOC.read_text(encoding="utf-8")
    assert docs.render(text) == text, "docs/data-format.md is stale: run python -m geo.data.docs"


def test_every_block_is_in_the_doc_and_every_field_in_a_table() -> None:
    text = docs.DOC.read_text(encoding="utf-8")
    names = ["files", "common", "point", "timed", *schema.LAYERS, schema.SOURCES_FILE]
    for name in names:
        assert text.count(f"<!-- schema: {name} -->") == 1, name
    for layer in schema.LAYERS:
        for name in schema.known_fields(layer):
            assert f"| `{name}` |" in text, (layer, name)


def test_the_check_finds_drift_and_the_generator_fixes_it(tmp_path: Path, monkeypatch) -> None:
    doc = tmp_path / "data-format.md"
    doc.write_text(docs.DOC.read_text(encoding="utf-8"), encoding="utf-8")
    assert docs.main([str(doc), "--check"]) == 0
    patched = copy.deepcopy(schema.SCHEMA)
    patched["$defs"]["strikes-fields"]["properties"]["target"]["description"] = "what was hit"
    monkeypatch.setattr(schema, "SCHEMA", patched)
    schema.group_fields.cache_clear()
    try:
        assert docs.main([str(doc), "--check"]) == 1
        assert docs.main([str(doc)]) == 0
        assert "| `target` | string | no | what was hit |" in doc.read_text(encoding="utf-8")
        assert docs.main([str(doc), "--check"]) == 0
    finally:
        monkeypatch.undo()
        schema.group_fields.cache_clear()


def test_hand_written_prose_survives_regeneration() -> None:
    text = "# Title\n\nProse.\n\n<!-- schema: strikes -->\nold table\n<!-- /schema -->\n\nMore.\n"
    out = docs.render(text)
    assert out.startswith("# Title\n\nProse.\n\n<!-- schema: strikes -->\n")
    assert out.endswith("<!-- /schema -->\n\nMore.\n")
    assert "old table" not in out and "| `killed` | integer >= 0 | yes (`null` allowed) |" in out


def test_an_unknown_block_is_an_error() -> None:
    with pytest.raises(KeyError, match="no block 'ships'"):
        docs.render("<!-- schema: ships -->\n<!-- /schema -->\n")

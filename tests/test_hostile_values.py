"""Hostile values in valid JSON: every one a located problem or kept as given, never a crash."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from geo.analysis import joins
from geo.app import view
from geo.cli.common import PlainConsole, plain
from geo.data import reading, schema, selection
from geo.data.jsontext import printable
from geo.data.schema import Problem
from geo.web import maps
from geo.web.features import FeatureColumns
from tests.factories import SOURCES, collection, feature, tiny_files, valid_layers


def _with(layer_: str, /, **props: Any) -> dict[str, bytes]:
    """The tiny data set with properties of the first feature of one layer replaced."""
    layers = valid_layers()
    layers[layer_]["features"][0]["properties"].update(props)
    return tiny_files(layers)


def _replaced(name: str, old: str, new: str) -> dict[str, bytes]:
    """The tiny data set with one text replacement in one file (for what json.dumps won't write)."""
    files = tiny_files()
    text = files[name].decode()
    assert old in text
    files[name] = text.replace(old, new, 1).encode()
    return files


def _lines(files: dict[str, bytes]) -> list[str]:
    return [str(p) for p in reading.load_bytes(files).problems]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            _replaced("assets.geojson", '"uncertainty_km": 300', '"uncertainty_km": NaN'),
            "assets.geojson: feature 0 (a1): uncertainty_km: must be a number 0..20000, got NaN",
        ),
        (
            _replaced("bases.geojson", '"uncertainty_km": 0', '"uncertainty_km": 0, "x": Infinity'),
            "bases.geojson: feature 0 (b1): x: Infinity is not a finite number",
        ),
        (
            _replaced(
                "places.geojson", '"uncertainty_km": 0', '"uncertainty_km": 0, "x": [1, -1e999]'
            ),
            "places.geojson: feature 0 (caracas): x: -1e999 is not a finite number",
        ),
        (
            _replaced("sources.json", '"kind": "news"', '"kind": "news", "n": -Infinity'),
            "sources.json: source 0 (src-a): n: -Infinity is not a finite number",
        ),
        (
            _replaced("bases.geojson", '"Base One"', '"Base \\ud800 One"'),
            "bases.geojson: feature 0 (b1): name: contains a lone surrogate (\\ud800)",
        ),
        (
            _replaced("bases.geojson", '"country"', '"\\udfff"'),
            "bases.geojson: feature 0 (b1): \\udfff: contains a lone surrogate (\\udfff)",
        ),
        (
            _replaced(
                "bases.geojson", '"uncertainty_km": 0', '"uncertainty_km": 0, "n": ' + "9" * 5000
            ),
            "bases.geojson: not valid JSON: line 1 column ",
        ),
        (_with("assets", count=2.5), "assets.geojson: feature 0 (a1): count: must be a whole"),
        (_with("assets", count=2.0), "assets.geojson: feature 0 (a1): count: must be a whole"),
        (
            _with("assets", count=2**63),
            "assets.geojson: feature 0 (a1): count: 9223372036854775808",
        ),
        (_with("assets", uncertainty_km=20_001), "uncertainty_km: 20001 is out of range"),
        (_with("assets", observed="2025-W42-3"), "observed: not an ISO 8601 date or datetime"),
        (_with("strikes", observed="0001-01-01T00:00:00+05:00"), "observed: '0001-01-01T00:00"),
        (
            _with("strikes", observed="9999-12-31T23:00:00-05:00"),
            "is out of range: years 1000 to 2999",
        ),
        (
            _with("tracks", times=["2025-10-15T12:00:00Z", "2025-W42-3"]),
            "tracks.geojson: feature 0 (t1): times: entry 1: not an ISO 8601 date",
        ),
        (_with("bases", layer="x"), "bases.geojson: feature 0 (b1): layer: 'layer' is a reserved"),
        (_with("places", geometry="x"), "(caracas): geometry: 'geometry' is a reserved name"),
        (_with("strikes", source_refs=[]), "(s1): source_refs: 'source_refs' is a reserved name"),
    ],
    ids=[
        "nan-typed",
        "infinity-extra",
        "overflow-in-list",
        "infinity-source",
        "surrogate-value",
        "surrogate-name",
        "5000-digits",
        "float-count",
        "float-whole-count",
        "count-2**63",
        "uncertainty-over-20000-km",
        "week-date",
        "year-1-with-offset",
        "year-9999-with-offset",
        "week-date-in-times",
        "reserved-layer",
        "reserved-geometry",
        "reserved-source-refs",
    ],
)
def test_a_hostile_value_is_one_located_problem(files: dict[str, bytes], expected: str) -> None:
    lines = _lines(files)
    assert any(line.startswith(expected) or expected in line for line in lines), lines


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "0999-12-31T23:59:59Z"])
def test_dates_near_the_ends_of_the_calendar_are_refused(day: str) -> None:
    assert _lines(_with("places", observed=day, until=day)) == []  # places: extras, kept
    lines = _lines(_with("assets", observed=day))
    assert any(f"observed: {day!r} is out of range: years 1000 to 2999" in x for x in lines)


def test_far_dates_within_the_range_load_and_export() -> None:
    layers = valid_layers()
    for item, day in zip(
        layers["assets"]["features"], ["1000-01-01", "2999-12-31T23:59:59Z"], strict=True
    ):
        item["properties"].update(observed=day)
    layers["strikes"]["features"][0]["properties"]["observed"] = "1600-02-29"
    dataset = reading.load_bytes(tiny_files(layers))
    assert dataset.problems == []
    html = maps.build_map(dataset, basemap="offline").get_root().render()
    assert "posturemap" in html


def _everything_everywhere() -> dict[str, bytes]:
    """Every layer carries every other layer's field names, with values of the wrong type."""
    names = {name for layer in schema.LAYERS for name in schema.known_fields(layer)}
    wrong: list[Any] = ["yesterday", [1, 2], {"a": [None]}, True, -5, 2**70, 1e300, "", None]
    layers = valid_layers()
    for layer in schema.LAYERS:
        others = sorted(names - set(schema.known_fields(layer)))
        for i, item in enumerate(layers[layer]["features"]):
            for j, name in enumerate(others):
                item["properties"][name] = wrong[(i + j) % len(wrong)]
            item["properties"]["_note"] = "kept"
    return tiny_files(layers)


def test_fields_of_other_layers_are_extras_that_never_crash() -> None:
    dataset = reading.load_bytes(_everything_everywhere())
    assert dataset.problems == []
    assert dataset.feature_count == reading.load_bytes(tiny_files()).feature_count
    bases = dataset["bases"]
    assert bases["observed"].tolist() == [[1, 2]] or bases["observed"].notna().all()
    assert selection.summary(selection.as_of(dataset, None))["ships"] == 1
    assert len(joins.analyze(dataset, to="caracas")) > 0
    html = maps.build_map(dataset, basemap="offline").get_root().render()
    assert "kept" in html and "_note" in html  # extras reach the popup, _-prefixed too
    table = view.features_table(dataset)  # the app's table: typed columns of their layers only
    bases = table[table["layer"] == "bases"].iloc[0]
    assert pd.isna(bases["observed"]) and (pd.isna(bases["count"]) or bases["count"] == "")
    assert table["count"].dtype.kind in "if"  # numbers, as Arrow must send them


def test_an_extra_with_a_typed_name_stays_as_given() -> None:
    dataset = reading.load_bytes(_with("bases", observed="yesterday", count="many"))
    assert dataset.problems == []
    row = dataset["bases"].iloc[0]
    assert (row["observed"], row["count"]) == ("yesterday", "many")
    columns = FeatureColumns(show_uncertainty=True, geodesic_circles=False)
    columns.add_layer("bases", dataset["bases"])
    pairs = columns.sparse["extras"][0]
    shown = {columns.strings.values[k]: columns.strings.values[v] for k, v in pairs}
    assert shown["observed"] == "yesterday" and shown["count"] == "many"
    assert columns.cols["observed"] == [columns.epochs(None)]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ((170.0, 50.0), (-170.0, 53.0)),
        ((-175.0, -20.0), (178.0, -18.0)),
        ((20.0, 55.0), (24.0, 58.0)),
    ],
    ids=["east-to-west", "west-to-east", "baltic"],
)
def test_a_track_across_the_antimeridian_is_drawn_the_short_way(start, end) -> None:
    line = {"type": "LineString", "coordinates": [list(start), list(end)]}
    layers = valid_layers()
    layers["tracks"] = collection(
        feature(
            line, id="t1", name="T", observed="2025-10-15", sources=["src-a"], confidence="reported"
        )
    )
    dataset = reading.load_bytes(tiny_files(layers))
    assert dataset.problems == []
    columns = FeatureColumns(show_uncertainty=True, geodesic_circles=False)
    columns.add_layer("tracks", dataset["tracks"])
    (part,) = columns.sparse["shape"][0]
    lons = np.cumsum(np.asarray(part).reshape(-1, 2)[:, 0]) / 1e5
    assert abs(lons[1] - lons[0]) <= 20  # at most 20 degrees, not 340
    assert lons[0] == start[0]
    for arrow in columns.sparse["arrows"][0]:
        assert min(lons) <= arrow[0] / 1e5 <= max(lons)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain id", "plain id"),
        ("Zürich – 東京", "Zürich – 東京"),
        ("a\nb", "a\\nb"),
        ("\x1b[31mred\x1b]8;;http://x\x1b\\", "\\x1b[31mred\\x1b]8;;http://x\\x1b\\"),
        ("\x9b2J", "\\x9b2J"),
        ("abc\u202edcba\u2066", "abc\\u202edcba\\u2066"),
        ("lone \ud800", "lone \\ud800"),
        ("line\u2028sep", "line\\u2028sep"),
    ],
)
def test_printable_escapes_what_acts_on_a_terminal(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert (
        str(Problem("f.geojson", "bad", 0, text, "id"))
        == f"f.geojson: feature 0 ({shown}): id: bad"
    )


def test_the_console_reads_no_markup_and_prints_one_line_per_message() -> None:
    buffer = io.StringIO()
    console = PlainConsole(file=buffer, width=200)
    console.print("[link=http://evil]x[/link] [/bad] :smile: \x1b[2J")
    assert buffer.getvalue() == "[link=http://evil]x[/link] [/bad] :smile: \\x1b[2J\n"
    assert plain("a\n[b]").plain == "a\\n[b]"


def test_a_problem_per_value_not_per_feature_count() -> None:
    """A million-feature file is bounded: checking stops, the lines and the count stay small."""
    bare = {"type": "Feature", "geometry": None, "properties": {}}
    document = collection(*[copy.deepcopy(bare) for _ in range(3_000)])
    dataset = reading.load_bytes({"assets.geojson": json.dumps(document).encode()})
    assert dataset.problems[0].message.startswith("checking stopped at feature")
    assert len(dataset.problems) == reading.MAX_PROBLEMS_PER_FILE + 1
    assert reading.STOP_AFTER <= dataset.problem_count < reading.STOP_AFTER + 20


def test_problems_are_capped_across_files_and_still_counted(monkeypatch) -> None:
    monkeypatch.setattr(reading, "MAX_PROBLEMS", 50)
    bare = {"type": "Feature", "geometry": None, "properties": {}}
    files = {
        f"d{i}/assets.geojson": json.dumps(collection(*[bare] * 3)).encode() for i in range(20)
    }
    dataset = reading.load_bytes(files)
    assert len(dataset.problems) == 51
    listed = sum(not p.message.startswith("... and ") for p in dataset.problems)
    counted = sum(
        int(p.message.split()[2]) for p in dataset.problems if p.message.startswith("... and ")
    )
    assert listed + counted == dataset.problem_count
    assert dataset.problems[-1].message.endswith("file(s)")
    assert pd.Series([p.file for p in dataset.problems]).str.endswith("assets.geojson").all()


def test_sources_survive_a_surrogate_free_escape() -> None:
    """A valid surrogate pair (an escaped emoji) is text, not a problem."""
    files = tiny_files(sources=[{**SOURCES[0], "title": "Report \U0001f6a2"}])
    files["sources.json"] = files["sources.json"].replace(b"\\ud83d\\udea2", b"\\ud83d\\udea2")
    assert b"\\ud83d" in files["sources.json"]
    assert reading.load_bytes(files).problems == []


def test_the_app_problem_table_can_be_sent_to_the_browser() -> None:
    import pyarrow as pa

    from geo.app import uploads

    files = _replaced("bases.geojson", '"b1"', '"b\\udc00\\n\\u001b[2J"')
    table = uploads.problems_table(reading.load_bytes(files).problems)
    assert "b\\udc00\\n\\x1b[2J" in table["id"].tolist()
    pa.Table.from_pandas(table)  # what Streamlit does; a lone surrogate would raise


@pytest.mark.parametrize(
    "value", [5, 2**70, True, 0.5, {"a": [1, None]}, [1, "x"], "text"], ids=repr
)
def test_an_extra_on_some_features_is_written_back_as_given(value: Any) -> None:
    from geo.data import writing

    dataset = reading.load_bytes(_with("assets", extra=value))
    written = writing.to_feature_collection(dataset["assets"])["features"]
    first, second = (f["properties"] for f in written)
    assert first["extra"] == value and type(first["extra"]) is type(value)
    assert "extra" not in second

"""Column-wise checks of GeoParquet layers: the same problems and the same frames as per feature."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.data import columnar, columns, frames, reading
from tests.factories import point, red_sea_layers, ship, valid_layers, write_dataset
from tests.mutations import drop_prop, polygon_place, set_geometry, set_prop
from tests.test_validation import CASES


def _add(layer: str, feature: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def mutate(layers: dict[str, Any]) -> None:
        layers[layer]["features"].append(feature)

    return mutate


def _column(name: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A column every asset has (an extra, or a field), one value for all."""

    def mutate(layers: dict[str, Any]) -> None:
        for feature in layers["assets"]["features"]:
            feature["properties"][name] = value

    return mutate


# Bad cells a table can hold (one type per column), beside test_validation's rules.
CELLS = {
    "enum": set_prop("assets", 0, confidence="sure"),
    "pattern": set_prop("assets", 1, name="   "),
    "bounds": set_prop("assets", 0, uncertainty_km=-1),
    "count-zero": set_prop("assets", 1, count=0),
    "count-infinite": set_prop("assets", 1, count=float("inf")),
    "count-whole-float": set_prop("assets", 1, count=3.0),
    "count-fraction": set_prop("assets", 1, count=2.5),
    "missing": drop_prop("assets", 0, "category"),
    "if-then": drop_prop("assets", 0, "count"),
    "personnel-no-count": set_prop("assets", 0, category="personnel", count=None),
    "date": set_prop("assets", 0, observed="2025-13-40"),
    "date-year": set_prop("assets", 0, observed="0999-01-01"),
    "until-before": set_prop("assets", 0, until="2020-01-01"),
    "no-sources": set_prop("assets", 0, sources=[]),
    "unknown-source": set_prop("assets", 1, sources=["src-a", "nope"]),
    "null-in-sources": set_prop("assets", 1, sources=["src-a", None]),
    "duplicate-id": set_prop("assets", 1, id="b1"),
    "bad-base": set_prop("assets", 0, base="no-such-base"),
    "reserved": _column("layer", "x"),
    "extra-infinite": _column("speed", float("-inf")),
    "extra-fine": _column("mmsi", 123456789),
    "lon": set_geometry("assets", 0, point(500.0, 12.0)),
    "lat": set_geometry("assets", 1, point(-60.0, 95.0)),
    "swapped": set_geometry("assets", 1, point(12.0, -95.0)),
    "null-geometry": set_geometry("assets", 0, None),
    "line": set_geometry("assets", 0, {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
    "many-bad": lambda layers: [set_prop("assets", i, confidence="sure")(layers) for i in range(2)],
    "extra-rows": _add("assets", ship("z9", -64.0, 11.0, observed="2025-10-02")),
    "polygon-place": polygon_place([[0, 0], [1, 0], [1, 1], [0, 0]]),
    "point-place-no-radius": drop_prop("places", 0, "uncertainty_km"),
    "strike-no-killed": drop_prop("strikes", 0, "killed"),
}
CASE_MUTATIONS = {f"rule-{case[0]}": case[1] for case in CASES}


def _as_parquet(directory: Path, layers: dict[str, Any], names: list[str]) -> bool:
    """Write the named layers as GeoParquet instead of GeoJSON; False where a table cannot
    hold them (mixed types in a column, not a FeatureCollection)."""
    for name in names:
        layer = layers[name]
        try:
            frame = gpd.GeoDataFrame.from_features(layer["features"], crs="EPSG:4326")
            frame.to_parquet(directory / f"{name}.parquet")
        except Exception:  # not a table: the case is GeoJSON's only
            return False
        (directory / f"{name}.geojson").unlink()
    return True


def _per_feature(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row of a table through the per-feature checks."""
    monkeypatch.setattr(columns, "suspect_rows", lambda table: np.ones(len(table), bool))
    monkeypatch.setattr(columns, "reference_suspects", lambda table, *_: np.ones(len(table), bool))


def _lines(dataset: reading.Dataset) -> list[str]:
    return [str(problem) for problem in dataset.problems]


@pytest.mark.parametrize(
    ("case", "theatre"),
    [(case, valid_layers) for case in sorted(CELLS) + sorted(CASE_MUTATIONS)]
    # The rules are valid_layers' own; the Red Sea data set (Houthi strikes) for some cells.
    + [(case, red_sea_layers) for case in ("enum", "until-before", "lon", "strike-no-killed")],
)
def test_column_checks_find_what_per_feature_checks_find(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, theatre: Callable
) -> None:
    layers = copy.deepcopy(theatre())
    (CELLS | CASE_MUTATIONS)[case](layers)
    changed = [n for n in layers if layers[n] != theatre().get(n) or n == "assets"]
    directory = write_dataset(tmp_path / "data", layers)
    if not _as_parquet(directory, layers, changed):
        pytest.skip("a table cannot hold this data")
    fast = reading.load(directory)
    with monkeypatch.context() as patch:
        _per_feature(patch)
        slow = reading.load(directory)
    assert _lines(fast) == _lines(slow)
    assert fast.hidden_problems == slow.hidden_problems
    # The same features kept (the frames themselves: test_the_frame_from_the_table_...).
    assert {n: list(f["id"]) for n, f in fast.layers.items()} == {
        n: list(f["id"]) for n, f in slow.layers.items()
    }


@pytest.mark.parametrize("case", ["enum", "date", "unknown-source", "duplicate-id", "lon"])
def test_same_lines_as_the_geojson_layer(tmp_path: Path, case: str) -> None:
    layers = copy.deepcopy(valid_layers())
    CELLS[case](layers)
    geojson = reading.load(write_dataset(tmp_path / "json", layers))
    directory = write_dataset(tmp_path / "parquet", layers)
    assert _as_parquet(directory, layers, ["assets"])
    expected = [line.replace("assets.geojson", "assets.parquet") for line in _lines(geojson)]
    expected = [line.replace(str(tmp_path / "json"), str(directory)) for line in expected]
    assert expected and _lines(reading.load(directory)) == expected


@pytest.mark.parametrize("theatre", [valid_layers, red_sea_layers])
def test_the_frame_from_the_table_is_the_geojson_frame(tmp_path: Path, theatre: Callable) -> None:
    layers = theatre()
    geojson = reading.load(write_dataset(tmp_path / "json", layers))
    directory = write_dataset(tmp_path / "parquet", layers)
    assert _as_parquet(directory, layers, list(layers))
    table = reading.load(directory)
    assert table.problems == []
    for name in layers:
        pd.testing.assert_frame_equal(table[name], geojson[name], check_like=False)


def test_a_big_layer_is_not_checked_row_by_row(tmp_path: Path, monkeypatch) -> None:
    layers = valid_layers()
    layers["assets"]["features"] = [
        ship(f"s{i}", -66.0 + i / 1000, 12.0, observed=f"2025-10-{1 + i % 28:02d}")
        for i in range(2000)
    ]
    layers["assets"]["features"][1234]["properties"]["confidence"] = "sure"
    directory = write_dataset(tmp_path / "big", layers)
    assert _as_parquet(directory, layers, ["assets"])
    checked = []
    real = columnar.row_features
    monkeypatch.setattr(
        columnar, "row_features", lambda t, rows: checked.extend(rows) or real(t, rows)
    )
    dataset = reading.load(directory)
    assert [p.index for p in dataset.problems if "assets" in p.file] == [1234]
    assert len(dataset["assets"]) == 1999
    assert len(checked) < 20  # the bad row and one row per group of fields


def test_frame_from_table_keeps_extras_as_given(tmp_path: Path) -> None:
    layers = copy.deepcopy(valid_layers())
    _column("mmsi", 123456789)(layers)
    _column("note", None)(layers)  # no row has it: no column, as for GeoJSON
    directory = write_dataset(tmp_path / "d", layers)
    assert _as_parquet(directory, layers, ["assets"])
    table = columnar.read_table(
        "assets.parquet", "assets", (directory / "assets.parquet").read_bytes(), 10**9
    )
    frame = frames.table_frame(table, np.ones(len(table), bool), reading.load(directory).sources)
    assert frame["mmsi"].tolist() == [123456789] * len(table)
    assert frame["mmsi"].dtype == object and "note" not in frame


def test_text_that_is_not_utf8_is_a_problem_of_the_file() -> None:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    text = pa.array([b"ok", b"\xed\xa0\x80"], pa.binary()).view(pa.string())  # a lone surrogate
    wkb = pa.array(shapely.to_wkb([shapely.Point(0, 0)] * 2).tolist(), pa.binary())
    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": text, "geometry": wkb}), buffer)
    dataset = reading.load_bytes({"assets.parquet": buffer.getvalue()})
    assert [str(p) for p in dataset.problems] == [
        "assets.parquet: not a valid GeoParquet file (ArrowInvalid)"
    ]


def test_rows_never_share_a_list(tmp_path: Path) -> None:
    layers = valid_layers()
    directory = write_dataset(tmp_path / "d", layers)
    frame = gpd.GeoDataFrame.from_features(layers["assets"]["features"], crs="EPSG:4326")
    frame["sources"] = frame["sources"].map(lambda v: '["src-a"]')  # as FlatGeobuf holds them
    frame.to_parquet(directory / "assets.parquet")
    (directory / "assets.geojson").unlink()
    cited = reading.load(directory)["assets"]["sources"]
    assert cited.tolist() == [["src-a"]] * len(cited)
    assert len({id(value) for value in cited}) == len(cited)


@pytest.mark.parametrize(
    "stamps",
    [
        pd.to_datetime(
            ["2025-10-01 00:00:00", "2025-10-02 13:45:10.123"], format="ISO8601"
        ).as_unit("ms"),  # naive: UTC
        pd.to_datetime(["2025-10-01T23:30:00+02:00", "2025-10-02T01:00:00-05:00"], utc=True)
        .tz_convert("Asia/Aden")
        .as_unit("us"),
        pd.to_datetime(["2025-10-01", None]).as_unit("s"),
    ],
    ids=["naive-ms", "offset-us", "with-null-s"],
)
def test_timestamp_columns_read_as_their_iso_text(tmp_path: Path, stamps: Any) -> None:
    layers = copy.deepcopy(red_sea_layers())
    features = layers["assets"]["features"][:2]
    layers["assets"]["features"] = features
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    frame["observed"] = pd.to_datetime(["2025-09-01", "2025-09-02"]).as_unit("ms")
    frame["until"] = stamps
    frame.to_parquet(tmp_path / "assets.parquet")
    data = (tmp_path / "assets.parquet").read_bytes()
    table = columnar.read_table("assets.parquet", "assets", data, 10**9)
    sources = pd.DataFrame({"title": ["t"]}, index=pd.Index(["src-a"], name="id"))
    rows = columnar.row_features(table, range(len(table)))
    raw = [("assets.parquet", i, f["properties"], table.shapes[i]) for i, f in enumerate(rows)]
    expected = frames.features_frame("assets", raw, sources)
    got = frames.table_frame(table, np.ones(len(table), bool), sources)
    pd.testing.assert_frame_equal(got, expected)


def test_timestamp_columns_are_checked_as_their_iso_text(tmp_path: Path, monkeypatch) -> None:
    layers = copy.deepcopy(red_sea_layers())
    directory = write_dataset(tmp_path / "d", layers)
    frame = gpd.GeoDataFrame.from_features(layers["assets"]["features"], crs="EPSG:4326")
    frame["observed"] = pd.Timestamp("2025-09-02T12:00:00")
    frame["until"] = pd.NaT
    frame.loc[0, "until"] = pd.Timestamp("2025-09-02T11:59:59")  # a second before observed
    frame.loc[1, "observed"] = pd.Timestamp("0999-12-31")  # before the years dates may have
    frame.to_parquet(directory / "assets.parquet")
    (directory / "assets.geojson").unlink()
    fast = reading.load(directory)
    _per_feature(monkeypatch)
    slow = reading.load(directory)
    assert _lines(fast) == _lines(slow)
    assert {p.field for p in fast.problems if p.index in (0, 1)} >= {"until", "observed"}


def test_two_columns_of_one_name_are_a_problem_of_the_file() -> None:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    wkb = pa.array(shapely.to_wkb([shapely.Point(0, 0)] * 2).tolist(), pa.binary())
    ids = pa.array(["a", "b"])
    table = pa.Table.from_arrays([ids, ids, wkb], names=["id", "id", "geometry"])
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    dataset = reading.load_bytes({"assets.parquet": buffer.getvalue()})
    assert [str(p) for p in dataset.problems] == ["assets.parquet: more than one column named 'id'"]


def _odd_tables() -> dict[str, Any]:
    import pyarrow as pa
    import shapely

    def wkb(n: int) -> Any:
        return pa.array(shapely.to_wkb([shapely.Point(1, 2)] * n).tolist(), pa.binary())

    return {
        "zero-rows": pa.table({"id": pa.array([], pa.string()), "geometry": wkb(0)}),
        "geometry-only": pa.table({"geometry": wkb(3)}),
        "struct": pa.table({"id": ["a"], "x": pa.array([{"a": 1}]), "geometry": wkb(1)}),
        "int-sources": pa.table({"id": ["a"], "sources": pa.array([[1, 2]]), "geometry": wkb(1)}),
        "dictionary": pa.table(
            {
                "id": ["a", "b"],
                "category": pa.array(["ship", "boat"]).dictionary_encode(),
                "geometry": wkb(2),
            }
        ),
        "int-ids": pa.table({"id": [1, 2], "geometry": wkb(2)}),
    }


@pytest.mark.parametrize("name", sorted(_odd_tables()))
def test_odd_tables_give_the_per_feature_lines(name: str, monkeypatch) -> None:
    import io

    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(_odd_tables()[name], buffer)
    files = {"assets.parquet": buffer.getvalue()}
    fast = reading.load_bytes(files)
    _per_feature(monkeypatch)
    assert _lines(fast) == _lines(reading.load_bytes(files))


VALUES = [None, "", " ", "x", "\u00a0", "2025-10-01", "2025-10-01T25:00", "2025-13-40"]
VALUES += ["0999-12-31", "https://example.org", 0, 1, -1, 2.5, 20001, 2**63, True, [], ["a"], {}]


@pytest.mark.parametrize("layer", ["assets", "places", "strikes"])
def test_the_quick_value_tests_never_pass_what_the_schema_refuses(layer: str) -> None:
    plan = columns._plan(layer)
    for name, validator in plan.fields.items():
        quick, text = plan.quick[name], plan.text_tests[name]
        for value in VALUES:
            passed = (quick is not None and quick(value)) or (
                isinstance(value, str) and text is not None and bool(text(value))
            )
            assert not passed or validator.is_valid(value), (name, value)

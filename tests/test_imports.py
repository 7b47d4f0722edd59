"""python -m geo import: spreadsheets, placemarks and GIS files in, checked, nothing twice."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.data import reading
from geo.data.history import read_history
from geo.data.importing import ImportOptionError, import_features, parse_settings
from geo.data.paths import default_data_dir
from tests.factories import red_sea_layers, write_dataset

SETTINGS = ["count=1", "confidence=reported", "uncertainty_km=5", "type=warship"]
SHIPS_CSV = """Name,Category,Position,Date,Hull
USS Carney,Ship,"12°35'N 43°20'E",25/12/2023,DDG-64
HMS Diamond,ship,"20.1, 38.5",05/01/2024,D34
FS Languedoc,ship,38P JB 77 60,06/01/2024,D653
"""
BALTIC_TSV = "name\tlatitude\tlongitude\tobserved\tcategory\n" + (
    "HNoMS Roald Amundsen\t59 20 N\t18 03 E\t2024-06-07\tship\n"
    "P-8A\t55.5\t13.9\t2024-06-08T10:30:00Z\taircraft\n"
)
KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Style id="aircraft-style"/>
<Folder><name>Ships</name>
 <Placemark><name>USS Carney &amp; escort</name>
  <description><![CDATA[<b>seen</b> off Yemen]]></description>
  <TimeStamp><when>2024-01-12</when></TimeStamp>
  <Point><coordinates>43.33,12.58,0</coordinates></Point></Placemark>
 <Placemark><name>Eisenhower</name>
  <TimeSpan><begin>2023-11-04T10:00:00Z</begin><end>2024-06-01</end></TimeSpan>
  <Point><coordinates>38.5,20.1</coordinates></Point></Placemark>
</Folder>
<Placemark><name>MQ-9</name><styleUrl>#aircraft-style</styleUrl>
 <TimeStamp><when>2024-02-19</when></TimeStamp>
 <Point><coordinates>42.9,14.8</coordinates></Point></Placemark>
</Document></kml>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _features(directory: Path, layer: str = "assets") -> list[dict]:
    return json.loads((directory / f"{layer}.geojson").read_text())["features"]


def _by_name(directory: Path, layer: str = "assets") -> dict[str, dict]:
    return {f["properties"]["name"]: f for f in _features(directory, layer)}


def test_spreadsheet_with_dms_mgrs_and_day_first_dates(tmp_path: Path) -> None:
    sheet = _write(tmp_path, "ships.csv", SHIPS_CSV)
    data = tmp_path / "data"
    data.mkdir()  # an empty directory is a data directory to start
    result = import_features([sheet], "assets", data, settings=parse_settings(SETTINGS, "assets"))
    assert result.problems == []
    assert result.created_sources == ["import-ships"]
    found = _by_name(data)
    carney = found["USS Carney"]
    assert carney["geometry"]["coordinates"] == pytest.approx([43 + 20 / 60, 12 + 35 / 60])
    assert carney["properties"]["observed"] == "2023-12-25"
    assert carney["properties"]["designation"] == "DDG-64"  # "Hull" is a designation
    assert carney["properties"]["sources"] == ["import-ships"]
    assert found["HMS Diamond"]["properties"]["observed"] == "2024-01-05"  # the column is dmy
    assert found["FS Languedoc"]["geometry"]["coordinates"] == pytest.approx([42.0, 15.0], abs=0.02)
    assert reading.load(data).problems == []
    logged = [(c.op, c.layer, c.id) for c in read_history(data).changes]
    assert logged[:2] == [
        ("add", "sources", "import-ships"),
        ("add", "assets", "uss-carney-2023-12-25"),
    ]
    assert len(logged) == 4  # the editing commands' history: undo takes them back one by one
    again = import_features([sheet], "assets", data, settings=parse_settings(SETTINGS, "assets"))
    assert (len(again.added), again.already_there, again.written) == (0, 3, [])
    assert len(_features(data)) == 3
    assert len(json.loads((data / "sources.json").read_text())) == 1


def test_baltic_tsv_separate_columns_and_mgrs_floor(tmp_path: Path) -> None:
    sheet = _write(tmp_path, "baltic.tsv", BALTIC_TSV)
    data = tmp_path / "data"
    settings = parse_settings([*SETTINGS[:2], "uncertainty_km=0.1", "type=x"], "assets")
    result = import_features([sheet], "assets", data, settings=settings)
    assert result.problems == []
    found = _by_name(data)
    assert found["HNoMS Roald Amundsen"]["geometry"]["coordinates"] == pytest.approx(
        [18.05, 59 + 20 / 60]
    )
    assert found["P-8A"]["properties"]["observed"] == "2024-06-08T10:30:00Z"
    assert found["P-8A"]["properties"]["category"] == "aircraft"
    mgrs_sheet = _write(
        tmp_path, "grid.csv", "name,mgrs,date,category\nPost,34VCL 29 77,2024-06-09,ground\n"
    )
    assert import_features([mgrs_sheet], "assets", data, settings=settings).problems == []
    # A 2+2 digit reference is a 1 km square: 0.1 km would claim more than it says.
    assert _by_name(data)["Post"]["properties"]["uncertainty_km"] == 1.0


@pytest.mark.parametrize(
    ("csv", "expected"),
    [
        (
            "name,position,date\nA,95 10,2024-01-01\n",
            "bad.csv: row 2 (A): position: '95 10': latitude 95 is out of range",
        ),
        (
            "name,position,date\nA,10 20,05/06/2024\n",
            "bad.csv: row 2 (A): observed: '05/06/2024' is ambiguous",
        ),
        ("name,position,date,count\nA,10 20,2024-01-01,two\n", "count: expected a whole number"),
        (
            "name,position\nA,10 20\n",
            "bad.csv: row 2 (A): observed: missing (required: ISO 8601 date of the report); "
            "give it in the file or with --set observed=VALUE",
        ),
        ("name,date\nA,2024-01-01\n", "bad.csv: row 2 (A): geometry: no position"),
        ("name,lat,date\nA,10,2024-01-01\n", "needs a longitude column"),
        ("name,position,date,category\nA,10 20,2024-01-01,tank\n", "row 2 (A): category:"),
    ],
)
def test_bad_rows_are_located_and_nothing_is_written(
    tmp_path: Path, csv: str, expected: str
) -> None:
    data = write_dataset(tmp_path / "data", red_sea_layers())
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.name[0] != "."}
    sheet = _write(tmp_path, "bad.csv", csv)
    settings = parse_settings(
        ["count=1", "confidence=reported", "uncertainty_km=5", "type=x"], "assets"
    )
    result = import_features([sheet], "assets", data, settings=settings)
    lines = [str(p).replace(str(tmp_path) + "/", "") for p in result.problems]
    assert any(expected in line for line in lines), lines
    assert result.written == [] and result.added == []
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.name[0] != "."} == before


def test_placemarks_times_and_categories_from_folders_and_styles(tmp_path: Path) -> None:
    kml = _write(tmp_path, "red-sea.kml", KML)
    data = write_dataset(tmp_path / "data", red_sea_layers())
    old = _features(data)
    settings = parse_settings(SETTINGS, "assets")
    result = import_features([kml], "assets", data, source="src-a", settings=settings)
    assert result.problems == [] and result.created_sources == []
    found = _by_name(data)
    assert found["USS Carney & escort"]["properties"]["observed"] == "2024-01-12"
    assert found["USS Carney & escort"]["properties"]["notes"] == "seen off Yemen"
    assert found["USS Carney & escort"]["properties"]["category"] == "ship"
    eisenhower = found["Eisenhower"]["properties"]
    assert (eisenhower["observed"], eisenhower["until"]) == ("2023-11-04T10:00:00Z", "2024-06-01")
    assert found["MQ-9"]["properties"]["category"] == "aircraft"  # from the style id
    assert _features(data)[: len(old)] == old  # what was there is kept as it was
    assert reading.load(data).problems == []


def test_kmz_reads_like_its_kml_and_a_doctype_is_refused(tmp_path: Path) -> None:
    kmz = tmp_path / "pins.kmz"
    with zipfile.ZipFile(kmz, "w") as archive:
        archive.writestr("doc.kml", KML)
    data = tmp_path / "data"
    settings = parse_settings(SETTINGS, "assets")
    assert len(import_features([kmz], "assets", data, settings=settings).added) == 3
    hostile = _write(
        tmp_path, "x.kml", '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY e "x">]><kml>&e;</kml>'
    )
    result = import_features([hostile], "assets", data, settings=settings)
    assert "DOCTYPE" in str(result.problems[0]) and result.written == []


def test_geojson_and_geopackage_from_other_tools(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {
            "name": ["Camp Lemonnier", "Berbera"],
            "kind": ["naval base", "airport"],
            "country": ["Djibouti", "Somaliland"],
            "runway_m": [2600, 4140],  # an extra column is kept
        },
        geometry=[Point(43.15, 11.55), Point(44.94, 10.39)],
        crs="EPSG:4326",
    )
    frame.to_file(tmp_path / "bases.json", driver="GeoJSON")
    frame.to_crs("EPSG:3857").to_file(tmp_path / "qgis.gpkg", driver="GPKG")
    data = tmp_path / "data"
    settings = parse_settings(["confidence=confirmed", "uncertainty_km=1"], "bases")
    first = import_features([tmp_path / "bases.json"], "bases", data, settings=settings)
    assert first.problems == [] and len(first.added) == 2
    found = _by_name(data, "bases")
    assert found["Berbera"]["properties"]["runway_m"] == 4140
    assert found["Camp Lemonnier"]["properties"]["id"] == "camp-lemonnier"
    second = import_features([tmp_path / "qgis.gpkg"], "bases", data, settings=settings)
    assert second.problems == [] and len(second.added) == 2  # another file, another source
    lemonnier = [f for f in _features(data, "bases") if f["properties"]["name"] == "Camp Lemonnier"]
    assert lemonnier[1]["properties"]["id"] == "camp-lemonnier-2"  # ids stay unique
    assert lemonnier[1]["geometry"]["coordinates"] == pytest.approx([43.15, 11.55])


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda d, f: parse_settings(["count"], "assets"), "expected FIELD=VALUE"),
        (lambda d, f: parse_settings(["colour=red"], "assets"), "not a field of assets"),
        (lambda d, f: parse_settings(["count=many"], "assets"), "whole number"),
        (lambda d, f: import_features([f], "ships", d), "--layer must be one of"),
        (lambda d, f: import_features([f], "assets", d, source="nope"), "--source 'nope'"),
        (lambda d, f: import_features([f], "assets", default_data_dir()), "default data set"),
    ],
)
def test_bad_options(tmp_path: Path, call, words: str) -> None:
    data = write_dataset(tmp_path / "data", red_sea_layers())
    sheet = _write(tmp_path, "s.csv", SHIPS_CSV)
    with pytest.raises(ImportOptionError, match=words):
        call(data, sheet)


def test_unreadable_layer_file_is_never_overwritten(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", {"assets": "{not json"})
    sheet = _write(tmp_path, "s.csv", SHIPS_CSV)
    with pytest.raises(ImportOptionError, match="fix it before importing"):
        import_features([sheet], "assets", data, settings=parse_settings(SETTINGS, "assets"))
    assert (data / "assets.geojson").read_text() == "{not json"


def test_cli_import(tmp_path: Path, run_cli) -> None:
    sheet = _write(tmp_path, "ships.csv", SHIPS_CSV)
    data = tmp_path / "data"
    sets = [arg for item in SETTINGS for arg in ("--set", item)]
    code, out, _ = run_cli("import", str(sheet), "--layer", "assets", "--data", str(data), *sets)
    assert code == 0 and "added 3 feature(s)" in out and "import-ships" in out
    code, out, _ = run_cli("import", str(sheet), "--layer", "assets", "--data", str(data), *sets)
    assert code == 0 and "added 0 feature(s)" in out and "3 already there" in out
    code, _, err = run_cli("import", str(sheet), "--layer", "assets", "--data", str(data))
    assert code == 1 and "nothing was written" in err and "row 2 (USS Carney)" in err
    code, _, err = run_cli("import", str(sheet), "--layer", "tanks", "--data", str(data))
    assert code == 2 and "--layer must be one of" in err
    code, _, err = run_cli("import", "missing.csv", "--layer", "assets", "--data", str(data))
    assert code == 2 and "no such file" in err


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("many.csv", "name,position\n" + "A,10 20\n" * 4, "more than 3 rows"),
        (
            "many.json",
            json.dumps({"type": "FeatureCollection", "features": [{}] * 4}),
            "more than 3",
        ),
        (
            "many.kml",
            "<kml>" + "<Placemark><name>x</name></Placemark>" * 4 + "</kml>",
            "more than 3",
        ),
        (
            "deep.kml",
            "<kml xmlns='http://www.opengis.net/kml/2.2'>"
            + "<Folder>" * 5000
            + "</Folder>" * 5000
            + "</kml>",
            "nested too deeply",
        ),
        ("bomb.kml", '<!DOCTYPE k [<!ENTITY a "aaaa">]><kml>&a;</kml>', "DOCTYPE"),
        ("blob.bin", "\x00\x01\x02", "binary content"),
        ("book.xlsx", "xl/workbook.xml", "save it as CSV (UTF-8)"),
        ("one.csv", "name\nA\n", "at least two"),
        ("ragged.csv", "name,position\nA,1 2,3\n", "row 2: 3 cells for 2 columns"),
    ],
)
def test_hostile_files_get_one_clear_line(tmp_path: Path, monkeypatch, name, content, words):
    from geo.data import sheets

    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    data = tmp_path / "data"
    path = _write(tmp_path, name, content)
    if name.endswith(".xlsx"):  # a workbook is a zip of XML parts
        with zipfile.ZipFile(path, "w") as book:
            book.writestr(content, "<workbook/>")
    result = import_features([path], "assets", data)
    assert len(result.problems) == 1 and words in str(result.problems[0]), result.problems
    assert str(result.problems[0]).startswith(str(tmp_path / name))
    assert not data.exists()

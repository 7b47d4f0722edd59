"""export kml / export gpkg: Google Earth and QGIS files, and KML round trips through import."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

import pyogrio
import pytest

from geo.analysis.kml import kml_text, write_kml
from geo.data import reading, schema
from geo.data.gpkg import write_gpkg
from geo.data.importing import import_features, parse_settings
from tests.factories import SOURCES, collection, feature, red_sea_layers, ship, write_dataset

KML = "{http://www.opengis.net/kml/2.2}"
GX = "{http://www.google.com/kml/ext/2.2}"


def _without_defaults(props: dict) -> dict:
    """A layer frame fills defaults (affiliation friend...); the export writes them out."""
    defaults = {f.name: f.schema.get("default") for f in schema.fields("assets")}
    return {k: v for k, v in props.items() if defaults.get(k) is None or v != defaults[k]}


def _red_sea_with_track(tmp_path: Path) -> Path:
    layers = red_sea_layers()
    layers["assets"]["features"].append(
        ship("ddg-1-later", 41.0, 17.0, name="USS Stout", entity="ddg-1", observed="2025-10-20")
    )
    line = {"type": "LineString", "coordinates": [[38.5, 20.5], [40.0, 18.0], [42.0, 15.5]]}
    times = ["2025-03-15T08:00:00Z", "2025-03-15T09:00:00Z", "2025-03-15T10:00:00Z"]
    track = feature(
        line,
        id="t-1",
        name="Strike package",
        sources=["src-a"],
        confidence="reported",
        observed="2025-03-15",
        times=times,
    )
    pacific = feature(  # across the antimeridian: two parts, one time per vertex over both
        {
            "type": "MultiLineString",
            "coordinates": [[[179.0, 10.0], [180.0, 10.5]], [[-180.0, 10.5], [-179.0, 11.0]]],
        },
        id="t-2",
        name="Pacific leg",
        sources=["src-a"],
        confidence="reported",
        observed="2025-03-15",
        times=[*times[:2], times[1], times[2]],
    )
    layers["tracks"] = collection(track, pacific)
    return write_dataset(tmp_path / "red-sea", layers)


def test_export_then_import_adds_nothing(tmp_path: Path) -> None:
    data = _red_sea_with_track(tmp_path)
    write_kml(reading.load(data), tmp_path / "out.kml")
    for layer in ("assets", "bases", "strikes", "places", "tracks"):
        before = (data / f"{layer}.geojson").read_bytes()
        result = import_features([tmp_path / "out.kml"], layer, data)
        assert result.problems == []
        assert (len(result.added), result.created_sources) == (0, []), layer
        assert result.already_there == len(json.loads(before)["features"])
        assert (data / f"{layer}.geojson").read_bytes() == before


def test_google_earth_kml_import_export_import(tmp_path: Path) -> None:
    """KML -> import -> export kml -> import: names, dates, positions kept; nothing new."""
    pins = tmp_path / "pins.kml"
    pins.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>Aircraft</name>'
        "<Placemark><name>P-8A</name><TimeSpan><begin>2024-06-08T10:30:00Z</begin>"
        "<end>2024-06-09</end></TimeSpan><Point><coordinates>13.9,55.5</coordinates></Point>"
        "</Placemark><Placemark><name>E-3 Sentry</name><TimeStamp><when>2024-06-10</when>"
        "</TimeStamp><Point><coordinates>18.05,59.33</coordinates></Point></Placemark>"
        "</Folder></Document></kml>",
        encoding="utf-8",
    )
    data = tmp_path / "baltic"
    settings = parse_settings(
        ["count=1", "confidence=reported", "uncertainty_km=20", "type=x"], "assets"
    )
    assert len(import_features([pins], "assets", data, settings=settings).added) == 2
    write_kml(reading.load(data), tmp_path / "out.kmz")
    again = import_features([tmp_path / "out.kmz"], "assets", data)
    assert (again.problems, len(again.added), again.already_there) == ([], 0, 2)
    fresh = write_dataset(
        tmp_path / "fresh", {}, sources=json.loads((data / "sources.json").read_text())
    )
    copied = import_features([tmp_path / "out.kmz"], "assets", fresh)
    assert copied.problems == []
    first = {
        f["properties"]["name"]: f
        for f in json.loads((data / "assets.geojson").read_text())["features"]
    }
    for added in copied.added:
        original = first[added["properties"]["name"]]
        assert _without_defaults(added["properties"]) == original["properties"]
        assert added["geometry"]["coordinates"] == pytest.approx(
            original["geometry"]["coordinates"]
        )


def test_kml_folders_times_circles_tracks_and_escaping(tmp_path: Path) -> None:
    data = _red_sea_with_track(tmp_path)
    layers = json.loads((data / "assets.geojson").read_text())
    layers["features"][0]["properties"]["name"] = "<script>alert(1)</script>"
    layers["features"][0]["properties"]["notes"] = "<img src=x onerror=alert(1)>\x01\x0b"
    (data / "assets.geojson").write_text(json.dumps(layers))
    sources = [{**SOURCES[0], "url": 'https://example.org/a?b="><script>'}]
    (data / "sources.json").write_text(json.dumps(sources))
    root = ET.fromstring(kml_text(reading.load(data)))
    document = root.find(f"{KML}Document")
    folders = {f.findtext(f"{KML}name"): f for f in document.findall(f"{KML}Folder")}
    assert set(folders) == {"bases", "assets", "tracks", "strikes", "places"}
    assert {f.findtext(f"{KML}name") for f in folders["assets"].findall(f"{KML}Folder")} == {
        "aircraft",
        "ship",
    }
    marks = {p.findtext(f"{KML}name"): p for p in root.iter(f"{KML}Placemark")}
    # The report holds until the asset's next report: one Stout on the slider at a time.
    stout = [p for p in root.iter(f"{KML}Placemark") if p.findtext(f"{KML}name") == "USS Stout"]
    spans = sorted(
        (p.findtext(f"{KML}TimeSpan/{KML}begin"), p.findtext(f"{KML}TimeSpan/{KML}end"))
        for p in stout
    )
    assert spans == [("2025-10-01", "2025-10-20"), ("2025-10-20", None)]
    assert marks["us-1"].find(f"{KML}TimeStamp") is not None
    circle = marks["USS Stout"].find(f"{KML}MultiGeometry/{KML}Polygon")
    assert circle is not None
    track = marks["Strike package"].find(f"{GX}Track")
    assert track.findtext(f"{KML}when").startswith("2025-03-15T08:00:00")
    assert len(track.findall(f"{GX}coord")) == 3
    parts = marks["Pacific leg"].findall(f"{GX}MultiTrack/{GX}Track")
    assert [len(p.findall(f"{KML}when")) for p in parts] == [2, 2]
    description = marks["<script>alert(1)</script>"].findtext(f"{KML}description")
    assert "<img" not in description and "&lt;img src=x" in description  # shown as text
    assert 'href="https://example.org/a?b=&quot;&gt;&lt;script&gt;"' in description
    evil = marks["<script>alert(1)</script>"]
    assert evil.findtext(f"{KML}name") == "<script>alert(1)</script>"  # XML-escaped, kept as text


def test_kmz_embeds_icons_and_as_of_cuts_later_reports(tmp_path: Path) -> None:
    data = _red_sea_with_track(tmp_path)
    out = write_kml(reading.load(data), tmp_path / "out.kmz", as_of=date(2025, 10, 5))
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        text = archive.read("doc.kml").decode()
    assert names[0] == "doc.kml"
    assert "files/assets-hostile.png" in names and "files/assets-hostile.png" in text
    assert "2025-10-20" not in text and "USS Stout" in text
    with pytest.raises(FileExistsError):
        write_kml(reading.load(data), out)


def test_gpkg_has_a_table_per_layer(tmp_path: Path) -> None:
    data = _red_sea_with_track(tmp_path)
    dataset = reading.load(data)
    out = write_gpkg(dataset, tmp_path / "out.gpkg")
    tables = dict(pyogrio.list_layers(out))
    assert set(tables) == {"bases", "assets", "tracks", "strikes", "places", "sources"}
    assets = pyogrio.read_dataframe(out, layer="assets")
    assert len(assets) == len(dataset["assets"])
    assert json.loads(assets["sources"].iloc[0]) == ["src-a"]
    assert str(assets.crs) == "EPSG:4326"
    with pytest.raises(FileExistsError):
        write_gpkg(dataset, out)
    for layer in ("assets", "places", "tracks"):  # back in: nothing new, from the bytes too
        result = import_features([("out.gpkg", out.read_bytes())], layer, data)
        assert (result.problems, result.added) == ([], []), layer
        assert result.already_there == len(dataset[layer])


def test_cli_export_kml_and_gpkg(tmp_path: Path, run_cli) -> None:
    data = write_dataset(tmp_path / "red-sea", red_sea_layers())
    code, out, _ = run_cli("export", "kml", str(tmp_path / "a.kml"), "--data", str(data))
    assert code == 0 and "wrote" in out
    code, _, err = run_cli("export", "kml", str(tmp_path / "a.kml"), "--data", str(data))
    assert code == 1 and "--force" in err
    code, _, err = run_cli("export", "kml", str(tmp_path / "a.txt"), "--data", str(data))
    assert code == 2
    code, _, err = run_cli("export", "gpkg", str(tmp_path / "a.kml"), "--data", str(data))
    assert code == 2 and ".gpkg" in err


def test_icon_colours_are_the_web_maps() -> None:
    """Written twice (the web stage comes after analysis); this keeps the two the same."""
    from geo.analysis.kmlstyles import AFFILIATION_RGB
    from geo.web.display import AFFILIATION_COLOUR

    as_hex = {name: "#{:02x}{:02x}{:02x}".format(*rgb) for name, rgb in AFFILIATION_RGB.items()}
    assert as_hex == AFFILIATION_COLOUR


@pytest.mark.parametrize("theatre", ["default", "red-sea"])
def test_kmz_icons_are_the_maps_symbols(tmp_path: Path, browser, theatre: str) -> None:
    """One PNG per distinct symbol, ICON_PX square, drawn, and every placemark uses its own."""
    import io

    from PIL import Image

    from geo.data.paths import default_data_dir
    from geo.slides.icons import ICON_PX, kmz_icons
    from geo.web.features import symbol_codes

    data = default_data_dir() if theatre == "default" else _red_sea_with_track(tmp_path)
    dataset = reading.load(data)
    icons, styles = kmz_icons(dataset, browser=browser)
    out = write_kml(dataset, tmp_path / "out.kmz", icons=icons, styles=styles)
    codes = {c for layer in ("assets", "bases") for c in symbol_codes(dataset[layer], layer)}
    with zipfile.ZipFile(out) as archive:
        root = ET.fromstring(archive.read("doc.kml"))
        pngs = {n[6:-4]: archive.read(n) for n in archive.namelist() if n.startswith("files/")}
    assert {f"sidc-{code}" for code in codes} <= set(pngs)
    for style in set(styles.values()):
        image = Image.open(io.BytesIO(pngs[style]))
        assert (image.format, image.size) == ("PNG", (ICON_PX, ICON_PX)), style
        alpha = image.convert("RGBA").getchannel("A").getextrema()
        assert alpha == (0, 255), style  # drawn, on a transparent background
    hrefs = {
        s.get("id"): s.find(f"{KML}IconStyle/{KML}Icon/{KML}href").text
        for s in root.iter(f"{KML}Style")
    }
    assert all(hrefs[style] == f"files/{style}.png" for style in styles.values())
    used = 0
    for placemark in root.iter(f"{KML}Placemark"):
        fid = next(d for d in placemark.iter(f"{KML}Data") if d.get("name") == "id")[0].text
        if fid in styles:
            assert placemark.find(f"{KML}styleUrl").text == f"#{styles[fid]}"
            used += 1
    assert used == len(styles) > 0


def test_kmz_without_chromium_has_shapes_and_one_warning(tmp_path, run_cli, monkeypatch) -> None:
    monkeypatch.setenv("POSTUREMAP_CHROMIUM", str(tmp_path / "no-chromium"))
    data = write_dataset(tmp_path / "red-sea", red_sea_layers())
    code, stdout, stderr = run_cli("export", "kml", str(tmp_path / "a.kmz"), "--data", str(data))
    assert code == 0 and "wrote" in stdout
    assert stderr.count("\n") == 1 and stderr.startswith("warning: KMZ icons drawn as coloured")
    with zipfile.ZipFile(tmp_path / "a.kmz") as archive:
        names = archive.namelist()
    assert "files/assets-hostile.png" in names and not any("sidc-" in n for n in names)


def test_a_null_killed_comes_back_null_from_kml(tmp_path: Path) -> None:
    """Red Sea strike us-2 has killed null (unknown): KML writes null, import reads null."""
    data = _red_sea_with_track(tmp_path)
    out = write_kml(reading.load(data), tmp_path / "out.kml")
    fresh = write_dataset(tmp_path / "fresh", {}, sources=SOURCES)
    for layer in ("bases", "strikes"):
        result = import_features([out], layer, fresh)
        assert result.problems == [] and result.added, layer
    strikes = json.loads((fresh / "strikes.geojson").read_text())["features"]
    killed = {f["properties"]["name"]: f["properties"]["killed"] for f in strikes}
    assert killed["us-2"] is None and killed["us-1"] == 30
    assert import_features([out], "strikes", data).already_there == len(strikes)

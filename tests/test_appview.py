"""What the app shows (geo.appview): figures, the table, a feature's details, uploads, downloads."""

from __future__ import annotations

import io as _io
import json
import zipfile
from datetime import date

import pandas as pd
import pytest
import shapely

from geo import appstate, appview, escape, io
from geo.appstate import ViewState
from tests.conftest import SOURCES, collection, feature, point, tiny_files, valid_layers


def test_figures_follow_the_date(tiny: io.Dataset) -> None:
    early = appview.figures(appstate.in_view(tiny, ViewState(as_of=date(2025, 9, 1))))
    late = appview.figures(appstate.in_view(tiny, ViewState()))
    assert (early["strikes"], early["killed"]) == (0, 0)
    assert (late["strikes"], late["killed"], late["killed_unknown"]) == (2, 3, 1)
    assert late["ships"] == 1


def test_features_table_joins_the_analysis(tiny: io.Dataset) -> None:

    analysis = pd.DataFrame(
        {"id": ["a1-later", "b1"], "to_nm": [120.0, 480.0], "nearest_base": ["b1", None]}
    )
    table = appview.features_table(appstate.in_view(tiny, ViewState()), analysis)
    assert len(table) == 6  # one asset report of two: the latest
    assert list(table.columns[:3]) == ["layer", "id", "name"]
    row = table.set_index("id").loc["a1-later"]
    assert (row["to_nm"], row["nearest_base"], row["lat"], row["lon"]) == (120.0, "b1", 12.5, -66.0)
    track = table.set_index("id").loc["t1"]
    assert -93.6 <= track["lon"] <= -67.0


def test_details_of_an_asset(tiny: io.Dataset) -> None:
    details = appview.feature_details(tiny, "a1-later", as_of=date(2025, 9, 15))
    assert (details.layer, details.name) == ("assets", "Ship One")
    fields = dict(details.properties.values.tolist())
    assert fields["category"] == "ship"
    assert fields["observed"] == "2025-10-01"
    assert fields["position"].startswith("12.5000, -66.0000")
    assert details.sources["url"].tolist() == ["https://example.org/report"]
    assert details.history["id"].tolist() == ["a1", "a1-later"]
    assert details.history["after_as_of"].tolist() == [False, True]


def test_details_show_only_http_links(tiny: io.Dataset) -> None:
    # io refuses such a sources.json; the panel must not rely on that alone.
    bases = tiny["bases"].copy()
    bases["source_refs"] = [[dict(SOURCES[0], url="javascript:alert(1)")]]
    tiny.layers["bases"] = bases
    details = appview.feature_details(tiny, "b1")
    assert details.sources["url"].isna().all()
    assert details.sources["title"].tolist() == ["Test report"]
    assert details.history.empty


def test_details_of_an_unknown_id(tiny: io.Dataset) -> None:
    assert appview.feature_details(tiny, "nope") is None


def test_analysis_lines_escape_markdown() -> None:
    lines = appview.analysis_lines(
        {
            "nearest_base": "[x](javascript:alert(1))",
            "nearest_base_nm": 10,
            "to_nm": 100,
            "home_base": "b1",
            "home_base_nm": float("nan"),
            "zone": "EEZ (approximate)",
            "coastal_state": "Venezuela",
            "coast_nm": 80.4,
            "nearest_asset": None,
        },
        "*Caracas*",
        names={"b1": "Base One"},
    )
    assert lines == [
        "To \\*Caracas\\*: **100 nm (185 km)**",
        "Nearest base: **\\[x\\]\\(javascript\\:alert\\(1\\)\\)**, 10 nm (19 km)",
        "Home base: **Base One**",
        "Zone: **EEZ \\(approximate\\)** of Venezuela, 80 nm (149 km) from its coast",
    ]


def test_details_carry_the_analysis(tiny: io.Dataset) -> None:
    analysis = appview.analysis_of(tiny, "caracas")
    assert set(analysis["id"]) == {"b1", "a1", "a1-later", "s1", "s2", "caracas"}  # points
    details = appview.feature_details(tiny, "a1", analysis)
    assert details.analysis["home_base"] == "b1"
    assert 145 < details.analysis["to_nm"] < 160  # (-66.5, 13.0) to Caracas: about 153 nm
    table = appview.features_table(tiny, analysis)
    assert table.set_index("id").loc["caracas", "to_nm"] == 0


def test_analysis_with_an_unknown_place_has_no_distances(tiny: io.Dataset) -> None:
    analysis = appview.analysis_of(tiny, "atlantis")
    assert analysis["to_nm"].isna().all() and len(analysis) == 6


@pytest.mark.parametrize(
    ("origin", "ring_nm", "rings"),
    [("b1", 100.0, 1), ("a1", 250.0, 1), ("nope", 100.0, 0)],
)
def test_rings_around_a_base_or_an_asset(tiny: io.Dataset, origin, ring_nm, rings) -> None:
    view = appstate.in_view(tiny, ViewState())
    found = appview.rings_for(view, origin, ring_nm)
    assert len(found) == rings
    if rings:
        assert found["radius_nm"].iloc[0] == pytest.approx(ring_nm)
    if origin == "a1":  # the entity: the ring follows the latest report, a1-later
        assert found["center_id"].iloc[0] == "a1-later"
        assert found.geometry.iloc[0].centroid.distance(shapely.Point(-66.0, 12.5)) < 0.1


def test_ring_options_name_assets_by_entity(tiny: io.Dataset) -> None:
    options = appview.options_for_rings(appstate.in_view(tiny, ViewState()))
    assert options == {"b1": "Base One (base)", "a1": "Ship One (guided-missile destroyer)"}


def test_zones_of_a_state() -> None:
    bands = appview.zones_for("VEN")
    assert len(bands) == 3 and set(bands["iso_a3"]) == {"VEN"}
    assert appview.zones_for("XXX") is None


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = _io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"mydata/{name}", data)
    return buffer.getvalue()


def test_upload_of_a_zip_is_unpacked() -> None:
    files, problems = appview.upload_files({"mine.zip": zipped(tiny_files())})
    assert problems == []
    dataset = io.load_bytes(files)
    assert dataset.problems == [] and dataset.feature_count == 7


def test_bad_uploads_list_every_problem() -> None:
    layers = valid_layers()
    layers["assets"] = collection(
        feature(
            point(13.0, -166.5),
            id="x1",
            name="Swapped",
            category="ship",
            type="t",
            count=1,
            observed="2025-09-01",
            uncertainty_km=1,
            sources=["src-a"],
            confidence="reported",
        ),
        feature(
            point(-66, 12),
            id="x2",
            name="Bad date",
            category="ship",
            type="t",
            count=1,
            observed="yesterday",
            uncertainty_km=1,
            sources=["src-a"],
            confidence="sure",
        ),
    )
    files, problems = appview.upload_files(
        {**tiny_files(layers), "broken.zip": b"not a zip", "notes.geojson": b"{}"}
    )
    dataset = io.load_bytes(files)
    table = appview.problems_table([*problems, *dataset.problems])
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
    assert appview.content_key(files) == appview.content_key(dict(reversed(files.items())))
    changed = {**files, "bases.geojson": files["bases.geojson"] + b" "}
    assert appview.content_key(changed) != appview.content_key(files)


def test_geojson_download_round_trips(tiny: io.Dataset) -> None:
    view = appstate.in_view(tiny, ViewState(as_of=date(2025, 9, 15)))
    document = json.loads(appview.dataset_geojson(view))
    assert document["type"] == "FeatureCollection"
    by_layer = {}
    for item in document["features"]:
        by_layer.setdefault(item["properties"]["layer"], []).append(item["properties"]["id"])
    assert by_layer == {"bases": ["b1"], "assets": ["a1"], "strikes": ["s1"], "places": ["caracas"]}


def test_markdown_text_is_literal() -> None:
    assert escape.markdown_text("**bold** <b>") == "\\*\\*bold\\*\\* \\<b\\>"


def test_nearby_states_include_venezuela(tiny: io.Dataset) -> None:
    states = appview.nearby_states(tiny)
    assert states["VEN"] == "Venezuela"
    assert "FRA" not in states or states["FRA"]  # names are present for every code
    assert "AUS" not in states


def test_table_selection_selects_once(tiny: io.Dataset) -> None:
    table = appview.features_table(tiny)
    session: dict = {}
    appstate.take_table_selection(session, [2], table)
    assert session["selected"] == table["id"][2]
    session["selected"] = "b1"
    appstate.take_table_selection(session, [2], table)  # the table still reports row 2
    assert session["selected"] == "b1"
    appstate.take_table_selection(session, [99], table)
    assert session["selected"] == "b1"


def test_nearest_asset_is_measured_at_the_date(tiny: io.Dataset) -> None:
    whole = appview.analysis_of(tiny, "caracas").set_index("id")
    assert whole.loc["a1-later", "nearest_asset"] == "a1"  # its own earlier report
    at_date = appview.analysis_at(tiny, whole.reset_index(), None).set_index("id")
    assert at_date.loc["a1-later", "nearest_asset"] is None  # the only asset at the date
    assert at_date.loc["s1", "nearest_asset"] == "a1-later"
    early = appview.analysis_at(tiny, whole.reset_index(), date(2025, 9, 15)).set_index("id")
    assert early.loc["s1", "nearest_asset"] == "a1"
    assert 20 < early.loc["s1", "nearest_asset_nm"] < 80  # (-66.9, 11.8) to (-66.5, 13.0)


def test_headline(tiny: io.Dataset) -> None:
    details = appview.feature_details(tiny, "a1-later")
    assert appview.headline(details) == "asset · observed 2025\\-10\\-01 · ± 300 km · reported"


def test_ring_lines_name_ranges_and_link_sources() -> None:
    rings = pd.DataFrame(
        {
            "label": ["F-35A combat radius: 1,093 km (590 nm)", "500 km (270 nm)"],
            "source": ["Lockheed Martin", "radius given by the user"],
            "url": ["https://www.f35.com/", None],
        }
    )
    assert appview.ring_lines(rings) == [
        "- F\\-35A combat radius\\: 1,093 km \\(590 nm\\) · [Lockheed Martin](https://www.f35.com/)",
        "- 500 km \\(270 nm\\) · radius given by the user",
    ]
    assert appview.ring_lines(None) == []


def test_ring_origins_include_entities(tiny: io.Dataset) -> None:
    assert appview.ring_origins(tiny) == {"b1", "a1", "a1-later"}

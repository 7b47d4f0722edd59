"""The Streamlit script (app.py) run by ``streamlit.testing.v1.AppTest``.

AppTest runs the script but not the map component: ``st_folium`` shows up as a
component element whose arguments can be read, and its return value (a click, a
move) is set through ``session_state["map"]`` the way its ``on_change`` sets it.
"""

from __future__ import annotations

import hashlib
import io as _io
import json
import re
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import geo
from geo.app import network
from geo.data import selection
from tests.conftest import page_payload
from tests.factories import SOURCES, collection, red_sea_layers, ship, valid_layers

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")
TIMEOUT = 120


@pytest.fixture(autouse=True)
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tile servers answer (the app's own look, geo.app.network, is faked)."""
    monkeypatch.setattr(network, "tiles_reachable", lambda wait_s=0.5: True)


@pytest.fixture(scope="module")
def default_days(default_dataset: geo.Dataset) -> list[date]:
    return selection.dates_in(default_dataset)


def start(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> dict[str, int]:
    # "≥ 18", "~10,000": the number without its qualifier
    return {m.label: int(re.sub(r"[^0-9]", "", m.value)) for m in at.metric}


def map_args(at: AppTest) -> dict[str, Any]:
    (element,) = [
        e for e in at.main if getattr(e.proto, "component_name", "").endswith("st_folium")
    ]
    return json.loads(element.proto.json_args)


def widget(at: AppTest, kind: str, label: str) -> Any:
    found = [w for w in getattr(at, kind) if w.label == label]
    assert found, f"no {kind} labelled {label!r}"
    return found[0]


def test_start_up_shows_figures_map_and_widgets(default_dataset: geo.Dataset) -> None:
    at = start()
    numbers = figures(at)
    assert list(numbers) == ["Ships", "Aircraft", "Personnel", "Strikes", "Killed"]
    summary = selection.summary(selection.as_of(default_dataset))
    assert numbers["Ships"] == summary["ships"] + summary["submarines"]
    assert numbers["Killed"] == summary["killed"]
    assert widget(at, "select_slider", "As of").value == selection.latest_date(default_dataset)
    assert "offline" in widget(at, "selectbox", "Basemap").options
    assert set(widget(at, "multiselect", "Layers").value) == set(geo.LAYERS)
    # the bundled default is read-only: no edit controls, only "Edit a copy"
    assert "Edit a copy" in [b.label for b in at.button]
    assert not {b.key for b in at.button} & {"add_submit", "undo", "upd_submit"}
    args = map_args(at)
    assert args["js_links"] and all(u.startswith("/app/static/vendor/") for u in args["js_links"])
    assert all(u.startswith("/app/static/vendor/") for u in args["css_links"])
    for name in args["js_links"] + args["css_links"]:
        assert (REPO / name.removeprefix("/app/").split("?")[0]).is_file(), name
    labels = [b.label for b in at.get("download_button")]
    assert any("CSV" in label for label in labels)
    assert any("HTML" in label for label in labels)
    assert any("GeoJSON" in label for label in labels)
    assert dict(at.query_params) == {}


def test_date_changes_the_figures_and_the_url(default_days: list[date]) -> None:
    at = start()
    latest = figures(at)
    widget(at, "select_slider", "As of").set_value(default_days[0])
    rerun(at)
    earliest = figures(at)
    assert earliest != latest
    assert earliest["Strikes"] < latest["Strikes"]
    assert at.query_params["date"] == default_days[0].isoformat()


def test_window_keeps_only_recent_strikes() -> None:
    at = start()
    before = figures(at)["Strikes"]
    widget(at, "selectbox", "Strikes and tracks").set_value(1)
    rerun(at)
    assert figures(at)["Strikes"] < before
    assert at.query_params["window"] == "1"


@pytest.mark.parametrize(
    ("kind", "label", "value", "zeroed"),
    [
        ("multiselect", "Layers", ["bases", "places"], ["Ships", "Aircraft", "Strikes"]),
        ("multiselect", "Category", ["ship", "submarine"], ["Aircraft"]),
        ("multiselect", "Affiliation", ["hostile"], ["Ships", "Aircraft", "Personnel"]),
    ],
)
def test_filters_change_the_figures(kind, label, value, zeroed) -> None:
    at = start()
    before = figures(at)
    widget(at, kind, label).set_value(value)
    rerun(at)
    after = figures(at)
    for name in zeroed:
        assert before[name] > 0 and after[name] == 0, name


def test_group_filter_and_freshness_reach_the_map_and_the_link() -> None:
    """Group: only the ready group's members (no group chosen: every asset); freshness: the
    map's faded-after days; both in the link (read back: tests/test_appstate.py)."""
    at = start()
    group = widget(at, "multiselect", "Group")
    assert group.options == ["Iwo Jima Amphibious Ready Group"] and group.value == []
    assert map_payload(at)["freshness"]["days"] == 14
    group.set_value(["Iwo Jima Amphibious Ready Group"])
    widget(at, "number_input", "Faded after (days)").set_value(60)
    rerun(at)
    assert figures(at)["Ships"] == 3  # Iwo Jima, San Antonio, Fort Lauderdale (and the MEU)
    payload = map_payload(at)
    assert payload["freshness"]["days"] == 60
    assert dict(at.query_params)["group"] == "Iwo Jima Amphibious Ready Group"
    assert dict(at.query_params)["stale"] == "60"


def test_shared_link_sets_the_widgets(default_days: list[date]) -> None:
    day = default_days[len(default_days) // 2]
    at = start(
        date=day.isoformat(),
        layers="assets",
        basemap="offline",
        unc="0",
        view="15.0,-70.0,6",
        ring="uss-gravely",
        zone="VEN",
    )
    assert widget(at, "selectbox", "Rings around").value == "uss-gravely"
    assert widget(at, "selectbox", "Maritime zones of").value == "VEN"
    assert widget(at, "select_slider", "As of").value == day
    assert widget(at, "multiselect", "Layers").value == ["assets"]
    assert widget(at, "selectbox", "Basemap").value == "offline"
    assert widget(at, "toggle", "Uncertainty circles").value is False
    assert figures(at)["Strikes"] == 0
    args = map_args(at)
    assert (args["center"], args["zoom"]) == ([15.0, -70.0], 6)


def test_garbage_in_the_link_is_ignored() -> None:
    at = start(date="tomorrow", layers="nukes", basemap="<script>", sel="nope", view="a,b,c")
    assert widget(at, "multiselect", "Layers").value == []
    assert widget(at, "selectbox", "Basemap").value == "light"
    assert widget(at, "selectbox", "Feature").value == ""


def asset_click(dataset: geo.Dataset, fid: str) -> dict[str, Any]:
    row = dataset["assets"].set_index("id").loc[fid]
    return {
        "last_object_clicked": {"lat": row.geometry.y, "lng": row.geometry.x},
        "last_active_drawing": None,
        "last_object_clicked_tooltip": None,
        "zoom": 7,
        "center": {"lat": 14.0, "lng": -68.0},
    }


def test_click_shows_details_and_history_without_rebuilding_the_map(
    default_dataset: geo.Dataset,
) -> None:
    at = start()
    key_before = map_args(at)["key"]
    shown = selection.as_of(default_dataset)["assets"]
    fid = str(shown["id"].iloc[0])
    at.session_state["map"] = asset_click(default_dataset, fid)
    rerun(at)
    assert widget(at, "selectbox", "Feature").value == fid
    text = " ".join(m.value for m in at.markdown)
    assert "Sources" in text
    history = [d for d in at.dataframe if len(d.value) and "after_as_of" in d.value]
    assert history and fid in set(history[0].value["id"])
    assert at.query_params["sel"] == fid
    args = map_args(at)
    assert args["key"] == key_before  # same map: only the highlight group changed
    assert args["feature_group"]


def test_filter_change_rebuilds_the_map_at_the_same_view() -> None:
    at = start()
    at.session_state["map"] = {
        "center": {"lat": 16.51234567, "lng": -72.2},
        "zoom": 7,
        "last_object_clicked": None,
    }
    rerun(at)
    key_before = map_args(at)["key"]
    widget(at, "multiselect", "Layers").set_value(["bases", "assets"])
    rerun(at)
    args = map_args(at)
    assert args["key"] != key_before
    assert (args["center"], args["zoom"]) == ([16.5123, -72.2], 7)
    assert at.query_params["view"] == "16.5123,-72.2000,7"


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = _io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"data/{name}", data)
    return buffer.getvalue()


def as_files(layers: dict[str, Any]) -> list[tuple[str, bytes, str]]:
    files = [
        (f"{name}.geojson", json.dumps(fc).encode(), "application/geo+json")
        for name, fc in layers.items()
    ]
    return [*files, ("sources.json", json.dumps(SOURCES).encode(), "application/json")]


def data_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO / "data").iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_bad_upload_lists_every_problem_and_keeps_the_rest() -> None:
    before = data_digest()
    layers = valid_layers()
    layers["assets"] = collection(
        *layers["assets"]["features"],
        ship("x1", 13.0, -166.5, name="Swapped"),
        ship("x2", -66, 12, name="Bad", category="tank", count=0, sources=["nope"]),
    )
    at = start()
    at.file_uploader[0].set_value(as_files(layers))
    rerun(at)
    assert any("problem" in w.value for w in at.warning)
    (table,) = [d.value for d in at.dataframe if "problem" in d.value.columns]
    rows = {(r.file, r.id, r.field) for r in table.itertuples()}
    assert ("assets.geojson", "x1", "geometry") in rows
    assert {("assets.geojson", "x2", f) for f in ("category", "count", "sources")} <= rows
    assert all(table["feature"].str.startswith("feature "))
    # The valid features are shown: the tiny set's ship as of its latest date.
    assert figures(at)["Ships"] == 1 and figures(at)["Killed"] == 3
    assert data_digest() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("broken.zip", b"PK not really", "application/zip"), "not a valid zip file"),
        (("assets.geojson", b"{not json", "application/geo+json"), "assets.geojson"),
    ],
)
def test_unreadable_uploads_are_reported(upload, message) -> None:
    at = start()
    at.file_uploader[0].set_value([upload])
    rerun(at)
    (table,) = [d.value for d in at.dataframe if "problem" in d.value.columns]
    assert any(message in " ".join(map(str, row)) for row in table.itertuples())


def test_zip_upload_replaces_the_default_data() -> None:
    files = {name: data for name, data, _ in as_files(valid_layers())}
    at = start()
    at.file_uploader[0].set_value(("mydata.zip", zipped(files), "application/zip"))
    rerun(at)
    assert not at.warning
    assert figures(at) == {"Ships": 1, "Aircraft": 0, "Personnel": 0, "Strikes": 2, "Killed": 3}
    assert widget(at, "select_slider", "As of").options == [
        d.isoformat()
        for d in [
            date(2025, 9, 1),
            date(2025, 9, 2),
            date(2025, 10, 1),
            date(2025, 10, 2),
            date(2025, 10, 15),
        ]
    ]


def test_a_red_sea_upload_is_framed_and_measured_on_its_own_theatre() -> None:
    files = {name: data for name, data, _ in as_files(red_sea_layers())}
    at = start()
    at.file_uploader[0].set_value(("red-sea.zip", zipped(files), "application/zip"))
    rerun(at)
    # Distances go to the data's capital, not to a Caribbean city the app once assumed.
    assert widget(at, "selectbox", "Distances to").value == "sanaa"
    assert figures(at)["Ships"] == 2  # the Nimitz is en route: listed, not counted
    assert "to" not in at.query_params  # the default place is not written in the link
    (south, west), (north, east) = map_payload(at)["bounds"]
    assert 30 < west < east < 60 and 5 < south < north < 35, (west, south, east, north)


def report_view(at: AppTest, lat: float, lng: float, zoom: int) -> AppTest:
    """The map reports its view, as st_folium's on_change does."""
    at.session_state["map"] = {
        "center": {"lat": lat, "lng": lng},
        "zoom": zoom,
        "last_object_clicked": None,
    }
    return rerun(at)


def test_each_data_set_is_framed_on_its_own_features() -> None:
    """The automatic view the map reports back is no choice of the user's (no view in the
    link); a moved view is, until new data: a Red Sea upload opens on the Red Sea."""
    from tests.test_framing import red_sea_layers

    at = start()
    (lat, lng), zoom = map_args(at)["center"], map_args(at)["zoom"]
    assert 8 < lat < 22 and -75 < lng < -58  # the Caribbean, not Texas to Trinidad
    report_view(at, lat + 0.01, lng - 0.01, zoom)  # its own view, rounded to its pixels
    assert "view" not in dict(at.query_params)
    report_view(at, 16.5, -72.2, 7)  # the user moved it
    assert at.query_params["view"] == "16.5000,-72.2000,7"
    at.file_uploader[0].set_value(as_files(red_sea_layers()))
    rerun(at)
    (lat, lng), zoom = map_args(at)["center"], map_args(at)["zoom"]
    assert 10 < lat < 25 and 35 < lng < 50, (lat, lng)
    assert "view" not in dict(at.query_params)


def test_rings_zones_and_distances(default_dataset: geo.Dataset) -> None:
    at = start()
    widget(at, "selectbox", "Rings around").set_value("f-35-puerto-rico")
    rerun(at)
    nominal = " ".join(m.value for m in at.markdown)
    assert "combat radius" in nominal  # the nominal ranges drawn, with their sources
    widget(at, "selectbox", "Rings around").set_value("roosevelt-roads")
    rerun(at)
    assert any("No nominal range" in c.value for c in at.caption)
    widget(at, "selectbox", "Rings around").set_value("f-35-puerto-rico")
    widget(at, "radio", "Range").set_value("custom")
    rerun(at)
    widget(at, "number_input", "Radius (nautical miles)").set_value(300.0)
    widget(at, "selectbox", "Maritime zones of").set_value("VEN")
    widget(at, "selectbox", "Distances to").set_value("maiquetia")
    widget(at, "selectbox", "Feature").set_value("uss-gravely-2025-10-23")
    rerun(at)
    params = {key: at.query_params[key] for key in ("ring", "ring_nm", "zone", "to", "sel")}
    assert params == {
        "ring": "f-35-puerto-rico",
        "ring_nm": "300",
        "zone": "VEN",
        "to": "maiquetia",
        "sel": "uss-gravely-2025-10-23",
    }
    place = default_dataset["places"].set_index("id").loc["maiquetia", "name"]
    text = " ".join(m.value for m in at.markdown)
    assert f"To {place}" in text.replace("\\", "")
    assert "Zone:" in text


def map_payload(at: AppTest) -> dict[str, Any]:
    """The data the map's script draws from (``geo.web.script.MapData``)."""
    return page_payload(map_args(at)["html"])


def end_of_day(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()) + 86400


def test_timeline_toggle_plays_the_filtered_history(
    default_dataset: geo.Dataset, default_days: list[date]
) -> None:
    at = start()
    assert widget(at, "toggle", "Play the timeline").value is False
    off = map_payload(at)
    assert off["timeline"] is None
    shown = selection.as_of(default_dataset)
    assert len(off["kind"]) == sum(len(frame) for frame in shown.layers.values())
    at.session_state["map"] = {"center": {"lat": 14.25, "lng": -66.5}, "zoom": 6}
    rerun(at)
    key_off, numbers = map_args(at)["key"], figures(at)

    widget(at, "toggle", "Play the timeline").set_value(True)
    rerun(at)
    assert at.query_params["play"] == "1"
    args, on = map_args(at), map_payload(at)
    assert args["key"] != key_off  # a new map, handed the view the user had
    assert (args["center"], args["zoom"]) == ([14.25, -66.5], 6)
    # Every report (not one day's), the slider starting at the as-of date.
    assert len(on["kind"]) == default_dataset.feature_count > len(off["kind"])
    assert on["timeline"]["start"] == end_of_day(default_days[0])
    assert on["timeline"]["now"] == on["timeline"]["end"] == end_of_day(default_days[-1])
    assert figures(at) == numbers  # the figures still follow the as-of slider

    widget(at, "toggle", "Play the timeline").set_value(False)
    rerun(at)
    assert "play" not in at.query_params
    assert map_payload(at)["timeline"] is None
    assert map_args(at)["key"] != args["key"]


def test_timeline_link_starts_at_the_as_of_date(
    default_dataset: geo.Dataset, default_days: list[date]
) -> None:
    day = default_days[len(default_days) // 2]
    at = start(play="1", date=day.isoformat(), layers="assets,strikes")
    assert widget(at, "toggle", "Play the timeline").value is True
    payload = map_payload(at)
    assert payload["timeline"]["now"] == end_of_day(day)
    # The layer filter still applies: every asset and strike report, nothing else.
    assert len(payload["kind"]) == len(default_dataset["assets"]) + len(default_dataset["strikes"])
    assert at.query_params["play"] == "1" and at.query_params["date"] == day.isoformat()


@pytest.mark.parametrize(("play", "selects_old_report"), [("1", True), ("0", False)])
def test_timeline_click_can_name_an_earlier_report(
    default_dataset: geo.Dataset, play: str, selects_old_report: bool
) -> None:
    """With the timeline the map also draws reports older than the as-of date: a click on one
    (named by the clicked layer's id) selects it; without, only what is in view can be."""
    shown = set(selection.as_of(default_dataset)["assets"]["id"])
    older = default_dataset["assets"][~default_dataset["assets"]["id"].isin(shown)]
    fid = str(older["id"].iloc[0])
    at = start(play=play)
    click = asset_click(default_dataset, fid)
    at.session_state["map"] = {**click, "last_active_drawing": {"properties": {"id": fid}}}
    rerun(at)
    assert (widget(at, "selectbox", "Feature").value == fid) is selects_old_report
    if selects_old_report:
        assert at.query_params["sel"] == fid
        assert any("Not in view at the as-of date" in i.value for i in at.info)

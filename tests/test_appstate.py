"""The app's pure logic (geo.appstate): URL round trip, clicks, tables, details, uploads."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from geo import appstate, io, selection
from geo.appstate import ViewState


@pytest.fixture
def days(tiny: io.Dataset) -> list[date]:
    return selection.dates_in(tiny)


# --- URL ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        ViewState(),
        ViewState(as_of=date(2025, 9, 2), window=30),
        ViewState(
            layers=("assets", "strikes"),
            categories=("ship",),
            affiliations=(),
            confidences=("confirmed", "reported"),
        ),
        ViewState(basemap="offline", uncertainty=False, zone_state="VEN", to="b1"),
        ViewState(ring_origin="b1", ring_nm=450.5, selected="a1-later"),
        ViewState(center=(12.3456, -66.5), zoom=6),
        ViewState(timeline=True, as_of=date(2025, 9, 1)),
    ],
)
def test_query_round_trip(state: ViewState, days: list[date], tiny: io.Dataset) -> None:
    ids = appstate.all_features(tiny)["id"]
    params = appstate.encode_query(state)
    assert all(isinstance(v, str) for v in params.values())
    assert appstate.decode_query(params, days, ids) == state


def test_defaults_make_an_empty_query() -> None:
    assert appstate.encode_query(ViewState()) == {}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date": "not-a-date"}, ViewState()),
        ({"date": "2031-01-01"}, ViewState()),  # after the data: the latest date
        ({"date": "2025-09-20"}, ViewState(as_of=date(2025, 9, 2))),  # snapped back
        ({"date": "1999-01-01"}, ViewState(as_of=date(2025, 9, 1))),  # before: the first
        ({"window": "13"}, ViewState()),
        ({"window": "7"}, ViewState(window=7)),
        ({"layers": "assets,nonsense"}, ViewState(layers=("assets",))),
        ({"layers": ""}, ViewState(layers=())),
        ({"basemap": "javascript:alert(1)"}, ViewState()),
        ({"unc": "maybe"}, ViewState()),
        ({"play": "yes"}, ViewState()),
        ({"play": "1"}, ViewState(timeline=True)),
        ({"ring": "no-such-id", "sel": "<script>"}, ViewState()),
        ({"ring_nm": "-5"}, ViewState()),
        ({"ring_nm": "nan"}, ViewState()),
        ({"zone": "ve"}, ViewState()),
        ({"zone": "ven"}, ViewState(zone_state="VEN")),
        ({"view": "91,0,5"}, ViewState()),
        ({"view": "10,-66,x"}, ViewState()),
        ({"view": "10,-66,99"}, ViewState(center=(10.0, -66.0), zoom=20)),
        ({"sel": ["a1", "s1"]}, ViewState(selected="s1")),
    ],
)
def test_decode_ignores_what_is_invalid(params, expected, days, tiny) -> None:
    ids = appstate.all_features(tiny)["id"]
    assert appstate.decode_query(params, days, ids) == expected


def test_widgets_round_trip(days: list[date]) -> None:
    state = ViewState(
        as_of=days[0],
        window=7,
        layers=("assets",),
        basemap="dark",
        ring_origin="b1",
        ring_nm=300.0,
        zone_state="VEN",
        to="b1",
        timeline=True,
    )
    values = appstate.widget_values(state, days)
    assert values["layers"] == ["assets"]
    assert values["categories"] == list(appstate.CHOICES["categories"])
    assert appstate.state_from_widgets(values, days) == state


def test_latest_date_is_stored_as_none(days: list[date]) -> None:
    values = appstate.widget_values(ViewState(), days)
    assert values["as_of"] == days[-1]
    assert appstate.state_from_widgets(values, days).as_of is None


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [(None, None), (["a", "b", "c"], None), (["c", "a"], ("a", "c")), ([], ()), (["x"], ())],
)
def test_normalise_choice(chosen, expected) -> None:
    assert appstate.normalise_choice(chosen, ("a", "b", "c")) == expected


@pytest.mark.parametrize(
    ("window", "expected"), [(None, None), (1, date(2025, 10, 7)), (7, date(2025, 10, 1))]
)
def test_window_start(window, expected) -> None:
    assert appstate.window_start(date(2025, 10, 7), window) == expected


# --- selection ----------------------------------------------------------------------------


def test_filters_empty_the_layers(tiny: io.Dataset) -> None:
    view = appstate.in_view(tiny, ViewState(layers=("bases",)))
    assert {name: len(frame) for name, frame in view.layers.items()} == {
        "bases": 1,
        "assets": 0,
        "tracks": 0,
        "strikes": 0,
        "places": 0,
    }


# --- clicks -------------------------------------------------------------------------------


def test_click_on_a_geojson_feature_names_it(tiny: io.Dataset) -> None:
    features = appstate.all_features(tiny)
    returned = {
        "last_object_clicked": {"lat": 0, "lng": 0},
        "last_active_drawing": {"type": "Feature", "properties": {"id": "s2"}},
    }
    assert appstate.clicked_feature_id(returned, features) == "s2"


@pytest.mark.parametrize(
    ("lat", "lng", "zoom", "tooltip", "expected"),
    [
        (13.0, -66.5, 6, None, "a1"),  # on the point
        (13.05, -66.45, 6, None, "a1"),  # a few pixels away
        (15.0, -60.0, 8, None, None),  # far from everything: a click on the basemap
        (11.5, -67.0, 6, None, "t1"),  # the end of the track
        (12.0, -67.2, 5, "Strike two", "s2"),  # the tooltip picks among near features
    ],
)
def test_click_position_finds_the_feature(tiny, lat, lng, zoom, tooltip, expected) -> None:
    features = appstate.all_features(tiny)
    returned = {
        "last_object_clicked": {"lat": lat, "lng": lng},
        "zoom": zoom,
        "last_object_clicked_tooltip": tooltip,
    }
    assert appstate.clicked_feature_id(returned, features) == expected


def test_click_signature_tells_new_clicks() -> None:
    assert appstate.click_signature(None) is None
    assert appstate.click_signature({"last_object_clicked": None, "zoom": 5}) is None
    one = appstate.click_signature({"last_object_clicked": {"lat": 1, "lng": 2}, "zoom": 5})
    moved = appstate.click_signature({"last_object_clicked": {"lat": 1, "lng": 2}, "zoom": 7})
    other = appstate.click_signature({"last_object_clicked": {"lat": 1, "lng": 3}})
    assert one == moved != other


def test_map_view_and_bounds() -> None:
    returned = {
        "center": {"lat": 12.345678, "lng": -66.000049},
        "zoom": 6,
        "bounds": {"_southWest": {"lat": 8, "lng": -75}, "_northEast": {"lat": 18, "lng": -58}},
    }
    assert appstate.map_view(returned) == ((12.3457, -66.0), 6)
    assert appstate.map_bounds(returned) == (-75.0, 8.0, -58.0, 18.0)
    assert appstate.map_view({"center": None}) == (None, None)
    assert appstate.map_bounds({"bounds": {"_southWest": {}}}) is None


# --- session bookkeeping ----------------------------------------------------------------


def test_map_report_selects_only_on_a_new_click(tiny: io.Dataset) -> None:
    features = appstate.all_features(tiny)
    session: dict = {"selected": ""}
    click = {
        "last_object_clicked": {"lat": 13.0, "lng": -66.5},
        "zoom": 6,
        "center": {"lat": 13.123456, "lng": -66.0},
    }
    appstate.take_map_report(session, click, features)
    assert session["selected"] == "a1"
    assert session["_view"] == ((13.1235, -66.0), 6)
    session["selected"] = "b1"  # chosen since in the panel
    appstate.take_map_report(session, {**click, "zoom": 7}, features)  # same click, a zoom
    assert session["selected"] == "b1"
    assert session["_view"] == ((13.1235, -66.0), 7)


def test_view_is_restored_only_when_the_map_is_rebuilt() -> None:
    session: dict = {"_view": ((10.0, -66.0), 5)}
    assert appstate.view_to_restore(session, "map-1") == ((10.0, -66.0), 5)
    session["_view"] = ((12.0, -70.0), 7)  # the user moved the map
    assert appstate.view_to_restore(session, "map-1") == ((10.0, -66.0), 5)
    assert appstate.view_to_restore(session, "map-2") == ((12.0, -70.0), 7)


def test_timeline_puts_every_filtered_report_on_the_map(tiny: io.Dataset) -> None:
    state = ViewState(layers=("assets",), as_of=date(2025, 9, 1))
    view = appstate.in_view(tiny, state)
    assert appstate.on_map(tiny, state, view) is view
    played = appstate.on_map(tiny, replace(state, timeline=True), view)
    assert len(played["assets"]) == len(tiny["assets"]) > len(view["assets"])
    assert played["strikes"].empty  # the filters still apply
    assert appstate.map_identity(state, "k") != appstate.map_identity(
        replace(state, timeline=True), "k"
    )


def test_map_identity_ignores_view_and_selection() -> None:
    state = ViewState(layers=("assets",))
    same = ViewState(layers=("assets",), selected="a1", center=(1.0, 2.0), zoom=4)
    assert appstate.map_identity(state, "k") == appstate.map_identity(same, "k")
    assert appstate.map_identity(state, "k") != appstate.map_identity(ViewState(), "k")
    assert appstate.map_identity(state, "k") != appstate.map_identity(state, "other data")


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2025, 10, 1), date(2025, 9, 2)), (date(2025, 9, 1), None), (None, None)],
)
def test_previous_date(day, expected, days) -> None:
    assert appstate.previous_date(days, day) == expected


def test_ring_origin_may_be_an_entity(days: list[date], tiny: io.Dataset) -> None:
    ids = appstate.all_features(tiny)["id"]
    params = {"ring": "ship-one-entity", "sel": "ship-one-entity"}
    state = appstate.decode_query(params, days, ids, origins={"b1", "ship-one-entity"})
    assert (state.ring_origin, state.selected) == ("ship-one-entity", None)

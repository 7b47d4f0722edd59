"""What the map and table report back (geo.app.clicks): clicks, the view, the session."""

from __future__ import annotations

import pytest

from geo.app import clicks, view
from geo.app.state import ViewState
from geo.data import reading

# --- clicks --------------------------------------------------------------------------------


def test_click_on_a_geojson_feature_names_it(tiny: reading.Dataset) -> None:
    features = view.all_features(tiny)
    returned = {
        "last_object_clicked": {"lat": 0, "lng": 0},
        "last_active_drawing": {"type": "Feature", "properties": {"id": "s2"}},
    }
    assert clicks.clicked_feature_id(returned, features) == "s2"


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
    features = view.all_features(tiny)
    returned = {
        "last_object_clicked": {"lat": lat, "lng": lng},
        "zoom": zoom,
        "last_object_clicked_tooltip": tooltip,
    }
    assert clicks.clicked_feature_id(returned, features) == expected


def test_click_signature_tells_new_clicks() -> None:
    assert clicks.click_signature(None) is None
    assert clicks.click_signature({"last_object_clicked": None, "zoom": 5}) is None
    one = clicks.click_signature({"last_object_clicked": {"lat": 1, "lng": 2}, "zoom": 5})
    moved = clicks.click_signature({"last_object_clicked": {"lat": 1, "lng": 2}, "zoom": 7})
    other = clicks.click_signature({"last_object_clicked": {"lat": 1, "lng": 3}})
    assert one == moved != other


def test_map_view_and_bounds() -> None:
    returned = {
        "center": {"lat": 12.345678, "lng": -66.000049},
        "zoom": 6,
        "bounds": {"_southWest": {"lat": 8, "lng": -75}, "_northEast": {"lat": 18, "lng": -58}},
    }
    assert clicks.map_view(returned) == ((12.3457, -66.0), 6)
    assert clicks.map_bounds(returned) == (-75.0, 8.0, -58.0, 18.0)
    assert clicks.map_view({"center": None}) == (None, None)
    assert clicks.map_bounds({"bounds": {"_southWest": {}}}) is None


# --- session bookkeeping -------------------------------------------------------------------


def test_map_report_selects_only_on_a_new_click(tiny: reading.Dataset) -> None:
    features = view.all_features(tiny)
    session: dict = {"selected": ""}
    click = {
        "last_object_clicked": {"lat": 13.0, "lng": -66.5},
        "zoom": 6,
        "center": {"lat": 13.123456, "lng": -66.0},
    }
    clicks.take_map_report(session, click, features)
    assert session["selected"] == "a1"
    assert session["_view"] == ((13.1235, -66.0), 6)
    # A run cut short before the page showed the selection: the next run keeps the click's.
    session["selected"] = ""
    clicks.take_map_report(session, {**click, "zoom": 6}, features)
    assert session["selected"] == "a1"
    clicks.click_shown(session)  # a whole run has drawn it
    session["selected"] = "b1"  # chosen since in the panel
    clicks.take_map_report(session, {**click, "zoom": 7}, features)  # same click, a zoom
    assert session["selected"] == "b1"
    assert session["_view"] == ((13.1235, -66.0), 7)


def test_table_selection_selects_once(tiny: reading.Dataset) -> None:
    table = view.features_table(tiny)
    session: dict = {}
    clicks.take_table_selection(session, [2], table)
    assert session["selected"] == table["id"][2]
    session["selected"] = "b1"
    clicks.take_table_selection(session, [2], table)  # the table still reports row 2
    assert session["selected"] == "b1"
    clicks.take_table_selection(session, [99], table)
    assert session["selected"] == "b1"


def test_view_is_restored_only_when_the_map_is_rebuilt() -> None:
    session: dict = {"_view": ((10.0, -66.0), 5)}
    assert clicks.view_to_restore(session, "map-1") == ((10.0, -66.0), 5)
    session["_view"] = ((12.0, -70.0), 7)  # the user moved the map
    assert clicks.view_to_restore(session, "map-1") == ((10.0, -66.0), 5)
    assert clicks.view_to_restore(session, "map-2") == ((12.0, -70.0), 7)


def test_map_identity_ignores_view_and_selection() -> None:
    state = ViewState(layers=("assets",))
    same = ViewState(layers=("assets",), selected="a1", center=(1.0, 2.0), zoom=4)
    assert clicks.map_identity(state, "k") == clicks.map_identity(same, "k")
    assert clicks.map_identity(state, "k") != clicks.map_identity(ViewState(), "k")
    assert clicks.map_identity(state, "k") != clicks.map_identity(state, "other data")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (((15.0, -70.0), 6), ((15.0, -70.0), 6), True),
        (((15.01, -70.01), 6), ((15.0, -70.0), 6), True),  # within two pixels at zoom 6
        (((15.1, -70.0), 6), ((15.0, -70.0), 6), False),
        (((15.0, -70.0), 7), ((15.0, -70.0), 6), False),
        (((15.0, -70.0), 6), None, False),
        (((15.0, -70.0), 6), (None, None), False),
    ],
)
def test_same_view(a, b, same: bool) -> None:
    assert clicks.same_view(a, b) is same

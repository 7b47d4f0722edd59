"""The app's state (geo.app.state): the URL round trip and the widgets."""

from __future__ import annotations

from datetime import date

import pytest

from geo.app import state as app_state
from geo.app import view
from geo.app.state import ViewState
from geo.data import reading, selection


@pytest.fixture
def days(tiny: reading.Dataset) -> list[date]:
    return selection.dates_in(tiny)


# --- URL -----------------------------------------------------------------------------------


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
        ViewState(groups=("Iwo Jima ARG", "CSG 12"), stale_days=60),
    ],
)
def test_query_round_trip(state: ViewState, days: list[date], tiny: reading.Dataset) -> None:
    ids = view.all_features(tiny)["id"]
    params = app_state.encode_query(state)
    assert all(isinstance(v, str) for v in params.values())
    assert app_state.decode_query(params, days, ids) == state


def test_defaults_make_an_empty_query() -> None:
    assert app_state.encode_query(ViewState()) == {}


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
        ({"group": ",,"}, ViewState()),
        ({"group": "A,B,A"}, ViewState(groups=("A", "B"))),
        ({"stale": "0"}, ViewState()),
        ({"stale": "99999"}, ViewState()),
        ({"stale": "-3"}, ViewState()),
        ({"stale": "30"}, ViewState(stale_days=30)),
    ],
)
def test_decode_ignores_what_is_invalid(params, expected, days, tiny) -> None:
    ids = view.all_features(tiny)["id"]
    assert app_state.decode_query(params, days, ids) == expected


def test_ring_origin_may_be_an_entity(days: list[date], tiny: reading.Dataset) -> None:
    ids = view.all_features(tiny)["id"]
    params = {"ring": "ship-one-entity", "sel": "ship-one-entity"}
    state = app_state.decode_query(params, days, ids, origins={"b1", "ship-one-entity"})
    assert (state.ring_origin, state.selected) == ("ship-one-entity", None)


# --- widgets -------------------------------------------------------------------------------


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
        groups=("Iwo Jima ARG",),
        stale_days=30,
    )
    values = app_state.widget_values(state, days)
    assert values["layers"] == ["assets"]
    assert values["categories"] == list(app_state.CHOICES["categories"])
    assert app_state.state_from_widgets(values, days) == state


def test_latest_date_is_stored_as_none(days: list[date]) -> None:
    values = app_state.widget_values(ViewState(), days)
    assert values["as_of"] == days[-1]
    assert app_state.state_from_widgets(values, days).as_of is None


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [(None, None), (["a", "b", "c"], None), (["c", "a"], ("a", "c")), ([], ()), (["x"], ())],
)
def test_normalise_choice(chosen, expected) -> None:
    assert app_state.normalise_choice(chosen, ("a", "b", "c")) == expected


@pytest.mark.parametrize(
    ("window", "expected"), [(None, None), (1, date(2025, 10, 7)), (7, date(2025, 10, 1))]
)
def test_window_start(window, expected) -> None:
    assert app_state.window_start(date(2025, 10, 7), window) == expected

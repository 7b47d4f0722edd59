"""The app keeps up (issue 16): maps kept and handed again unchanged, compare mode, the
selection following the asset, the offline start, the figures on the time slider.

Library-level where it can be; the AppTests share the process's caches (a map built once).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import replace
from datetime import date
from typing import Any

import folium
import pytest
from branca.element import Element
from streamlit.testing.v1 import AppTest

from geo.app import clicks, mapcache, network, webmap
from geo.app import view as app_view
from geo.app.state import ViewState, decode_query, encode_query, state_from_widgets
from geo.data import selection
from geo.data.reading import Dataset, load_bytes
from tests.factories import SOURCES, red_sea_layers, ship
from tests.test_app import APP, TIMEOUT, asset_click, map_args, rerun, widget

SHIP = "uss-gravely-2025-10-23"
EARLIER_SHIP = "uss-gravely-2025-08"


def start(monkeypatch: pytest.MonkeyPatch, online: bool = True, **params: str) -> AppTest:
    monkeypatch.setattr(network, "tiles_reachable", lambda wait_s=0.5: online)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return rerun(at)


# --- maps kept and handed again -------------------------------------------------------------


def test_maps_are_kept_by_key_the_least_recent_dropped() -> None:
    built: list[str] = []

    def build(name: str) -> Any:
        return lambda: built.append(name) or folium.Map(tiles=None)

    maps = mapcache.Maps(keep=2)
    first = maps.get("a", build("a"))
    assert maps.get("a", build("a")) is first and built == ["a"]
    maps.get("b", build("b"))
    maps.get("a", build("a"))  # "a" is the most recent again
    maps.get("c", build("c"))
    assert "a" in maps and "b" not in maps and len(maps) == 2


def test_a_map_being_built_is_waited_for_not_built_twice() -> None:
    maps, started, built = mapcache.Maps(), threading.Event(), []

    def slow() -> folium.Map:
        started.set()
        time.sleep(0.2)
        built.append(1)
        return folium.Map(tiles=None)

    worker = threading.Thread(target=maps.get, args=("k", slow))
    worker.start()
    started.wait()
    assert "k" in maps  # underway
    fmap = maps.get("k", slow)
    worker.join()
    assert built == [1] and maps.get("k", slow) is fmap


def test_draw_takes_off_what_the_map_component_adds() -> None:
    fmap = folium.Map(tiles=None)
    before = fmap.get_root().render()

    def component(m: folium.Map, **kwargs: Any) -> str:
        kwargs["feature_group_to_add"].add_to(m)
        m.get_root().html.add_child(Element("<p>again</p>"), name="renamed")
        return "report"

    assert mapcache.draw(fmap, component, feature_group_to_add=folium.FeatureGroup()) == "report"
    assert fmap.get_root().render() == before


def test_a_click_hands_the_same_map_page_again(monkeypatch, default_dataset) -> None:
    at = start(monkeypatch)
    before = map_args(at)
    # Only where a position can be picked does a click on an empty spot rerun the page.
    assert "last_clicked" not in before["returned_objects"]
    at.session_state["map"] = asset_click(default_dataset, SHIP)
    after = map_args(rerun(at))
    assert widget(at, "selectbox", "Feature").value == SHIP
    assert (after["key"], after["script"], after["html"]) == (
        before["key"],
        before["script"],
        before["html"],
    )
    assert after["feature_group"] != before["feature_group"]
    # The land is served apart, not sent with every map.
    assert '"land_key":' in after["html"] and len(after["html"]) < 300_000
    assert any(re.search(r"/vendor/land-[0-9a-f]+\.js$", u) for u in after["js_links"])


@pytest.mark.parametrize(
    ("change", "same"),
    [
        ({"basemap": "offline"}, True),
        ({"uncertainty": False}, True),
        ({"compare": date(2025, 9, 1)}, True),
        ({"selected": "x", "center": (1.0, 2.0), "zoom": 5}, True),
        ({"as_of": date(2025, 9, 1)}, False),
        ({"layers": ("assets",)}, False),
        ({"window": 7}, False),
        ({"timeline": True}, False),
    ],
)
def test_what_is_in_view_is_worked_out_once_per_date_and_filters(
    change: dict[str, Any], same: bool
) -> None:
    state = ViewState()
    changed = clicks.view_identity(replace(state, **change), "k")
    assert (changed == clicks.view_identity(state, "k")) is same
    assert changed != clicks.view_identity(replace(state, **change), "other data")


@pytest.mark.parametrize("timeline", [False, True])
def test_the_states_one_step_away(timeline: bool) -> None:
    days = [date(2025, 9, 1), date(2025, 9, 15), date(2025, 10, 1)]
    state = ViewState(as_of=days[1], timeline=timeline, compare=days[0], selected="x")
    found = mapcache.neighbours(state, days)
    assert [s.as_of for s in found] == [days[1], days[0], None]  # the latest is None
    assert found[0].timeline is not timeline and found[1].timeline is timeline
    assert found[1].compare is None and found[2].compare == days[0]  # earlier only
    assert all(s.selected is None for s in found)


# --- compare mode -----------------------------------------------------------------------


def test_compare_date_travels_in_the_link() -> None:
    days = [date(2025, 9, 1), date(2025, 9, 15), date(2025, 10, 1)]
    state = decode_query({"compare": "2025-09-20", "date": "2025-10-01"}, days)
    assert state.compare == date(2025, 9, 15)  # snapped to the data's dates
    assert encode_query(state)["compare"] == "2025-09-15"
    assert decode_query({"compare": "2025-10-01"}, days).compare is None  # not earlier
    widgets = {"as_of": days[0], "compare": days[1]}
    assert state_from_widgets(widgets, days).compare is None


def test_compare_with_in_the_app(monkeypatch, default_dataset) -> None:
    default_days = selection.dates_in(default_dataset)
    at = start(monkeypatch, compare="2025-09-01")
    control = widget(at, "selectbox", "Compare with")
    assert control.value == max(d for d in default_days if d <= date(2025, 9, 1))
    assert at.query_params["compare"] == control.value.isoformat()
    assert '"summary":"Since ' in map_args(at)["html"]  # geo.web.compare on the map
    (panel,) = [e for e in at.expander if e.label.startswith("What moved since ")]
    text = " ".join(m.value for m in panel.markdown)
    assert re.search(r"\d+ arrived, \d+ departed, \d+ moved", text.replace("\\", ""))
    control.set_value("")
    rerun(at)
    assert "compare" not in at.query_params
    assert not [e for e in at.expander if e.label.startswith("What moved")]


# --- the selection follows the asset ------------------------------------------------------


def test_selection_follows_the_asset_to_an_earlier_date(monkeypatch, default_dataset) -> None:
    at = start(monkeypatch, sel=SHIP)
    assert widget(at, "selectbox", "Feature").value == SHIP
    earlier = default_dataset["assets"].set_index("id").loc[EARLIER_SHIP, "observed"].date()
    at.select_slider[0].set_value(earlier)
    rerun(at)
    assert widget(at, "selectbox", "Feature").value == EARLIER_SHIP
    assert at.query_params["sel"] == EARLIER_SHIP


def test_follow_entity_in_another_theatre() -> None:
    data = red_sea()
    everything = app_view.all_features(data)
    shown = app_view.all_features(selection.as_of(data, date(2025, 3, 10)))
    assert app_view.follow_entity("ddg-55-b", everything, shown) == "ddg-55-a"
    assert app_view.follow_entity("camp-lemonnier", everything, shown) == "camp-lemonnier"
    assert app_view.follow_entity(None, everything, shown) is None
    before = app_view.all_features(selection.as_of(data, date(2025, 3, 1)))
    assert app_view.follow_entity("ddg-55-b", everything, before) == "ddg-55-b"  # not yet there


# --- no network, timeline figures ---------------------------------------------------------


@pytest.mark.parametrize(
    ("online", "link", "expected"),
    [(False, None, "offline"), (False, "light", "light"), (True, None, "light")],
)
def test_no_network_starts_on_the_offline_basemap(
    monkeypatch, online: bool, link: str | None, expected: str
) -> None:
    at = start(monkeypatch, online=online, **({"basemap": link} if link else {}))
    assert widget(at, "selectbox", "Basemap").value == expected


def red_sea() -> Dataset:
    layers = red_sea_layers()
    # USS Stout reported twice, a week apart, off Jeddah then near Hodeidah.
    stout = {"name": "USS Stout", "type": "guided-missile destroyer", "entity": "ddg-55"}
    layers["assets"]["features"] += [
        ship("ddg-55-a", 39.0, 21.5, observed="2025-03-08", **stout),
        ship("ddg-55-b", 42.0, 15.5, observed="2025-03-15", **stout),
    ]
    files = {f"{k}.geojson": json.dumps(v).encode() for k, v in layers.items()}
    data = load_bytes({**files, "sources.json": json.dumps(SOURCES).encode()})
    assert not data.problems
    return data


@pytest.mark.parametrize("window", [None, 2])
def test_time_slider_carries_the_figures_of_each_date(window: int | None) -> None:
    data = red_sea()
    state = ViewState(timeline=True, basemap="offline", window=window)
    fmap = webmap.app_map(data, state, None, None)
    found = re.search(r'"figures":(\[\[.*?\]\])', fmap.get_root().render())
    entries = json.loads(found.group(1))
    assert [t for t, _ in entries] == sorted(t for t, _ in entries)
    for end_of_day, text in entries:
        day = date.fromtimestamp(end_of_day - 86400)
        at_day = app_view.in_view(data, ViewState(as_of=day, window=window))
        assert text == app_view.figures_line(at_day)
    # the figures change as it plays: the destroyer first, then the carrier, the strikes;
    # in a window of 2 days the strikes have left it by the last date
    texts = [text for _, text in entries]
    assert len(set(texts)) >= 4 and texts[0].startswith("Ships 1 ·")
    assert any("Strikes 3" in text for text in texts)
    assert ("Strikes 3" in texts[-1]) is (window is None)

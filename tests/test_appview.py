"""What is in view and its figures and table (geo.app.view)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from geo.app import clicks
from geo.app import view as app_view
from geo.app.state import ViewState
from geo.data import reading, selection

# --- selection -----------------------------------------------------------------------------


def test_filters_empty_the_layers(tiny: reading.Dataset) -> None:
    view = app_view.in_view(tiny, ViewState(layers=("bases",)))
    assert {name: len(frame) for name, frame in view.layers.items()} == {
        "bases": 1,
        "assets": 0,
        "tracks": 0,
        "strikes": 0,
        "places": 0,
    }


@pytest.mark.parametrize(
    ("groups", "assets"),
    [(None, 4), (("Iwo Jima Amphibious Ready Group",), 4), (("No such group",), 0)],
)
def test_group_filter_keeps_the_members_only(
    default_dataset: reading.Dataset, groups: tuple[str, ...] | None, assets: int
) -> None:
    """No group chosen: every asset; chosen: its members; bases and places stay."""
    shown = selection.as_of(default_dataset, date(2025, 10, 23))
    view = app_view.filtered(shown, ViewState(groups=groups))
    members = view["assets"]
    if groups is None:
        assert len(members) == len(shown["assets"])
    else:
        assert len(members) == assets and set(members["group"]) <= set(groups)
    assert len(view["bases"]) == len(shown["bases"])
    assert app_view.group_names(shown) == ["Iwo Jima Amphibious Ready Group"]
    assert app_view.group_names(replace(shown, layers={**shown.layers, "assets": members})) == (
        [] if not assets else ["Iwo Jima Amphibious Ready Group"]
    )


def test_timeline_puts_every_filtered_report_on_the_map(tiny: reading.Dataset) -> None:
    state = ViewState(layers=("assets",), as_of=date(2025, 9, 1))
    view = app_view.in_view(tiny, state)
    assert app_view.on_map(tiny, state, view) is view
    played = app_view.on_map(tiny, replace(state, timeline=True), view)
    assert len(played["assets"]) == len(tiny["assets"]) > len(view["assets"])
    assert played["strikes"].empty  # the filters still apply
    assert clicks.map_identity(state, "k") != clicks.map_identity(
        replace(state, timeline=True), "k"
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2025, 10, 1), date(2025, 9, 2)), (date(2025, 9, 1), None), (None, None)],
)
def test_previous_date(day, expected, tiny: reading.Dataset) -> None:
    assert app_view.previous_date(selection.dates_in(tiny), day) == expected


# --- figures and table ---------------------------------------------------------------------


def test_figures_follow_the_date(tiny: reading.Dataset) -> None:
    early = app_view.figures(app_view.in_view(tiny, ViewState(as_of=date(2025, 9, 1))))
    late = app_view.figures(app_view.in_view(tiny, ViewState()))
    assert (early["strikes"], early["killed"]) == (0, 0)
    assert (late["strikes"], late["killed"], late["killed_unknown"]) == (2, 3, 1)
    assert late["ships"] == 1


def test_features_table_joins_the_analysis(tiny: reading.Dataset) -> None:

    analysis = pd.DataFrame(
        {"id": ["a1-later", "b1"], "to_nm": [120.0, 480.0], "nearest_base": ["b1", None]}
    )
    table = app_view.features_table(app_view.in_view(tiny, ViewState()), analysis)
    assert len(table) == 6  # one asset report of two: the latest
    assert list(table.columns[:3]) == ["layer", "id", "name"]
    row = table.set_index("id").loc["a1-later"]
    assert (row["to_nm"], row["nearest_base"], row["lat"], row["lon"]) == (120.0, "b1", 12.5, -66.0)
    track = table.set_index("id").loc["t1"]
    assert -93.6 <= track["lon"] <= -67.0


def test_figures_are_as_firm_as_their_sources(default_dataset: reading.Dataset) -> None:
    numbers = app_view.figures(app_view.in_view(default_dataset, ViewState()))
    assert numbers["texts"]["aircraft"].startswith("≥ ")  # plural reports: lower bounds
    assert numbers["texts"]["personnel"] == "~10,000"
    assert "USS Gerald R. Ford (en route)" in numbers["not_counted"]
    helped = app_view.figure_help("ships", numbers, None)
    assert "USS Gerald R. Ford (en route)" in helped and "lower bound" in helped
    assert "2 of 17 assets report personnel" in app_view.figure_help("personnel", numbers, None)


def test_strike_figures_say_who_struck(default_dataset: reading.Dataset) -> None:
    numbers = app_view.figures(app_view.in_view(default_dataset, ViewState()))
    assert "By actor: United States: 7 (32 killed)." in app_view.figure_help(
        "strikes", numbers, None
    )

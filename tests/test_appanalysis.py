"""The app's analysis, rings, zones and their options (geo.app.overlays)."""

from __future__ import annotations

from datetime import date

import pytest
import shapely

from geo.app import overlays
from geo.app import view as app_view
from geo.app.state import ViewState
from geo.data import reading


def test_analysis_with_an_unknown_place_has_no_distances(tiny: reading.Dataset) -> None:
    analysis = overlays.analysis_of(tiny, "atlantis")
    assert analysis["to_nm"].isna().all() and len(analysis) == 6


def test_nearest_asset_is_measured_at_the_date(tiny: reading.Dataset) -> None:
    whole = overlays.analysis_of(tiny, "caracas").set_index("id")
    assert whole.loc["a1-later", "nearest_asset"] == "a1"  # its own earlier report
    at_date = overlays.analysis_at(tiny, whole.reset_index(), None).set_index("id")
    assert at_date.loc["a1-later", "nearest_asset"] is None  # the only asset at the date
    assert at_date.loc["s1", "nearest_asset"] == "a1-later"
    early = overlays.analysis_at(tiny, whole.reset_index(), date(2025, 9, 15)).set_index("id")
    assert early.loc["s1", "nearest_asset"] == "a1"
    assert 20 < early.loc["s1", "nearest_asset_nm"] < 80  # (-66.9, 11.8) to (-66.5, 13.0)


@pytest.mark.parametrize(
    ("origin", "ring_nm", "rings"),
    [("b1", 100.0, 1), ("a1", 250.0, 1), ("nope", 100.0, 0)],
)
def test_rings_around_a_base_or_an_asset(tiny: reading.Dataset, origin, ring_nm, rings) -> None:
    view = app_view.in_view(tiny, ViewState())
    found = overlays.rings_for(view, origin, ring_nm)
    assert len(found) == rings
    if rings:
        assert found["radius_nm"].iloc[0] == pytest.approx(ring_nm)
    if origin == "a1":  # the entity: the ring follows the latest report, a1-later
        assert found["center_id"].iloc[0] == "a1-later"
        assert found.geometry.iloc[0].centroid.distance(shapely.Point(-66.0, 12.5)) < 0.1


def test_ring_options_name_assets_by_entity(tiny: reading.Dataset) -> None:
    options = overlays.options_for_rings(app_view.in_view(tiny, ViewState()))
    assert options == {"b1": "Base One (base)", "a1": "Ship One (guided-missile destroyer)"}


def test_ring_origins_include_entities(tiny: reading.Dataset) -> None:
    assert overlays.ring_origins(tiny) == {"b1", "a1", "a1-later"}


def test_zones_of_a_state() -> None:
    bands = overlays.zones_for("VEN")
    assert len(bands) == 3 and set(bands["iso_a3"]) == {"VEN"}
    assert overlays.zones_for("XXX") is None


def test_nearby_states_include_venezuela(tiny: reading.Dataset) -> None:
    states = overlays.nearby_states(tiny)
    assert states["VEN"] == "Venezuela"
    assert "FRA" not in states or states["FRA"]  # names are present for every code
    assert "AUS" not in states

"""Popup rows saying where a feature may be (zones over its circle) and what a track crosses."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

import geo
from geo.app import state, webmap
from geo.web import payload, whereabouts
from geo.web.display import FIELDS
from tests.conftest import page_payload


def _points(*rows: tuple[float, float, float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"uncertainty_km": [r for _, _, r in rows]},
        geometry=[shapely.Point(lon, lat) for lon, lat, _ in rows],
        crs=4326,
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # a circle across the Venezuelan coast: every zone it touches, a coast range
        ((-66.9, 11.2, 100), ("territorial sea", "contiguous zone", "(±100 km)", "Venezuela")),
        # the open Atlantic, a small circle: one answer
        ((-40.0, 30.0, 5), ("high seas",)),
        # the middle of the Baltic near Gotland, firm position
        ((18.0, 57.3, 0), ("of Sweden",)),
    ],
)
def test_where_text_of_a_point(row: tuple[float, float, float], expected: tuple) -> None:
    (text,) = whereabouts.texts(_points(row), "assets")["where"]
    assert all(part in text for part in expected), text
    assert "from the coast" in text


def test_crosses_text_of_a_track() -> None:
    tracks = gpd.GeoDataFrame(
        {"id": ["t"]}, geometry=[shapely.LineString([(-66.9, 12.5), (-66.9, 10.3)])], crs=4326
    )
    assert whereabouts.texts(tracks, "tracks") == {
        "crosses": ["land of Venezuela; territorial sea of Venezuela"]
    }


def _where_texts(built: dict) -> list[str]:
    strings = built["strings"]
    return [strings[i] for i in built["columns"].get("where", []) if i is not None and i >= 0]


def test_rows_are_popup_fields_and_left_out_of_big_maps(
    tiny: geo.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert {"where", "crosses"} <= {field for field, _ in FIELDS}
    texts = _where_texts(payload.build_payload(tiny, basemap="offline"))
    assert any("Puerto Rico" in text for text in texts), texts
    monkeypatch.setattr(whereabouts, "WHERE_LIMIT", 1)
    assert _where_texts(payload.build_payload(tiny, basemap="offline")) == []


def test_the_app_leaves_the_rows_to_its_details_panel(tiny: geo.Dataset) -> None:
    """The app's maps carry no "where" rows (its details say it); its HTML download does."""
    for in_app, expected in ((True, []), (False, ["Puerto Rico"])):
        fmap = webmap.view_map(tiny, state.ViewState(basemap="offline"), None, in_app=in_app)
        texts = _where_texts(page_payload(fmap.get_root().render()))
        assert [name for name in expected if any(name in text for text in texts)] == expected
        assert bool(texts) is bool(expected), in_app

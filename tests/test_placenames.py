"""Offline basemap names: countries and cities of any theatre, from installed packages."""

from __future__ import annotations

import pytest

from geo.web import placenames

THEATRES = {
    "caribbean": ((-75.0, 5.0, -58.0, 20.0), {"Venezuela", "Caracas", "Curaçao"}),
    "red sea": ((32.0, 10.0, 46.0, 30.0), {"Yemen", "Sanaa", "Djibouti", "Eritrea"}),
    "baltic": ((9.0, 53.0, 31.0, 61.0), {"Latvia", "Riga", "Tallinn", "Estonia"}),
}


@pytest.mark.parametrize("theatre", THEATRES)
def test_names_of_a_theatre(theatre: str) -> None:
    bounds, expected = THEATRES[theatre]
    names = placenames.place_names(bounds)
    assert expected <= set(names["name"])
    west, south, east, north = bounds
    assert names["lon"].between(west, east).all() and names["lat"].between(south, north).all()
    assert list(names.columns) == placenames.COLUMNS
    assert names["rank"].is_monotonic_increasing


def test_capitals_show_before_small_cities() -> None:
    names = placenames.place_names().set_index("name")
    assert names.loc["Caracas", "kind"] == "capital"
    assert names.loc["Caracas", "min_zoom"] <= 4
    assert (placenames.city_names()["kind"] == "capital").sum() > 150


def test_bounds_across_the_antimeridian() -> None:
    names = set(placenames.place_names((170.0, -25.0, -170.0, -10.0))["name"])
    assert {"Fiji", "Samoa", "Tonga"} <= names
    assert "Venezuela" not in names

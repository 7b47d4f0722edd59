"""Place symbols chosen from a place's ``kind``."""

from __future__ import annotations

import pytest

from geo.web import symbols


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("airport", symbols.AIRPORT_SVG),
        ("Air base", symbols.AIRPORT_SVG),
        ("military airfield", symbols.AIRPORT_SVG),
        ("naval air station", symbols.AIRPORT_SVG),
        ("repair yard", symbols.CITY_SVG),
        ("fairground", symbols.CITY_SVG),
        ("capital", symbols.CITY_SVG),
        (None, symbols.CITY_SVG),
        ("historical operation", symbols.HISTORICAL_SVG),
    ],
)
def test_place_symbol_by_kind(kind: str | None, expected: str) -> None:
    assert symbols.place_symbol(kind) == symbols._data_url(expected)

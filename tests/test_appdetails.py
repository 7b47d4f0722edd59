"""One feature's details and the panel's markdown (geo.app.details)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo.app import details as app_details
from geo.app import overlays, view
from geo.data import reading
from geo.web import escape
from tests.factories import SOURCES


def test_details_of_an_asset(tiny: reading.Dataset) -> None:
    details = app_details.feature_details(tiny, "a1-later", as_of=date(2025, 9, 15))
    assert (details.layer, details.name) == ("assets", "Ship One")
    fields = dict(details.properties.values.tolist())
    assert fields["category"] == "ship"
    assert fields["observed"] == "2025-10-01"
    assert fields["position"].startswith("12.5000, -66.0000")
    assert details.sources["url"].tolist() == ["https://example.org/report"]
    assert details.history["id"].tolist() == ["a1", "a1-later"]
    assert details.history["after_as_of"].tolist() == [False, True]


def test_details_show_only_http_links(tiny: reading.Dataset) -> None:
    # io refuses such a sources.json; the panel must not rely on that alone.
    bases = tiny["bases"].copy()
    bases["source_refs"] = [[dict(SOURCES[0], url="javascript:alert(1)")]]
    tiny.layers["bases"] = bases
    details = app_details.feature_details(tiny, "b1")
    assert details.sources["url"].isna().all()
    assert details.sources["title"].tolist() == ["Test report"]
    assert details.history.empty


def test_details_of_an_unknown_id(tiny: reading.Dataset) -> None:
    assert app_details.feature_details(tiny, "nope") is None


def test_details_carry_the_analysis(tiny: reading.Dataset) -> None:
    analysis = overlays.analysis_of(tiny, "caracas")
    assert set(analysis["id"]) == {"b1", "a1", "a1-later", "s1", "s2", "caracas"}  # points
    details = app_details.feature_details(tiny, "a1", analysis)
    assert details.analysis["home_base"] == "b1"
    assert 145 < details.analysis["to_nm"] < 160  # (-66.5, 13.0) to Caracas: about 153 nm
    table = view.features_table(tiny, analysis)
    assert table.set_index("id").loc["caracas", "to_nm"] == 0


def test_headline(tiny: reading.Dataset) -> None:
    details = app_details.feature_details(tiny, "a1-later")
    assert app_details.headline(details) == "asset · observed 2025\\-10\\-01 · ± 300 km · reported"


def test_analysis_lines_escape_markdown() -> None:
    lines = app_details.analysis_lines(
        {
            "nearest_base": "[x](javascript:alert(1))",
            "nearest_base_nm": 10,
            "to_nm": 100,
            "home_base": "b1",
            "home_base_nm": float("nan"),
            "zone": "EEZ (approximate)",
            "coastal_state": "Venezuela",
            "coast_nm": 80.4,
            "nearest_asset": None,
        },
        "*Caracas*",
        names={"b1": "Base One"},
    )
    assert lines == [
        "To \\*Caracas\\*: **100 nm (185 km)**",
        "Nearest base of its side: **\\[x\\]\\(javascript\\:alert\\(1\\)\\)**, 10 nm (19 km)",
        "Home base: **Base One**",
        "Zone: **EEZ \\(approximate\\)** of Venezuela",
    ]


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        # a circle across a coastline: several zones, a distance range, never one answer
        (
            {
                "to_nm": 187.3,
                "to_nm_min": 0.0,
                "to_nm_max": 430.2,
                "zones_possible": ["territorial sea", "contiguous zone", "EEZ (approximate)"],
                "states_possible": ["Aruba", "Venezuela"],
                "coastal_state": "Venezuela",
                "uncertainty_km": 400,
                "coast_nm": 18.0,
                "coast_nm_min": 0.0,
                "coast_nm_max": 160.0,
                "nearest_hostile_base": "h1",
                "nearest_hostile_base_nm": 50.0,
                "nearest_hostile_base_nm_min": 5.0,
                "nearest_hostile_base_nm_max": 260.0,
            },
            [
                "To Caracas: **0–430 nm (187 nm at the reported position)**",
                "Nearest hostile base: **Hostile One**, 5–260 nm (50 nm at the reported position)",
                "Zone: **territorial sea, contiguous zone or EEZ \\(approximate\\) \\(±400 km\\) "
                "of Venezuela, Aruba**, 0–160 nm (18 nm at the reported position) from the coast",
            ],
        ),
        # a track: the territory it crosses
        (
            {"land_crossed": ["Djibouti", "Yemen"], "territorial_sea_crossed": []},
            [
                "Crosses the land of: **Djibouti, Yemen**",
                "Crosses the territorial sea (12 nm) of: **no state**",
            ],
        ),
    ],
)
def test_analysis_lines_give_ranges_sides_and_territory(found: dict, expected: list) -> None:
    assert app_details.analysis_lines(found, "Caracas", names={"h1": "Hostile One"}) == expected


def test_ring_lines_name_ranges_and_link_sources() -> None:
    rings = pd.DataFrame(
        {
            "label": ["F-35A combat radius: 1,093 km (590 nm)", "500 km (270 nm)"],
            "source": ["Lockheed Martin", "radius given by the user"],
            "url": ["https://www.f35.com/", None],
        }
    )
    assert app_details.ring_lines(rings) == [
        "- F\\-35A combat radius\\: 1,093 km \\(590 nm\\) · [Lockheed Martin](https://www.f35.com/)",
        "- 500 km \\(270 nm\\) · radius given by the user",
    ]
    assert app_details.ring_lines(None) == []


def test_markdown_text_is_literal() -> None:
    assert escape.markdown_text("**bold** <b>") == "\\*\\*bold\\*\\* \\<b\\>"

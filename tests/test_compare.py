"""Compare mode's payload (``geo.web.compare``): what moved, arrived and departed, drawn right.

Red Sea and Caribbean theatres; the page that draws it is in ``tests/test_map_browser.py``
and ``tests/js/compare.test.js``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

import geo
from geo.analysis.geodesy import GEOD, KM_PER_NM
from geo.web import maps
from geo.web.compare import ARROW_STEP_KM, compare_entry
from tests.conftest import page_payload
from tests.factories import red_sea_layers, ship, write_dataset


def moves_dataset(tmp_path: Path) -> geo.Dataset:
    """Red Sea: the carrier moves north, a destroyer shifts within its uncertainty, one
    destroyer arrives, the fighters leave (a ``departed`` report)."""
    layers = red_sea_layers()
    feats = layers["assets"]["features"]
    carrier = {"type": "aircraft carrier", "uncertainty_km": 20, "observed": "2025-10-20"}
    feats += [
        ship("cvn-75-b", 36.0, 25.8, name="USS Harry S. Truman", entity="cvn-75", **carrier),
        ship("ddg-1-b", 39.05, 19.52, name="USS Stout", entity="ddg-1", observed="2025-10-20"),
        ship("ddg-2", 42.5, 13.0, name="USS Mason", observed="2025-10-18"),
        ship(
            "f-18s-b",
            38.5,
            20.5,
            name="F/A-18 fighters",
            entity="f-18s",
            category="aircraft",
            type="F/A-18E Super Hornet",
            status="departed",
            observed="2025-10-19",
        ),
    ]
    return geo.load(write_dataset(tmp_path / "redsea", layers))


def test_moved_arrived_departed_and_within(tmp_path: Path) -> None:
    entry = compare_entry(moves_dataset(tmp_path), date(2025, 10, 5), date(2025, 10, 20))
    by = {item["entity"]: item for item in entry["items"]}
    assert {e: i["change"] for e, i in by.items()} == {
        "cvn-75": "moved",
        "ddg-1": "within",
        "ddg-2": "arrived",
        "f-18s": "departed",
    }  # the Nimitz stayed put: not drawn
    assert entry["summary"] == (
        "Since 5 Oct 2025: 1 arrived, 1 departed, 1 moved; 1 within uncertainty"
    )
    assert [s[0] for s in entry["sections"]] == [
        "Arrived (1)",
        "Departed (1)",
        "Moved (1)",
        "Stayed (within uncertainty) (1)",
    ]
    carrier = by["cvn-75"]
    metres = GEOD.inv(38.5, 20.5, 36.0, 25.8)[2]
    assert carrier["label"] == f"{metres / 1000 / KM_PER_NM:.0f} nm"
    assert carrier["was"] == "was here 2025-03-15"
    assert carrier["from"] == [20.5, 38.5] and carrier["to"] == [25.8, 36.0]
    assert by["ddg-1"]["label"] == "stayed (within uncertainty)"
    assert by["ddg-2"]["from"] is None and by["ddg-2"]["label"] == "new"
    assert by["f-18s"]["to"] is None and by["f-18s"]["label"].startswith("departed")


def test_arrow_follows_the_geodesic(tmp_path: Path) -> None:
    entry = compare_entry(moves_dataset(tmp_path), date(2025, 10, 5), date(2025, 10, 20))
    path = np.array(next(i["path"] for i in entry["items"] if i["change"] == "moved"))
    assert len(path) > 10
    lat, lon = path[:, 0], path[:, 1]
    steps = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])[2]
    assert steps.max() <= ARROW_STEP_KM * 1000 + 1
    # Each vertex lies on the geodesic: the two legs through it add up to the whole.
    whole = GEOD.inv(lon[0], lat[0], lon[-1], lat[-1])[2]
    first, last = np.ones_like(lon), np.ones_like(lon)
    legs = (
        GEOD.inv(first * lon[0], first * lat[0], lon, lat)[2]
        + GEOD.inv(lon, lat, last * lon[-1], last * lat[-1])[2]
    )
    assert np.allclose(legs, whole, rtol=1e-6)


def test_long_move_across_the_antimeridian_stays_short(tmp_path: Path) -> None:
    layers = red_sea_layers()
    layers["assets"]["features"] += [
        ship("p-1", 179.0, 10.0, name="Pacific", observed="2025-10-01"),
        ship("p-1-b", -178.0, 12.0, name="Pacific", entity="p-1", observed="2025-10-10"),
    ]
    dataset = geo.load(write_dataset(tmp_path / "pacific", layers))
    entry = compare_entry(dataset, date(2025, 10, 5), date(2025, 10, 10))
    path = np.array(next(i["path"] for i in entry["items"] if i["entity"] == "p-1"))
    assert np.abs(np.diff(path[:, 1])).max() < 1  # no jump round the world


@pytest.mark.parametrize(
    ("start", "summary"),
    [
        ("2025-10-24", "Since 24 Oct 2025: 0 arrived, 0 departed, 0 moved"),
    ],
)
def test_build_map_sends_compare_in_the_payload(default_dataset, start: str, summary: str) -> None:
    day = date(2025, 10, 24)
    shown = geo.as_of(default_dataset, day)
    fmap = maps.build_map(
        shown, as_of=day, compare_from=date.fromisoformat(start), history=default_dataset
    )
    assert page_payload(fmap.get_root().render())["compare"]["summary"] == summary
    assert page_payload(maps.build_map(shown).get_root().render())["compare"] is None


def test_compare_after_the_map_date_is_refused(default_dataset) -> None:
    with pytest.raises(ValueError, match="after"):
        compare_entry(default_dataset, date(2025, 11, 1), date(2025, 10, 1))


@pytest.mark.parametrize(
    ("command", "compare", "message"),
    [
        ("html", "2026-01-01", "is after the map's date 2025-10-24"),
        ("png", "2026-01-01", "is after the slide's date 2025-10-24"),
        ("html", "01/09/2025", "is not an ISO date"),
    ],
)
def test_bad_compare_date_is_a_usage_error(
    run_cli, tmp_path: Path, command: str, compare: str, message: str
) -> None:
    out = tmp_path / f"map.{command}"
    code, _, err = run_cli("export", command, str(out), "--compare", compare)
    assert code == 2 and message in err and not out.exists()


def test_export_html_compare_writes_the_panel(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    code, _, err = run_cli("export", "html", str(out), "--compare", "2025-09-01")
    assert code == 0, err
    assert page_payload(out.read_text(encoding="utf-8"))["compare"]["summary"].startswith(
        "Since 1 Sep 2025: 8 arrived"
    )

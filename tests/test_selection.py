"""As-of selection, windows, filters and summary figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import geo


@pytest.mark.parametrize(
    ("when", "asset_ids", "strikes"),
    [
        ("2025-08-31", [], 0),
        ("2025-09-01", ["a1"], 0),
        ("2025-09-02", ["a1"], 1),
        ("2025-10-01", ["a1-later"], 1),  # the later report of the same entity replaces the first
        ("2025-10-02", ["a1-later"], 2),
    ],
)
def test_as_of_keeps_latest_report_per_entity(tiny_dir: Path, when, asset_ids, strikes) -> None:
    selected = geo.as_of(geo.load(tiny_dir), when)
    assert list(selected["assets"]["id"]) == asset_ids
    assert len(selected["strikes"]) == strikes
    assert len(selected["bases"]) == 1  # static layers are always kept


def test_until_ends_a_report(default_dataset) -> None:
    on_the_day = geo.as_of(default_dataset, "2025-10-15")
    after = geo.as_of(default_dataset, "2025-10-16")
    assert "b-52-2025-10-15" in set(on_the_day["assets"]["id"])
    assert "b-52-2025-10-15" not in set(after["assets"]["id"])


def test_window_limits_strikes(tiny_dir: Path) -> None:
    selected = geo.as_of(geo.load(tiny_dir), "2025-10-31", since="2025-10-01")
    assert list(selected["strikes"]["id"]) == ["s2"]


def test_filter_layers(tiny_dir: Path) -> None:
    dataset = geo.load(tiny_dir)
    only_ships = geo.filter_layers(dataset, layers=["assets"], categories=["ship"])
    assert len(only_ships["assets"]) == 2 and len(only_ships["strikes"]) == 0
    none = geo.filter_layers(dataset, categories=["drone"])
    assert len(none["assets"]) == 0 and len(none["strikes"]) == 2
    reported = geo.filter_layers(dataset, confidences=["confirmed"])
    assert reported.feature_count == 0


def test_summary_counts_unknown_tolls_apart(tiny_dir: Path) -> None:
    figures = geo.summary(geo.as_of(geo.load(tiny_dir), "2025-10-31"))
    assert figures["strikes"] == 2
    assert figures["killed"] == 3
    assert figures["strikes_killed_unknown"] == 1
    assert figures["ships"] == 1


def test_history(tiny_dir: Path) -> None:
    reports = geo.history(geo.load(tiny_dir), "a1-later")
    assert list(reports["id"]) == ["a1", "a1-later"]


def test_summary_sums_never_wrap(tiny) -> None:
    """int64 sums of huge counts wrap to negative numbers; figures are exact integers."""
    assets = tiny.layers["assets"].copy()
    assets["count"] = pd.array([2**62] * len(assets), dtype="int64")
    assets["personnel"] = pd.array([2**62] * len(assets), dtype="int64")
    tiny.layers["assets"] = assets
    figures = geo.summary(tiny)
    assert figures["ships"] == len(assets) * 2**62
    assert figures["personnel"] == len(assets) * 2**62

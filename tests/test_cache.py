"""Results kept on disk between runs (geo.data.cache): hits, misses, damage, and the real uses."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path
from typing import Any

import pytest

from geo.app import overlays
from geo.data import cache
from geo.web import basemaps, payload, placenames, symbols


@pytest.fixture
def prepared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder in place of the shipped results (tests/test_prepared.py checks those)."""
    folder = tmp_path / "prepared"
    folder.mkdir()
    monkeypatch.setattr(cache, "prepared_dir", lambda: folder)
    return folder


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepared: Path) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("POSTUREMAP_CACHE_DIR", str(folder))
    return folder


def counted(kind: str, version: list[str], keep: int = cache.KEEP_FILES) -> tuple[Any, list[Any]]:
    """A cached function that records each time it really runs."""
    calls: list[Any] = []

    def square(x: int) -> dict[str, Any]:
        calls.append(x)
        return {"x": x, "square": [x * x]}

    return cache.json_cached(kind, lambda: version[0], keep=keep)(square), calls


def test_made_once_then_read_from_disk(cache_dir: Path) -> None:
    version = ["1"]
    square, calls = counted("sq", version)
    assert square(3) == {"x": 3, "square": [9]}
    assert square(3) == {"x": 3, "square": [9]}
    assert calls == [3]
    assert len(list(cache_dir.glob("sq-*.json"))) == 1
    # Another process (a new decoration of the same code) reads it too.
    again, again_calls = counted("sq", version)
    assert again(3) == {"x": 3, "square": [9]} and again_calls == []


@pytest.mark.parametrize("change", ["argument", "version"])
def test_a_change_of_what_it_is_made_from_makes_it_again(cache_dir: Path, change: str) -> None:
    version = ["1"]
    square, calls = counted("sq", version)
    square(3)
    if change == "version":
        version[0] = "2"
        assert square(3) == {"x": 3, "square": [9]}
    else:
        assert square(4) == {"x": 4, "square": [16]}
    assert len(calls) == 2
    assert len(list(cache_dir.glob("sq-*.json"))) == 2


def test_helpers_code_is_part_of_the_name(cache_dir: Path) -> None:
    def make() -> int:
        return 1

    cache.json_cached("h", lambda: "")(make)()
    cache.json_cached("h", lambda: "", helpers=(counted,))(make)()
    assert len(list(cache_dir.glob("h-*.json"))) == 2


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"x": 3, "sq'])
def test_a_damaged_file_is_made_again(cache_dir: Path, damage: bytes) -> None:
    square, calls = counted("sq", ["1"])
    square(3)
    (path,) = cache_dir.glob("sq-*.json")
    path.write_bytes(damage)
    assert square(3) == {"x": 3, "square": [9]}
    assert len(calls) == 2
    assert square(3) == {"x": 3, "square": [9]} and len(calls) == 2  # written again


@pytest.mark.parametrize(
    "damage",
    [None, b"", b"not gzip", gzip.compress(b"{not json", mtime=0)],
    ids=["sound", "empty", "not gzip", "not json"],
)
def test_a_shipped_result_is_read_when_the_cache_has_none(
    cache_dir: Path, prepared: Path, damage: bytes | None
) -> None:
    square, _ = counted("sq", ["1"])
    square(3)
    (made,) = cache_dir.glob("sq-*.json")
    shipped = prepared / f"{made.name}.gz"
    shipped.write_bytes(gzip.compress(made.read_bytes()) if damage is None else damage)
    made.unlink()
    fresh, calls = counted("sq", ["1"])  # a fresh install: an empty cache, shipped results
    assert fresh(3) == {"x": 3, "square": [9]}
    assert calls == ([] if damage is None else [3])
    # Made from anything else (another version), a shipped result is not read.
    other, other_calls = counted("sq", ["2"])
    assert other(3) == {"x": 3, "square": [9]} and other_calls == [3]


def test_an_unusable_cache_folder_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepared: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("POSTUREMAP_CACHE_DIR", str(blocker))
    square, calls = counted("sq", ["1"])
    assert square(3) == {"x": 3, "square": [9]}
    assert square(3) == {"x": 3, "square": [9]}
    assert calls == [3, 3]
    assert blocker.read_text() == "a file where the cache folder should be"


def test_only_the_newest_files_of_a_kind_are_kept(cache_dir: Path) -> None:
    square, _ = counted("sq", ["1"], keep=3)
    other, _ = counted("other", ["1"], keep=3)
    other(0)
    written_at = time.time() - 100
    for x in range(6):
        square(x)
        (path,) = (p for p in cache_dir.glob("sq-*.json") if p.stat().st_mtime > written_at + 50)
        os.utime(path, (written_at + x, written_at + x))  # distinct times on coarse clocks
    assert len(list(cache_dir.glob("sq-*.json"))) == 3
    assert len(list(cache_dir.glob("other-*.json"))) == 1
    square, calls = counted("sq", ["1"], keep=3)
    for x in (3, 4, 5):
        square(x)
    assert calls == []


# The real uses: what is read back is what was made (JSON keeps their types).
BOUNDS = {"red sea": (30.0, 10.0, 45.0, 25.0), "baltic": (10.0, 53.0, 30.0, 66.0)}


@pytest.mark.parametrize("bounds", BOUNDS.values(), ids=BOUNDS.keys())
def test_offline_land_and_nearby_states_read_back(cache_dir: Path, bounds: tuple) -> None:
    land = basemaps.offline_land.__wrapped__  # past the per-process cache
    made = land(bounds)
    assert list(cache_dir.glob("land-*.json"))
    assert land(bounds) == made and len(made["features"]) > 3
    states = overlays._states_in(bounds)
    assert overlays._states_in(bounds) == states and len(states) > 3


def test_cities_symbols_and_country_points_read_back(cache_dir: Path) -> None:
    rows = placenames._city_rows()
    assert placenames._city_rows() == rows
    assert any(r[0] == "Caracas" and r[1] == "capital" for r in rows)
    assert all(isinstance(r[4], float) and isinstance(r[5], int) for r in rows)
    code = symbols.sidc("ship", "hostile")
    svg = symbols._svg(code)
    assert symbols._svg(code) == svg and svg.startswith("<svg")
    assert len(list(cache_dir.glob("symbol-*.json"))) == 1
    lon, lat, box = 10.0, 51.0, (5.0, 50.0, 12.0, 53.0)  # Germany, in a box around its middle
    points = payload._points_inside(lon, lat, box)
    assert payload._points_inside(lon, lat, box) == points
    assert points and all(5 <= x <= 12 and 50 <= y <= 53 for x, y in points)

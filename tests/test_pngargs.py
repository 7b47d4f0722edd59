"""The PNG export's arguments and output paths (no browser needed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geo.slides import options


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1920x1080", (1920, 1080)), ("800X450", (800, 450)), (" 1280 x 720 ", (1280, 720))],
)
def test_parse_size(text: str, expected: tuple[int, int]) -> None:
    assert options.parse_size(text) == expected


@pytest.mark.parametrize(
    "text", ["", "1920", "1920x", "x1080", "axb", "10x10", "9000x1000", "-5x5"]
)
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="--size"):
        options.parse_size(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-09-01", [date(2025, 9, 1)]),
        ("2025-10-01,2025-09-01", [date(2025, 9, 1), date(2025, 10, 1)]),
        (
            "2025-09-01..2025-10-23/7d",
            [date(2025, 9, d) for d in (1, 8, 15, 22, 29)]
            + [date(2025, 10, d) for d in (6, 13, 20)],
        ),
        ("2025-09-01..2025-09-15/1w", [date(2025, 9, 1), date(2025, 9, 8), date(2025, 9, 15)]),
        ("2025-09-01..2025-09-03", [date(2025, 9, 1), date(2025, 9, 2), date(2025, 9, 3)]),
        ("2025-09-01..2025-09-08/7d,2025-09-08", [date(2025, 9, 1), date(2025, 9, 8)]),
    ],
)
def test_parse_dates(text: str, expected: list[date]) -> None:
    assert options.parse_dates(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-13-01",
        "yesterday",
        "2025-09-01,",
        "2025-10-01..2025-09-01",
        "2025-09-01..2025-10-01/0d",
        "2025-09-01..2025-10-01/7x",
        "2020-01-01..2025-01-01/1d",
    ],
)
def test_parse_dates_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="--as-of"):
        options.parse_dates(text)


@pytest.mark.parametrize(
    "text", ["-75,8,-58", "a,b,c,d", "-58,8,-75,20", "-75,20,-58,8", "-75,8,-58,89"]
)
def test_parse_bounds_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="--bounds"):
        options.parse_bounds(text)


def test_dated_path() -> None:
    assert options.dated_path(Path("slides/out.png"), date(2025, 9, 1)) == Path(
        "slides/out_2025-09-01.png"
    )

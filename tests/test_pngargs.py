"""The PNG export's arguments and output paths (no browser needed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geo.slides import errors, options


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
    with pytest.raises(errors.BadOption) as caught:
        options.parse_size(text)
    assert caught.value.option == "size" and caught.value.value == text
    assert isinstance(caught.value, ValueError) and "--" not in str(caught.value)


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
    with pytest.raises(errors.BadOption) as caught:
        options.parse_dates(text)
    assert caught.value.option == "as_of" and caught.value.value == text
    assert isinstance(caught.value, ValueError) and "--" not in str(caught.value)


@pytest.mark.parametrize(
    "text", ["-75,8,-58", "a,b,c,d", "-58,8,-75,20", "-75,20,-58,8", "-75,8,-58,89"]
)
def test_parse_bounds_rejects(text: str) -> None:
    with pytest.raises(errors.BadOption) as caught:
        options.parse_bounds(text)
    assert caught.value.option == "bounds" and caught.value.value == text
    assert isinstance(caught.value, ValueError) and "--" not in str(caught.value)


def test_dated_path() -> None:
    assert options.dated_path(Path("slides/out.png"), date(2025, 9, 1)) == Path(
        "slides/out_2025-09-01.png"
    )


@pytest.mark.parametrize(
    ("check", "value", "option"),
    [(options.check_scale, 3, "scale"), (options.check_basemap, "moon", "basemap")],
)
def test_bad_choices_are_typed(check, value, option: str) -> None:
    with pytest.raises(errors.BadOption) as caught:
        check(value)
    assert (caught.value.option, caught.value.value) == (option, value)
    assert caught.value.code == 2


def test_existing_outputs_are_named(tmp_path: Path) -> None:
    paths = [tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"]
    for path in paths[1:]:
        path.write_bytes(b"png")
    with pytest.raises(errors.OutputExists) as caught:
        options.check_outputs(paths)
    assert caught.value.paths == tuple(paths[1:])
    assert str(caught.value) == f"{paths[1]} exists (and 1 more)"  # no flag: the caller's words
    options.check_outputs(paths, force=True)
    with pytest.raises(errors.OutputExists) as caught:
        options.write_output(paths[1], b"new", force=False)
    assert caught.value.paths == (paths[1],) and paths[1].read_bytes() == b"png"


@pytest.mark.parametrize("command", ["html", "png", "pdf"])
@pytest.mark.parametrize("days", ["0", "3651", "soon"])
def test_stale_days_out_of_range_is_a_usage_error(
    run_cli, tiny_dir: Path, tmp_path: Path, command: str, days: str
) -> None:
    code, _, err = run_cli(
        "export",
        command,
        str(tmp_path / f"out.{command}"),
        "--data",
        str(tiny_dir),
        "--stale-days",
        days,
    )
    assert code == 2 and "--stale-days" in err
    assert not (tmp_path / f"out.{command}").exists()


def test_stale_days_reach_the_map(
    run_cli, tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--stale-days`` is handed to ``build_map`` (what it does there: tests/test_app.py)."""
    from geo.web import export, maps

    seen: dict[str, object] = {}
    monkeypatch.setattr(maps, "build_map", lambda *a, **k: seen.update(k) or object())
    monkeypatch.setattr(export, "write_html", lambda fmap, path, overwrite: Path(path))
    (tmp_path / "map.html").write_text("", encoding="utf-8")
    code, _, err = run_cli(
        "export",
        "html",
        str(tmp_path / "map.html"),
        "--data",
        str(tiny_dir),
        "--stale-days",
        "45",
        "--force",
    )
    assert code == 0, err
    assert seen["stale_days"] == 45

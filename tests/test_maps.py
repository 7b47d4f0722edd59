"""Rendered-HTML tests of the map and the escape helpers (no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import geo
from geo.web import escape, export, legend, maps, payload

HOSTILE = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "</script><script>window.__pwned=1</script>",
    "${window.__pwned=1}",
    "{{7*7}}",
    '"><svg onload=window.__pwned=1>',
    "'; window.__pwned=1; '",
    "<!-- a \u2028 b \u2029",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_cannot_close_the_script_and_round_trips(text: str) -> None:
    out = escape.script_json({"k": text})
    assert "</script" not in out.lower()
    assert "<!--" not in out
    assert "\u2028" not in out and "\u2029" not in out
    assert not out.startswith("`")
    assert json.loads(out) == {"k": text}


@pytest.mark.parametrize("text", [*HOSTILE, "it's", "back\\slash \\u003c", "\\'); alert(1); ('"])
def test_json_island_is_inert_and_parses_back(text: str) -> None:
    out = escape.json_island({"k": text, "n": float("nan")})
    assert "</script" not in out.lower() and "<!--" not in out and "<" not in out
    assert "{{" not in out and "{%" not in out and "{#" not in out
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == {"k": text, "n": None}  # strict JSON: what JSON.parse reads


@pytest.mark.parametrize(
    "url",
    [
        "javascript:window.__pwned=1",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "/relative/path",
        "//example.org/x",
        "ftp://example.org/x",
        "",
        None,
        42,
    ],
)
def test_safe_url_rejects_non_http(url: object) -> None:
    assert escape.safe_url(url) is None


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=1&c=2", "http://example.org", " HTTPS://example.org/x "]
)
def test_safe_url_keeps_http(url: str) -> None:
    assert escape.safe_url(url) == url.strip()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<b>", "&lt;b&gt;"),
        ('a"b', "a&#34;b"),
        ("a'b", "a&#39;b"),
        ("a&b", "a&amp;b"),
        (None, ""),
        (3, "3"),
    ],
)
def test_html_text(value: object, expected: str) -> None:
    assert escape.html_text(value) == expected


def _render(dataset: geo.Dataset, **kwargs: object) -> str:
    return export.html_document(maps.build_map(dataset, **kwargs))


@pytest.mark.parametrize("basemap", ["light", "offline"])
def test_no_external_script_or_style(tiny_dir: Path, basemap: str) -> None:
    html = _render(geo.load(tiny_dir), basemap=basemap)
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", html, re.I)


def test_offline_basemap_has_no_tiles(tiny_dir: Path) -> None:
    dataset = geo.load(tiny_dir)
    page_data = payload.build_payload(dataset, basemap="offline")
    assert page_data["tiles"] is None and page_data["land"]["features"]
    assert page_data["tiles_label"] is None


def test_layers_counted_in_payload_and_labels(tiny_dir: Path) -> None:
    page_data = payload.build_payload(geo.load(tiny_dir))
    labels = {g["key"]: g["label"] for g in page_data["groups"]}
    assert labels["assets:ship"] == "Assets: ships (2)"
    assert labels["strikes"] == "Strike sites (2)"
    assert labels["bases"] == "Bases (1)"
    assert labels["tracks"] == "Flight and ship tracks (1)"
    assert "assets:aircraft" not in labels and "historical" not in labels


def test_legend_only_for_what_is_on_the_map(tiny_dir: Path) -> None:
    labels = [label for label, _ in legend.legend_entries(geo.load(tiny_dir))]
    assert "Destroyer (friend)" in labels and "Strike site" in labels  # by type: geo.web.sidc
    assert not any(label.startswith("Aircraft") for label in labels)
    assert "Historical operation" not in labels


def test_title_as_of_and_caveat(tiny_dir: Path) -> None:
    from datetime import date

    html = _render(geo.load(tiny_dir), title="My <map>", as_of=date(2025, 10, 23))
    assert "My &lt;map&gt;" in html and "My <map>" not in html
    assert "As of 23 October 2025" in html
    assert maps.CAVEAT in html


def test_write_html_is_readable_and_never_overwrites(tiny_dir: Path, tmp_path: Path) -> None:
    fmap = maps.build_map(geo.load(tiny_dir), basemap="offline")
    out = export.write_html(fmap, tmp_path / "m.html")
    assert out.stat().st_mode & 0o044 == 0o044  # group/other can read, like any saved file
    with pytest.raises(FileExistsError):
        export.write_html(fmap, out)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_payload_times_are_seconds_whatever_the_column_unit(tiny_dir: Path, unit: str) -> None:
    dataset = geo.load(tiny_dir)
    assets = dataset["assets"].copy()
    assets["observed"] = assets["observed"].astype(f"datetime64[{unit}, UTC]")
    dataset.layers["assets"] = assets
    page_data = payload.build_payload(dataset, basemap="offline")
    ids = [page_data["strings"][k] for k in page_data["columns"]["id"]]
    observed = page_data["epochs"][page_data["observed"][ids.index("a1")]]
    assert observed == 1756684800  # 2025-09-01T00:00:00Z

"""The map page without a browser: layers and counts, legend, self-containment, escaping."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

import geo
from geo.data import selection
from geo.web import assets, escape, export, legend, maps
from tests.conftest import page_payload
from tests.factories import valid_layers, write_dataset


@pytest.fixture(scope="module")
def default_map_html(default_dataset) -> str:
    shown = geo.as_of(default_dataset, "2025-10-23")
    fmap = maps.build_map(shown, as_of=selection.to_day("2025-10-23"), basemap="offline")
    return export.html_document(fmap)


def test_layers_with_counts(default_map_html: str) -> None:
    labels = [group["label"] for group in page_payload(default_map_html)["groups"]]
    assert "Bases (4)" in labels
    assert "Assets: ships (8)" in labels
    assert "Assets: submarines (1)" in labels
    assert "Strike sites (7)" in labels
    assert "Historical operations (3)" in labels
    assert "Flight and ship tracks (2)" in labels
    assert any(label.startswith("Uncertainty circles (") for label in labels)


def test_every_feature_is_in_the_payload(default_map_html: str, default_dataset) -> None:
    payload = page_payload(default_map_html)
    shown = geo.as_of(default_dataset, "2025-10-23")
    assert len(payload["kind"]) == shown.feature_count
    ids = {payload["strings"][i] for i in payload["columns"]["id"]}
    assert set(shown["strikes"]["id"]) <= ids


def test_no_external_script_or_style(default_map_html: str) -> None:
    assert not re.search(r"<script[^>]+src=[\"']?https?:", default_map_html, re.I)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", default_map_html, re.I)
    assert assets.inline_js()[:500] in default_map_html  # Leaflet is inlined, not linked
    assert not re.search(r"<(script|link)[^>]+(src|href)=", default_map_html)
    assert page_payload(default_map_html)["tiles"] is None  # offline: no tile URL at all


def test_online_basemap_keeps_tiles_in_data_only(default_dataset) -> None:
    html = export.html_document(maps.build_map(default_dataset, basemap="light"))
    assert page_payload(html)["tiles"]["url"].startswith("https://")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?https?:", html, re.I)


@pytest.mark.parametrize(
    ("drop", "absent"),
    [("strikes", "Strike site"), ("bases", "Base"), ("tracks", "Track, reconstructed")],
)
def test_legend_lists_only_what_is_on_the_map(tiny_dir: Path, drop: str, absent: str) -> None:
    dataset = geo.load(tiny_dir)
    full = [label for label, _ in legend.legend_entries(dataset)]
    dataset.layers[drop] = dataset.layers[drop].iloc[0:0]
    fewer = [label for label, _ in legend.legend_entries(dataset)]
    assert any(label.startswith(absent) for label in full) or drop == "tracks"
    assert not any(label.startswith(absent) for label in fewer)


def test_title_block_and_caveat(default_map_html: str) -> None:
    assert "As of 23 October 2025" in default_map_html
    assert "Open sources; positions approximate" in default_map_html
    assert "Sources: " in default_map_html


def test_write_html_never_overwrites(tmp_path: Path, tiny_dir: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("mine")
    with pytest.raises(FileExistsError):
        export.write_html(maps.build_map(geo.load(tiny_dir)), target)
    assert target.read_text() == "mine"


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--basemap", "moon"], 2, "--basemap: 'moon' is not one of"),
        (["--as-of", "tomorrow"], 2, "--as-of: 'tomorrow' is not an ISO date"),
        (["--zones", "XXX"], 2, "--zones:"),
        (["--rings", "nowhere"], 1, "--rings: no base or asset with id 'nowhere'"),
    ],
)
def test_export_html_errors(run_cli, tmp_path: Path, args, code, text) -> None:
    exit_code, stdout, stderr = run_cli("export", "html", str(tmp_path / "m.html"), *args)
    assert exit_code == code
    assert text in stdout + stderr
    assert "Traceback" not in stdout + stderr


def test_export_html_refuses_to_overwrite(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "m.html"
    target.write_text("keep me")
    code, _, stderr = run_cli("export", "html", str(target))
    assert code == 1 and "use --force" in stderr
    assert target.read_text() == "keep me"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"),
        ("a & b", "a &amp; b"),
        ("it's", "it&#39;s"),
        ("{{ cycler.__init__ }}", "&#123;&#123; cycler.__init__ &#125;&#125;"),  # no Jinja
        (None, ""),
    ],
)
def test_html_text(value, expected) -> None:
    assert escape.html_text(value) == expected


def test_title_is_escaped(tiny_dir: Path) -> None:
    html = export.html_document(maps.build_map(geo.load(tiny_dir), title="<b onmouseover=x>T</b>"))
    assert "<b onmouseover=x>" not in html
    assert "&lt;b onmouseover=x&gt;T&lt;/b&gt;" in html


def test_timeline_payload(tmp_path: Path) -> None:
    layers = valid_layers()
    layers["assets"]["features"][0]["properties"]["until"] = "2025-09-20"
    dataset = geo.load(write_dataset(tmp_path / "d", layers))
    payload = page_payload(export.html_document(maps.build_map(dataset, timeline=True)))
    spec = payload["timeline"]
    assert spec["start"] < spec["now"] <= spec["end"]
    # The page reads each feature's until (only an asset report ends at it: geo.web.script).
    kinds = [payload["strings"][i] for i in payload["columns"]["layer_label"]]
    ids = [payload["strings"][i] for i in payload["columns"]["id"]]
    ending = {ids[int(i)]: until for i, until in payload["until"].items()}
    assert ending == {"a1": int(datetime(2025, 9, 20, tzinfo=timezone.utc).timestamp())}
    assert all(kinds[ids.index(fid)] == "asset" for fid in ending)

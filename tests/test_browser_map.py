"""The exported map in real headless Chromium with the network blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

import geo
from geo.web import export, maps
from tests.factories import valid_layers, write_dataset

pytestmark = pytest.mark.browser

PAYLOADS = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "</script><script>window.__pwned=1</script>",
    "${window.__pwned=1}",
    '"><svg onload=window.__pwned=1>',
    "'; window.__pwned=1; '",
]


def _open(page, fmap, tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    path.write_text(export.html_document(fmap), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_function("window.posturemap && window.posturemap.ready")


def test_default_map_draws_offline(offline_page, default_dataset, tmp_path: Path) -> None:
    page, log = offline_page
    _open(page, maps.build_map(default_dataset, basemap="offline"), tmp_path)
    assert log.blocked == [] and log.page_errors == [] and log.console_errors == []
    assert page.evaluate("window.posturemap.data.kind.length") > 0


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_shown_never_run(offline_page, tmp_path: Path, payload: str) -> None:
    layers = valid_layers()
    for layer in layers.values():
        for feat in layer["features"]:
            props = feat["properties"]
            for key in ("name", "notes", "type", "designation", "target", "country"):
                if key in props or key in ("name", "notes"):
                    props[key] = payload
            props[payload] = payload  # an extra property, key and value
    sources = [
        {
            "id": "src-a",
            "title": payload,
            "publisher": payload,
            "published": "2025-10-01",
            "url": "https://example.org/report",
            "kind": "news",
        }
    ]
    dataset = geo.load(write_dataset(tmp_path / "hostile", layers, sources))
    assert dataset.problems == []
    page, log = offline_page
    _open(page, maps.build_map(dataset, title=payload, basemap="offline"), tmp_path)
    # Every feature's tooltip and popup, points and lines alike, opened by the page's own code.
    texts = page.evaluate(
        """() => { const PM = window.posturemap, out = [];
        for (let i = 0; i < PM.data.kind.length; i++) {
          const tip = PM.tooltip(i), popup = PM.popup(i);
          out.push([tip ? tip.textContent : '', popup ? popup.textContent : '']);
        }
        return out; }"""
    )
    assert page.evaluate("window.__pwned") is None
    assert log.dialogs == [] and log.page_errors == []
    assert texts and all(payload in tip and payload in popup for tip, popup in texts)
    assert payload in page.inner_text(".pm-title h1")

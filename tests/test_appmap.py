"""The app's map glue (geo.app.webmap): assets, ids st_folium can follow, highlight, exports."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import folium
import pytest
import streamlit_folium as sf

import geo
from geo.app import served, webmap
from geo.app import view as app_view
from geo.app.state import ViewState
from geo.web import assets


@pytest.fixture(scope="module")
def view(default_dataset: geo.Dataset) -> geo.Dataset:
    return app_view.in_view(default_dataset, ViewState())


def test_publish_assets_copies_once(tmp_path: Path) -> None:
    url = served.publish_assets(tmp_path / "static")
    assert url == "/app/static/vendor"
    copied = {
        p.relative_to(tmp_path / "static" / "vendor").as_posix()
        for p in (tmp_path / "static" / "vendor").rglob("*")
        if p.is_file()
    }
    assert copied == {*assets.vendor_files(), assets.BUNDLE}
    bundle = (tmp_path / "static" / "vendor" / assets.BUNDLE).read_text(encoding="utf-8")
    assert bundle == assets.bundle_text() and "PM.start = function" in bundle
    assert {"leaflet.js", *assets.PAGE_SCRIPTS, *assets.PAGE_STYLES} <= copied
    leaflet = tmp_path / "static" / "vendor" / "leaflet.js"
    stamp = leaflet.stat().st_mtime_ns
    served.publish_assets(tmp_path / "static")  # unchanged files are left alone
    assert leaflet.stat().st_mtime_ns == stamp
    assert served.publish_assets(tmp_path / "static", "/tools/pm/") == "/tools/pm/app/static/vendor"


def test_app_map_links_local_assets_only(view: geo.Dataset) -> None:
    fmap = webmap.view_map(view, ViewState(), None, assets_url="/app/static/vendor")
    links = [url for _, url in fmap.default_js + fmap.default_css]
    assert links and all(url.startswith("/app/static/vendor/") for url in links)
    names = [url.rsplit("/", 1)[1].split("?v=")[0] for url in links]
    # each link carries its file's version: a changed file is a new URL, kept by the browser
    versions = [f"?v={assets.version(name)}" for name in names]
    assert all(url.endswith(v) for url, v in zip(links, versions, strict=True))
    # Leaflet first, then the page's scripts as one file, and the app's own style last.
    assert names[:2] == ["leaflet.js", assets.BUNDLE]
    assert not set(names) & set(assets.PAGE_SCRIPTS)
    assert names[-1] == webmap.APP_STYLE


def test_app_map_links_its_land_instead_of_carrying_it(
    default_dataset: geo.Dataset, tmp_path: Path
) -> None:
    state = ViewState(basemap="offline")
    link = served.land_publisher(tmp_path / "static")
    fmap = webmap.app_map(default_dataset, state, "/app/static/vendor", link)
    carried = webmap.app_map(default_dataset, state, "/app/static/vendor", None)
    (land,) = [url for name, url in fmap.default_js if name == "posturemap_land"]
    path = tmp_path / "static" / land.removeprefix("/app/static/")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("(window.posturemap = window.posturemap || {}).lands = ")
    page, whole = fmap.get_root().render(), carried.get_root().render()
    assert '"land_key":' in page and '"land":{"type"' not in page
    assert '"land":{"type"' in whole and len(page) < len(whole) - 500_000 < len(text)
    # written once: a second map with the same land links the same file
    stamp = path.stat().st_mtime_ns
    again = webmap.app_map(default_dataset, state, "/app/static/vendor", link)
    assert ("posturemap_land", land) in again.default_js
    assert path.stat().st_mtime_ns == stamp


def test_html_parts_agree_on_element_ids(view: geo.Dataset) -> None:
    """st_folium renames elements while writing the script: the legend box must still be found."""
    fmap = webmap.view_map(view, ViewState(), None, assets_url="/app/static/vendor")
    fmap.render()
    html = sf._get_html(fmap)
    script = sf._get_map_string(fmap)
    boxes = re.findall(r'<(?:div|script type="application/json") id="([^"]+)"', html)
    # The legend's box and the payload's data island, as the page's calls name them.
    looked_up = re.findall(r'"(?:box|data)": "([^"]+)"', script)
    assert any(k.startswith("pm-legend-") for k in looked_up), "the legend finds its box by id"
    assert any(k.startswith("pm-data-") for k in looked_up), "the map finds its data by id"
    assert set(looked_up) <= set(boxes)


def test_highlight_is_a_separate_inert_group(default_dataset: geo.Dataset) -> None:
    assert webmap.highlight(default_dataset, None) is None
    assert webmap.highlight(default_dataset, "no-such-id") is None
    group = webmap.highlight(default_dataset, "uss-gravely-2025-10-23")
    assert isinstance(group, folium.FeatureGroup)
    script = sf._get_feature_group_string(group, folium.Map())
    assert "posturemap.halo(" in script  # geo/web/static/map.js: interactive false
    assert '"type":"Point"' in script  # the geometry, through geo.web.escape.script_json


def test_html_download_is_self_contained(view: geo.Dataset) -> None:
    html = webmap.view_html(view, ViewState(basemap="offline"), None)
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=\"https?:", html)
    assert "Military posture" in html


@pytest.mark.browser
def test_png_download(default_dataset: geo.Dataset) -> None:
    state = ViewState(basemap="offline", layers=("bases", "assets"))
    png, messages = webmap.view_png(
        app_view.filtered(default_dataset, state), state, None, (-75.0, 8.0, -58.0, 20.0)
    )
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n"), messages
    assert messages == []


@pytest.mark.parametrize("in_app", [True, False])
def test_timeline_is_drawn_only_when_chosen(default_dataset: geo.Dataset, in_app: bool) -> None:
    day = geo.data.selection.dates_in(default_dataset)[1]
    specs = {}
    for state in (ViewState(as_of=day), ViewState(as_of=day, timeline=True)):
        view = app_view.in_view(default_dataset, state)
        fmap = webmap.view_map(
            app_view.on_map(default_dataset, state, view), state, day, in_app=in_app
        )
        found = re.search(r'"timeline":(null|\{[^}]*\})', fmap.get_root().render())
        specs[state.timeline] = json.loads(found.group(1))
    assert specs[False] is None
    # The slider starts at the as-of date: the end of that day, in epoch seconds.
    end_of_day = datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp() + 86400
    assert specs[True]["now"] == end_of_day < specs[True]["end"]


def test_timeline_export_has_no_fixed_date(default_dataset: geo.Dataset) -> None:
    state = ViewState(timeline=True, basemap="offline")
    html = webmap.view_html(app_view.filtered(default_dataset, state), state, None)
    assert "Military posture</h1>" in html
    assert "press play or move the slider" in html
    assert not re.search(r"<script[^>]+src=", html)

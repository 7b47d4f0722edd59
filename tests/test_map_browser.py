"""The exported map in real headless Chromium with the network blocked.

The map draws, layers toggle, popups show the sources, the timeline selects by date, and a
data set with script in every field stays inert. (The pure parts of the page's script, such
as the timeline's rule and the hit grid, are unit-tested with node in ``tests/js``.)
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import geo
from geo.data import selection
from geo.web import export, maps
from tests.factories import SOURCES, collection, feature, point, ship, valid_layers, write_dataset

pytestmark = pytest.mark.browser


TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def open_map(page: Any, tmp_path: Path, fmap: Any, name: str = "map.html") -> Path:
    path = tmp_path / name
    export.write_html(fmap, path, overwrite=True)
    page.goto(path.as_uri())
    page.wait_for_function("window.posturemap && window.posturemap.ready", timeout=15000)
    page.evaluate(TWO_FRAMES)
    return path


def pixel_of(page: Any, lon: float, lat: float) -> tuple[float, float]:
    """Page coordinates of a point on the map."""
    return tuple(
        page.evaluate(
            """([lon, lat]) => {
          const m = window.posturemap.map, p = m.latLngToContainerPoint([lat, lon]);
          const r = m.getContainer().getBoundingClientRect();
          return [r.left + p.x, r.top + p.y];
        }""",
            [lon, lat],
        )
    )


def set_view(page: Any, lon: float, lat: float, zoom: float) -> None:
    """Centre the map at (lon, lat), at ``zoom`` exactly (the first view's may be fractional)."""
    page.evaluate(
        """([lat, lon, z]) => {
          const m = window.posturemap.map, snap = m.options.zoomSnap;
          m.options.zoomSnap = 0;
          m.setView([lat, lon], z, {animate: false});
          m.options.zoomSnap = snap;
        }""",
        [lat, lon, zoom],
    )


def hover(page: Any, x: float, y: float) -> Any:
    """Move onto (x, y) as a hand does: several moves, since Leaflet's canvas hover handler
    runs at most once per 32 ms and drops the moves in between."""
    tooltip = page.locator(".leaflet-tooltip").last
    for step in (4, 2, 1, 0, 0):
        page.mouse.move(x + step, y + step)
        page.wait_for_timeout(50)
        if tooltip.count() and tooltip.is_visible():
            break
    return tooltip


def close_popup(page: Any) -> None:
    """Close the open popup and wait until it has faded out of the page."""
    page.evaluate("() => { window.posturemap.map.closePopup(); }")  # no map object back
    page.locator(".leaflet-popup").wait_for(state="detached", timeout=5000)


def visible_count(page: Any, group: str) -> int:
    """Features of a layer-control group drawn now (0 when the group is switched off)."""
    return page.evaluate("(key) => window.posturemap.shown(key)", group)


def test_default_map_draws_offline(offline_page, tmp_path: Path, default_dataset) -> None:
    page, log = offline_page
    shown = geo.as_of(default_dataset, "2025-10-23")
    open_map(page, tmp_path, maps.build_map(shown, basemap="offline"))
    assert log.blocked == []  # nothing at all was requested from the network
    assert log.console_errors == [] and log.page_errors == []
    assert page.evaluate("window.posturemap.data.kind.length") == shown.feature_count
    assert visible_count(page, "strikes") == 7
    # The canvas really has the symbols on it: many distinct colours in a screenshot.
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(page.screenshot())).convert("RGB")
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 200
    assert page.locator(".pm-legend").inner_text().count("Strike site") == 1


def test_whole_default_data_draws_offline(offline_page, tmp_path: Path, default_dataset) -> None:
    """Every report of the default data, not only those of one date (no time slider)."""
    page, log = offline_page
    open_map(page, tmp_path, maps.build_map(default_dataset, basemap="offline"))
    assert log.blocked == [] and log.page_errors == [] and log.console_errors == []
    assert page.evaluate("window.posturemap.data.kind.length") == default_dataset.feature_count > 0


def test_rings_and_zones_draw_with_their_labels(offline_page, tmp_path: Path, tiny_dir) -> None:
    """Range rings and maritime zones are layers of their own, drawn beside the points and
    their (geodesic) uncertainty circles."""
    dataset = geo.load(tiny_dir)
    rings = geo.range_rings(dataset["bases"], radius_km=[500, 1000])
    zones = geo.zone_bands("VEN")
    page, log = offline_page
    open_map(page, tmp_path, maps.build_map(dataset, basemap="offline", rings=rings, zones=zones))
    assert visible_count(page, "rings") == len(rings) == 2
    assert visible_count(page, "zones") == len(zones)
    uncertain = sum(
        int(((f.geometry.geom_type == "Point") & (f["uncertainty_km"] > 0)).sum())
        for f in dataset.layers.values()
        if "uncertainty_km" in f
    )
    assert uncertain > 0 and visible_count(page, "uncertainty") == uncertain
    labels = page.evaluate(
        "() => window.posturemap.groups.rings.getLayers()"
        ".map(l => l.getTooltip().getContent().textContent)"
    )
    assert all(label.startswith("Base One: ") for label in labels)
    assert log.page_errors == [] and log.console_errors == []


def test_layers_toggle_in_the_layer_control(offline_page, tmp_path: Path, default_dataset) -> None:
    page, _ = offline_page
    open_map(
        page, tmp_path, maps.build_map(geo.as_of(default_dataset, "2025-10-23"), basemap="offline")
    )
    on_map = "window.posturemap.map.hasLayer(window.posturemap.groups.strikes)"
    page.hover(".leaflet-control-layers")
    page.get_by_text("Strike sites (7)").click()
    assert page.evaluate(on_map) is False
    page.get_by_text("Strike sites (7)").click()
    assert page.evaluate(on_map) is True


@pytest.mark.parametrize("others", [0, 3000])
def test_uncertainty_circle_edge_is_at_its_geodesic_radius(
    offline_page, tmp_path: Path, others: int
) -> None:
    """The drawn circle passes within 2 px of the points 300 km from the centre (WGS 84), both
    as a true geodesic polygon (few points) and as the page's own circle (over 3,000 points)."""
    from io import BytesIO

    from PIL import Image

    centre = ship("p0", -66.0, 13.0, uncertainty_km=300, affiliation="hostile")
    far = [
        ship(f"p{i}", -20.0 + (i % 60) * 0.1, 40.0 + (i // 60) * 0.1, uncertainty_km=0)
        for i in range(1, others + 1)
    ]
    dataset = geo.load(write_dataset(tmp_path / "d", {"assets": collection(centre, *far)}, SOURCES))
    assert dataset.problems == []
    page, _ = offline_page
    open_map(page, tmp_path, maps.build_map(dataset, basemap="offline", legend=False))
    set_view(page, -66.0, 13.0, 6)
    page.evaluate(TWO_FRAMES)
    image = Image.open(BytesIO(page.screenshot())).convert("RGB")
    stroke = (0xE0, 0x31, 0x31)  # hostile red, drawn at 0.8 opacity
    for azimuth in (0, 90, 180, 270):
        lon, lat = (float(v) for v in geo.analysis.geodesy.destination(-66.0, 13.0, azimuth, 300.0))
        x, y = (round(v) for v in pixel_of(page, lon, lat))
        # the reddest pixel on a short line across the expected edge
        across = (
            [(x + d, y) for d in range(-6, 7)]
            if azimuth in (90, 270)
            else [(x, y + d) for d in range(-6, 7)]
        )
        reddest = min(
            across,
            key=lambda p: sum((a - b) ** 2 for a, b in zip(image.getpixel(p), stroke, strict=True)),
        )
        assert max(abs(reddest[0] - x), abs(reddest[1] - y)) <= 2, (azimuth, reddest, (x, y))


def test_popup_shows_sources_as_links(offline_page, tmp_path: Path, tiny_dir: Path) -> None:
    page, log = offline_page
    dataset = geo.load(tiny_dir)
    open_map(page, tmp_path, maps.build_map(dataset, basemap="offline", show_uncertainty=False))
    set_view(page, -65.643, 18.255, 8)
    x, y = pixel_of(page, -65.643, 18.255)  # Base One, alone at this zoom
    assert "Base One" in hover(page, x, y).text_content()
    page.mouse.click(x, y)
    popup = page.locator(".pm-popup")
    popup.wait_for(timeout=5000)
    assert "Base One" in popup.inner_text()
    # where it may be, in the words of `analyze`: zones over its circle, coast distance
    assert "internal/land of Puerto Rico" in popup.inner_text()
    link = popup.locator("a")
    assert link.inner_text() == "Test report (Test Wire, 2025-10-01)"
    assert link.get_attribute("href") == "https://example.org/report"
    assert log.page_errors == []


# What streamlit-folium does: listen to "click" on every layer of the map and read
# ``e.layer.toGeoJSON()`` (its last_active_drawing); the app selects the feature by that id.
RECORD_CLICKS = """() => {
  window.__clicked = [];
  const map = window.posturemap.map;
  Object.values(map._layers).forEach(layer => layer.on('click', e => {
    window.__clicked.push(e.layer && e.layer.toGeoJSON ? e.layer.toGeoJSON().properties.id : null);
  }));
}"""


@pytest.mark.parametrize(
    ("fid", "lon", "lat"),
    [("b1", -65.643, 18.255), ("a1-later", -66.0, 12.5), ("t1", None, None)],
)
def test_a_click_reports_the_feature_id(
    offline_page, tmp_path: Path, tiny_dir: Path, fid: str, lon: float | None, lat: float | None
) -> None:
    page, log = offline_page
    dataset = geo.load(tiny_dir)
    open_map(page, tmp_path, maps.build_map(dataset, basemap="offline", show_uncertainty=False))
    if lon is None:  # a track: click the middle of its first segment as drawn
        coords = dataset["tracks"].set_index("id").loc[fid].geometry.coords
        (lon1, lat1), (lon2, lat2) = coords[0][:2], coords[1][:2]
        set_view(page, (lon1 + lon2) / 2, (lat1 + lat2) / 2, 5)
        (x1, y1), (x2, y2) = pixel_of(page, lon1, lat1), pixel_of(page, lon2, lat2)
        where = ((x1 + x2) / 2, (y1 + y2) / 2)
    else:
        set_view(page, lon, lat, 9)
        where = pixel_of(page, lon, lat)
    page.evaluate(RECORD_CLICKS)
    page.mouse.click(*where)
    page.locator(".pm-popup").wait_for(timeout=5000)
    assert fid in page.evaluate("window.__clicked")
    assert log.page_errors == []


def test_the_symbol_on_top_answers_the_mouse(offline_page, tmp_path: Path) -> None:
    """Where two features share a position both symbols move aside (dots stay there); at the
    shared dot the one drawn last (strikes over ships) answers; a click on open sea, away
    from every symbol, dot and label, opens nothing."""
    layers = {
        "assets": collection(ship("p1", -66.0, 12.0), ship("p2", -60.0, 15.0)),
        "strikes": collection(
            feature(
                point(-66.0, 12.0),
                id="s1",
                name="Strike on top",
                observed="2025-10-02",
                killed=1,
                sources=["src-a"],
                confidence="reported",
                uncertainty_km=0,
            )
        ),
    }
    page, log = offline_page
    dataset = geo.load(write_dataset(tmp_path / "d", layers, SOURCES))
    assert dataset.problems == []
    open_map(page, tmp_path, maps.build_map(dataset, basemap="offline"))
    set_view(page, -66.0, 12.0, 8)
    x, y = pixel_of(page, -66.0, 12.0)
    assert "Strike on top" in hover(page, x, y).text_content()
    page.mouse.click(x, y)
    assert page.locator(".pm-popup h3").inner_text() == "Strike on top"
    close_popup(page)
    page.mouse.click(x + 200, y + 200)  # open sea, far from the symbols moved aside
    page.wait_for_timeout(200)
    assert page.locator(".pm-popup").count() == 0
    assert (
        page.locator(".leaflet-tooltip").count() == 0
        or not page.locator(".leaflet-tooltip").last.is_visible()
    )
    assert log.page_errors == []


def test_many_points_each_answers_a_click(offline_page, tmp_path: Path) -> None:
    """3,000 points on a grid: all are drawn, and a click on any one opens its own popup."""
    lons, lats = range(60), range(50)
    features = [
        ship(f"p{i * 50 + j}", -80 + 0.3 * i, 8 + 0.3 * j, affiliation=("friend", "hostile")[j % 2])
        for i in lons
        for j in lats
    ]
    page, log = offline_page
    dataset = geo.load(write_dataset(tmp_path / "d", {"assets": collection(*features)}, SOURCES))
    assert dataset.problems == []
    open_map(page, tmp_path, maps.build_map(dataset, basemap="offline"))
    assert page.evaluate("window.posturemap.shown('assets:ship')") == 3000
    set_view(page, -71.0, 15.5, 8)  # 0.3 degree is ~200 px here: symbols stand apart
    # Symbols in view and not under a panel (title, legend, controls take their own clicks).
    inside = page.evaluate(
        """() => {
          const PM = window.posturemap, r = PM.map.getContainer().getBoundingClientRect();
          return PM.drawn().map(([i, x, y]) => [i, r.left + x, r.top + y]).filter(([i, x, y]) => {
            const hit = document.elementFromPoint(x, y);
            return hit && PM.map.getContainer().contains(hit) && !hit.closest('.leaflet-control');
          });
        }"""
    )
    assert len(inside) >= 6
    names = page.evaluate(
        "window.posturemap.data.columns.name.map(k => window.posturemap.data.strings[k])"
    )
    for index, x, y in inside[:: max(1, len(inside) // 6)]:
        set_view(page, -71.0, 15.5, 8)  # back where the positions were taken (popups pan)
        page.evaluate(TWO_FRAMES)
        page.mouse.click(x, y)
        assert page.locator(".pm-popup h3").inner_text() == names[index]
        close_popup(page)
    assert log.page_errors == []


def end_of(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp()) + 86400


@pytest.mark.parametrize(
    ("day", "window"),
    [
        ("2025-09-03", None),
        ("2025-10-15", None),
        ("2025-10-16", None),
        ("2025-10-23", None),
        ("2025-10-23", 7),
        ("2025-10-20", 3),
    ],
)
def test_timeline_matches_the_as_of_selection(
    offline_page, tmp_path: Path, default_dataset, day: str, window: int | None
) -> None:
    page, log = offline_page
    start = selection.to_day(day) - timedelta(days=window - 1) if window else None
    open_map(
        page,
        tmp_path,
        maps.build_map(
            default_dataset,
            basemap="offline",
            timeline=True,
            as_of=selection.to_day(day),
            since=start,
        ),
    )
    page.evaluate(f"window.posturemap.setTime({end_of(day)})")
    expected = geo.as_of(default_dataset, day, since=start)
    assert visible_count(page, "strikes") == len(expected["strikes"])
    assert visible_count(page, "tracks") == len(expected["tracks"])
    shown_assets = sum(visible_count(page, f"assets:{c}") for c in geo.data.schema.CATEGORIES)
    assert shown_assets == len(expected["assets"])
    assert page.locator(".pm-now").inner_text() == day
    assert log.page_errors == []


# --- hostile data -------------------------------------------------------------------------

XSS = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "</script><script>window.__pwned=1;alert(2)</script>",
    "${window.__pwned=1}",
    '"><svg onload="window.__pwned=1">',
    "'; window.__pwned=1; alert(3); '",
    "{{7*7}} {% raw %}",
    "line\u2028break",
]


def hostile_layers() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The tiny data set with an attack string in every free-text field, key and value."""
    layers = copy.deepcopy(valid_layers())
    texts = iter(XSS * 20)
    for layer in layers.values():
        for item in layer["features"]:
            props = item["properties"]
            for field in ("name", "notes", "type", "designation", "kind", "country", "target"):
                if field in props or field in ("name", "notes"):
                    props[field] = next(texts)
            props[next(texts)] = next(texts)  # an extra property: hostile key and value
    sources = [dict(SOURCES[0], title=XSS[0], publisher=XSS[2], url="https://example.org/?q=<x>")]
    return layers, sources


@pytest.fixture
def hostile_dataset(tmp_path: Path) -> geo.Dataset:
    layers, sources = hostile_layers()
    dataset = geo.load(write_dataset(tmp_path / "hostile", layers, sources))
    assert dataset.problems == []  # only the values are hostile: the data is valid
    # A link that validation would reject, put in directly to prove the page stops it too.
    dataset.sources.loc["src-a", "url"] = "javascript:window.__pwned=1"
    return dataset


def test_hostile_data_stays_inert(offline_page, tmp_path: Path, hostile_dataset) -> None:
    page, log = offline_page
    fmap = maps.build_map(
        hostile_dataset, basemap="offline", title=XSS[1], as_of=selection.to_day("2025-10-31")
    )
    open_map(page, tmp_path, fmap)
    points = [
        (row.geometry.x, row.geometry.y, row["name"])
        for frame in hostile_dataset.layers.values()
        for _, row in frame.iterrows()
        if row.geometry.geom_type == "Point"
    ]
    seen_popups = 0
    for lon, lat, name in points:
        set_view(page, lon, lat, 12)
        x, y = pixel_of(page, lon, lat)
        tooltip = hover(page, x, y)
        tooltip.wait_for(timeout=5000)
        assert name in tooltip.text_content()
        page.mouse.click(x, y)  # popup
        popup = page.locator(".pm-popup").last
        popup.wait_for(timeout=5000)
        text = popup.text_content()
        assert name in text  # shown literally
        assert XSS[0] in text  # the hostile source title too
        hrefs = popup.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert hrefs == []  # the javascript: URL is not a link
        seen_popups += 1
        page.keyboard.press("Escape")
        close_popup(page)
    assert seen_popups == len(points) == 6
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert log.dialogs == [] and log.page_errors == []
    title = page.locator(".pm-title h1").text_content()
    assert title == XSS[1]
    assert page.locator(".pm-legend img[onerror], svg[onload]").count() == 0


# Each alone in every text of the data, and in the title: the page's own code opens every
# feature's tooltip and popup, points and lines alike.
HOSTILE_TEXTS = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "</script><script>window.__pwned=1</script>",
    "${window.__pwned=1}",
    '"><svg onload=window.__pwned=1>',
    "'; window.__pwned=1; '",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_text_is_shown_never_run(offline_page, tmp_path: Path, text: str) -> None:
    layers = valid_layers()
    for layer in layers.values():
        for feat in layer["features"]:
            props = feat["properties"]
            for key in ("name", "notes", "type", "designation", "target", "country"):
                if key in props or key in ("name", "notes"):
                    props[key] = text
            props[text] = text  # an extra property, key and value
    sources = [
        {
            "id": "src-a",
            "title": text,
            "publisher": text,
            "published": "2025-10-01",
            "url": "https://example.org/report",
            "kind": "news",
        }
    ]
    dataset = geo.load(write_dataset(tmp_path / "hostile", layers, sources))
    assert dataset.problems == []
    page, log = offline_page
    open_map(page, tmp_path, maps.build_map(dataset, title=text, basemap="offline"))
    lines = page.evaluate("() => window.posturemap.items().flatMap(it => it.lines)")
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
    assert texts and all(text in tip and text in popup for tip, popup in texts)
    assert text in page.inner_text(".pm-title h1")
    # Labels on the map are canvas text: the name is drawn as it is, never parsed as HTML.
    assert any(line.startswith(text[:30]) for line in lines), lines
    injected = ".leaflet-container img[src='x'], .leaflet-container svg[onload]"
    assert page.locator(injected).count() == 0


def test_compare_draws_ghost_arrow_and_panel(offline_page, tmp_path: Path) -> None:
    """Compare mode: a ghost at the earlier position, an arrow with its distance, the panel."""
    from datetime import date

    from tests.test_compare import moves_dataset

    page, log = offline_page
    history = moves_dataset(tmp_path)
    day = date(2025, 10, 20)
    fmap = maps.build_map(
        geo.as_of(history, day),
        as_of=day,
        basemap="offline",
        compare_from=date(2025, 10, 5),
        history=history,
    )
    open_map(page, tmp_path, fmap)
    assert log.page_errors == [] and log.console_errors == []
    assert page.locator(".pm-cmp-ghost").count() == 2  # the carrier's old place, the fighters'
    assert page.locator(".pm-cmp-ghost img").count() == 2  # each with its symbol, faded
    labels = page.locator(".pm-cmp-label").all_inner_texts()
    assert "was here 2025-03-15" in labels and "new" in labels
    assert any(t.endswith(" nm") for t in labels) and "stayed (within uncertainty)" in labels
    # The arrow: a line and its head drawn on the map (two paths for the carrier's move).
    assert page.evaluate("window.posturemap.compared.getLayers().length") >= 8
    panel = page.locator(".pm-compare").inner_text()
    assert "1 arrived, 1 departed, 1 moved" in panel and "USS Mason" in panel

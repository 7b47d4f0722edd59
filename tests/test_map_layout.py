"""The map reads without touching it: labels and symbols never overlap, every feature answers.

In headless Chromium with the network blocked (fixtures in ``conftest.py``): the default data
and a 3,000-point set at three zooms each, what the page reports it drew
(``posturemap.items()``, ``posturemap.names()``) checked box against box and against the
panels; then the mouse on every feature of the default map's first view. The layout itself
(placement, collision grid, label text) is unit-tested with node in ``tests/js``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import geo
from geo.data import selection
from geo.web import maps
from tests.factories import SOURCES, collection, ship, write_dataset
from tests.test_map_browser import TWO_FRAMES, close_popup, open_map, set_view

pytestmark = pytest.mark.browser

DRAWN = """() => {
  const PM = window.posturemap, out = [];
  PM.items().forEach((it, k) => {
    out.push(['symbol ' + k, it.box]);
    if (it.label) out.push(['label ' + k + ' ' + it.lines[0], it.label]);
  });
  PM.names().forEach(n => out.push(['name ' + n.text, n.box]));
  const panels = [...document.querySelectorAll('.pm-panel, .leaflet-control-layers')].map(e => {
    const r = e.getBoundingClientRect(), m = PM.map.getContainer().getBoundingClientRect();
    return [r.left - m.left, r.top - m.top, r.right - m.left, r.bottom - m.top];
  });
  return {boxes: out, panels: panels, size: [PM.map.getSize().x, PM.map.getSize().y]};
}"""


def overlaps(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def assert_apart(page: Any) -> int:
    """No two drawn symbols or labels overlap; no label lies under a panel. Returns the count."""
    drawn = page.evaluate(DRAWN)
    boxes = sorted(drawn["boxes"], key=lambda named: named[1][0])
    for a, (name, box) in enumerate(boxes):  # a sweep along x: only boxes that reach this one
        for other in boxes[a + 1 :]:
            if other[1][0] >= box[2]:
                break
            assert not overlaps(box, other[1]), ((name, box), other)
    for name, box in boxes:
        if not name.startswith("symbol"):
            assert not any(overlaps(box, panel) for panel in drawn["panels"]), (name, box)
    return len(boxes)


def test_default_map_labels_and_symbols_never_overlap(
    offline_page, tmp_path: Path, default_dataset
) -> None:
    page, log = offline_page
    shown = geo.as_of(default_dataset, "2025-10-23")
    open_map(page, tmp_path, maps.build_map(shown, basemap="offline"))
    first = int(page.evaluate("window.posturemap.map.getZoom()"))  # the fit's is fractional
    labelled = page.evaluate("window.posturemap.items().filter(it => it.label).length")
    assert labelled >= 26  # every unit, base and place of the first view, and more
    for zoom in (first, first + 1, first + 2):
        set_view(page, -66.5, 13.5, zoom)
        page.evaluate(TWO_FRAMES)
        assert assert_apart(page) > 30
    assert "VENEZUELA" in [n["text"] for n in page.evaluate("window.posturemap.names()")]
    assert log.page_errors == [] and log.console_errors == []


def test_three_thousand_points_never_overlap(offline_page, tmp_path: Path) -> None:
    """The 3,000-point grid of test_map_browser: spread, gathered into numbered discs where
    too dense to spread, and labelled where labels fit, at theatre, regional and local zoom."""
    features = [
        ship(f"p{i * 50 + j}", -80 + 0.3 * i, 8 + 0.3 * j, affiliation=("friend", "hostile")[j % 2])
        for i in range(60)
        for j in range(50)
    ]
    page, log = offline_page
    dataset = geo.load(write_dataset(tmp_path / "d", {"assets": collection(*features)}, SOURCES))
    open_map(page, tmp_path, maps.build_map(dataset, basemap="offline"))
    kinds = []
    for zoom in (4, 6, 9):
        set_view(page, -71.0, 15.5, zoom)
        page.evaluate(TWO_FRAMES)
        assert assert_apart(page) > 20
        kinds.append(sorted({it["kind"] for it in page.evaluate("window.posturemap.items()")}))
    assert "aggregate" in kinds[0] and kinds[-1] == ["feature"]
    assert log.page_errors == []


ITEMS = """() => window.posturemap.items().map(it => ({
  kind: it.kind, i: it.i, members: it.members, x: it.x, y: it.y, tx: it.tx, ty: it.ty,
  moved: it.moved,
  names: it.members.map(i => window.posturemap.data.strings[window.posturemap.data.columns.name[i]])
}))"""


def test_every_feature_of_the_first_view_answers_hover_and_click(
    offline_page, tmp_path: Path, default_dataset
) -> None:
    page, log = offline_page
    shown = geo.as_of(default_dataset, "2025-10-23")
    fmap = maps.build_map(shown, basemap="offline", as_of=selection.to_day("2025-10-23"))
    open_map(page, tmp_path, fmap)
    view = page.evaluate(
        "() => { const m = window.posturemap.map, c = m.getCenter();"
        " return [c.lng, c.lat, m.getZoom()]; }"
    )
    page.evaluate("() => { window.posturemap.map._fadeAnimated = false; }")  # popups close at once
    items = page.evaluate(ITEMS)
    covered = sorted(i for it in items for i in it["members"])
    points = page.evaluate(
        "() => window.posturemap.data.kind.map((k, i) => [k, i])"
        ".filter(([k]) => k === window.posturemap.data.contract.kind.point).map(([k, i]) => i)"
    )
    outside = page.evaluate("() => window.posturemap.outside().map(o => o.name)")
    out_index = page.evaluate("() => window.posturemap.outside().map(o => o.i)")
    # The first view frames the theatre: the bomber bases in Texas and Louisiana are left out,
    # and said to be (the off-view panel names them); every other point is drawn, once.
    assert sorted(outside) == ["Barksdale Air Force Base", "Dyess Air Force Base"]
    panel = page.locator(".pm-offview").text_content()
    assert panel.startswith("2 features outside the view") and all(n in panel for n in outside)
    assert covered == sorted(set(points) - set(out_index))
    assert {it["kind"] for it in items} <= {"feature", "group"}  # nothing gathered anonymously
    # At every true-position dot its feature answers, named in the tooltip ("Also here: ...")
    # when another symbol sits on it (a base and the aircraft based there).
    answering = page.evaluate(
        """(spots) => spots.map(([x, y]) => {
          const h = window.posturemap.hit(x, y);
          return h ? h.members.concat(h.also) : [];
        })""",
        [[it["tx"], it["ty"]] for it in items if it["moved"]],
    )
    for it, found in zip([it for it in items if it["moved"]], answering, strict=True):
        assert set(it["members"]) <= set(found), it["names"]
    box = page.locator(".leaflet-container").bounding_box()
    dots = [(it["tx"], it["ty"]) for it in items if it["moved"]]
    for it in items:
        # The symbol, and the true-position dot unless another feature's dot is at the same
        # spot (Roosevelt Roads and the F-35s based there): the nearest dot answers there.
        spots = [(it["x"], it["y"])]
        alone = sum(abs(x - it["tx"]) < 4 and abs(y - it["ty"]) < 4 for x, y in dots) == 1
        if it["moved"] and alone:
            spots.append((it["tx"], it["ty"]))
        for k, (x, y) in enumerate(spots):
            x, y = box["x"] + x, box["y"] + y
            covering = page.evaluate(
                "([x, y]) => !!document.elementFromPoint(x, y).closest('.leaflet-control')", [x, y]
            )
            if covering and k == 1:  # a true position by the edge, under a panel: the symbol
                continue  # was moved out from under it, its leader pointing there
            assert not covering, (it["names"], "under a panel")
            hit = page.evaluate(
                "([x, y]) => { const h = window.posturemap.hit(x, y); return h && h.members; }",
                [x - box["x"], y - box["y"]],
            )
            assert hit == it["members"], (it["names"], hit)
            page.mouse.move(x + 1, y)  # two moves: Leaflet handles one per 32 ms
            page.wait_for_timeout(40)
            page.mouse.move(x, y)
            tip = page.locator(".leaflet-tooltip").last
            tip.wait_for(timeout=3000)
            assert all(name in tip.text_content() for name in it["names"]), it["names"]
        page.mouse.click(*spots[-1])
        popup = page.locator(".pm-popup").last
        popup.wait_for(timeout=5000)
        assert all(name in popup.text_content() for name in it["names"])
        close_popup(page)
        set_view(page, *view)  # back where the positions were taken (popups pan the map)
        page.evaluate(TWO_FRAMES)
    assert log.page_errors == []

"""Benchmark: the posturemap map against ``GeoDataFrame.explore()`` on the same points.

Run by hand: ``python bench/bench_map.py [--points 10000 100000]``. explore() needs
``pip install matplotlib mapclassify``, which posturemap itself does not use. For each size
it builds both pages from the same synthetic asset points (valid data format, uncertainty, sources),
writes them, and opens each in headless Chromium (system package) with every request
outside the machine answered locally: Leaflet from the installed xstatic package, the other
CDN files explore() asks for (jQuery, Bootstrap, Font Awesome, awesome-markers) with empty
bodies, so neither page waits on a network. "Open" is the time from navigation to the end
of the page's scripts plus two animation frames (ours: ``window.posturemap.ready``).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import geo
from geo.data import reading as geo_io
from geo.web import assets, export, maps

TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def synthetic(n: int, seed: int = 1) -> geo.Dataset:
    """n asset points over the Caribbean with the format's fields."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(-80, -60, n), rng.uniform(8, 25, n)
    frame = gpd.GeoDataFrame(
        {
            "layer": "assets",
            "id": [f"a{i}" for i in range(n)],
            "name": [f"Asset {i}" for i in range(n)],
            "sources": [["src-a"]] * n,
            "confidence": rng.choice(["confirmed", "reported", "estimated"], n),
            "category": rng.choice(["ship", "aircraft", "helicopter", "drone", "submarine"], n),
            "type": "test platform",
            "count": 1,
            "affiliation": rng.choice(["friend", "hostile", "neutral", "unknown"], n),
            "uncertainty_km": rng.uniform(0, 50, n).round(1),
            "observed": pd.Timestamp("2025-10-01", tz="UTC"),
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    layers = {name: geo_io.empty_layer(name) for name in geo.LAYERS}
    layers["assets"] = frame
    sources = pd.DataFrame(
        [
            {
                "id": "src-a",
                "title": "Test",
                "publisher": "Wire",
                "published": "2025-10-01",
                "url": "https://example.org",
                "kind": "news",
                "notes": None,
            }
        ]
    ).set_index("id")
    return geo.Dataset(layers=layers, sources=sources)


CLICK_CENTRE = """() => {
  // The drawn symbol nearest the centre of the map, in page pixels.
  const PM = window.posturemap, size = PM.map.getSize();
  let best = null, gap = Infinity;
  for (const [i, x, y] of PM.drawn()) {
    const d = Math.hypot(x - size.x / 2, y - size.y / 2);
    if (d < gap) { gap = d; best = [i, x, y]; }
  }
  return best;
}"""


UNDER_CURSOR = """([x, y]) => {
  // Names of the drawn symbols within 14 px of (x, y): a symbol is about 26 px across.
  const PM = window.posturemap, D = PM.data;
  return PM.drawn().filter(([i, u, v]) => Math.abs(u - x) <= 14 && Math.abs(v - y) <= 14)
    .map(([i]) => D.strings[D.columns.name[i]]);
}"""


def popup_time(browser, path: Path) -> tuple[float, bool]:
    """Seconds from a click on the symbol nearest the centre (at zoom 11) to a popup, and
    whether the popup is of a symbol under the cursor: the one on top there, which at 100k
    points is rarely the one aimed at (ours only: explore() has no popups by default)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(path.as_uri(), wait_until="load", timeout=600_000)
    page.wait_for_function("window.posturemap && window.posturemap.ready", timeout=600_000)
    page.evaluate(TWO_FRAMES)
    # At theatre scale dense cells are numbered discs: zoom in until single symbols show.
    page.evaluate(
        "() => { const m = window.posturemap.map; m.setView(m.getCenter(), 11, {animate: false}); }"
    )
    page.evaluate(TWO_FRAMES)
    _, x, y = page.evaluate(CLICK_CENTRE)
    under = page.evaluate(UNDER_CURSOR, [x, y])  # before the popup pans the map
    start = time.perf_counter()
    page.mouse.click(x, y)
    page.locator(".pm-popup").wait_for(timeout=60_000)
    elapsed = time.perf_counter() - start
    right = page.locator(".pm-popup h3").inner_text() in under
    page.close()
    return elapsed, right


def open_time(browser, path: Path, ready: str) -> float:
    leaflet = assets.leaflet_dir()
    page = browser.new_page(viewport={"width": 1280, "height": 800})

    def route(route_):
        url = route_.request.url
        if url.startswith("file:"):
            return route_.continue_()
        name = url.rsplit("/", 1)[-1].split("?")[0]
        local = leaflet / name
        if name in ("leaflet.js", "leaflet.css") and local.exists():
            return route_.fulfill(path=str(local))
        kind = "text/css" if name.endswith(".css") else "application/javascript"
        return route_.fulfill(status=200, body="", content_type=kind)

    page.route("**/*", route)
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load", timeout=600_000)
    page.wait_for_function(ready, timeout=600_000)
    page.evaluate(TWO_FRAMES)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench_map_"))
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for n in args.points:
            dataset = synthetic(n)
            start = time.perf_counter()
            ours = work / f"ours_{n}.html"
            export.write_html(maps.build_map(dataset, basemap="offline"), ours, overwrite=True)
            ours_build = time.perf_counter() - start
            start = time.perf_counter()
            naive = work / f"explore_{n}.html"
            frame = dataset["assets"].drop(columns=["sources", "layer"])
            frame["observed"] = frame["observed"].astype(str)
            frame.explore(tiles=None).save(str(naive))
            naive_build = time.perf_counter() - start
            ours_open = open_time(browser, ours, "window.posturemap && window.posturemap.ready")
            naive_open = open_time(browser, naive, "document.readyState === 'complete'")
            click, right = popup_time(browser, ours)
            rows.append(
                (
                    n,
                    ours_build,
                    naive_build,
                    ours.stat().st_size,
                    naive.stat().st_size,
                    ours_open,
                    naive_open,
                    click,
                    right,
                )
            )
        browser.close()
    print(
        f"{'points':>8} | {'build s':>15} | {'file MB':>17} | {'open s':>15} | "
        f"size / open ratio | click to popup (ours)"
    )
    print(f"{'':>8} | {'ours  explore':>15} | {'ours    explore':>17} | {'ours  explore':>15} |")
    for n, ob, nb, osz, nsz, oo, no, click, right in rows:
        print(
            f"{n:>8} | {ob:6.1f} {nb:8.1f} | {osz / 1e6:7.1f} {nsz / 1e6:9.1f} | "
            f"{oo:6.2f} {no:8.2f} | {osz / nsz:.2f} / {oo / no:.2f}       | "
            f"{click * 1000:.0f} ms{'' if right else ' (WRONG FEATURE)'}"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

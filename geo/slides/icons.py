"""The web map's symbols as PNG icons for a KMZ: Google Earth draws raster icons only.

:func:`kmz_icons` gives each asset and base its map symbol (the SIDC of
:func:`geo.web.features.symbol_codes`, drawn by milsymbol), each strike and place the map's
own symbol, and renders every distinct symbol once: all of them in one page of the headless
Chromium that draws the slides (:func:`geo.slides.browser.find_chromium`), photographed in one
screenshot and cut into squares of :data:`ICON_PX` pixels. At most :data:`MAX_ICONS` distinct
symbols are drawn (the most used first); features past them keep the KML's own styles.
:func:`geo.analysis.kml.write_kml` takes the result (``icons`` and ``styles``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from geo.data.reading import Dataset
from geo.slides.browser import LAUNCH_ARGS, find_chromium
from geo.slides.errors import PngError

ICON_PX = 64
"""Side of every icon, in pixels (Google Earth scales a 64 px icon down crisply)."""
MAX_ICONS = 256
"""Most distinct symbols drawn for one KMZ: a bound on the page and the screenshot."""
_COLUMNS = 16
_TIMEOUT_MS = 20_000


def kmz_icons(
    dataset: Dataset, browser: Any | None = None
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The map's symbols of a data set as PNG icons, and the style of each feature.

    Parameters
    ----------
    dataset : Dataset
        The loaded data.
    browser : playwright Browser, optional
        A running Chromium to draw in (tests share one); default a headless system
        Chromium started and closed here.

    Returns
    -------
    icons : dict of str to bytes
        Style id (``sidc-<code>`` for an asset or base symbol, ``<layer>-<digest>`` for a
        strike's or place's) to a PNG of :data:`ICON_PX` square.
    styles : dict of str to str
        Feature id to its style id.

    Raises
    ------
    geo.slides.errors.BrowserNotFound
        When there is no Chromium.
    geo.slides.errors.PngError
        When Chromium does not start or does not draw the symbols.
    """
    images, styles = symbol_images(dataset)
    counts = Counter(styles.values())
    kept = dict(sorted(images.items(), key=lambda item: -counts[item[0]])[:MAX_ICONS])
    styles = {fid: style for fid, style in styles.items() if style in kept}
    return render_pngs(kept, browser=browser), styles


def symbol_images(dataset: Dataset) -> tuple[dict[str, str], dict[str, str]]:
    """The map's symbol of every asset, base, strike and place, as an image URL per style.

    Returns
    -------
    images : dict of str to str
        Style id to the symbol's ``data:image/svg+xml`` URL (the web map's own).
    styles : dict of str to str
        Feature id to style id.
    """
    from geo.web import features, symbols

    images: dict[str, str] = {}
    styles: dict[str, str] = {}
    for layer in ("assets", "bases", "strikes", "places"):
        frame = dataset[layer]
        if not len(frame):
            continue
        if layer in ("assets", "bases"):
            codes = features.symbol_codes(frame, layer)
            pairs = [(f"sidc-{code}", symbols.sidc_symbol(str(code))) for code in codes]
        elif layer == "strikes":
            url = symbols.strike_symbol()
            pairs = [(f"strikes-{_digest(url)}", url)] * len(frame)
        else:
            kinds = frame["kind"] if "kind" in frame else [None] * len(frame)
            urls = [symbols.place_symbol(k if isinstance(k, str) else None) for k in kinds]
            pairs = [(f"places-{_digest(url)}", url) for url in urls]
        for fid, (style, url) in zip(frame["id"], pairs, strict=True):
            styles[str(fid)] = style
            images[style] = url
    return images, styles


def render_pngs(images: Mapping[str, str], browser: Any | None = None) -> dict[str, bytes]:
    """Draw image URLs (SVG data URLs) as PNGs of :data:`ICON_PX` square, in one page load.

    Parameters
    ----------
    images : mapping of str to str
        Name to image URL; at most :data:`MAX_ICONS`. Each is fitted into its square,
        its proportions kept, on a transparent background.
    browser : playwright Browser, optional
        As for :func:`kmz_icons`.

    Returns
    -------
    dict of str to bytes
        Name to PNG.
    """
    if len(images) > MAX_ICONS:
        raise ValueError(f"{len(images)} icons; at most {MAX_ICONS} are drawn at once")
    if not images:
        return {}
    names = list(images)
    html = _sheet([images[name] for name in names])
    if browser is not None:
        sheet = _photograph(browser, html, len(names))
    else:
        executable = find_chromium()  # before Playwright starts: a clear message
        # Playwright's sync API refuses a thread with a running asyncio loop: a worker.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="posturemap-icons") as worker:
            sheet = worker.submit(_launch_and_photograph, executable, html, len(names)).result()
    return _cut(sheet, names)


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]


def _sheet(urls: list[str]) -> str:
    """A page of the symbols in a grid of squares; URLs are JSON-quoted into attributes."""
    cells = "".join(f"<img src={json.dumps(url)} alt=''>" for url in urls)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        "html,body{margin:0;padding:0;background:transparent}"
        f"body{{display:grid;grid-template-columns:repeat({_COLUMNS},{ICON_PX}px);"
        f"grid-auto-rows:{ICON_PX}px;width:{_COLUMNS * ICON_PX}px}}"
        f"img{{width:{ICON_PX}px;height:{ICON_PX}px;object-fit:contain;display:block}}"
        f"</style></head><body>{cells}</body></html>"
    )


def _launch_and_photograph(executable: str, html: str, count: int) -> bytes:
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        except PlaywrightError as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else "no message"
            raise PngError(f"Chromium ({executable}) did not start: {first}") from None
        try:
            return _photograph(browser, html, count)
        finally:
            browser.close()


def _photograph(browser: Any, html: str, count: int) -> bytes:
    """One screenshot of the whole sheet, every image decoded first; no request leaves."""
    from playwright.sync_api import Error as PlaywrightError

    rows = -(-count // _COLUMNS)
    size = {"width": _COLUMNS * ICON_PX, "height": rows * ICON_PX}
    context = browser.new_context(viewport=size, device_scale_factor=1)
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.abort())  # data: URLs never reach it
        page.set_content(html, timeout=_TIMEOUT_MS)
        page.evaluate("() => Promise.all(Array.from(document.images, i => i.decode()))")
        return page.screenshot(
            clip={"x": 0, "y": 0, **size}, omit_background=True, timeout=_TIMEOUT_MS
        )
    except PlaywrightError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "no message"
        raise PngError(f"the symbols were not drawn: {first}") from None
    finally:
        context.close()


def _cut(sheet: bytes, names: list[str]) -> dict[str, bytes]:
    """Cut the screenshot into one PNG per square, in the order the names were laid out."""
    from PIL import Image

    image = Image.open(io.BytesIO(sheet)).convert("RGBA")
    out = {}
    for number, name in enumerate(names):
        row, column = divmod(number, _COLUMNS)
        box = (column * ICON_PX, row * ICON_PX, (column + 1) * ICON_PX, (row + 1) * ICON_PX)
        buffer = io.BytesIO()
        image.crop(box).save(buffer, format="PNG", optimize=True)
        out[name] = buffer.getvalue()
    return out

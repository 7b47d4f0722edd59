"""Headless Chromium for briefing slides: find it, load a page, wait for its tiles, screenshot
it (PNG) or print it (PDF).

One :class:`SlideRenderer` holds one browser (Playwright driving a system
Chromium) for as many pages as needed, so a batch of slides pays for the browser
start once. Each page is loaded from a temporary file; the renderer waits for the
map to be drawn (``window.posturemap.ready``: its symbols loaded and drawn, bounded by
:data:`READY_TIMEOUT_S`, else :class:`~geo.slides.errors.MapNotReady`) and every visible
tile to be loaded (Leaflet marks loaded tiles with ``leaflet-tile-loaded``), then takes
the screenshot (or prints the page as a one-page PDF of the slide's size, with text as text)
and reports the tiles that did not load (:class:`TileStatus`), so that the caller
(``geo.slides.render``) can draw the slide again on the offline basemap.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.slides.errors import BrowserNotFound, MapNotReady, PngError
from geo.slides.options import DEFAULT_SIZE

LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
INSTALL_HINT = (
    "install one with `apt-get install -y chromium` or set POSTUREMAP_CHROMIUM "
    "to a Chromium executable"
)
CHROMIUM_NAMES = ("chromium", "chromium-browser")
TILE_TIMEOUT_S = 8.0
LOAD_TIMEOUT_S = 30.0
READY_TIMEOUT_S = 20.0
"""Seconds a map page has to draw its symbols (``window.posturemap.ready``)."""

# Marks a tile image whose download failed. Image errors do not bubble, but a
# capturing listener on window sees them; it is installed before any page script runs.
_TILE_ERROR_SCRIPT = """
window.addEventListener('error', function (event) {
  var el = event.target;
  if (el && el.tagName === 'IMG' && el.classList.contains('leaflet-tile')) {
    el.setAttribute('data-tile-error', '1');
  }
}, true);
"""
# Tiles fade in over 200 ms after loading; a slide wants them opaque at once.
_NO_FADE_CSS = ".leaflet-tile-loaded { opacity: 1 !important; }"
# Counts the tile images inside the viewport; returns null while some are pending
# (unless `final`), so it can serve wait_for_function and the post-timeout report.
_TILE_STATUS_JS = """
(final) => {
  if (!document.querySelector('.leaflet-container .leaflet-map-pane')) {
    return final ? {map: false, total: 0, loaded: 0, failed: 0} : null;
  }
  var width = window.innerWidth, height = window.innerHeight;
  var total = 0, loaded = 0, failed = 0;
  document.querySelectorAll('img.leaflet-tile').forEach(function (tile) {
    var r = tile.getBoundingClientRect();
    if (r.right <= 0 || r.bottom <= 0 || r.left >= width || r.top >= height) return;
    total += 1;
    if (tile.classList.contains('leaflet-tile-loaded')) loaded += 1;
    else if (tile.hasAttribute('data-tile-error')) failed += 1;
  });
  if (!final && loaded + failed < total) return null;
  return {map: true, total: total, loaded: loaded, failed: failed};
}
"""
# A page with the map's script waits for it to have drawn everything (symbols load late, as
# images); any other page (no window.posturemap) is ready at once.
_READY_JS = "() => !window.posturemap || window.posturemap.ready === true"
_TWO_FRAMES_JS = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
)


def find_chromium(bundled: str | None = None) -> str:
    """Find a Chromium executable.

    Looks at ``POSTUREMAP_CHROMIUM`` first (when set, it must name an executable
    file), then ``chromium``/``chromium-browser`` on the PATH, then Playwright's
    own browser (``bundled``, its expected path) if it is installed.

    Raises
    ------
    BrowserNotFound
        With one line that says how to install one.
    """
    chosen = os.environ.get("POSTUREMAP_CHROMIUM")
    if chosen:
        if os.path.isfile(chosen) and os.access(chosen, os.X_OK):
            return chosen
        raise BrowserNotFound(
            f"no Chromium found: POSTUREMAP_CHROMIUM={chosen} is not an executable file; "
            + INSTALL_HINT
        )
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if bundled and os.path.isfile(bundled) and os.access(bundled, os.X_OK):
        return bundled
    raise BrowserNotFound("no Chromium found on the PATH; " + INSTALL_HINT)


@dataclass
class TileStatus:
    """Visible tiles of a captured page: how many, how many loaded, how many failed."""

    total: int = 0
    loaded: int = 0
    failed: int = 0
    timed_out: bool = False

    @property
    def complete(self) -> bool:
        """True when every visible tile loaded (or there are none, e.g. a vector basemap)."""
        return self.loaded == self.total and not self.timed_out

    def describe(self) -> str:
        """Say what went wrong in a few words."""
        if self.timed_out:
            return f"{self.loaded} of {self.total} map tiles loaded before the timeout"
        return f"{self.failed} of {self.total} map tiles failed to load"


@dataclass
class Capture:
    """A screenshot (or a PDF print) and what was in the page when it was taken."""

    png: bytes
    text: str
    tiles: TileStatus
    size: tuple[int, int]
    scale: int
    pdf: bytes = b""


class SlideRenderer:
    """One headless Chromium that turns HTML pages into PNG screenshots.

    Use as a context manager; every :meth:`capture` reuses the same browser.
    Playwright runs in a worker thread of its own, so a renderer also works where
    an asyncio loop is running (notebooks) or another Playwright is in use.

    Parameters
    ----------
    executable : str, optional
        Chromium to use; default :func:`find_chromium`.
    tile_timeout : float
        Seconds to wait for the visible tiles of a page.
    ready_timeout : float
        Seconds to wait for a map page to report that it has drawn everything.
    """

    def __init__(
        self,
        executable: str | None = None,
        tile_timeout: float = TILE_TIMEOUT_S,
        ready_timeout: float = READY_TIMEOUT_S,
    ) -> None:
        self.executable = executable
        self.tile_timeout = tile_timeout
        self.ready_timeout = ready_timeout
        self._worker: ThreadPoolExecutor | None = None
        self._playwright: Any = None
        self._browser: Any = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._count = 0
        # Basemaps whose tiles failed once: later slides go straight to the fallback.
        self.failed_basemaps: set[str] = set()

    def __enter__(self) -> SlideRenderer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Find Chromium and start it (done by ``with``).

        Raises
        ------
        BrowserNotFound
            When there is no Chromium.
        PngError
            When it does not start.
        """
        if self._worker is not None:
            return
        executable = self.executable
        if executable is None and os.environ.get("POSTUREMAP_CHROMIUM"):
            executable = find_chromium()  # a bad setting fails before Playwright starts
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posturemap-png")
        try:
            self._worker.submit(self._start, executable).result()
        except BaseException:
            self.close()
            raise

    def _start(self, executable: str | None) -> None:
        os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        executable = executable or find_chromium(self._playwright.chromium.executable_path)
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=executable, args=list(LAUNCH_ARGS)
            )
        except PlaywrightError as error:
            raise PngError(f"Chromium ({executable}) did not start: {_first_line(error)}") from None
        self._tmp = tempfile.TemporaryDirectory(prefix="posturemap-png-")

    def close(self) -> None:
        """Close the browser and Playwright (done by ``with``)."""
        if self._worker is None:
            return
        try:
            self._worker.submit(self._close).result()
        finally:
            self._worker.shutdown()
            self._worker = None

    def _close(self) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._browser = None
            if self._playwright is not None:
                self._playwright.stop()
                self._playwright = None
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp = None

    def capture(
        self,
        html: str,
        size: tuple[int, int] = DEFAULT_SIZE,
        scale: int = 1,
        incomplete_shot: bool = True,
        pdf: bool = False,
    ) -> Capture:
        """Load ``html`` at ``size`` CSS pixels and screenshot it at ``scale`` device pixels each.

        Parameters
        ----------
        html : str
            A complete page (self-contained: it is loaded from a temporary file).
        size : (int, int)
            Viewport width and height in CSS pixels.
        scale : int
            Device pixel ratio: the PNG is ``size * scale`` pixels.
        incomplete_shot : bool
            Take the screenshot even when tiles are missing (else ``png`` is empty,
            for a caller that will draw the slide again on another basemap).
        pdf : bool
            Print the page instead: one PDF page of ``size`` CSS pixels (96 per inch), text
            kept as text, the map's canvas layers as images at ``scale`` (``pdf``; ``png``
            stays empty).

        Returns
        -------
        Capture
            The PNG (or PDF) and the page's visible text; ``tiles`` says whether every
            visible tile loaded (the caller decides what to do when not).

        Raises
        ------
        MapNotReady
            When the map's script never reports ``window.posturemap.ready``.
        PngError
            When the page cannot be loaded or photographed.
        """
        if self._worker is None:
            raise PngError("the renderer is not started (use it in a `with` block)")
        return self._worker.submit(self._capture, html, size, scale, incomplete_shot, pdf).result()

    def _capture(
        self, html: str, size: tuple[int, int], scale: int, incomplete_shot: bool, pdf: bool
    ) -> Capture:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        assert self._browser is not None and self._tmp is not None
        self._count += 1
        page_file = Path(self._tmp.name) / f"slide-{self._count}.html"
        page_file.write_text(html, encoding="utf-8")
        context = self._browser.new_context(
            viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale
        )
        try:
            context.add_init_script(_TILE_ERROR_SCRIPT)
            page = context.new_page()
            page_errors: list[str] = []
            page.on("pageerror", lambda error: page_errors.append(_first_line(error)))
            # DOMContentLoaded comes after the map's inline scripts ran, but before
            # the tiles arrive: "load" would wait for them with no timeout of ours.
            page.goto(
                page_file.as_uri(), wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_S * 1000
            )
            page.add_style_tag(content=_NO_FADE_CSS)
            self._wait_ready(page, page_errors)
            try:
                found = page.wait_for_function(
                    _TILE_STATUS_JS, arg=False, timeout=self.tile_timeout * 1000, polling=50
                ).json_value()
                tiles = TileStatus(found["total"], found["loaded"], found["failed"])
            except PlaywrightTimeout:
                found = page.evaluate(_TILE_STATUS_JS, True)
                tiles = TileStatus(found["total"], found["loaded"], found["failed"], True)
            page.evaluate(_TWO_FRAMES_JS)
            text = page.evaluate("() => document.body.innerText")
            png = printed = b""
            if tiles.complete or incomplete_shot:
                if pdf:
                    printed = _print(page, size)
                else:
                    png = page.screenshot(type="png", animations="disabled")
        except PlaywrightError as error:
            raise PngError(f"rendering failed: {_first_line(error)}") from None
        finally:
            context.close()
            page_file.unlink(missing_ok=True)
        return Capture(png=png, text=text, tiles=tiles, size=size, scale=scale, pdf=printed)

    def _wait_ready(self, page: Any, page_errors: list[str]) -> None:
        """Wait until the map has drawn its symbols; raise :class:`MapNotReady` if it never does."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            page.wait_for_function(_READY_JS, timeout=self.ready_timeout * 1000, polling=50)
        except PlaywrightTimeout:
            cause = f"; the page failed: {page_errors[0]}" if page_errors else ""
            raise MapNotReady(
                f"the map did not finish drawing within {self.ready_timeout:g} s "
                f"(window.posturemap.ready never became true){cause}"
            ) from None


def _print(page: Any, size: tuple[int, int]) -> bytes:
    """The page as one PDF page of its viewport's size, laid out as on screen."""
    # Screen styles, not print ones: the slide must look as its PNG does. The page is as big
    # as the viewport, so the map is not laid out again (no refit, no redraw at another size).
    page.emulate_media(media="screen")
    width, height = f"{size[0]}px", f"{size[1]}px"
    return page.pdf(
        width=width,
        height=height,
        print_background=True,
        margin={"top": "0", "right": "0", "bottom": "0", "left": "0"},
        page_ranges="1",
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

"""Briefing slides as PNG: a map's self-contained HTML photographed by headless Chromium.

One :class:`SlideRenderer` holds one browser (Playwright driving a system
Chromium) for as many slides as needed, so a batch of dates pays for the browser
start once. Each slide is loaded from a temporary file, the renderer waits for the
map to be drawn and every visible tile to be loaded (Leaflet marks loaded tiles
with ``leaflet-tile-loaded``), then takes the screenshot. When the tiles of an
online basemap cannot load (no network), :func:`render_png` says so and draws the
slide again on the offline basemap rather than on a blank background.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from geo import selection
from geo.basemaps import BASEMAPS as BASEMAP_NAMES
from geo.io import Dataset

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
DEFAULT_SIZE = (1920, 1080)
DEFAULT_CAVEAT = "UNCLASSIFIED - OPEN SOURCES - POSITIONS APPROXIMATE"
OFFLINE_BASEMAP = "offline"
MIN_SIDE, MAX_SIDE = 320, 7680
SCALES = (1, 2)
MAX_DATES = 400
TILE_TIMEOUT_S = 8.0
LOAD_TIMEOUT_S = 30.0

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
_TWO_FRAMES_JS = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
)


class PngError(Exception):
    """A slide could not be made; ``code`` is the exit code for the command line."""

    code = 1


class BrowserNotFound(PngError):
    """No Chromium to render with."""


class OutputExists(PngError):
    """An output file exists and overwriting was not asked for."""


# --- arguments ----------------------------------------------------------------


def parse_size(text: str) -> tuple[int, int]:
    """Parse ``WIDTHxHEIGHT`` (CSS pixels) into two integers.

    Raises
    ------
    ValueError
        When the text is not two whole numbers joined by ``x`` or a side is
        outside 320..7680.
    """
    match = re.fullmatch(r"\s*(\d{1,5})\s*[xX×]\s*(\d{1,5})\s*", text or "")
    if not match:
        raise ValueError(f"--size: {text!r} is not WIDTHxHEIGHT, e.g. 1920x1080")
    width, height = int(match.group(1)), int(match.group(2))
    for side in (width, height):
        if not MIN_SIDE <= side <= MAX_SIDE:
            raise ValueError(
                f"--size: {side} is out of range; each side must be {MIN_SIDE}..{MAX_SIDE}"
            )
    return width, height


def check_scale(scale: int) -> int:
    """Return ``scale`` if it is 1 or 2 (device pixels per CSS pixel), else raise ValueError."""
    if scale not in SCALES:
        raise ValueError(f"--scale: {scale!r} must be 1 or 2")
    return scale


def parse_bounds(text: str) -> tuple[float, float, float, float]:
    """Parse ``W,S,E,N`` in degrees (west, south, east, north).

    Raises
    ------
    ValueError
        On anything but four numbers with -180 <= W < E <= 180 and -85 <= S < N <= 85
        (the map is Web Mercator; the antimeridian is not crossed).
    """
    parts = (text or "").split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ValueError(f"--bounds: {text!r} is not W,S,E,N, e.g. -75,8,-58,20")
    west, south, east, north = values
    if not (-180 <= west < east <= 180):
        raise ValueError(f"--bounds: need -180 <= W < E <= 180, got W={west:g} E={east:g}")
    if not (-85 <= south < north <= 85):
        raise ValueError(f"--bounds: need -85 <= S < N <= 85, got S={south:g} N={north:g}")
    return west, south, east, north


_STEP = re.compile(r"(\d{1,4})([dw])")


def is_date_list(text: str) -> bool:
    """True when an ``--as-of`` value is a list or a range (one output per date)."""
    return "," in text or ".." in text


def parse_dates(text: str) -> list[date]:
    """Parse an ``--as-of`` value: a date, a list, a range with a step, or a mix.

    ``2025-09-01``, ``2025-09-01,2025-10-01``, ``2025-09-01..2025-10-23/7d``
    (every 7 days from the start, up to and including the end when a step lands
    on it; steps in days ``d`` or weeks ``w``, default ``1d``). The result is
    sorted, without repeats.

    Raises
    ------
    ValueError
        On a bad date, a bad step, an end before the start, or more than 400 dates.
    """
    days: set[date] = set()
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            raise ValueError(f"--as-of: {text!r} has an empty item")
        if ".." not in item:
            days.add(_day(item))
            continue
        first, _, rest = item.partition("..")
        last, _, step_text = rest.partition("/")
        start, end = _day(first.strip()), _day(last.strip())
        step_match = _STEP.fullmatch(step_text.strip() or "1d")
        if not step_match or int(step_match.group(1)) == 0:
            raise ValueError(f"--as-of: step {step_text!r} is not like 7d or 2w")
        step = timedelta(days=int(step_match.group(1)) * (7 if step_match.group(2) == "w" else 1))
        if end < start:
            raise ValueError(f"--as-of: range {item!r} ends before it starts")
        if (end - start) // step >= MAX_DATES:
            raise ValueError(f"--as-of: range {item!r} gives more than {MAX_DATES} dates")
        day = start
        while day <= end:
            days.add(day)
            day += step
    if len(days) > MAX_DATES:
        raise ValueError(f"--as-of: more than {MAX_DATES} dates")
    return sorted(days)


def _day(text: str) -> date:
    try:
        return selection.to_day(text)
    except ValueError:
        raise ValueError(f"--as-of: {text!r} is not an ISO date (YYYY-MM-DD)") from None


def dated_path(out: Path, day: date) -> Path:
    """Return ``out`` with the date before the suffix: ``out.png`` -> ``out_2025-09-01.png``."""
    return out.with_name(f"{out.stem}_{day.isoformat()}{out.suffix}")


def check_basemap(name: str) -> str:
    """Return ``name`` if it is a known basemap; raise ValueError otherwise."""
    known = BASEMAP_NAMES
    if name not in known:
        raise ValueError(f"--basemap: {name!r} is not one of {', '.join(known)}")
    return name


# --- the browser --------------------------------------------------------------


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
    """A screenshot and what was in the page when it was taken."""

    png: bytes
    text: str
    tiles: TileStatus
    size: tuple[int, int]
    scale: int


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
    """

    def __init__(self, executable: str | None = None, tile_timeout: float = TILE_TIMEOUT_S) -> None:
        self.executable = executable
        self.tile_timeout = tile_timeout
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

        Returns
        -------
        Capture
            The PNG and the page's visible text; ``tiles`` says whether every
            visible tile loaded (the caller decides what to do when not).
        """
        if self._worker is None:
            raise PngError("the renderer is not started (use it in a `with` block)")
        return self._worker.submit(self._capture, html, size, scale, incomplete_shot).result()

    def _capture(
        self, html: str, size: tuple[int, int], scale: int, incomplete_shot: bool
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
            # DOMContentLoaded comes after the map's inline scripts ran, but before
            # the tiles arrive: "load" would wait for them with no timeout of ours.
            page.goto(
                page_file.as_uri(), wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_S * 1000
            )
            page.add_style_tag(content=_NO_FADE_CSS)
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
            png = b""
            if tiles.complete or incomplete_shot:
                png = page.screenshot(type="png", animations="disabled")
        except PlaywrightError as error:
            raise PngError(f"rendering failed: {_first_line(error)}") from None
        finally:
            context.close()
            page_file.unlink(missing_ok=True)
        return Capture(png=png, text=text, tiles=tiles, size=size, scale=scale)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def _renderer_or(renderer: SlideRenderer | None) -> Iterator[SlideRenderer]:
    if renderer is not None:
        yield renderer
        return
    with SlideRenderer() as own:
        yield own


# --- slides -------------------------------------------------------------------


@dataclass
class SlideOptions:
    """What a slide shows; the same things the ``export png`` command takes.

    ``as_of`` is one date here; lists and ranges are for :func:`render_png`.
    """

    as_of: date | str | None = None
    since: date | str | None = None
    basemap: str = "light"
    title: str | None = None
    size: tuple[int, int] = DEFAULT_SIZE
    scale: int = 1
    bounds: tuple[float, float, float, float] | None = None
    caveat: str = DEFAULT_CAVEAT


def slide_html(dataset: Dataset, options: SlideOptions, basemap: str | None = None) -> str:
    """Build the slide's self-contained HTML: the map plus the slide decorations."""
    from geo import slide

    return slide.slide_document(dataset, options, basemap or options.basemap)


@dataclass
class Slide:
    """One rendered slide: the PNG, the page text it showed, the basemap actually used."""

    png: bytes
    text: str
    basemap: str
    as_of: date | None
    tiles: TileStatus


def _warn_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def render_slide(
    dataset: Dataset,
    options: SlideOptions,
    renderer: SlideRenderer | None = None,
    warn: Callable[[str], None] | None = None,
) -> Slide:
    """Render one slide; fall back to the offline basemap when tiles cannot load.

    Parameters
    ----------
    dataset : Dataset
        The whole data set (the as-of selection is made here).
    options : SlideOptions
        What to show.
    renderer : SlideRenderer, optional
        A started renderer to reuse (batches); default a new browser for this slide.
    warn : callable, optional
        Receives the one-line warning about a fallback; default prints to stderr.
    """
    warn = warn or _warn_stderr
    day = selection.to_day(options.as_of) if options.as_of is not None else None
    day = day or selection.latest_date(dataset)
    options = SlideOptions(**{**options.__dict__, "as_of": day})
    with _renderer_or(renderer) as active:
        basemap = options.basemap
        if basemap in active.failed_basemaps:
            basemap = OFFLINE_BASEMAP
        capture = active.capture(
            slide_html(dataset, options, basemap),
            options.size,
            options.scale,
            incomplete_shot=basemap == OFFLINE_BASEMAP,
        )
        if not capture.tiles.complete and basemap != OFFLINE_BASEMAP:
            warn(
                f"warning: basemap {basemap!r}: {capture.tiles.describe()} (no network?); "
                f"using the {OFFLINE_BASEMAP!r} basemap instead"
            )
            active.failed_basemaps.add(basemap)
            basemap = OFFLINE_BASEMAP
            capture = active.capture(
                slide_html(dataset, options, basemap), options.size, options.scale
            )
    return Slide(capture.png, capture.text, basemap, day, capture.tiles)


def slide_png_bytes(
    dataset: Dataset,
    *,
    renderer: SlideRenderer | None = None,
    warn: Callable[[str], None] | None = None,
    **options: Any,
) -> bytes:
    """Return one briefing slide as PNG bytes (for a download button).

    Parameters
    ----------
    dataset : Dataset
        The whole data set.
    renderer : SlideRenderer, optional
        A started renderer to reuse.
    warn : callable, optional
        Receives warnings (basemap fallback); default stderr.
    **options
        The fields of :class:`SlideOptions`: ``as_of``, ``since``, ``basemap``,
        ``title``, ``size``, ``scale``, ``bounds``, ``caveat``.
    """
    return render_slide(dataset, SlideOptions(**options), renderer, warn).png


def output_paths(out: Path, as_of: Any) -> list[tuple[date | None, Path]]:
    """Pair each date of ``as_of`` with its output file (dated names for lists and ranges)."""
    if isinstance(as_of, str) and is_date_list(as_of):
        return [(day, dated_path(out, day)) for day in parse_dates(as_of)]
    if isinstance(as_of, Sequence) and not isinstance(as_of, str):
        days = [_day(d) if isinstance(d, str) else selection.to_day(d) for d in as_of]
        return [(day, dated_path(out, day)) for day in days]
    if isinstance(as_of, str):
        return [(_day(as_of), out)]
    return [(selection.to_day(as_of) if as_of is not None else None, out)]


def check_outputs(paths: Sequence[Path], force: bool = False) -> None:
    """Check that every output can be written: its folder exists and it does not (or ``force``).

    Raises
    ------
    OutputExists
        When a file exists and ``force`` is false.
    PngError
        When a folder is missing.
    """
    for path in paths:
        if not path.parent.is_dir():
            raise PngError(f"{path.parent}: no such directory")
    existing = [path for path in paths if path.exists()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise OutputExists(f"{existing[0]} exists{more}; use --force to overwrite")


def render_png(
    dataset: Dataset,
    out: str | os.PathLike[str],
    *,
    as_of: Any = None,
    force: bool = False,
    renderer: SlideRenderer | None = None,
    warn: Callable[[str], None] | None = None,
    on_written: Callable[[Path, Slide], None] | None = None,
    **options: Any,
) -> list[Path]:
    """Write one slide, or one per date, as PNG files; one browser for all of them.

    Parameters
    ----------
    dataset : Dataset
        The whole data set.
    out : path
        The PNG to write; for a list or range of dates each file gets the date in
        its name (``out_2025-09-01.png``).
    as_of : date, str or sequence of dates, optional
        One date, a list/range string (see :func:`parse_dates`) or a sequence;
        default the latest date in the data.
    force : bool
        Overwrite existing files; without it, nothing is written when one exists.
    renderer, warn
        As for :func:`render_slide`.
    on_written : callable, optional
        Called with each path and slide once written (progress output).
    **options
        The other fields of :class:`SlideOptions`.

    Returns
    -------
    list of Path
        The files written, in date order.

    Raises
    ------
    OutputExists
        When an output exists and ``force`` is false (checked before rendering).
    ValueError
        On a bad date list.
    PngError
        When no browser is found or rendering fails.
    """
    targets = output_paths(Path(out), as_of)
    check_outputs([path for _, path in targets], force)
    written: list[Path] = []
    with _renderer_or(renderer) as active:
        for day, path in targets:
            made = render_slide(dataset, SlideOptions(as_of=day, **options), active, warn)
            _write(path, made.png, force)
            written.append(path)
            if on_written:
                on_written(path, made)
    return written


def _write(path: Path, data: bytes, force: bool) -> None:
    # Exclusive creation without --force: a file that appeared meanwhile is not clobbered.
    try:
        with open(path, "wb" if force else "xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise OutputExists(f"{path} exists; use --force to overwrite") from None
    except OSError as error:
        raise PngError(f"{path}: cannot write: {error.strerror or error}") from None

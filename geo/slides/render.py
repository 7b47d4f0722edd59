"""Briefing slides as PNG or PDF: a map's self-contained HTML photographed (or printed) by
headless Chromium.

:func:`render_slide` draws one slide with a :class:`geo.slides.browser.SlideRenderer`;
:func:`render_png` and :func:`render_pdf` write one slide per date with one browser for all
of them. When
the tiles of an online basemap cannot load (no network), the slide is drawn again on
the offline basemap rather than on a blank background, with a one-line warning, and
later slides of the same renderer go to the offline basemap at once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from geo.analysis import overlayspecs
from geo.data import selection
from geo.data.reading import Dataset
from geo.slides import decorations
from geo.slides.browser import SlideRenderer, TileStatus
from geo.slides.errors import BadOption, UnknownRingOrigin
from geo.slides.options import SlideOptions, check_outputs, output_paths, write_output
from geo.web.basemaps import OFFLINE

FORMATS = ("png", "pdf")


@contextmanager
def _renderer_or(renderer: SlideRenderer | None) -> Iterator[SlideRenderer]:
    if renderer is not None:
        yield renderer
        return
    with SlideRenderer() as own:
        yield own


def slide_html(
    dataset: Dataset,
    options: SlideOptions,
    basemap: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> str:
    """Build the slide's self-contained HTML: the map plus the slide decorations."""
    return decorations.slide_document(dataset, options, basemap or options.basemap, warn)


@dataclass
class Slide:
    """One rendered slide: the PNG (or PDF), the page text it showed, the basemap used."""

    png: bytes
    text: str
    basemap: str
    as_of: date | None
    tiles: TileStatus
    pdf: bytes = b""

    def data(self, fmt: str) -> bytes:
        """The slide's bytes in ``fmt`` (``png`` or ``pdf``)."""
        return self.pdf if fmt == "pdf" else self.png


def _warn_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def render_slide(
    dataset: Dataset,
    options: SlideOptions,
    renderer: SlideRenderer | None = None,
    warn: Callable[[str], None] | None = None,
    fmt: str = "png",
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
        Receives one-line warnings (a basemap fallback, rings not drawn); default stderr.
    fmt : str
        ``png`` (a screenshot) or ``pdf`` (the page printed: one page, text as text).

    Raises
    ------
    BadOption
        For bad ``rings`` or ``zones``.
    PngError
        When no browser is found or rendering fails.
    """
    warn = warn or _warn_stderr
    pdf = fmt == "pdf"
    day = selection.to_day(options.as_of) if options.as_of is not None else None
    day = day or selection.latest_date(dataset)
    options = SlideOptions(**{**options.__dict__, "as_of": day})
    with _renderer_or(renderer) as active:
        basemap = options.basemap
        if basemap in active.failed_basemaps:
            basemap = OFFLINE
        html = slide_html(dataset, options, basemap, warn)
        capture = active.capture(
            html, options.size, options.scale, incomplete_shot=basemap == OFFLINE, pdf=pdf
        )
        if not capture.tiles.complete and basemap != OFFLINE:
            warn(
                f"warning: basemap {basemap!r}: {capture.tiles.describe()} (no network?); "
                f"using the {OFFLINE!r} basemap instead"
            )
            active.failed_basemaps.add(basemap)
            basemap = OFFLINE
            # Warnings about the slide itself were given with the first page.
            capture = active.capture(
                slide_html(dataset, options, basemap), options.size, options.scale, pdf=pdf
            )
    return Slide(capture.png, capture.text, basemap, day, capture.tiles, capture.pdf)


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
        ``title``, ``size``, ``scale``, ``bounds``, ``caveat``, ``rings``, ``zones``,
        ``uncertainty``.
    """
    return render_slide(dataset, SlideOptions(**options), renderer, warn).png


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
        One date, a list/range string (see :func:`geo.slides.options.parse_dates`) or a sequence;
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
    BadOption
        For bad ``rings`` or ``zones`` (checked before rendering).
    PngError
        When a ring origin is not in the data (checked before rendering), no browser is
        found or rendering fails.
    """
    return _render_files("png", dataset, out, as_of, force, renderer, warn, on_written, options)


def render_pdf(
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
    """Write one slide, or one per date, as one-page PDF files (for print).

    The same slide as :func:`render_png`, printed by Chromium: a page of the slide's size
    (96 CSS pixels to the inch), the title, legend, banners and labels as text (vector),
    the map's canvas layers (land, symbols) as images at ``scale``. Parameters, return value
    and errors as for :func:`render_png`.
    """
    return _render_files("pdf", dataset, out, as_of, force, renderer, warn, on_written, options)


def check_overlays(dataset: Dataset, rings: Any = (), zones: Any = ()) -> None:
    """Check ring specs and zone codes before any slide is drawn.

    Raises
    ------
    BadOption
        On a bad ring spec or an unknown zone code (usage errors).
    UnknownRingOrigin
        When a ring origin is no base or asset of ``dataset`` at any date.
    """
    try:
        overlayspecs.check_ring_origins(dataset, rings)
        overlayspecs.zones_layer(zones)  # cached: the slides draw them at no further cost
    except overlayspecs.UnknownOrigin as error:
        raise UnknownRingOrigin(error.origin) from None
    except overlayspecs.BadSpec as error:
        raise BadOption(error.option, error.reason, error.value) from None


def _render_files(
    fmt: str,
    dataset: Dataset,
    out: str | os.PathLike[str],
    as_of: Any,
    force: bool,
    renderer: SlideRenderer | None,
    warn: Callable[[str], None] | None,
    on_written: Callable[[Path, Slide], None] | None,
    options: dict[str, Any],
) -> list[Path]:
    targets = output_paths(Path(out), as_of)
    check_outputs([path for _, path in targets], force)
    check_overlays(dataset, options.get("rings", ()), options.get("zones", ()))
    written: list[Path] = []
    with _renderer_or(renderer) as active:
        for day, path in targets:
            made = render_slide(dataset, SlideOptions(as_of=day, **options), active, warn, fmt)
            write_output(path, made.data(fmt), force)
            written.append(path)
            if on_written:
                on_written(path, made)
    return written

"""Briefing-slide decorations for a map: title and as-of date, caveat banners, source line,
north arrow, slide styling and a fit to the features that leaves room for all of them.

Each decoration is a folium ``MacroElement`` whose template is a little HTML or one call;
their style and the fit are ``slides.css`` and ``slides.js`` in ``geo/web/static``. Sizes
scale with the slide (one unit is a pixel of a 1920x1080 slide), so the text stays
readable when projected at any size. Every text that reaches the page is escaped
here, once, before it enters a template.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.data import selection
from geo.data.reading import Dataset
from geo.slides.options import SlideOptions
from geo.web import assets
from geo.web.escape import html_text
from geo.web.export import html_document
from geo.web.legend import as_of_text
from geo.web.maps import build_map
from geo.web.payload import extent

if TYPE_CHECKING:
    import folium


DEFAULT_TITLE = "Military posture"
MIN_SPAN_DEG = 2.0
MARGIN = 0.04
SOURCE_LINE_CHARS = 170
SLIDE_FILES = ("slides.css", "slides.js")
"""The slide's style and fit, in ``geo/web/static`` (inlined like the map's own files)."""


@dataclass(frozen=True)
class SlideLayout:
    """The scale of a slide of ``width`` x ``height`` CSS pixels.

    ``slides.css`` sizes everything in pixels of a 1920x1080 slide times ``--slide-unit``,
    so the text stays readable when projected at any size.
    """

    width: int
    height: int

    @property
    def unit(self) -> float:
        """One pixel of a 1920x1080 slide, at this size."""
        return min(self.width / 1920, self.height / 1080)

    def px(self, value: float) -> int:
        """``value`` 1920x1080-pixels at this size, at least 1."""
        return max(1, round(value * self.unit))


class _SlideElement(MacroElement):
    def __init__(self, layout: SlideLayout) -> None:
        super().__init__()
        self._name = type(self).__name__
        self.layout = layout


class SlideStyle(_SlideElement):
    """The slide's scale for ``slides.css``: no zoom buttons or layer control, big text.

    Leaflet's control corners are moved inside the banners and the source band so
    the scale bar and the legend never sit under them.
    """

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>:root { --slide-unit: {{ this.unit }}; --slide-legend-zoom: {{ this.legend_zoom }}; }</style>
{% endmacro %}
"""
    )

    def __init__(self, layout: SlideLayout) -> None:
        super().__init__(layout)
        self.unit = round(layout.unit, 6)
        # Map legends are sized for a screen (about 12 px text); this makes them
        # about 22 px on a 1920x1080 slide.
        self.legend_zoom = round(1.45 * layout.unit, 3)


class CaveatBanner(_SlideElement):
    """The caveat (e.g. "UNCLASSIFIED - OPEN SOURCES") across the top and bottom of the slide."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div class="slide-banner slide-banner-top" data-slide-edge="top">{{ this.text_html }}</div>
<div class="slide-banner slide-banner-bottom" data-slide-edge="bottom">{{ this.text_html }}</div>
{% endmacro %}
"""
    )

    def __init__(self, text: str, layout: SlideLayout) -> None:
        super().__init__(layout)
        self.text_html = html_text(text)


class SlideTitle(_SlideElement):
    """The slide's title, its as-of date (and window), and the key figures shown."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div class="slide-title" data-slide-edge="top">
  <h1>{{ this.title_html }}</h1>
  {% if this.as_of_html %}<div class="slide-as-of">{{ this.as_of_html }}</div>{% endif %}
  {% if this.figures_html %}<div class="slide-figures">{{ this.figures_html }}</div>{% endif %}
</div>
{% endmacro %}
"""
    )

    def __init__(self, title: str, as_of: str, figures: str, layout: SlideLayout) -> None:
        super().__init__(layout)
        self.title_html = html_text(title)
        self.as_of_html = html_text(as_of)
        self.figures_html = html_text(figures)


class NorthArrow(_SlideElement):
    """A north arrow in the top-right corner (north is up everywhere on a Mercator map)."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div class="slide-north" data-slide-edge="top">
  <svg viewBox="0 0 70 104" width="100%" height="100%" role="img" aria-label="North">
    <circle cx="35" cy="65" r="33" fill="rgba(255,255,255,0.9)" stroke="#1d2b36" stroke-width="2"/>
    <polygon points="35,38 47,84 35,74 23,84" fill="#1d2b36"/>
    <polygon points="35,38 35,74 23,84" fill="#6b7b88"/>
    <text x="35" y="28" text-anchor="middle" font-size="28" font-weight="bold"
          fill="#1d2b36">N</text>
  </svg>
</div>
{% endmacro %}
"""
    )


class SourceLine(_SlideElement):
    """The band above the bottom banner naming the sources of the features shown."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div class="slide-sources" data-slide-edge="bottom">{{ this.text_html }}</div>
{% endmacro %}
"""
    )

    def __init__(self, text: str, layout: SlideLayout) -> None:
        super().__init__(layout)
        self.text_html = html_text(text)


class SlideFit(_SlideElement):
    """Fit the map to ``bounds`` inside the area the decorations leave free.

    ``posturemap.slideFit`` (``slides.js``) measures the padding in the page (the banners,
    title and source band as laid out) and zooms in fine steps so the features fill the frame.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
posturemap.slideFit({{ this._parent.get_name() }}, {{ this.options|tojson }});
{% endmacro %}
"""
    )

    def __init__(self, bounds: tuple[float, float, float, float], layout: SlideLayout) -> None:
        super().__init__(layout)
        west, south, east, north = (float(v) for v in bounds)
        self.options = {"bounds": [[south, west], [north, east]], "margin": layout.px(24)}


# --- text built from the data ---------------------------------------------------


def features_bounds(
    dataset: Dataset, margin: float = MARGIN
) -> tuple[float, float, float, float] | None:
    """Return (west, south, east, north) around every feature, with a margin, or None.

    Parameters
    ----------
    dataset : Dataset
        Usually the as-of selection (what the map shows).
    margin : float
        Fraction of the span added on each side; a lone point gets at least
        2 degrees of span.
    """
    box = extent(dataset)  # points known only very roughly do not pull the frame out
    if box is None or not all(math.isfinite(v) for v in box):
        return None
    west, south, east, north = box
    pad_x = max((east - west) * margin, (MIN_SPAN_DEG - (east - west)) / 2, 0)
    pad_y = max((north - south) * margin, (MIN_SPAN_DEG - (north - south)) / 2, 0)
    return (
        max(-180.0, west - pad_x),
        max(-85.0, south - pad_y),
        min(180.0, east + pad_x),
        min(85.0, north + pad_y),
    )


def as_of_line(day: date | None, since: date | None) -> str:
    """``As of 23 October 2025`` (with the window), or nothing when there is no date."""
    return "" if day is None else as_of_text(day, since)


def figures_line(shown: Dataset) -> str:
    """Key figures of what is shown: ships, submarines, aircraft, personnel, strikes."""
    figures = selection.summary(shown)
    parts = []
    for key in ("ships", "submarines", "aircraft"):
        count = figures[key]
        if count:
            noun = key if count != 1 else key.rstrip("s") if key != "aircraft" else key
            parts.append(f"{count:,} {noun}")
    if figures["personnel"]:
        parts.append(f"~{figures['personnel']:,} personnel")
    if figures["strikes"]:
        strikes = f"{figures['strikes']:,} strike{'s' if figures['strikes'] != 1 else ''}"
        if figures["killed"]:
            strikes += f", {figures['killed']:,} killed"
        parts.append(strikes)
    return " · ".join(parts)


def source_line(shown: Dataset, limit: int = SOURCE_LINE_CHARS) -> str:
    """Name the publishers cited by the features shown, most cited first.

    ``Sources: USNI News (8), Reuters (5) and 6 more publishers; 31 open-source
    reports published 14 Aug - 23 Oct 2025``. Publishers that do not fit in about
    ``limit`` characters are counted, not named. (The map's title block names the most cited
    reports instead: :func:`geo.web.legend.source_line`.)
    """
    records: dict[str, dict[str, Any]] = {}
    for frame in shown.layers.values():
        if len(frame) and "source_refs" in frame:
            for refs in frame["source_refs"]:
                for ref in refs or []:
                    records.setdefault(str(ref.get("id")), ref)
    if not records:
        return "Sources: none cited for the features shown"
    publishers = Counter(
        str(ref.get("publisher") or ref.get("title") or "unnamed") for ref in records.values()
    )
    named: list[str] = []
    for publisher, count in publishers.most_common():
        candidate = f"{publisher} ({count})"
        if named and len(", ".join([*named, candidate])) > limit * 0.7:
            break
        named.append(candidate)
    rest = len(publishers) - len(named)
    text = "Sources: " + ", ".join(named)
    if rest:
        text += f" and {rest} more publisher{'s' if rest != 1 else ''}"
    reports = f"{len(records)} open-source report{'s' if len(records) != 1 else ''}"
    published = pd.to_datetime(
        pd.Series([ref.get("published") for ref in records.values()]), errors="coerce", utc=True
    ).dropna()
    if len(published):
        first, last = published.min().date(), published.max().date()
        span = f"{first:%d %b %Y}" if first == last else f"{first:%d %b %Y} - {last:%d %b %Y}"
        reports += f" published {span}"
    return f"{text}; {reports}"


# --- the slide ----------------------------------------------------------------


def decorate(
    m: folium.Map,
    shown: Dataset,
    *,
    title: str,
    as_of: date | None,
    since: date | None,
    caveat: str,
    size: tuple[int, int],
    bounds: tuple[float, float, float, float] | None,
) -> folium.Map:
    """Add the slide decorations (and the fit to ``bounds``) to a map; return it."""
    layout = SlideLayout(*size)
    assets.require(m, *SLIDE_FILES)
    m.add_child(SlideStyle(layout))
    m.add_child(CaveatBanner(caveat, layout))
    m.add_child(SlideTitle(title, as_of_line(as_of, since), figures_line(shown), layout))
    m.add_child(NorthArrow(layout))
    m.add_child(SourceLine(source_line(shown), layout))
    if bounds is not None:
        m.add_child(SlideFit(bounds, layout))
    return m


def slide_document(dataset: Dataset, options: SlideOptions, basemap: str) -> str:
    """Build the slide page: the map of ``dataset`` as of the date, decorated, self-contained.

    Parameters
    ----------
    dataset : Dataset
        The whole data set.
    options : SlideOptions
        What to show (``as_of`` already resolved to a date or None).
    basemap : str
        The basemap to draw on (may differ from ``options.basemap`` after a fallback).
    """
    since = selection.to_day(options.since) if options.since is not None else None
    shown = selection.as_of(dataset, options.as_of, since)
    bounds = options.bounds or features_bounds(shown)
    # The slide draws its own title, so the map's title block stays out.
    m = build_map(
        shown, as_of=options.as_of, since=since, basemap=basemap, bounds=bounds, title_block=False
    )
    decorate(
        m,
        shown,
        title=options.title or DEFAULT_TITLE,
        as_of=selection.to_day(options.as_of) if options.as_of is not None else None,
        since=since,
        caveat=options.caveat,
        size=options.size,
        bounds=bounds,
    )
    return html_document(m)

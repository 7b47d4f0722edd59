"""Briefing-slide decorations for a map: title and as-of date, caveat banners, source line,
north arrow, slide styling and a fit to the features that leaves room for all of them.

Each decoration is a folium ``MacroElement`` with a Jinja ``_template``. Sizes scale
with the slide (one unit is a pixel of a 1920x1080 slide), so the text stays
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
from geo.web.escape import html_text
from geo.web.export import html_document
from geo.web.legend import as_of_text
from geo.web.maps import build_map
from geo.web.payload import extent

if TYPE_CHECKING:
    import folium


DEFAULT_TITLE = "Military posture"
FONT = "'Liberation Sans', Arial, 'Helvetica Neue', Helvetica, sans-serif"
MIN_SPAN_DEG = 2.0
MARGIN = 0.04
SOURCE_LINE_CHARS = 170


@dataclass(frozen=True)
class SlideLayout:
    """Pixel sizes of the decorations for a slide of ``width`` x ``height`` CSS pixels."""

    width: int
    height: int

    @property
    def unit(self) -> float:
        """One pixel of a 1920x1080 slide, at this size."""
        return min(self.width / 1920, self.height / 1080)

    def px(self, value: float) -> int:
        """``value`` 1920x1080-pixels at this size, at least 1."""
        return max(1, round(value * self.unit))

    @property
    def banner(self) -> int:
        """Height of each caveat banner."""
        return self.px(46)

    @property
    def footer(self) -> int:
        """Height of the source band above the bottom banner (two lines of source text)."""
        return self.px(72)


class _SlideElement(MacroElement):
    def __init__(self, layout: SlideLayout) -> None:
        super().__init__()
        self._name = type(self).__name__
        self.layout = layout
        self.font = FONT


class SlideStyle(_SlideElement):
    """Slide styling: no zoom buttons or layer control, big scale bar and legend text.

    Leaflet's control corners are moved inside the banners and the source band so
    the scale bar and the legend never sit under them.
    """

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
  html, body { margin: 0; padding: 0; overflow: hidden; background: #d9dee3; }
  .leaflet-container { font-family: {{ this.font }}; }
  .leaflet-control-zoom, .leaflet-control-layers { display: none !important; }
  .leaflet-top { top: {{ this.layout.banner }}px; }
  .leaflet-bottom { bottom: {{ this.layout.banner + this.layout.footer }}px; }
  .leaflet-control-scale-line {
    font-size: {{ this.layout.px(22) }}px; line-height: 1.3;
    border-width: 0 {{ this.layout.px(3) }}px {{ this.layout.px(3) }}px;
    padding: 0 {{ this.layout.px(6) }}px; background: rgba(255, 255, 255, 0.85);
    color: #111; border-color: #111;
  }
  .leaflet-control-scale-line:not(:first-child) {
    border-width: {{ this.layout.px(3) }}px {{ this.layout.px(3) }}px 0;
  }
  .leaflet-bottom.leaflet-left .leaflet-control {
    margin-left: {{ this.layout.px(28) }}px; margin-bottom: {{ this.layout.px(18) }}px;
  }
  .leaflet-bottom.leaflet-right .leaflet-control,
  .leaflet-top.leaflet-right .leaflet-control { margin-right: {{ this.layout.px(28) }}px; }
  .leaflet-control-attribution {
    font-size: {{ this.layout.px(14) }}px; background: rgba(255, 255, 255, 0.75) !important;
  }
  .leaflet-control-attribution, .leaflet-bottom.leaflet-right .leaflet-control-attribution {
    margin: 0 !important;
  }
  .pm-legend, .pm-scale { zoom: {{ this.legend_zoom }}; max-height: none !important; }
</style>
{% endmacro %}
"""
    )

    def __init__(self, layout: SlideLayout) -> None:
        super().__init__(layout)
        # Map legends are sized for a screen (about 12 px text); this makes them
        # about 22 px on a 1920x1080 slide.
        self.legend_zoom = round(1.45 * layout.unit, 3)


class CaveatBanner(_SlideElement):
    """The caveat (e.g. "UNCLASSIFIED - OPEN SOURCES") across the top and bottom of the slide."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
  .slide-banner {
    position: fixed; left: 0; right: 0; z-index: 1200; height: {{ this.layout.banner }}px;
    line-height: {{ this.layout.banner }}px; background: #1d2b36; color: #fff;
    font: bold {{ this.layout.px(24) }}px/{{ this.layout.banner }}px {{ this.font }};
    letter-spacing: 0.12em; text-align: center; white-space: nowrap; overflow: hidden;
  }
  .slide-banner-top { top: 0; }
  .slide-banner-bottom { bottom: 0; }
</style>
{% endmacro %}
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
{% macro header(this, kwargs) %}
<style>
  .slide-title {
    position: fixed; z-index: 1100; top: {{ this.layout.banner + this.layout.px(22) }}px;
    left: {{ this.layout.px(28) }}px; max-width: 62%;
    padding: {{ this.layout.px(16) }}px {{ this.layout.px(26) }}px;
    background: rgba(255, 255, 255, 0.92); color: #111; font-family: {{ this.font }};
    border-left: {{ this.layout.px(10) }}px solid #1d2b36;
    box-shadow: 0 {{ this.layout.px(2) }}px {{ this.layout.px(10) }}px rgba(0, 0, 0, 0.25);
  }
  .slide-title h1 {
    margin: 0; font-size: {{ this.layout.px(52) }}px; line-height: 1.1; font-weight: bold;
  }
  .slide-title .slide-as-of {
    margin-top: {{ this.layout.px(6) }}px; font-size: {{ this.layout.px(30) }}px;
  }
  .slide-title .slide-figures {
    margin-top: {{ this.layout.px(4) }}px; font-size: {{ this.layout.px(24) }}px; color: #333;
  }
</style>
{% endmacro %}
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
<div class="slide-north" data-slide-edge="top" style="position: fixed; z-index: 1100;
     top: {{ this.layout.banner + this.layout.px(22) }}px; right: {{ this.layout.px(28) }}px;
     width: {{ this.layout.px(70) }}px; height: {{ this.layout.px(104) }}px;">
  <svg viewBox="0 0 70 104" width="100%" height="100%" role="img" aria-label="North">
    <circle cx="35" cy="65" r="33" fill="rgba(255,255,255,0.9)" stroke="#1d2b36" stroke-width="2"/>
    <polygon points="35,38 47,84 35,74 23,84" fill="#1d2b36"/>
    <polygon points="35,38 35,74 23,84" fill="#6b7b88"/>
    <text x="35" y="28" text-anchor="middle" font-size="28" font-weight="bold"
          font-family="{{ this.font }}" fill="#1d2b36">N</text>
  </svg>
</div>
{% endmacro %}
"""
    )


class SourceLine(_SlideElement):
    """The band above the bottom banner naming the sources of the features shown."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
  .slide-sources {
    position: fixed; z-index: 1100; left: 0; right: 0; bottom: {{ this.layout.banner }}px;
    height: {{ this.layout.footer }}px; box-sizing: border-box;
    padding: {{ this.layout.px(6) }}px {{ this.layout.px(28) }}px;
    background: rgba(255, 255, 255, 0.92); color: #222; font-family: {{ this.font }};
    font-size: {{ this.layout.px(22) }}px; line-height: 1.35; overflow: hidden;
    border-top: 1px solid #9aa5ae;
    display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2;
  }
</style>
{% endmacro %}
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

    The padding is measured in the page (the banners, title and source band as
    laid out), and a fine zoom step lets the features fill the frame.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var width = window.innerWidth, height = window.innerHeight;
  var top = 0, bottom = 0;
  document.querySelectorAll('[data-slide-edge]').forEach(function (el) {
    var box = el.getBoundingClientRect();
    if (el.getAttribute('data-slide-edge') === 'top') top = Math.max(top, box.bottom);
    else bottom = Math.max(bottom, height - box.top);
  });
  var margin = {{ this.margin }};
  map.options.zoomSnap = 0.1;
  map.fitBounds({{ this.bounds_json }}, {
    paddingTopLeft: [margin, top + margin],
    paddingBottomRight: [margin, bottom + margin],
    animate: false
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, bounds: tuple[float, float, float, float], layout: SlideLayout) -> None:
        super().__init__(layout)
        west, south, east, north = (float(v) for v in bounds)
        self.bounds_json = f"[[{south!r}, {west!r}], [{north!r}, {east!r}]]"
        self.margin = layout.px(24)


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
    ``limit`` characters are counted, not named.
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

"""Briefing-slide decorations for a map: title and as-of line, caveat banners, source line,
north arrow, slide styling, the frame and the locator inset.

Each decoration is a folium ``MacroElement`` whose template is a little HTML or one call;
their style, the fit and the inset are ``slides.css`` and ``slides.js`` in ``geo/web/static``.
Sizes scale with the slide (one unit is a pixel of a 1920x1080 slide), so the text stays
readable when projected at any size. Every text that reaches the page is escaped here, once,
before it enters a template; what the slide frames is :mod:`geo.web.framing`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from branca.element import MacroElement
from jinja2 import Template

from geo.analysis import overlayspecs
from geo.data import selection
from geo.data.reading import Dataset
from geo.slides.errors import BadOption, Notice
from geo.slides.locator import inset_spec
from geo.slides.options import SlideOptions
from geo.slides.text import as_of_line, figures_line, source_line
from geo.web import assets
from geo.web.escape import html_text, script_json
from geo.web.export import html_document
from geo.web.framing import Framing, frame_features
from geo.web.maps import build_map

if TYPE_CHECKING:
    import folium


DEFAULT_TITLE = "Military posture"
SLIDE_FILES = ("slides.css", "slides.js")
"""The slide's style and fit, in ``geo/web/static`` (inlined like the map's own files)."""
FIT_MARGIN = 24
"""Pixels (of a 1920x1080 slide) between the framed features and the decorations."""
FREE_MARGINS = (228 + FIT_MARGIN, 118 + FIT_MARGIN, 28 + FIT_MARGIN, 440 + FIT_MARGIN)
"""About what the decorations take on each side (top, bottom, left, right), in pixels of a
1920x1080 slide: banner and title, source band and banner, edge, legend."""
INSET_WIDTH = 440
"""The locator inset's width in pixels of a 1920x1080 slide (``--slide-inset-width``)."""
INSET_DOT = 7
"""Radius of a far feature's dot on the inset, in pixels of a 1920x1080 slide."""


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

    def free_aspect(self, inset: bool) -> float:
        """About the width over height of the map area the decorations leave free.

        The banners, the title and the source band take the top and bottom, the legend the
        right and the locator inset (when there is one) the left: :data:`FREE_MARGINS`, in
        pixels of a 1920x1080 slide. ``slides.js`` measures the real ones in the page.
        """
        top, bottom, left, right = FREE_MARGINS
        left += INSET_WIDTH if inset else 0
        width = max(self.width - (left + right) * self.unit, 1)
        height = max(self.height - (top + bottom) * self.unit, 1)
        return width / height


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


class SlideFrame(_SlideElement):
    """Fit the map to the frame inside the area the decorations leave free; draw the inset.

    ``posturemap.slide`` (``slides.js``) places the locator inset (when ``inset`` is given),
    measures the room the banners, title, legend and inset take as laid out, zooms in fine
    steps so the frame fills the rest, then draws the inset around the view it got. The
    options carry text from the data (the inset's labels), so they are serialised by
    :func:`geo.web.escape.script_json` and put into the page as text nodes only.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
posturemap.slide({{ this._parent.get_name() }}, {{ this.options_json }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        bounds: tuple[float, float, float, float],
        layout: SlideLayout,
        inset: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(layout)
        west, south, east, north = (float(v) for v in bounds)
        self.options = {
            "bounds": [[south, west], [north, east]],
            "margin": layout.px(FIT_MARGIN),
            "inset": {**inset, "dot": layout.px(INSET_DOT)} if inset else None,
        }
        self.options_json = script_json(self.options)


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
    framing: Framing | None,
) -> folium.Map:
    """Add the slide decorations (the fit to the frame, the locator inset) to a map; return it."""
    layout = SlideLayout(*size)
    assets.require(m, *SLIDE_FILES)
    m.add_child(SlideStyle(layout))
    m.add_child(CaveatBanner(caveat, layout))
    m.add_child(SlideTitle(title, as_of_line(as_of, since), figures_line(shown), layout))
    m.add_child(NorthArrow(layout))
    m.add_child(SourceLine(source_line(shown), layout))
    if framing is not None:
        m.add_child(SlideFrame(framing.bounds, layout, inset_spec(framing)))
    return m


def slide_framing(shown: Dataset, options: SlideOptions, as_of: date | None) -> Framing | None:
    """The frame of a slide of ``shown``: :func:`geo.web.framing.frame_features` at the
    shape of the slide's free map area (assuming a locator inset; without one the view is
    only wider, so no far feature is lost)."""
    aspect = SlideLayout(*options.size).free_aspect(inset=True)
    return frame_features(
        shown, aspect=aspect, as_of=as_of, bounds=options.bounds, stale_days=options.stale_days
    )


def slide_document(
    dataset: Dataset,
    options: SlideOptions,
    basemap: str,
    warn: Callable[[str], None] | None = None,
) -> str:
    """Build the slide page: the map of ``dataset`` as of the date, decorated, self-contained.

    Parameters
    ----------
    dataset : Dataset
        The whole data set.
    options : SlideOptions
        What to show (``as_of`` already resolved to a date or None).
    basemap : str
        The basemap to draw on (may differ from ``options.basemap`` after a fallback).
    warn : callable, optional
        Told about rings that cannot be drawn on this date (origin not shown, no nominal range).

    Raises
    ------
    BadOption
        For bad ``rings`` or ``zones`` (a usage error).
    """
    since = selection.to_day(options.since) if options.since is not None else None
    day = selection.to_day(options.as_of) if options.as_of is not None else None
    shown = selection.as_of(dataset, options.as_of, since)
    rings, zones = _overlays(shown, options, day, warn)
    framing = slide_framing(shown, options, day)
    # The slide draws its own title, so the map's title block stays out.
    m = build_map(
        shown,
        as_of=day,
        since=since,
        basemap=basemap,
        bounds=framing.bounds if framing else None,
        rings=rings,
        zones=zones,
        show_uncertainty=options.uncertainty,
        title_block=False,
        stale_days=options.stale_days,
        compare_from=selection.to_day(options.compare) if options.compare else None,
        history=dataset,
    )
    decorate(
        m,
        shown,
        title=options.title or DEFAULT_TITLE,
        as_of=day,
        since=since,
        caveat=options.caveat,
        size=options.size,
        framing=framing,
    )
    return html_document(m)


def _overlays(
    shown: Dataset, options: SlideOptions, day: date | None, warn: Callable[[str], None] | None
) -> tuple[Any, Any]:
    """The slide's range rings and zone bands (:mod:`geo.analysis.overlayspecs`)."""
    missing: list[str] = []
    try:
        rings = overlayspecs.rings_layer(shown, options.rings, missing)
        zones = overlayspecs.zones_layer(options.zones)
    except overlayspecs.BadSpec as error:
        raise BadOption(error.option, error.reason, error.value) from None
    when = f" as of {day.isoformat()}" if day else ""
    if warn and missing:
        warn(Notice("rings", f"{', '.join(missing)} not shown{when}; no rings drawn for it"))
    if warn and options.rings and rings is not None and rings.empty:
        warn(Notice("rings", "no nominal range is known for those types; give ID:KM"))
    return rings, zones

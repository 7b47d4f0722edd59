"""The map's panels: folium ``MacroElement`` subclasses that start ``geo/web/static/panels.js``.

:class:`TitleBlock` and :class:`Legend` are HTML boxes made here (their text was escaped in
Python by :mod:`geo.web.escape`) that the page places as Leaflet controls;
:class:`ScaleBar` and the :class:`Timeline` slider are drawn by the page. Each template is
one call with its options passed through ``tojson``, as folium's own plugins do. The
features themselves are drawn by :class:`geo.web.script.MapData`, which must come first.
"""

from __future__ import annotations

import hashlib

from branca.element import MacroElement
from jinja2 import Template


def box_id(kind: str, *texts: str) -> str:
    """The HTML id of a panel, from its content.

    The panel's box is HTML and its script finds the box by id, so the id must not depend
    on folium's element names: ``st_folium`` renames elements between rendering the two.
    """
    digest = hashlib.sha1("\x1f".join(texts).encode("utf-8")).hexdigest()[:12]
    return f"{kind}-{digest}"


_CONTROL_SCRIPT = """
{% macro script(this, kwargs) %}
posturemap.control({{ this._parent.get_name() }}, {{ this.options|tojson }});
{% endmacro %}
"""


class TitleBlock(MacroElement):
    """Title, as-of line, source line and caveat, top left. All text arrives escaped."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div id="{{ this.options.box }}" class="pm-panel pm-title">
  <h1>{{ this.title }}</h1>
  <div class="pm-asof">{{ this.as_of }}</div>
  {% if this.figures %}<div class="pm-figures">{{ this.figures }}</div>{% endif %}
  <div class="pm-sources">{{ this.sources }}</div>
  <div class="pm-caveat">{{ this.caveat }}</div>
</div>
{% endmacro %}
"""
        + _CONTROL_SCRIPT
    )

    def __init__(
        self, title: str, as_of: str, sources: str, caveat: str, figures: str = ""
    ) -> None:
        super().__init__()
        self._name = "TitleBlock"
        self.title, self.as_of, self.sources, self.caveat, self.figures = (
            title,
            as_of,
            sources,
            caveat,
            figures,
        )
        box = box_id("pm-title", title, as_of, sources, caveat, figures)
        self.options = {"box": box, "position": "topleft"}


class Legend(MacroElement):
    """The legend of what is on the map: ``entries`` are (escaped label, key HTML) pairs.

    The key HTML is made by :func:`geo.web.legend.legend_entries` from our own symbols and
    styles only (no data in it). Once placed, the map frames its features again beside it.
    """

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div id="{{ this.options.box }}" class="pm-panel pm-legend">
  <h2>Legend</h2>
  {% for label, key in this.entries %}
  <div class="pm-row"><span class="pm-key">{{ key }}</span><span>{{ label }}</span></div>
  {% endfor %}
</div>
{% endmacro %}
"""
        + _CONTROL_SCRIPT
    )

    def __init__(self, entries: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "Legend"
        self.entries = entries
        box = box_id("pm-legend", *(part for entry in entries for part in entry))
        self.options = {"box": box, "position": "bottomright", "scroll": True, "fit": True}


class ScaleBar(MacroElement):
    """A scale bar in nautical miles and kilometres, measured at the map's centre."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
posturemap.scaleBar({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ScaleBar"


class Timeline(MacroElement):
    """A time slider with a play button: the map shows its state at the slider's date.

    The rule is :func:`geo.data.selection.as_of`, as ``posturemap.visibleAt`` applies it
    (``geo/web/static/posturemap.js``, checked against ``as_of`` by ``tests/js``). The
    slider's range, start and window come from the payload (``timeline``).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
posturemap.timeline({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Timeline"

"""The map's data and the call that draws it: a folium ``MacroElement``.

The payload of :mod:`geo.web.payload` goes into the page as a data island,
``<script type="application/json" id="pm-data-...">``, escaped by
:func:`geo.web.escape.json_island`, and the element's script is one line,
``posturemap.start(map, {"data": id})``: ``geo/web/static/map.js`` reads the island with
``JSON.parse`` and draws it. That file documents the page's script interface,
``window.posturemap``.

The island's id is a digest of the payload, so it does not depend on folium's element
names (``st_folium`` renames them between rendering the HTML and the script), and the
script changes whenever the data does (``st_folium`` keys its component on the script).
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, MacroElement
from jinja2 import Template

from geo.web.escape import json_island
from geo.web.panels import box_id


class MapData(MacroElement):
    """All features, basemaps, rings and zones of a map, drawn by ``posturemap.start``.

    Parameters
    ----------
    payload : dict
        Built by :func:`geo.web.payload.build_payload`.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
posturemap.start({{ this._parent.get_name() }}, {{ this.options|tojson }});
{% endmacro %}
"""
    )

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__()
        self._name = "MapData"
        self.payload_json = json_island(payload)
        self.options = {"data": box_id("pm-data", self.payload_json)}

    def render(self, **kwargs: Any) -> None:
        """Add the script, and the data island as it is: branca would compile a macro's output
        as a template, which costs seconds for a large payload (the island is escaped so that
        it could pass that pass unharmed, but it need not)."""
        super().render(**kwargs)
        island = (
            f'<script type="application/json" id="{self.options["data"]}">'
            f"{self.payload_json}</script>"
        )
        self.get_root().html.add_child(_Verbatim(island), name=self.get_name())


class _Verbatim(Element):
    """Text put in the page as it is, not read as a Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text

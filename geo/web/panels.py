"""The map's panels: folium ``MacroElement`` subclasses with Jinja templates.

:class:`PageStyle` (CSS), :class:`TitleBlock`, :class:`Legend`, :class:`ScaleBar` and the
:class:`Timeline` slider.
Their text was escaped in Python by :mod:`geo.web.escape`. The features themselves are drawn
by :class:`geo.web.script.MapData`.
"""

from __future__ import annotations

import hashlib

from branca.element import MacroElement
from jinja2 import Template

CSS = """
.pm-panel{background:rgba(255,255,255,.93);color:#1f2328;border-radius:6px;
 box-shadow:0 1px 5px rgba(0,0,0,.35);font:13px/1.35 system-ui,-apple-system,'Segoe UI',
 Roboto,Helvetica,Arial,sans-serif;padding:8px 10px}
.pm-title{max-width:430px}.pm-title h1{font-size:17px;margin:0 0 2px;font-weight:650}
.pm-title .pm-asof{font-weight:600;color:#364fc7}.pm-title .pm-sources{color:#495057;
 font-size:11.5px;margin-top:3px}.pm-title .pm-caveat{margin-top:4px;font-size:11px;
 font-weight:700;letter-spacing:.04em;color:#c92a2a;text-transform:uppercase}
.pm-legend{max-width:260px;max-height:60vh;overflow:auto}.pm-legend h2{font-size:12px;
 margin:0 0 4px;text-transform:uppercase;letter-spacing:.05em;color:#495057}
.pm-legend .pm-row{display:flex;align-items:center;gap:7px;margin:2px 0;white-space:nowrap}
.pm-legend .pm-key{width:30px;display:flex;justify-content:center;align-items:center}
.pm-legend img{max-width:28px;max-height:24px}
.pm-scale{font-size:11px;padding:4px 8px}.pm-scale .pm-bar{border:2px solid #1f2328;
 border-top:none;height:6px;margin:1px 0 3px}
.pm-popup{font:13px/1.4 system-ui,sans-serif;max-width:340px}.pm-popup h3{margin:0 0 4px;
 font-size:15px}.pm-popup table{border-collapse:collapse}.pm-popup th{text-align:left;
 padding:1px 8px 1px 0;color:#495057;font-weight:600;vertical-align:top;white-space:nowrap}
.pm-popup td{padding:1px 0;word-break:break-word}.pm-popup .pm-notes{margin-top:5px;
 color:#343a40;font-size:12px}.pm-popup ul{margin:2px 0 0 16px;padding:0}
.pm-popup .pm-h{margin-top:6px;font-weight:650}
.pm-tip b{font-weight:650}.pm-timeline{display:flex;align-items:center;gap:8px}
.pm-timeline input[type=range]{width:320px}.pm-timeline button{font-size:14px;width:34px}
.pm-timeline .pm-now{font-weight:650;min-width:92px}
.leaflet-container.pm-pointer{cursor:pointer}
"""


def box_id(kind: str, *texts: str) -> str:
    """The HTML id of a panel, from its content.

    The panel's box is HTML and its script finds the box by id, so the id must not depend
    on folium's element names: ``st_folium`` renames elements between rendering the two.
    """
    digest = hashlib.sha1("\x1f".join(texts).encode("utf-8")).hexdigest()[:12]
    return f"{kind}-{digest}"


class PageStyle(MacroElement):
    """The CSS of posturemap's panels, popups and legend (no data in it)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PageStyle"
        self.css = CSS


class TitleBlock(MacroElement):
    """Title, as-of line, source line and caveat, top left. All text arrives escaped."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div id="{{ this.box_id }}" class="pm-panel pm-title">
  <h1>{{ this.title }}</h1>
  <div class="pm-asof">{{ this.as_of }}</div>
  {% if this.figures %}<div class="pm-figures">{{ this.figures }}</div>{% endif %}
  <div class="pm-sources">{{ this.sources }}</div>
  <div class="pm-caveat">{{ this.caveat }}</div>
</div>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var box = document.getElementById('{{ this.box_id }}');
  var ctl = L.control({position: 'topleft'});
  ctl.onAdd = function () { L.DomEvent.disableClickPropagation(box); return box; };
  ctl.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
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
        self.box_id = box_id("pm-title", title, as_of, sources, caveat, figures)


class Legend(MacroElement):
    """The legend of what is on the map: ``entries`` are (escaped label, key HTML) pairs.

    The key HTML is made by :func:`geo.web.maps.legend_entries` from our own symbols and
    styles only (no data in it).
    """

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div id="{{ this.box_id }}" class="pm-panel pm-legend">
  <h2>Legend</h2>
  {% for label, key in this.entries %}
  <div class="pm-row"><span class="pm-key">{{ key }}</span><span>{{ label }}</span></div>
  {% endfor %}
</div>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var box = document.getElementById('{{ this.box_id }}');
  var ctl = L.control({position: 'bottomright'});
  ctl.onAdd = function () { L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box); return box; };
  ctl.addTo({{ this._parent.get_name() }});
  if (window.posturemap && window.posturemap.fit) { window.posturemap.fit(); }
})();
{% endmacro %}
"""
    )

    def __init__(self, entries: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "Legend"
        self.entries = entries
        self.box_id = box_id("pm-legend", *(part for entry in entries for part in entry))


class ScaleBar(MacroElement):
    """A scale bar in nautical miles and kilometres, measured at the map's centre."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var ctl = L.control({position: 'bottomleft'}), box;
  function nice(x) {
    var p = Math.pow(10, Math.floor(Math.log10(x))), d = x / p;
    return p * (d >= 5 ? 5 : d >= 2 ? 2 : 1);
  }
  function row(metres, unit, maxPx, metresPerPx) {
    var len = nice(maxPx * metresPerPx / metres), div = document.createElement('div');
    var bar = document.createElement('div'); bar.className = 'pm-bar';
    bar.style.width = Math.round(len * metres / metresPerPx) + 'px';
    div.appendChild(document.createTextNode(len + ' ' + unit)); div.appendChild(bar);
    return div;
  }
  function update() {
    var size = map.getSize(), y = size.y / 2;
    var metresPerPx = map.distance(map.containerPointToLatLng([size.x / 2 - 50, y]),
                                   map.containerPointToLatLng([size.x / 2 + 50, y])) / 100;
    box.textContent = '';
    box.appendChild(row(1852, 'nm', 140, metresPerPx));
    box.appendChild(row(1000, 'km', 140, metresPerPx));
  }
  ctl.onAdd = function () { box = document.createElement('div'); box.className = 'pm-panel pm-scale'; return box; };
  ctl.addTo(map);
  map.on('zoomend moveend resize', update);
  update();
})();
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ScaleBar"


class Timeline(MacroElement):
    """A time slider with a play button: the map shows its state at the slider's date.

    The rule is :func:`geo.data.selection.as_of`: for each asset its latest report up to the
    moment, unless that report's ``until`` has passed; strikes and tracks up to the moment,
    within the last ``window_days`` when the map was made with a window. The slider's range
    and start come from the payload (``timeline``); the choice goes to the map through
    ``window.posturemap.show`` (:class:`geo.web.script.MapData`, which must come first).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var PM = window.posturemap, D = PM.data, T = D.timeline, n = D.kind.length;
  if (!T) { return; }
  var windowed = D.groups.map(function (spec) { return spec.key === 'strikes' || spec.key === 'tracks'; });
  function visibleAt(t) {
    var dayStart = t - 86400, latest = {}, show = new Uint8Array(n);
    var since = T.window_days ? t - T.window_days * 86400 : null;
    for (var i = 0; i < n; i++) {
      var ob = PM.observed(i), u = PM.until(i);
      if (ob === null) { show[i] = 1; continue; }  // bases and places: always
      if (ob >= t) { continue; }
      if (windowed[D.group[i]]) {  // strikes and tracks stay once they happened, or in the window
        if (since === null || (u === null ? ob : u) >= since) { show[i] = 1; }
        continue;
      }
      if (u !== null && u < dayStart) { continue; }  // an asset report that has ended
      var e = PM.entity(i);  // the latest report of each asset
      if (latest[e] === undefined || PM.observed(latest[e]) <= ob) { latest[e] = i; }
    }
    Object.keys(latest).forEach(function (e) { show[latest[e]] = 1; });
    return show;
  }
  var ctl = L.control({position: 'bottomleft'}), slider, label, button, timer = null;
  function apply(t) {
    PM.show(visibleAt(t), t);
    label.textContent = new Date((t - 1) * 1000).toISOString().slice(0, 10);
    PM.now = t;
  }
  function stop() { clearInterval(timer); timer = null; button.textContent = '\u25b6'; }
  ctl.onAdd = function () {
    var box = L.DomUtil.create('div', 'pm-panel pm-timeline');
    button = L.DomUtil.create('button', 'pm-play', box);
    button.textContent = '\u25b6'; button.setAttribute('title', 'Play');
    slider = L.DomUtil.create('input', 'pm-slider', box);
    slider.type = 'range'; slider.min = T.start; slider.max = T.end; slider.step = 86400;
    slider.value = T.now;
    label = L.DomUtil.create('span', 'pm-now', box);
    L.DomEvent.disableClickPropagation(box);
    slider.addEventListener('input', function () { apply(+slider.value); });
    button.addEventListener('click', function () {
      if (timer) { stop(); return; }
      if (+slider.value >= T.end) { slider.value = T.start; }
      button.textContent = '\u275a\u275a';
      timer = setInterval(function () {
        var next = +slider.value + 86400;
        if (next > T.end) { stop(); return; }
        slider.value = next; apply(next);
      }, T.step_ms);
    });
    return box;
  };
  ctl.addTo(PM.map);
  apply(T.now);
  PM.setTime = function (t) { slider.value = t; apply(t); };
})();
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Timeline"

"""The map's page elements: folium ``MacroElement`` subclasses with Jinja templates.

:class:`MapData` carries every feature as one JSON payload (written by
:func:`geo.escape.script_json`, so data can never close the script or run) and the
JavaScript that draws it on a canvas: symbols, uncertainty circles, tracks with
direction arrows, rings, zones, basemaps, the layer control and, optionally, the
timeline. Popups and tooltips are built with DOM text nodes, never ``innerHTML``
with data. :class:`TitleBlock`, :class:`Legend` and :class:`ScaleBar` hold text that
was escaped in Python by :mod:`geo.escape`.
"""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from geo.escape import script_json

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
"""


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


class MapData(MacroElement):
    """All features, basemaps, rings and zones of a map, drawn by the template's JavaScript.

    Parameters
    ----------
    payload : dict
        Built by :func:`geo.maps.build_payload`; serialised with :func:`script_json`.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var D = {{ this.payload_json }};
  var S = D.strings;
  function str(i) { return i === null || i === undefined || i < 0 ? null : S[i]; }
  var canvas = L.canvas({padding: 0.3, tolerance: 3});
  map.getContainer().style.background = D.sea;
  window.posturemap = {map: map, data: D, groups: {}, features: []};
  var PM = window.posturemap;

  // Symbols: SVG data URLs decoded once, drawn on the canvas by SymbolMarker.
  var images = D.symbols.map(function (url) { var img = new Image(); img.src = url; return img; });
  var SymbolMarker = L.CircleMarker.extend({
    _updatePath: function () {
      var ctx = this._renderer._ctx, img = images[this.options.symbol], p = this._point;
      if (!ctx || !img || !img.complete || !img.naturalWidth) { return; }
      ctx.save();
      ctx.globalAlpha = this.options.faded ? 0.55 : 1;
      ctx.drawImage(img, p.x - img.naturalWidth / 2, p.y - img.naturalHeight / 2);
      ctx.restore();
    }
  });
  var ArrowMarker = L.CircleMarker.extend({
    _updatePath: function () {
      var ctx = this._renderer._ctx, p = this._point;
      if (!ctx) { return; }
      ctx.save();
      ctx.translate(p.x, p.y);
      ctx.rotate(this.options.bearing * Math.PI / 180);  // Mercator is conformal.
      ctx.globalAlpha = this.options.faded ? 0.6 : 0.95;
      ctx.beginPath(); ctx.moveTo(0, -7); ctx.lineTo(5, 5); ctx.lineTo(0, 2); ctx.lineTo(-5, 5);
      ctx.closePath(); ctx.fillStyle = this.options.color; ctx.fill();
      ctx.restore();
    }
  });
  var pending = images.length;
  images.forEach(function (img) {
    function done() { pending -= 1; if (pending === 0 && canvas._map) { canvas._redraw(); } }
    if (img.complete) { done(); } else { img.onload = done; img.onerror = done; }
  });

  function decodeLine(flat) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < flat.length; i += 2) { x += flat[i]; y += flat[i + 1]; out.push([y / 1e5, x / 1e5]); }
    return out;
  }
  function decodeTimes(flat) {
    if (!flat) { return null; }
    var out = [], t = 0;
    for (var i = 0; i < flat.length; i++) { t += flat[i]; out.push(t); }
    return out;
  }

  // Popups and tooltips: DOM nodes with text only.
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function value(i, field) { var c = D.columns[field]; return c ? str(c[i]) : null; }
  function popupFor(i) {
    var box = el('div', 'pm-popup');
    box.appendChild(el('h3', null, value(i, 'name')));
    var table = el('table');
    D.fields.forEach(function (f) {
      var v = value(i, f[0]);
      if (v === null || f[0] === 'name' || f[0] === 'notes') { return; }
      var tr = el('tr'); tr.appendChild(el('th', null, f[1])); tr.appendChild(el('td', null, v));
      table.appendChild(tr);
    });
    var extra = D.extras[i] || [];
    extra.forEach(function (kv) {
      var tr = el('tr'); tr.appendChild(el('th', null, str(kv[0]))); tr.appendChild(el('td', null, str(kv[1])));
      table.appendChild(tr);
    });
    box.appendChild(table);
    var notes = value(i, 'notes');
    if (notes) { box.appendChild(el('div', 'pm-notes', notes)); }
    var refs = D.refs[i] || [];
    if (refs.length) {
      box.appendChild(el('div', 'pm-h', refs.length > 1 ? 'Sources' : 'Source'));
      var list = el('ul');
      refs.forEach(function (r) {
        var src = D.sources[str(r)], li = el('li');
        var label = src.title + ' (' + src.publisher + ', ' + src.published + ')';
        if (src.url) {
          var a = el('a', null, label);
          a.setAttribute('href', src.url); a.setAttribute('target', '_blank'); a.setAttribute('rel', 'noopener noreferrer');
          li.appendChild(a);
        } else { li.appendChild(document.createTextNode(label)); }
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    return box;
  }
  function tooltipFor(i) {
    var box = el('div', 'pm-tip');
    box.appendChild(el('b', null, value(i, 'name')));
    var sub = [value(i, 'type') || value(i, 'kind') || value(i, 'target'), value(i, 'observed')].filter(Boolean);
    if (sub.length) { box.appendChild(el('div', null, sub.join(' · '))); }
    var unc = value(i, 'uncertainty');
    if (unc) { box.appendChild(el('div', null, '± ' + unc)); }
    return box;
  }

  // Groups, in legend order; each a toggle in the layer control.
  var overlays = {};
  D.groups.forEach(function (g) {
    var group = L.featureGroup();
    group.on('click', function (e) {
      var i = e.layer.options.feature;
      if (i === undefined) { return; }
      L.popup({maxWidth: 360}).setLatLng(e.latlng).setContent(popupFor(i)).openOn(map);
    });
    group.on('mouseover', function (e) {
      var i = e.layer.options.feature;
      if (i === undefined) { return; }
      e.layer.bindTooltip(tooltipFor(i), {sticky: true}).openTooltip(e.latlng);
    });
    PM.groups[g.key] = group;
    overlays[g.label] = group;
    group._pmVisible = g.visible;
  });

  // Features.
  var n = D.kind.length;
  for (var i = 0; i < n; i++) {
    var group = PM.groups[D.group[i]], faded = D.faded[i] === 1, layers = [];
    if (D.kind[i] === 0) {
      var ll = [D.lat[i] / 1e5, D.lon[i] / 1e5];
      layers.push(new SymbolMarker(ll, {renderer: canvas, radius: 11, symbol: D.symbol[i], faded: faded,
                                        feature: i, stroke: false, fill: false}));
      if (D.circle[i] !== null && PM.groups.uncertainty) {
        var c = D.circle[i], style = {renderer: canvas, color: str(D.colour[i]), weight: 1.2, opacity: faded ? 0.5 : 0.8,
          fillOpacity: faded ? 0.025 : 0.045, dashArray: faded ? '5 5' : null, interactive: false};
        var shape = typeof c === 'number' ? L.circle(ll, Object.assign({radius: c}, style))
                                          : L.polygon(c.map(decodeLine), style);
        PM.groups.uncertainty.addLayer(shape);
        shape._pmFeature = i;
      }
    } else {
      var parts = D.shape[i].map(decodeLine);
      var lineStyle = {renderer: canvas, color: str(D.colour[i]), weight: 2.6, opacity: faded ? 0.65 : 0.9,
                       dashArray: faded ? '9 7' : null, feature: i};
      var line = D.kind[i] === 1 ? L.polyline(parts, lineStyle)
                                 : L.polygon(parts, Object.assign({fillOpacity: 0.12}, lineStyle));
      line._pmParts = parts;
      line._pmTimes = decodeTimes(D.times[i]);
      layers.push(line);
      (D.arrows[i] || []).forEach(function (a) {
        layers.push(new ArrowMarker([a[1] / 1e5, a[0] / 1e5], {renderer: canvas, radius: 6, bearing: a[2],
          color: str(D.colour[i]), faded: faded, feature: i, stroke: false, fill: false}));
      });
    }
    layers.forEach(function (layer) { group.addLayer(layer); });
    PM.features.push({index: i, group: group, layers: layers});
  }

  // Groups go on the map once filled: one pass instead of a redraw request per feature.
  Object.keys(PM.groups).forEach(function (key) { if (PM.groups[key]._pmVisible) { PM.groups[key].addTo(map); } });

  // Range rings and maritime zones (GeoJSON; labels shown as text).
  function geoLayer(key, fc, style) {
    if (!PM.groups[key]) { return; }
    L.geoJSON(fc, {style: style, renderer: canvas, onEachFeature: function (f, layer) {
      layer.bindTooltip(el('div', 'pm-tip', f.properties.label), {sticky: true});
    }}).eachLayer(function (l) { PM.groups[key].addLayer(l); });
  }
  if (D.gaps) { geoLayer('gaps', D.gaps, {color: '#868e96', weight: 2, dashArray: '2 6', opacity: 0.9}); }
  if (D.rings) { geoLayer('rings', D.rings, {color: '#d6336c', weight: 1.6, dashArray: '10 6', fillOpacity: 0.03}); }
  if (D.zones) {
    geoLayer('zones', D.zones, function (f) {
      return {color: f.properties.colour, weight: 1, fillColor: f.properties.colour, fillOpacity: 0.13};
    });
  }

  // Basemaps: online tiles (the one network exception) and the offline Natural Earth land.
  var bases = {};
  if (D.land) {
    map.createPane('pmLand'); map.getPane('pmLand').style.zIndex = 150;
    var land = L.geoJSON(D.land, {pane: 'pmLand', interactive: false, style: {color: '#8d8a80', weight: 0.7,
                                  fillColor: '#f3f1ea', fillOpacity: 1}});
    land.on('add', function () { map.getContainer().style.background = D.offline_sea; });
    bases[D.land_label] = land;
  }
  if (D.tiles) {
    var tiles = L.tileLayer(D.tiles.url, {attribution: D.tiles.attribution, maxZoom: D.tiles.max_zoom,
                                          subdomains: D.tiles.subdomains});
    tiles.on('add', function () { map.getContainer().style.background = D.sea; });
    bases[D.tiles_label] = tiles;
    tiles.addTo(map);
  } else if (D.land) { bases[D.land_label].addTo(map); }
  L.control.layers(bases, overlays, {collapsed: D.collapsed, position: 'topright'}).addTo(map);

  PM.fit = function () {
    // Frame the features in the part of the map the panels leave free.
    if (!D.bounds) { return; }
    function size(sel) { var e = map.getContainer().querySelector(sel); return e ? [e.offsetWidth, e.offsetHeight] : [0, 0]; }
    var title = size('.pm-title'), legend = size('.pm-legend'), ctl = size('.leaflet-control-layers');
    var mapSize = map.getSize(), sideBySide = legend[0] + title[0] + 200 < mapSize.x;
    map.fitBounds(D.bounds, {maxZoom: 9,
      paddingTopLeft: [20, sideBySide ? 20 : title[1] + 20],
      paddingBottomRight: [Math.max(legend[0], ctl[0]) + 20, 20]});
  };
  PM.fit();

  // Timeline: show the state at a moment, as the as-of selection does in Python.
  if (D.timeline) {
    var T = D.timeline;
    function visibleAt(t) {
      var dayStart = t - 86400, latest = {};
      for (var i = 0; i < n; i++) {
        var ob = D.observed[i];
        if (ob === null) { continue; }
        if (ob < t && !(D.until[i] !== null && D.until[i] < dayStart) && D.entity[i] >= 0) {
          var key = D.entity[i];
          if (latest[key] === undefined || D.observed[latest[key]] <= ob) { latest[key] = i; }
        }
      }
      var show = {};
      Object.keys(latest).forEach(function (k) { show[latest[k]] = true; });
      return show;
    }
    function apply(t) {
      var show = visibleAt(t);
      PM.features.forEach(function (f) {
        var i = f.index, on = D.observed[i] === null || show[i] === true;
        f.layers.forEach(function (layer) {
          if (layer._pmTimes && on) {
            var k = 0, kept = layer._pmParts.map(function (part) {
              return part.filter(function () { var ok = layer._pmTimes[k] < t; k += 1; return ok; });
            });
            layer.setLatLngs(kept);
          }
          if (on && !f.group.hasLayer(layer)) { f.group.addLayer(layer); }
          if (!on && f.group.hasLayer(layer)) { f.group.removeLayer(layer); }
        });
      });
      if (PM.groups.uncertainty) {
        PM.groups.uncertainty.eachLayer(function (c) {
          var on = D.observed[c._pmFeature] === null || show[c._pmFeature] === true;
          c.setStyle({opacity: on ? 0.8 : 0, fillOpacity: on ? 0.07 : 0});
        });
      }
      label.textContent = new Date((t - 1) * 1000).toISOString().slice(0, 10);
      PM.now = t;
    }
    var ctl = L.control({position: 'bottomleft'}), slider, label, button, timer = null;
    ctl.onAdd = function () {
      var box = el('div', 'pm-panel pm-timeline');
      button = el('button', null, '\u25b6'); button.setAttribute('title', 'Play'); button.className = 'pm-play';
      slider = el('input'); slider.type = 'range'; slider.min = T.start; slider.max = T.end; slider.step = 86400;
      slider.value = T.now; slider.className = 'pm-slider';
      label = el('span', 'pm-now');
      box.appendChild(button); box.appendChild(slider); box.appendChild(label);
      L.DomEvent.disableClickPropagation(box);
      slider.addEventListener('input', function () { apply(+slider.value); });
      button.addEventListener('click', function () {
        if (timer) { clearInterval(timer); timer = null; button.textContent = '\u25b6'; return; }
        if (+slider.value >= T.end) { slider.value = T.start; }
        button.textContent = '\u275a\u275a';
        timer = setInterval(function () {
          var next = +slider.value + 86400;
          if (next > T.end) { clearInterval(timer); timer = null; button.textContent = '\u25b6'; return; }
          slider.value = next; apply(next);
        }, T.step_ms);
      });
      return box;
    };
    ctl.addTo(map);
    apply(T.now);
    PM.setTime = function (t) { slider.value = t; apply(t); };
  }
  PM.ready = true;
})();
{% endmacro %}
"""
    )

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__()
        self._name = "MapData"
        self.payload_json = script_json(payload)


class TitleBlock(MacroElement):
    """Title, as-of line, source line and caveat, top left. All text arrives escaped."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div id="{{ this.get_name() }}" class="pm-panel pm-title">
  <h1>{{ this.title }}</h1>
  <div class="pm-asof">{{ this.as_of }}</div>
  {% if this.figures %}<div class="pm-figures">{{ this.figures }}</div>{% endif %}
  <div class="pm-sources">{{ this.sources }}</div>
  <div class="pm-caveat">{{ this.caveat }}</div>
</div>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var box = document.getElementById('{{ this.get_name() }}');
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


class Legend(MacroElement):
    """The legend of what is on the map: ``entries`` are (escaped label, key HTML) pairs.

    The key HTML is made by :func:`geo.maps.legend_entries` from our own symbols and
    styles only (no data in it).
    """

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div id="{{ this.get_name() }}" class="pm-panel pm-legend">
  <h2>Legend</h2>
  {% for label, key in this.entries %}
  <div class="pm-row"><span class="pm-key">{{ key }}</span><span>{{ label }}</span></div>
  {% endfor %}
</div>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var box = document.getElementById('{{ this.get_name() }}');
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

"""The map's script: a folium ``MacroElement`` that draws the payload of :mod:`geo.web.payload`.

Points are not Leaflet layers. One canvas of our own (``PointCanvas``, a subclass of
Leaflet's canvas renderer, so panning and zoom animation behave like any other layer)
stamps every visible symbol and draws every uncertainty circle, style by style, in one
path each; a grid of the drawn symbols answers "what is under the mouse" for tooltips and
popups. That is what lets 100,000 points open in a fraction of the time of one Leaflet
marker per point. Lines and areas (tracks, places, rings, zones) are few, and stay Leaflet
vector layers on Leaflet's canvas.

Each layer-control entry is a ``L.featureGroup``; the point canvas draws the points of the
groups that are on the map. What is shown at a date is chosen by
:class:`geo.web.panels.Timeline` through ``show(mask, t)``.

Popups and tooltips are built with DOM text nodes, never ``innerHTML`` with data; the
payload reaches the page through :func:`geo.web.escape.script_json`.

The page's script interface, ``window.posturemap`` (used by tests, the app and the PNG
export): ``map``, ``data``, ``groups`` (key to layer), ``ready``, ``fit()``,
``shown(key)`` (features of a group drawn now), ``drawn()`` (``[index, x, y]`` of the
symbols in view, container pixels), ``popup(i)`` and ``tooltip(i)`` (open them for
feature ``i``), ``show(mask, t)``, ``observed(i)``, ``until(i)``, ``entity(i)``; with the
timeline also ``setTime(t)`` and ``now``.
"""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from geo.web.escape import script_json_string


class MapData(MacroElement):
    """All features, basemaps, rings and zones of a map, drawn by the template's JavaScript.

    Parameters
    ----------
    payload : dict
        Built by :func:`geo.web.payload.build_payload`; serialised with
        :func:`geo.web.escape.script_json_string` and read with ``JSON.parse``, which is several
        times faster than a JavaScript object literal of the same size.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  'use strict';
  var map = {{ this._parent.get_name() }};
  var D = JSON.parse({{ this.payload_json }});
  var S = D.strings, n = D.kind.length, POINT = 0, LINE = 1, SAME_AS_ID = -2;
  var PM = window.posturemap = {map: map, data: D, groups: {}, ready: false};
  map.getContainer().style.background = D.sea;

  // --- values of feature i --------------------------------------------------------------
  function str(k) { return k === null || k === undefined || k < 0 ? null : S[k]; }
  function value(i, field) { var c = D.columns[field]; return c ? str(c[i]) : null; }
  function observed(i) { var k = D.observed[i]; return k < 0 ? null : D.epochs[k]; }
  function until(i) { var u = D.until[i]; return u === undefined ? null : u; }
  function entity(i) { var e = D.entity[i]; return e === SAME_AS_ID ? D.columns.id[i] : e; }
  function latLngOf(i) { return L.latLng(D.lat[i] / 1e5, D.lon[i] / 1e5); }
  function decodeLine(flat) {
    var out = [], x = 0, y = 0;
    for (var k = 0; k < flat.length; k += 2) { x += flat[k]; y += flat[k + 1]; out.push([y / 1e5, x / 1e5]); }
    return out;
  }
  function decodeTimes(flat) {
    if (!flat) { return null; }
    var out = [], t = 0;
    for (var k = 0; k < flat.length; k++) { t += flat[k]; out.push(t); }
    return out;
  }

  // --- popups and tooltips: DOM nodes with text only --------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function row(table, label, text) {
    var tr = el('tr'); tr.appendChild(el('th', null, label)); tr.appendChild(el('td', null, text));
    table.appendChild(tr);
  }
  function popupFor(i) {
    var box = el('div', 'pm-popup'), table = el('table');
    box.appendChild(el('h3', null, value(i, 'name')));
    D.fields.forEach(function (f) {
      var v = value(i, f[0]);
      if (v !== null && f[0] !== 'name' && f[0] !== 'notes') { row(table, f[1], v); }
    });
    (D.extras[i] || []).forEach(function (kv) { row(table, str(kv[0]), str(kv[1])); });
    box.appendChild(table);
    var notes = value(i, 'notes');
    if (notes) { box.appendChild(el('div', 'pm-notes', notes)); }
    var refs = D.refs[i] < 0 ? [] : D.refsets[D.refs[i]];
    if (refs.length) {
      box.appendChild(el('div', 'pm-h', refs.length > 1 ? 'Sources' : 'Source'));
      var list = el('ul');
      refs.forEach(function (r) {
        var src = D.sources[str(r)], li = el('li');
        var label = src.title + ' (' + src.publisher + ', ' + src.published + ')';
        if (src.url) {  // http(s) only: checked in Python (geo.web.escape.safe_url)
          var a = el('a', null, label);
          a.setAttribute('href', src.url); a.setAttribute('target', '_blank');
          a.setAttribute('rel', 'noopener noreferrer');
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
    var sub = [value(i, 'type') || value(i, 'kind') || value(i, 'target'), value(i, 'observed')];
    sub = sub.filter(Boolean);
    if (sub.length) { box.appendChild(el('div', null, sub.join(' \\u00b7 '))); }
    var unc = value(i, 'uncertainty');
    if (unc) { box.appendChild(el('div', null, '\\u00b1 ' + unc)); }
    return box;
  }

  // --- symbols: SVG images rasterised once into small canvases, quick to stamp -------------
  var ratio = window.devicePixelRatio || 1, sprites = [];
  var symbolsLoaded = Promise.all(D.symbols.map(function (url, k) {
    return new Promise(function (resolve) {
      var img = new Image();
      img.onload = function () {
        var w = img.naturalWidth || 24, h = img.naturalHeight || 24, c = document.createElement('canvas');
        c.width = Math.ceil(w * ratio); c.height = Math.ceil(h * ratio);
        c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
        sprites[k] = {image: c, w: w, h: h};
        resolve();
      };
      img.onerror = function () { resolve(); };
      img.src = url;
    });
  }));

  // --- features ---------------------------------------------------------------------------
  // Positions at zoom 0 (Leaflet's own projection); at zoom z a point is at p * 2^z.
  var px = new Float64Array(n), py = new Float64Array(n);
  var shown = new Uint8Array(n).fill(1);                  // the timeline's choice
  var groupOn = new Uint8Array(D.groups.length);          // layer-control state per group
  var members = D.groups.map(function () { return []; });  // feature indices per group
  var pointsOf = D.groups.map(function () { return []; });
  var circleStyles = {}, arrowStyles = {}, lineFeatures = [], lineLayers = {};
  var lineCanvas = L.canvas({padding: 0.3, tolerance: 3});

  // An uncertainty circle of r metres, as Leaflet's L.circle draws it: an ellipse in
  // Mercator pixels (zoom 0) through the points r north and south of the centre.
  function ellipseOf(i, metres) {
    var lat = D.lat[i] / 1e5, lng = D.lon[i] / 1e5, d = Math.PI / 180;
    var latR = (metres / L.CRS.Earth.R) / d;
    var top = map.project([lat + latR, lng], 0), bottom = map.project([lat - latR, lng], 0);
    var c = top.add(bottom).divideBy(2), lat2 = map.unproject(c, 0).lat;
    var lngR = Math.acos((Math.cos(latR * d) - Math.sin(lat * d) * Math.sin(lat2 * d)) /
                         (Math.cos(lat * d) * Math.cos(lat2 * d))) / d;
    if (isNaN(lngR) || lngR === 0) { lngR = latR / Math.cos(lat * d); }
    return {x: c.x, y: c.y, rx: c.x - map.project([lat2, lng - lngR], 0).x, ry: c.y - top.y};
  }
  // A true geodesic circle (rings of lon/lat), projected at zoom 0 and wound clockwise on
  // screen like ctx.ellipse, so that overlapping circles in one path fill as a union.
  function ringsOf(rings) {
    var out = {parts: [], x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity};
    rings.forEach(function (flat) {
      var pts = decodeLine(flat), xy = new Float64Array(pts.length * 2), area = 0;
      pts.forEach(function (ll, k) {
        var p = map.project(ll, 0); xy[2 * k] = p.x; xy[2 * k + 1] = p.y;
        out.x0 = Math.min(out.x0, p.x); out.x1 = Math.max(out.x1, p.x);
        out.y0 = Math.min(out.y0, p.y); out.y1 = Math.max(out.y1, p.y);
      });
      for (var k = 0; k + 3 < xy.length; k += 2) { area += xy[k] * xy[k + 3] - xy[k + 2] * xy[k + 1]; }
      out.parts.push({xy: xy, reversed: area < 0});
    });
    return out;
  }

  for (var i = 0; i < n; i++) {
    var g = D.group[i];
    members[g].push(i);
    if (D.kind[i] === POINT) {
      var p = map.project(latLngOf(i), 0);
      px[i] = p.x; py[i] = p.y;
      pointsOf[g].push(i);
      if (D.circle[i] > 0) {
        var key = D.colour[i] + (D.faded[i] ? 'f' : '');
        var style = circleStyles[key] || (circleStyles[key] = {colour: D.palette[D.colour[i]], faded: D.faded[i] === 1, items: []});
        var shape = D.circle_rings[i] ? ringsOf(D.circle_rings[i]) : ellipseOf(i, D.circle[i]);
        shape.i = i;
        style.items.push(shape);
      }
    } else {
      lineFeatures.push(i);
    }
  }

  // --- the point canvas ---------------------------------------------------------------------
  map.createPane('pmPoints').style.zIndex = 450;  // above lines (400), below tooltips (650)
  var circlesOn = false, drawn = {i: [], x: [], y: []}, grid = null, CELL = 64, started = false;
  var FILL_LIMIT = 4000;  // above this many circles in view, outlines only: fills cost the most
  var CHUNK = 64;  // shapes per path: a path of thousands of parts draws far slower in Chromium
  var PointCanvas = L.Canvas.extend({
    options: {pane: 'pmPoints', padding: 0.3},
    _initContainer: function () {
      var canvas = this._container = document.createElement('canvas');
      canvas.style.pointerEvents = 'none';  // the mouse goes to the map; hits are found below
      this._ctx = canvas.getContext('2d');
    },
    _draw: function () { drawPoints(this._ctx, this._bounds); },
    redraw: function () {
      if (this._map && !this._redrawRequest) {
        this._redrawRequest = L.Util.requestAnimFrame(this._redraw, this);
      }
    }
  });
  var points = new PointCanvas().addTo(map);

  // A circle is skipped only where it is wholly hidden under its own opaque symbol.
  function hiddenRadius(i) {
    var sprite = sprites[D.symbol[i]];
    return sprite && !D.faded[i] ? 0.35 * Math.min(sprite.w, sprite.h) : 0;
  }
  function drawCircles(ctx, k, ox, oy, b) {
    var styles = Object.keys(circleStyles).map(function (key) { return {style: circleStyles[key], items: []}; });
    var total = 0;
    styles.forEach(function (entry) {
      entry.style.items.forEach(function (s) {
        var i = s.i;
        if (!groupOn[D.group[i]] || !shown[i]) { return; }
        if (s.parts) {
          if (s.x1 * k - ox < b.min.x || s.x0 * k - ox > b.max.x || s.y1 * k - oy < b.min.y || s.y0 * k - oy > b.max.y) { return; }
        } else {
          var cx = s.x * k - ox, cy = s.y * k - oy, rx = s.rx * k, ry = s.ry * k;
          if (cx + rx < b.min.x || cx - rx > b.max.x || cy + ry < b.min.y || cy - ry > b.max.y) { return; }
          if (Math.max(rx, ry) < hiddenRadius(i)) { return; }
        }
        entry.items.push(s);
      });
      total += entry.items.length;
    });
    // Few circles: one path per style, so that overlaps fill as a union. Many: outlines only,
    // stroked CHUNK circles at a time.
    var fill = total <= FILL_LIMIT;
    styles.forEach(function (entry) {
      if (!entry.items.length) { return; }
      var style = entry.style;
      ctx.fillStyle = ctx.strokeStyle = style.colour;
      ctx.lineWidth = 1.2;
      ctx.setLineDash(style.faded ? [5, 5] : []);
      ctx.beginPath();
      entry.items.forEach(function (s, n) {
        if (!fill && n && n % CHUNK === 0) {
          ctx.globalAlpha = style.faded ? 0.5 : 0.8; ctx.stroke(); ctx.beginPath();
        }
        if (s.parts) {
          s.parts.forEach(function (part) {
            var xy = part.xy, m = xy.length / 2;
            for (var j = 0; j < m; j++) {
              var q = part.reversed ? m - 1 - j : j;
              ctx[j ? 'lineTo' : 'moveTo'](xy[2 * q] * k - ox, xy[2 * q + 1] * k - oy);
            }
            ctx.closePath();
          });
        } else {
          var cx = s.x * k - ox, cy = s.y * k - oy, rx = s.rx * k, ry = s.ry * k;
          ctx.moveTo(cx + rx, cy);
          ctx.ellipse(cx, cy, rx, ry, 0, 0, 2 * Math.PI);
        }
      });
      if (fill) { ctx.globalAlpha = style.faded ? 0.05 : 0.08; ctx.fill(); }
      ctx.globalAlpha = style.faded ? 0.5 : 0.8; ctx.stroke();
    });
    ctx.setLineDash([]);
  }

  // Direction arrows of tracks: a dart pointing along the track, 12 px long, CHUNK per path.
  var DART = [[0, -7], [5, 5], [0, 2], [-5, 5]];
  function drawArrows(ctx, k, ox, oy, x0, x1, y0, y1) {
    Object.keys(arrowStyles).forEach(function (key) {
      var style = arrowStyles[key], count = 0;
      ctx.globalAlpha = style.faded ? 0.6 : 0.95;
      ctx.fillStyle = style.colour;
      ctx.beginPath();
      style.items.forEach(function (a) {
        if (!groupOn[D.group[a.i]] || !shown[a.i]) { return; }
        var x = a.x * k - ox, y = a.y * k - oy;
        if (x < x0 || x > x1 || y < y0 || y > y1) { return; }
        DART.forEach(function (v, j) {
          var u = x + v[0] * a.cos - v[1] * a.sin, w = y + v[0] * a.sin + v[1] * a.cos;
          if (j) { ctx.lineTo(u, w); } else { ctx.moveTo(u, w); }
        });
        ctx.closePath();
        count += 1;
        if (count % CHUNK === 0) { ctx.fill(); ctx.beginPath(); }
      });
      ctx.fill();
    });
  }

  function drawPoints(ctx, b) {
    var z = map.getZoom(), k = map.getZoomScale(z, 0), o = map.getPixelOrigin();
    var x0 = b.min.x - CELL, x1 = b.max.x + CELL, y0 = b.min.y - CELL, y1 = b.max.y + CELL;
    drawn = {i: [], x: [], y: []}; grid = null;
    if (!started) { return; }  // nothing until the symbols are ready: one full draw, not several
    ctx.save();
    if (circlesOn) { drawCircles(ctx, k, o.x, o.y, b); }
    drawArrows(ctx, k, o.x, o.y, x0, x1, y0, y1);
    for (var g = 0; g < pointsOf.length; g++) {
      if (!groupOn[g]) { continue; }
      var list = pointsOf[g];
      for (var j = 0; j < list.length; j++) {
        var i = list[j];
        if (!shown[i]) { continue; }
        var x = px[i] * k - o.x, y = py[i] * k - o.y;
        if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
        var s = sprites[D.symbol[i]];
        if (s) {
          ctx.globalAlpha = D.faded[i] ? 0.55 : 1;
          ctx.drawImage(s.image, Math.round(x - s.w / 2), Math.round(y - s.h / 2), s.w, s.h);
        }
        drawn.i.push(i); drawn.x.push(x); drawn.y.push(y);
      }
    }
    ctx.restore();
  }

  // What is under the mouse: the symbol on top (drawn last) whose box holds the point.
  function cellKey(gx, gy) { return (gx + 1e6) * 2e6 + (gy + 1e6); }
  function hit(layerPoint) {
    if (!drawn.i.length || map._animatingZoom) { return -1; }
    if (!grid) {
      grid = new Map();
      for (var j = 0; j < drawn.i.length; j++) {
        var key = cellKey(Math.floor(drawn.x[j] / CELL), Math.floor(drawn.y[j] / CELL));
        var cell = grid.get(key);
        if (cell) { cell.push(j); } else { grid.set(key, [j]); }
      }
    }
    var gx = Math.floor(layerPoint.x / CELL), gy = Math.floor(layerPoint.y / CELL), top = -1;
    for (var dx = -1; dx <= 1; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        (grid.get(cellKey(gx + dx, gy + dy)) || []).forEach(function (j) {
          if (j < top) { return; }
          var s = sprites[D.symbol[drawn.i[j]]], hw = (s ? s.w : 20) / 2 + 1, hh = (s ? s.h : 20) / 2 + 1;
          if (Math.abs(drawn.x[j] - layerPoint.x) <= hw && Math.abs(drawn.y[j] - layerPoint.y) <= hh) { top = j; }
        });
      }
    }
    return top < 0 ? -1 : drawn.i[top];
  }

  // --- groups: one toggle each in the layer control ----------------------------------------
  var overlays = {};
  D.groups.forEach(function (spec, g) {
    var group = L.featureGroup();
    group.on('add remove', function (e) {  // points and circles are drawn by the point canvas
      groupOn[g] = e.type === 'add' ? 1 : 0;
      if (spec.key === 'uncertainty') { circlesOn = e.type === 'add'; }
      points.redraw();
    });
    group.on('click', function (e) {
      var i = e.layer.options.feature;
      if (i !== undefined) { L.popup({maxWidth: 360}).setLatLng(e.latlng).setContent(popupFor(i)).openOn(map); }
    });
    group.on('mouseover', function (e) {
      var i = e.layer.options.feature;
      if (i !== undefined) { e.layer.bindTooltip(tooltipFor(i), {sticky: true}).openTooltip(e.latlng); }
    });
    PM.groups[spec.key] = group;
    overlays[spec.label] = group;
  });

  // Lines and areas: Leaflet vector layers, tagged with the feature's id (a click reports it).
  var ids = D.columns.id;
  lineFeatures.forEach(function (i) {
    var faded = D.faded[i] === 1, colour = D.palette[D.colour[i]], layers = [];
    var parts = D.shape[i].map(decodeLine);
    var style = {renderer: lineCanvas, color: colour, weight: 2.6, opacity: faded ? 0.65 : 0.9,
                 dashArray: faded ? '9 7' : null, feature: i};
    var line = D.kind[i] === LINE ? L.polyline(parts, style)
                                  : L.polygon(parts, Object.assign({fillOpacity: 0.12}, style));
    line._pmParts = parts;
    line._pmTimes = decodeTimes(D.times[i]);
    layers.push(line);
    (D.arrows[i] || []).forEach(function (a) {  // drawn by the point canvas, in one path per style
      var key = D.colour[i] + (faded ? 'f' : ''), p = map.project([a[1] / 1e5, a[0] / 1e5], 0);
      var style = arrowStyles[key] || (arrowStyles[key] = {colour: colour, faded: faded, items: []});
      var turn = a[2] * Math.PI / 180;  // bearing from north, clockwise; Mercator is conformal
      style.items.push({i: i, x: p.x, y: p.y, cos: Math.cos(turn), sin: Math.sin(turn)});
    });
    layers.forEach(function (layer) {
      if (ids) { layer.feature = {type: 'Feature', properties: {id: str(ids[i])}}; }
      PM.groups[D.groups[D.group[i]].key].addLayer(layer);
    });
    lineLayers[i] = layers;
  });

  // Range rings, track gaps and maritime zones: GeoJSON with a text label each.
  function geoLayer(key, fc, style) {
    if (!PM.groups[key] || !fc) { return; }
    L.geoJSON(fc, {style: style, renderer: lineCanvas, onEachFeature: function (f, layer) {
      layer.bindTooltip(el('div', 'pm-tip', f.properties.label), {sticky: true});
    }}).eachLayer(function (l) { PM.groups[key].addLayer(l); });
  }
  geoLayer('gaps', D.gaps, {color: '#868e96', weight: 2, dashArray: '2 6', opacity: 0.9});
  geoLayer('rings', D.rings, {color: '#d6336c', weight: 1.6, dashArray: '10 6', fillOpacity: 0.03});
  geoLayer('zones', D.zones, function (f) {
    return {color: f.properties.colour, weight: 1, fillColor: f.properties.colour, fillOpacity: 0.13};
  });

  D.groups.forEach(function (spec) { if (spec.visible) { PM.groups[spec.key].addTo(map); } });

  // --- mouse: tooltips and popups of points -------------------------------------------------
  var tip = L.tooltip({direction: 'top', offset: [0, -12], opacity: 0.95}), hovered = -1;
  function hover(i) {
    if (i === hovered) { return; }
    hovered = i;
    L.DomUtil[i >= 0 ? 'addClass' : 'removeClass'](map.getContainer(), 'pm-pointer');
    if (i < 0) { map.closeTooltip(tip); return; }
    tip.setLatLng(latLngOf(i)).setContent(tooltipFor(i));
    map.openTooltip(tip);
  }
  function openPopup(i, latlng) {
    L.popup({maxWidth: 360, offset: [0, -8]}).setLatLng(latlng).setContent(popupFor(i)).openOn(map);
  }
  // What a click reports to a host page (streamlit-folium reads layer.toGeoJSON()).
  function reference(i) {
    return {toGeoJSON: function () {
      return {type: 'Feature', properties: {id: ids ? str(ids[i]) : null},
              geometry: {type: 'Point', coordinates: [D.lon[i] / 1e5, D.lat[i] / 1e5]}};
    }};
  }
  map.on('mousemove', function (e) { hover(hit(e.layerPoint)); });
  map.on('mouseout movestart zoomstart', function () { hover(-1); });
  map.on('click', function (e) {
    var i = hit(e.layerPoint);
    if (i < 0) { return; }
    openPopup(i, latLngOf(i));
    points.fire('click', {latlng: latLngOf(i), layer: reference(i)});
  });

  // --- basemaps: online tiles (the one network exception) and the offline land -------------
  var bases = {};
  if (D.land) {
    map.createPane('pmLand').style.zIndex = 150;
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
    map.fitBounds(D.bounds, {maxZoom: 9, animate: false,
      paddingTopLeft: [20, sideBySide ? 20 : title[1] + 20],
      paddingBottomRight: [Math.max(legend[0], ctl[0]) + 20, 20]});
  };
  PM.fit();

  // --- what is shown: all features, or those the timeline (geo.web.panels.Timeline) picks ----
  // mask[i] is 1 for a feature to show; a track with times per vertex is cut at moment t.
  PM.show = function (mask, t) {
    shown = mask;
    lineFeatures.forEach(function (i) {
      var on = shown[i] === 1, group = PM.groups[D.groups[D.group[i]].key];
      lineLayers[i].forEach(function (layer) {
        if (layer._pmTimes && on) {
          var k = 0, kept = layer._pmParts.map(function (part) {
            return part.filter(function () { var ok = layer._pmTimes[k] < t; k += 1; return ok; });
          });
          layer.setLatLngs(kept);
        }
        if (on && !group.hasLayer(layer)) { group.addLayer(layer); }
        if (!on && group.hasLayer(layer)) { group.removeLayer(layer); }
      });
    });
    points.redraw();
  };
  PM.observed = observed;
  PM.until = until;
  PM.entity = entity;

  // --- the script interface -----------------------------------------------------------------
  PM.shown = function (key) {
    var g = D.groups.findIndex(function (spec) { return spec.key === key; });
    if (g < 0 || !map.hasLayer(PM.groups[key])) { return 0; }
    function on(i) { return shown[i] === 1 && groupOn[D.group[i]] === 1; }
    if (key === 'uncertainty') {
      return Object.keys(circleStyles).reduce(function (sum, style) {
        return sum + circleStyles[style].items.filter(function (s) { return on(s.i); }).length;
      }, 0);
    }
    if (!members[g].length) { return PM.groups[key].getLayers().length; }  // rings, zones, gaps
    return members[g].filter(on).length;
  };
  PM.drawn = function () {
    var o = map.layerPointToContainerPoint([0, 0]);
    return drawn.i.map(function (i, j) { return [i, drawn.x[j] + o.x, drawn.y[j] + o.y]; });
  };
  function anchor(i) {
    if (D.kind[i] === POINT) { return latLngOf(i); }
    var first = lineLayers[i][0]._pmParts[0];
    return L.latLng(first[Math.floor(first.length / 2)]);
  }
  PM.popup = function (i) { openPopup(i, anchor(i)); return document.querySelector('.pm-popup'); };
  PM.tooltip = function (i) {
    map.openTooltip(L.tooltip().setLatLng(anchor(i)).setContent(tooltipFor(i)));
    return document.querySelector('.leaflet-tooltip:last-child');
  };
  symbolsLoaded.then(function () {
    started = true;
    points.redraw();
    L.Util.requestAnimFrame(function () { PM.ready = true; });
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__()
        self._name = "MapData"
        self.payload_json = script_json_string(payload)

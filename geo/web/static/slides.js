/*
 * Briefing slides (geo/slides/decorations.py): fit the map to the frame (geo/slides/framing.py)
 * inside the area the banners, title, legend and locator inset leave free, as laid out in the
 * page; then draw the locator inset: coarse land, the main map's view as a box, and the
 * features off the map as dots with their names (text nodes only).
 */
(function (PM) {
  'use strict';

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  // The boxes of what covers the map: elements marked with data-slide-edge (banners, title,
  // source band, north arrow, inset) and the map's legend and scale bar (geo/web/panels.py).
  function decorations() {
    var found = [], middle = window.innerWidth / 2;
    document.querySelectorAll('[data-slide-edge], .pm-legend, .pm-scale').forEach(function (el) {
      var box = el.getBoundingClientRect(), side = box.left + box.width / 2 < middle;
      if (box.width && box.height) {
        found.push({edge: el.getAttribute('data-slide-edge') || (side ? 'left' : 'right'),
                    box: box});
      }
    });
    return found;
  }

  // The padding a fit leaves for the decorations: the side ones (inset, legend) as columns
  // down the left and right, or as a band along the bottom (they stand in the bottom corners),
  // whichever lets the frame be drawn larger.
  function fit(map, options) {
    var width = window.innerWidth, height = window.innerHeight, m = options.margin;
    var columns = {top: 0, bottom: 0, left: 0, right: 0}, band = {top: 0, bottom: 0};
    decorations().forEach(function (d) {
      var b = d.box;
      if (d.edge === 'top') { columns.top = Math.max(columns.top, b.bottom); }
      if (d.edge === 'bottom') { columns.bottom = Math.max(columns.bottom, height - b.top); }
      if (d.edge === 'left') { columns.left = Math.max(columns.left, b.right); }
      if (d.edge === 'right') { columns.right = Math.max(columns.right, width - b.left); }
      if (d.edge !== 'top') { band.bottom = Math.max(band.bottom, height - b.top); }
    });
    band.top = columns.top;
    var choices = [
      {tl: [columns.left + m, columns.top + m], br: [columns.right + m, columns.bottom + m]},
      {tl: [m, band.top + m], br: [m, band.bottom + m]}
    ].filter(function (c) {  // a slide too small for either keeps a quarter of each side
      return c.tl[0] + c.br[0] < 0.75 * width && c.tl[1] + c.br[1] < 0.75 * height;
    });
    map.options.zoomSnap = 0.1;  // a fine zoom step lets the frame fill the free area
    var bounds = L.latLngBounds(options.bounds), best = {tl: [m, m], br: [m, m]}, zoom = -1;
    choices.forEach(function (c) {
      var z = map.getBoundsZoom(bounds, false, L.point(c.tl).add(c.br));
      if (z > zoom) { zoom = z; best = c; }
    });
    map.fitBounds(bounds, {paddingTopLeft: best.tl, paddingBottomRight: best.br, animate: false});
  }

  // A legend taller than the room under the banner and north arrow (many kinds, rings and
  // zones) is made smaller until it fits, rather than run under the banner.
  function fitLegend(map, gap) {
    var legend = map.getContainer().querySelector('.pm-legend');
    if (!legend) { return; }
    var box = legend.getBoundingClientRect(), top = 0;
    document.querySelectorAll('[data-slide-edge="top"]').forEach(function (el) {
      var b = el.getBoundingClientRect();
      if (b.right > box.left && b.left < box.right) { top = Math.max(top, b.bottom); }
    });
    var room = box.bottom - top - gap;
    if (box.height > room && room > 0) {
      var zoom = parseFloat(window.getComputedStyle(legend).zoom) || 1;
      legend.style.zoom = String(Math.floor(100 * zoom * room / box.height) / 100);
    }
  }

  // Which of the inset's dots the reader sees on the main map: inside it, off its edges. One
  // under a decoration is seen too: the layout moves its symbol out from under the decoration
  // (decorations are its obstacles), with a leader to its true position, so the inset would
  // show it twice.
  function visibleOnMap(map, spec) {
    var size = map.getSize(), edge = spec.dot * 2;
    return spec.dots.map(function (f) {
      var p = map.latLngToContainerPoint([f.lat, f.lon]);
      return p.x > edge && p.y > edge && p.x < size.x - edge && p.y < size.y - edge;
    });
  }

  // The inset's box, bottom left above the scale bar (Leaflet stacks the corner's controls).
  function insetBox(map) {
    var parts = {}, ctl = L.control({position: 'bottomleft'});
    ctl.onAdd = function () {
      var box = parts.box = L.DomUtil.create('div', 'slide-inset');
      box.setAttribute('data-slide-edge', 'left');
      parts.map = L.DomUtil.create('div', 'slide-inset-map', box);
      parts.caption = L.DomUtil.create('div', 'slide-inset-caption', box);
      return box;
    };
    ctl.addTo(map);
    return parts;
  }

  // Label a dot beside it (right, left), else above or below it (moved sideways to stay in the
  // inset) where the label stays inside the inset, clear of the dots and labels placed before
  // it and, if it can, of the view's box; else leave it unlabelled. One text node per line.
  function placeLabel(layer, point, lines, gap, taken, size) {
    var el = L.DomUtil.create('div', 'slide-far-label', layer);
    lines.forEach(function (line) {
      L.DomUtil.create('div', '', el).textContent = line;
    });
    var w = el.offsetWidth, h = el.offsetHeight;
    var centred = Math.min(Math.max(point.x - w / 2, 2), size.x - w - 2);
    var spots = [[point.x + gap, point.y - h / 2], [point.x - gap - w, point.y - h / 2],
                 [centred, point.y - gap - h], [centred, point.y + gap]];
    for (var strict = 1; strict >= 0; strict--) {
      var obstacles = strict ? taken.hard.concat(taken.soft) : taken.hard;
      for (var k = 0; k < spots.length; k++) {
        var box = {left: spots[k][0], top: spots[k][1], right: spots[k][0] + w,
                   bottom: spots[k][1] + h};
        var inside = box.left >= 2 && box.top >= 2 && box.right <= size.x - 2 &&
          box.bottom <= size.y - 2;
        var clear = !obstacles.some(function (other) { return overlaps(box, other); });
        if (inside && clear) {
          el.style.left = Math.round(box.left) + 'px';
          el.style.top = Math.round(box.top) + 'px';
          taken.hard.push(box);
          return true;
        }
      }
    }
    layer.removeChild(el);
    return false;
  }

  function drawInset(map, parts, spec, seen) {
    var mini = L.map(parts.map, {
      zoomControl: false, attributionControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false,
      zoomSnap: 0, fadeAnimation: false, zoomAnimation: false, markerZoomAnimation: false,
      inertia: false, preferCanvas: false
    });
    var dots = spec.dots.filter(function (f, i) { return !seen[i]; });
    var view = map.getBounds(), pad = spec.dot * 2, extent = L.latLngBounds([view]);
    dots.forEach(function (f) { extent.extend([f.lat, f.lon]); });
    mini.fitBounds(extent, {animate: false, padding: [pad, pad]});
    L.geoJSON(spec.land, {interactive: false, style: {className: 'slide-inset-land'}}).addTo(mini);
    L.rectangle(view, {interactive: false, className: 'slide-inset-view'}).addTo(mini);
    var nw = mini.latLngToContainerPoint(view.getNorthWest());
    var se = mini.latLngToContainerPoint(view.getSouthEast());
    var taken = {hard: [], soft: [{left: nw.x, top: nw.y, right: se.x, bottom: se.y}]};
    dots.forEach(function (f) {
      L.circleMarker([f.lat, f.lon], {interactive: false, radius: spec.dot,
                                      className: 'slide-far slide-far-' + f.layer}).addTo(mini);
      var p = mini.latLngToContainerPoint([f.lat, f.lon]);
      taken.hard.push({left: p.x - spec.dot, top: p.y - spec.dot,
                       right: p.x + spec.dot, bottom: p.y + spec.dot});
    });
    var layer = L.DomUtil.create('div', 'slide-inset-labels', parts.map);
    var size = mini.getSize(), unlabelled = spec.unlisted;
    spec.labels.forEach(function (label) {
      var members = [], lines = [];
      label.members.forEach(function (i, k) {
        if (!seen[i]) { members.push(i); lines.push(label.lines[k]); }
      });
      if (!members.length) { return; }
      if (lines.length > spec.max_lines) {
        lines = lines.slice(0, spec.max_lines - 1)
          .concat(['and ' + (lines.length - spec.max_lines + 1) + ' more']);
      }
      var anchor = spec.dots[members[0]];
      var point = mini.latLngToContainerPoint([anchor.lat, anchor.lon]);
      if (!placeLabel(layer, point, lines, spec.dot + 3, taken, size)) {
        unlabelled += members.length;
      }
    });
    parts.caption.textContent = spec.caption +
      (unlabelled ? ' · ' + unlabelled + ' more not named' : '');
  }

  // options.bounds: [[south, west], [north, east]]; options.margin: pixels around them;
  // options.inset: null, or what geo/slides/locator.py inset_spec gives (plus dot, in px).
  // With an inset, the map is fitted beside it; when that shows every far feature after all,
  // the inset goes, and the map is fitted again without it if that still shows them all.
  PM.slide = function (map, options) {
    var spec = options.inset, parts = spec ? insetBox(map) : null;
    fitLegend(map, options.margin);
    fit(map, options);
    if (!parts) { return; }
    var seen = visibleOnMap(map, spec);
    if (seen.every(Boolean)) {
      parts.box.style.display = 'none';
      fit(map, options);
      if (!visibleOnMap(map, spec).every(Boolean)) {
        parts.box.style.display = '';
        fit(map, options);
        parts.box.style.display = 'none';
      }
      return;
    }
    drawInset(map, parts, spec, seen);
  };
}(window.posturemap));

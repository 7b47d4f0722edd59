/*
 * Briefing slides (geo/slides/decorations.py): fit the map to the frame (geo/slides/framing.py)
 * inside the area the banners, title, legend and locator inset leave free, as laid out in the
 * page; then draw the locator inset: coarse land, the main map's view as a box, and the
 * features beyond it as dots with their names (text nodes only).
 */
(function (PM) {
  'use strict';

  // What the decorations take on each side of the page, in pixels: elements marked with
  // data-slide-edge (banners, title, source band, north arrow, inset) and the map's legend.
  function room(map) {
    var width = window.innerWidth, height = window.innerHeight;
    var taken = {top: 0, bottom: 0, left: 0, right: 0};
    function add(edge, box) {
      if (!box.width || !box.height) { return; }
      if (edge === 'top') { taken.top = Math.max(taken.top, box.bottom); }
      if (edge === 'bottom') { taken.bottom = Math.max(taken.bottom, height - box.top); }
      if (edge === 'left') { taken.left = Math.max(taken.left, box.right); }
      if (edge === 'right') { taken.right = Math.max(taken.right, width - box.left); }
    }
    document.querySelectorAll('[data-slide-edge]').forEach(function (el) {
      add(el.getAttribute('data-slide-edge'), el.getBoundingClientRect());
    });
    var legend = map.getContainer().querySelector('.pm-legend');  // geo/web/panels.py
    if (legend) { add('right', legend.getBoundingClientRect()); }
    // A slide too small for side columns keeps its width (or height) for the map.
    if (taken.left + taken.right > 0.7 * width) { taken.left = taken.right = 0; }
    if (taken.top + taken.bottom > 0.7 * height) { taken.top = taken.bottom = 0; }
    return taken;
  }

  function fit(map, options) {
    var taken = room(map), m = options.margin;
    map.options.zoomSnap = 0.1;  // a fine zoom step lets the frame fill the free area
    map.fitBounds(options.bounds, {
      paddingTopLeft: [taken.left + m, taken.top + m],
      paddingBottomRight: [taken.right + m, taken.bottom + m],
      animate: false
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

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  // Label a dot on one side of it (right, left, above, below) where the label stays inside
  // the inset, clear of the dots and labels placed before it and, if it can, of the view's
  // box; else leave it unlabelled. One line per text node.
  function placeLabel(layer, point, lines, gap, taken, size) {
    var el = L.DomUtil.create('div', 'slide-far-label', layer);
    lines.forEach(function (line) {
      L.DomUtil.create('div', '', el).textContent = line;
    });
    var w = el.offsetWidth, h = el.offsetHeight;
    var spots = [[point.x + gap, point.y - h / 2], [point.x - gap - w, point.y - h / 2],
                 [point.x - w / 2, point.y - gap - h], [point.x - w / 2, point.y + gap]];
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

  // Dots the reader sees on the main map after all (the frame's view was an estimate): inside
  // the map, off its edges, and under no decoration.
  function visibleOnMap(map, spec, covered) {
    var size = map.getSize(), edge = spec.dot * 2;
    return spec.dots.map(function (f) {
      var p = map.latLngToContainerPoint([f.lat, f.lon]);
      var box = {left: p.x - 1, top: p.y - 1, right: p.x + 1, bottom: p.y + 1};
      return p.x > edge && p.y > edge && p.x < size.x - edge && p.y < size.y - edge &&
        !covered.some(function (other) { return overlaps(box, other); });
    });
  }

  function drawInset(map, parts, spec) {
    var covered = [];
    document.querySelectorAll('[data-slide-edge], .pm-legend, .pm-scale').forEach(function (el) {
      covered.push(el.getBoundingClientRect());
    });
    var seen = visibleOnMap(map, spec, covered);
    var dots = spec.dots.filter(function (f, i) { return !seen[i]; });
    if (!dots.length) {
      parts.box.parentNode.removeChild(parts.box);  // everything is on the map: no inset
      return;
    }
    var mini = L.map(parts.map, {
      zoomControl: false, attributionControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false,
      zoomSnap: 0, fadeAnimation: false, zoomAnimation: false, markerZoomAnimation: false,
      inertia: false, preferCanvas: false
    });
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
  PM.slide = function (map, options) {
    var parts = options.inset ? insetBox(map) : null;
    fit(map, options);
    if (parts) { drawInset(map, parts, options.inset); }
  };
}(window.posturemap));

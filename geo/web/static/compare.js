/*
 * Compare mode: what moved, arrived and departed since an earlier date (the payload's
 * `compare` entry, geo/web/compare.py, which writes every text shown here).
 *
 * Each move: the earlier position ghosted (the asset's symbol faded in a dashed ring, "was
 * here DATE"), an arrow along the geodesic from old to new, labelled with its distance. A
 * shift within the positions' uncertainty: a dotted link, no arrow. Arrivals: a ring and
 * "new". Departures: a ghost at the last position, "departed". A foldable panel lists them.
 * Text is set as text nodes only. The pure parts are module.exports under node (tests/js).
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else {
    root.posturemap = Object.assign(root.posturemap || {}, api);
  }
}(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  // The arrowhead at screen point b, coming from a: its tip and two barbs, [[x, y] x 3].
  function arrowHead(a, b, size) {
    var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy);
    if (len === 0) { return null; }
    var ux = dx / len, uy = dy / len, back = [b[0] - ux * size, b[1] - uy * size];
    var half = size * 0.55;
    return [[b[0], b[1]], [back[0] - uy * half, back[1] + ux * half],
            [back[0] + uy * half, back[1] - ux * half]];
  }

  // The vertex halfway along a path of screen points, where its label goes.
  function halfway(points) {
    var total = 0, steps = [];
    for (var k = 1; k < points.length; k++) {
      var d = Math.hypot(points[k][0] - points[k - 1][0], points[k][1] - points[k - 1][1]);
      steps.push(d);
      total += d;
    }
    var run = 0;
    for (var j = 0; j < steps.length; j++) {
      run += steps[j];
      if (run >= total / 2) { return j + 1 < points.length - 1 ? j + 1 : j; }
    }
    return 0;
  }

  // The symbol index of each entity drawn on the map (its latest report's symbol).
  function symbolsByEntity(D, R) {
    var out = new Map();
    for (var i = 0; i < D.kind.length; i++) {
      var e = R.str(R.entity(i));
      if (e !== null) { out.set(e, D.symbol[i]); }
    }
    return out;
  }

  return {arrowHead: arrowHead, halfway: halfway, symbolsByEntity: symbolsByEntity};
}));

(function (PM) {
  'use strict';
  if (typeof window === 'undefined' || !PM || typeof L === 'undefined') { return; }

  function textElement(tag, className, text) {
    var el = document.createElement(tag);
    el.className = className;
    el.textContent = text;
    return el;
  }

  // A permanent label (text only) at latlng, in the change's colour (a badge: on it).
  function label(layer, latlng, text, className, direction, colour, badge) {
    var span = textElement('span', '', text);
    if (colour) { span.style[badge ? 'backgroundColor' : 'color'] = colour; }
    layer.addLayer(L.tooltip({permanent: true, direction: direction, interactive: false,
                              className: 'pm-cmp-label ' + className, offset: [0, 0]})
      .setLatLng(latlng).setContent(span));
  }

  // Draw compare mode on the map; returns the layer group (the script interface: PM.compared).
  PM.compare = function (map, D, R) {
    var CMP = D.compare, S = D.contract.style.compare, layer = L.featureGroup();
    var symbols = PM.symbolsByEntity(D, R), heads = [];

    function ghost(item, latlng, colour, text) {
      var box = document.createElement('div'), k = symbols.get(item.entity);
      box.className = 'pm-cmp-ghost';
      box.style.borderColor = colour;
      if (k !== undefined && D.symbols[k]) {
        var img = document.createElement('img');
        img.src = D.symbols[k];
        img.alt = '';
        img.style.opacity = S.ghost_opacity;
        box.appendChild(img);
      }
      var size = S.ring_radius * 2;
      layer.addLayer(L.marker(latlng, {interactive: false, keyboard: false,
        icon: L.divIcon({html: box, className: 'pm-cmp-icon', iconSize: [size, size]})}));
      // Above the ghost: a departure's label below it, should both share a place.
      if (text) { label(layer, latlng, text, 'pm-cmp-was', item.change === 'moved' ? 'top' : 'bottom'); }
    }

    CMP.items.forEach(function (item) {
      var colour = S[item.change];
      if (item.change === 'moved' || item.change === 'within') {
        var moved = item.change === 'moved';
        var line = L.polyline(item.path, {color: colour, weight: moved ? S.weight : S.weight - 1,
          dashArray: moved ? null : S.within_dash, opacity: 0.9, interactive: false});
        layer.addLayer(line);
        if (moved) {
          ghost(item, item.from, colour, item.was);
          var head = L.polygon([item.to, item.to, item.to], {color: colour, fillColor: colour,
            fillOpacity: 1, weight: 1, interactive: false});
          head._pmPath = item.path;
          heads.push(head);
          layer.addLayer(head);
        }
        label(layer, item.path[PM.halfway(item.path.map(function (p) { return [p[1], p[0]]; }))],
          item.label, 'pm-cmp-' + item.change, 'center', colour);
      } else if (item.change === 'arrived') {
        layer.addLayer(L.circleMarker(item.to, {radius: S.ring_radius, color: colour, weight: S.weight,
          fill: false, interactive: false}));
        label(layer, item.to, item.label, 'pm-cmp-new', 'top', colour, true);
      } else if (item.change === 'departed') {
        ghost(item, item.from, colour, item.label);
      }
    });

    // Arrowheads keep their size in pixels: made again at every zoom.
    function placeHeads() {
      heads.forEach(function (head) {
        var path = head._pmPath, n = path.length;
        var a = map.latLngToLayerPoint(path[n - 2]), b = map.latLngToLayerPoint(path[n - 1]);
        var tip = PM.arrowHead([a.x, a.y], [b.x, b.y], S.head_px);
        if (tip) {
          head.setLatLngs(tip.map(function (p) { return map.layerPointToLatLng(p); }));
        }
      });
    }
    map.on('zoomend viewreset', placeHeads);
    layer.addTo(map);
    placeHeads();

    // The panel: the summary, then who arrived, departed and moved.
    var box = document.createElement('div');
    box.id = 'pm-compare';
    box.className = 'pm-panel pm-compare';
    box.appendChild(textElement('h2', 'pm-cmp-summary', CMP.summary));
    CMP.sections.forEach(function (section) {
      box.appendChild(textElement('div', 'pm-cmp-heading', section[0]));
      var list = document.createElement('ul');
      section[1].forEach(function (name) { list.appendChild(textElement('li', '', name)); });
      box.appendChild(list);
    });
    document.body.appendChild(box);
    // Once the page's other scripts have run: below the title block, which they place; a
    // slide, whose title covers that corner, asks for another (--pm-compare-corner).
    var corner = getComputedStyle(map.getContainer()).getPropertyValue('--pm-compare-corner').trim();
    setTimeout(function () {
      PM.control(map, {box: box.id, position: corner || 'topleft', scroll: true});
    }, 0);
    PM.compared = layer;
    return layer;
  };
}(typeof window !== 'undefined' ? window.posturemap : null));

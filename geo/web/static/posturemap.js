/*
 * posturemap: the pure parts of the map page (no Leaflet, no DOM).
 *
 * Decoding the payload, reading a feature's values, the time slider's rule, the grid that
 * finds the symbol under the mouse and the scale bar's round lengths. In the page these
 * functions join window.posturemap (map.js and panels.js add the rest); under node they
 * are module.exports, for tests/js.
 *
 * Every constant of the payload (kinds, sentinels, the windowed groups, the scale of the
 * coordinates) comes from its `contract` entry, written by geo/web/contract.py.
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

  // A line as [[lat, lon], ...] from its delta-encoded integers [dx, dy, dx, dy, ...].
  function decodeLine(flat, scale) {
    var out = [], x = 0, y = 0;
    for (var k = 0; k < flat.length; k += 2) {
      x += flat[k];
      y += flat[k + 1];
      out.push([y / scale, x / scale]);
    }
    return out;
  }

  // Times per vertex (seconds) from the first time and the differences; null for none.
  function decodeTimes(flat) {
    if (!flat) { return null; }
    var out = [], t = 0;
    for (var k = 0; k < flat.length; k++) {
      t += flat[k];
      out.push(t);
    }
    return out;
  }

  // The values of feature i, read through the payload's tables.
  function reader(D) {
    var C = D.contract, S = D.strings;
    function str(k) { return k === null || k === undefined || k === C.none ? null : S[k]; }
    function value(i, field) {
      var column = D.columns[field];
      return column ? str(column[i]) : null;
    }
    function observed(i) {
      var k = D.observed[i];
      return k === C.none ? null : D.epochs[k];
    }
    function until(i) {
      var u = D.until[i];
      return u === undefined ? null : u;
    }
    // The asset a report is about, as a string index (a feature's own id for most).
    function entity(i) {
      var e = D.entity[i];
      return e === C.same_as_id ? D.columns.id[i] : e;
    }
    function position(i) { return [D.lat[i] / C.scale, D.lon[i] / C.scale]; }
    return {str: str, value: value, observed: observed, until: until, entity: entity,
            position: position};
  }

  // What the map shows at moment t (seconds, the end of a day): the rule of
  // geo.data.selection.as_of. Undated features always; strikes and tracks (the windowed
  // groups) once they happened, within the last windowDays when given; for each asset its
  // latest report up to t, unless that report's `until` ended before t's day.
  function visibleAt(D, t, windowDays) {
    var C = D.contract, R = reader(D), n = D.kind.length;
    var windowed = D.groups.map(function (spec) { return C.windowed.indexOf(spec.key) >= 0; });
    var dayStart = t - C.day_s, since = windowDays ? t - windowDays * C.day_s : null;
    var show = new Uint8Array(n), latest = new Map();
    for (var i = 0; i < n; i++) {
      var ob = R.observed(i), u = R.until(i);
      if (ob === null) { show[i] = 1; continue; }
      if (ob >= t) { continue; }
      if (windowed[D.group[i]]) {
        if (since === null || (u === null ? ob : u) >= since) { show[i] = 1; }
        continue;
      }
      if (u !== null && u < dayStart) { continue; }
      var e = R.entity(i), best = latest.get(e);
      if (best === undefined || R.observed(best) <= ob) { latest.set(e, i); }
    }
    latest.forEach(function (i) { show[i] = 1; });
    return show;
  }

  // The day a moment t (the end of that day, in seconds) stands for, as YYYY-MM-DD.
  function dayLabel(t) {
    return new Date((t - 1) * 1000).toISOString().slice(0, 10);
  }

  // Which drawn symbol is under a point. Items j are drawn in order at (xs[j], ys[j]);
  // halfSize(j) gives [half width, half height] of its box. `at(x, y)` returns the last
  // drawn item (the one on top) whose box holds the point, or -1. Boxes up to one cell
  // wide are found, since the cells around the point's own cell are searched.
  function hitGrid(xs, ys, halfSize, cell) {
    var cells = new Map();
    function key(gx, gy) { return (gx + 1e6) * 2e6 + (gy + 1e6); }
    for (var j = 0; j < xs.length; j++) {
      var k = key(Math.floor(xs[j] / cell), Math.floor(ys[j] / cell));
      var list = cells.get(k);
      if (list) { list.push(j); } else { cells.set(k, [j]); }
    }
    return function at(x, y) {
      var gx = Math.floor(x / cell), gy = Math.floor(y / cell), top = -1;
      for (var dx = -1; dx <= 1; dx++) {
        for (var dy = -1; dy <= 1; dy++) {
          var found = cells.get(key(gx + dx, gy + dy)) || [];
          for (var m = 0; m < found.length; m++) {
            var item = found[m], half = halfSize(item);
            if (item > top && Math.abs(xs[item] - x) <= half[0] &&
                Math.abs(ys[item] - y) <= half[1]) {
              top = item;
            }
          }
        }
      }
      return top;
    };
  }

  // Twice the signed area of a ring of projected points [x0, y0, x1, y1, ...]: positive
  // when it turns clockwise on screen (y grows downwards).
  function ringArea(xy) {
    var area = 0;
    for (var k = 0; k + 3 < xy.length; k += 2) {
      area += xy[k] * xy[k + 3] - xy[k + 2] * xy[k + 1];
    }
    return area;
  }

  // The largest round length (1, 2 or 5 times a power of ten) not above x.
  function niceLength(x) {
    var p = Math.pow(10, Math.floor(Math.log10(x))), d = x / p;
    return p * (d >= 5 ? 5 : d >= 2 ? 2 : 1);
  }

  return {
    decodeLine: decodeLine,
    decodeTimes: decodeTimes,
    reader: reader,
    visibleAt: visibleAt,
    dayLabel: dayLabel,
    hitGrid: hitGrid,
    ringArea: ringArea,
    niceLength: niceLength
  };
}));

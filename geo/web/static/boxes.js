/*
 * posturemap boxes: the screen geometry the layout is built on (pure: no Leaflet, no DOM;
 * node-tested in tests/js).
 *
 * - overlaps, inside: boxes [x0, y0, x1, y1] in pixels, y down;
 * - boxGrid: a grid of boxes that answers "is this box free?" in bounded time;
 * - crowd: points gathered into one aggregate per cell where a cell holds too many;
 * - labelBoxes, rings: the candidate places of a label and of a moved symbol;
 * - crosses, cutsBox, segmentBox: leader lines against each other and against boxes.
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

  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }
  function inside(a, b) {
    return a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3];
  }

  // Boxes indexed in square cells: add(box, owner) and hit(box, ignore), the index of a
  // stored box that overlaps `box` and is not owned by `ignore`, or -1.
  function boxGrid(cell) {
    var cells = new Map(), boxes = [], owners = [], seen = [], query = 0;
    function key(gx, gy) { return (gx + 1e6) * 2e6 + (gy + 1e6); }
    function span(b, visit) {
      var gx1 = Math.floor(b[2] / cell), gy1 = Math.floor(b[3] / cell);
      for (var gx = Math.floor(b[0] / cell); gx <= gx1; gx++) {
        for (var gy = Math.floor(b[1] / cell); gy <= gy1; gy++) {
          if (visit(key(gx, gy)) === false) { return; }
        }
      }
    }
    function add(b, owner) {
      var k = boxes.length;
      boxes.push(b);
      owners.push(owner === undefined ? -1 : owner);
      seen.push(0);
      span(b, function (c) {
        var list = cells.get(c);
        if (list) { list.push(k); } else { cells.set(c, [k]); }
      });
      return k;
    }
    function hit(b, ignore) {
      var found = -1;
      query += 1;
      span(b, function (c) {
        var list = cells.get(c) || [];
        for (var m = 0; m < list.length; m++) {
          var k = list[m];
          if (seen[k] === query) { continue; }
          seen[k] = query;
          if (owners[k] !== ignore && overlaps(boxes[k], b)) { found = k; return false; }
        }
        return true;
      });
      return found;
    }
    // Every stored box that overlaps `b`, in the order they were added.
    function all(b) {
      var found = [];
      query += 1;
      span(b, function (c) {
        (cells.get(c) || []).forEach(function (k) {
          if (seen[k] !== query && overlaps(boxes[k], b)) { found.push(k); }
          seen[k] = query;
        });
      });
      return found.sort(function (a, c) { return a - c; });
    }
    // Stored box k moves to b.
    function move(k, b) {
      span(boxes[k], function (c) {
        var list = cells.get(c);
        list.splice(list.indexOf(k), 1);
      });
      boxes[k] = b;
      span(b, function (c) {
        var list = cells.get(c);
        if (list) { list.push(k); } else { cells.set(c, [k]); }
      });
    }
    return {add: add, hit: hit, all: all, move: move, boxes: boxes, owners: owners};
  }

  // Points j at (xs[j], ys[j]) in cells of `cell` pixels: every cell holding more than `max`
  // points becomes one aggregate. Returns {singles: [j...], aggregates: [[j...]...]}, in the
  // order of first appearance (stable as the map pans: cells are fixed on the map).
  function crowd(xs, ys, cell, max) {
    var byCell = new Map(), order = [];
    for (var j = 0; j < xs.length; j++) {
      var k = (Math.floor(xs[j] / cell) + 1e6) * 2e6 + Math.floor(ys[j] / cell) + 1e6;
      var list = byCell.get(k);
      if (!list) { list = []; byCell.set(k, list); order.push(list); }
      list.push(j);
    }
    var singles = [], aggregates = [];
    order.forEach(function (list) {
      if (list.length > max) { aggregates.push(list); } else { singles.push.apply(singles, list); }
    });
    singles.sort(function (a, b) { return a - b; });
    return {singles: singles, aggregates: aggregates};
  }

  // Eight label positions around box b for a label of w x h, cartographic preference first:
  // right, upper right, lower right, left, upper left, lower left, above, below.
  function labelBoxes(b, w, h, pad) {
    var cy = (b[1] + b[3]) / 2, cx = (b[0] + b[2]) / 2;
    var right = b[2] + pad, left = b[0] - pad - w, top = b[1] - h, bottom = b[3];
    return [
      [right, cy - h / 2], [right, top], [right, bottom],
      [left, cy - h / 2], [left, top], [left, bottom],
      [cx - w / 2, b[1] - pad - h], [cx - w / 2, b[3] + pad]
    ].map(function (p) { return [p[0], p[1], p[0] + w, p[1] + h]; });
  }

  // Candidate centres around (x, y): rings of radius step, 2 step, ... with 6k + 2 points on
  // ring k, nearest first and, on a ring, those towards angle `toward` (radians) first.
  function rings(x, y, step, count, toward) {
    var out = [];
    for (var k = 1; k <= count; k++) {
      var m = 6 * k + 2, ring = [];
      for (var a = 0; a < m; a++) {
        var angle = toward + 2 * Math.PI * a / m;
        var off = Math.abs(Math.atan2(Math.sin(angle - toward), Math.cos(angle - toward)));
        ring.push([off, x + k * step * Math.cos(angle), y + k * step * Math.sin(angle)]);
      }
      ring.sort(function (p, q) { return p[0] - q[0]; });
      ring.forEach(function (p) { out.push([p[1], p[2]]); });
    }
    return out;
  }

  // Whether segments p1-p2 and q1-q2 cross (touching at an end does not count: two leaders
  // from one true position).
  function crosses(p1, p2, q1, q2) {
    function side(a, b, c) {
      var v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
      return Math.abs(v) < 1e-9 ? 0 : (v > 0 ? 1 : -1);
    }
    var d1 = side(q1, q2, p1), d2 = side(q1, q2, p2), d3 = side(p1, p2, q1), d4 = side(p1, p2, q2);
    return d1 * d2 < 0 && d3 * d4 < 0;
  }

  // Whether segment p-q passes through the inside of box b (Liang-Barsky clipping).
  function cutsBox(p, q, b) {
    var t0 = 0, t1 = 1, dx = q[0] - p[0], dy = q[1] - p[1];
    var edges = [[-dx, p[0] - b[0]], [dx, b[2] - p[0]], [-dy, p[1] - b[1]], [dy, b[3] - p[1]]];
    for (var k = 0; k < 4; k++) {
      var e = edges[k];
      if (e[0] === 0) {
        if (e[1] <= 0) { return false; }
      } else {
        var t = e[1] / e[0];
        if (e[0] < 0) { t0 = Math.max(t0, t); } else { t1 = Math.min(t1, t); }
        if (t0 >= t1) { return false; }
      }
    }
    return t1 - t0 > 1e-6;
  }

  function segmentBox(p, q) {
    return [Math.min(p[0], q[0]), Math.min(p[1], q[1]), Math.max(p[0], q[0]), Math.max(p[1], q[1])];
  }

  return {inside: inside, overlaps: overlaps, boxGrid: boxGrid, crowd: crowd,
          labelBoxes: labelBoxes, rings: rings, crosses: crosses, cutsBox: cutsBox,
          segmentBox: segmentBox};
}));

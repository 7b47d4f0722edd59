/*
 * posturemap layout: where symbols, true-position dots and labels go on screen, so that
 * nothing hides anything else (pure: no Leaflet, no DOM; node-tested in tests/js).
 *
 * - boxGrid: a grid of boxes that answers "is this box free?" in bounded time;
 * - crowd: where points are too dense to spread (more than `max` in a cell), they are
 *   gathered into one aggregate per cell (only used with many points in view);
 * - layout: symbols that would overlap at their true positions are moved to the nearest
 *   free spot around it (rings of candidates, away from the crowd), keeping a dot at the
 *   true position (APP-6's offset location indicator); then, by priority, each symbol gets
 *   a label in the first free one of eight positions around it, or none. Labels never
 *   overlap each other, a symbol, a dot or an obstacle (the map's panels).
 *
 * Boxes are [x0, y0, x1, y1] in pixels, y down.
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
    return {add: add, hit: hit, all: all, boxes: boxes, owners: owners};
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

  function boxAt(x, y, item) {
    return [x - item.w / 2, y - item.h / 2, x + item.w / 2, y + item.h / 2];
  }

  // Place items j (objects {x, y, w, h, rank, lw, lh}: true position, symbol box size, label
  // priority (lower first), label size, lw 0 for no label). options: view (labels stay in
  // it, and so do moved symbols of items inside it), obstacles (boxes nothing may overlap),
  // gap (between symbols), dot (side of the true-position dot), pad (symbol to label),
  // maxRings (how far a symbol may move), jointRings (how far a symbol may move to find room
  // for its label too), maxLabels, before ({rank, place(grid)}: called once before the first
  // item of that rank or lower priority is placed).
  // Returns {x, y (drawn centres), moved (1: drawn away from its true position), box (drawn
  // symbol box), label (box or null), into (-1, or the item a symbol with no room joined),
  // grid (every box placed, for what is placed next: the basemap's names)}.
  function layout(items, options) {
    var n = items.length, o = Object.assign({gap: 2, dot: 8, pad: 3, maxRings: 10,
      jointRings: 7, maxLabels: 400, cell: 64, obstacles: []}, options);
    var view = o.view, grid = boxGrid(o.cell), trueGrid = boxGrid(o.cell);
    var out = {x: new Float64Array(n), y: new Float64Array(n), moved: new Uint8Array(n),
               box: new Array(n), label: new Array(n).fill(null), into: new Int32Array(n).fill(-1)};
    var half = o.gap / 2, conflict = new Uint8Array(n);
    o.obstacles.forEach(function (b) { grid.add(b, -1); });
    var d = o.dot / 2, order = [];
    for (var j = 0; j < n; j++) { order.push(j); }
    order.sort(function (a, b) { return items[a].rank - items[b].rank || a - b; });
    // 1. The crowds: by priority, the symbols that overlap one that stays (with half the gap
    // around each), or cover another item's true position.
    var dots = boxGrid(o.cell), dotBox = items.map(function (it) {
      return [it.x - d, it.y - d, it.x + d, it.y + d];
    });
    dotBox.forEach(function (b, q) { dots.add(b, q); });
    order.forEach(function (q) {
      var b = boxAt(items[q].x, items[q].y, items[q]);
      var padded = [b[0] - half, b[1] - half, b[2] + half, b[3] + half];
      if (trueGrid.hit(padded, q) >= 0 || dots.hit(b, q) >= 0) {
        conflict[q] = 1;
      } else {
        trueGrid.add(padded, q);
      }
    });
    // 2. Reserve every true position (a dot, where the symbol moves away).
    for (j = 0; j < n; j++) {
      out.x[j] = items[j].x;
      out.y[j] = items[j].y;
      out.box[j] = boxAt(items[j].x, items[j].y, items[j]);
      grid.add(dotBox[j], j);
    }
    // 3. By priority: labels of symbols that stay; a spot (with room for the label, when
    // near enough) for symbols that move.
    var labels = 0, placed = new Uint8Array(n), pending = boxGrid(o.cell);
    items.forEach(function (it, q) {
      var b = boxAt(it.x, it.y, it);
      pending.add([b[0] - half, b[1] - half, b[2] + half, b[3] + half], q);
    });
    function tryLabel(j, box, commit) {
      var it = items[j];
      if (!it.lw || labels >= o.maxLabels) { return null; }
      var cands = labelBoxes(box, it.lw, it.lh, o.pad);
      for (var c = 0; c < cands.length; c++) {
        var lb = cands[c];
        if ((!view || inside(lb, view)) && grid.hit(lb, -3) < 0 && !covers(j, lb)) {
          if (commit) { grid.add(lb, j); out.label[j] = lb; labels += 1; }
          return lb;
        }
      }
      return null;
    }
    // Symbols that move go away from the middle of their crowd: the items whose symbols,
    // grown by half their size, touch each other's, directly or through others.
    var parent = new Int32Array(n).map(function (v, q) { return q; });
    function root(q) { while (parent[q] !== q) { q = parent[q] = parent[parent[q]]; } return q; }
    var near = boxGrid(o.cell), grown = items.map(function (it) {
      var b = boxAt(it.x, it.y, it), gw = it.w / 2, gh = it.h / 2;
      return [b[0] - gw, b[1] - gh, b[2] + gw, b[3] + gh];
    });
    grown.forEach(function (b, q) {
      if (!conflict[q]) { return; }
      near.all(b).forEach(function (k) { parent[root(near.owners[k])] = root(q); });
      near.add(b, q);
    });
    var middle = new Map();
    for (j = 0; j < n; j++) {
      if (!conflict[j]) { continue; }
      var m = middle.get(root(j)) || {x: 0, y: 0, count: 0};
      m.x += items[j].x; m.y += items[j].y; m.count += 1;
      middle.set(root(j), m);
    }
    function crowdAngle(j) {
      var it = items[j], m = middle.get(root(j)) || {x: it.x, y: it.y, count: 1};
      var cx = m.x / m.count, cy = m.y / m.count;
      if (Math.abs(cx - it.x) < 1 && Math.abs(cy - it.y) < 1) {
        return -Math.PI / 4 + 0.7 * j;  // in the middle: spread the members around
      }
      return Math.atan2(it.y - cy, it.x - cx);
    }
    // Whether box b (a label, or a symbol moving) of item j covers the true position of an
    // item of the same or a higher priority not placed yet: only a higher priority's label
    // or symbol may push a symbol off its true position.
    function covers(j, b) {
      return pending.all(b).some(function (k) {
        var q = pending.owners[k];
        return q !== j && !placed[q] && items[q].rank <= items[j].rank;
      });
    }
    function freeFor(j, box, moving) {
      if (grid.hit([box[0] - half, box[1] - half, box[2] + half, box[3] + half], j) >= 0) {
        return false;
      }
      if (!moving) { return true; }
      if (covers(j, box)) { return false; }
      var it = items[j];  // a symbol in view moves to a spot in view
      return !view || !(it.x >= view[0] && it.x <= view[2] && it.y >= view[1] && it.y <= view[3]) ||
        inside(box, view);
    }
    // A symbol stays where it is when nothing placed before it (symbols and labels of higher
    // priority, true positions) is there; else, and when only a move makes room for its
    // label, it moves to the nearest free spot, away from its crowd.
    var before = o.before;
    order.forEach(function (j) {
      var it = items[j], stays;
      if (before && it.rank >= before.rank) { before.place(grid); before = null; }
      stays = freeFor(j, out.box[j]);
      if (stays && (!it.lw || tryLabel(j, out.box[j], false))) {
        grid.add(out.box[j], j);
        placed[j] = 1;
        tryLabel(j, out.box[j], true);
        return;
      }
      var step = Math.max(it.w, it.h) + o.gap, cands = rings(it.x, it.y, step, o.maxRings,
                                                             crowdAngle(j));
      var joint = it.lw ? Math.min(cands.length, 3 * o.jointRings * (o.jointRings + 1) +
                                   2 * o.jointRings) : 0;
      var spot = -1, c, box;
      for (c = 0; c < joint && spot < 0; c++) {
        box = boxAt(cands[c][0], cands[c][1], it);
        if (freeFor(j, box, true) && tryLabel(j, box, false)) { spot = c; }
      }
      if (spot < 0 && stays) {  // no room for the label anywhere near: stay, unlabelled
        grid.add(out.box[j], j);
        placed[j] = 1;
        return;
      }
      for (c = 0; c < cands.length && spot < 0; c++) {
        if (freeFor(j, boxAt(cands[c][0], cands[c][1], it), true)) { spot = c; }
      }
      if (spot < 0) {
        out.into[j] = nearestPlaced(j);
        if (out.into[j] < 0) {  // the first with no room at all: it stays, others join it
          grid.add(out.box[j], j);
          placed[j] = 1;
        }
        return;
      }
      out.x[j] = cands[spot][0];
      out.y[j] = cands[spot][1];
      out.moved[j] = 1;
      out.box[j] = boxAt(out.x[j], out.y[j], it);
      grid.add(out.box[j], j);
      placed[j] = 1;
      tryLabel(j, out.box[j], true);
    });
    function nearestPlaced(j) {
      var best = -1, gap = Infinity;
      for (var q = 0; q < n; q++) {
        if (q === j || out.into[q] >= 0 || !placed[q]) { continue; }
        var g = Math.hypot(out.x[q] - items[j].x, out.y[q] - items[j].y);
        if (g < gap) { gap = g; best = q; }
      }
      return best;
    }
    if (before) { before.place(grid); }
    out.grid = grid;
    return out;
  }

  return {inside: inside, boxGrid: boxGrid, crowd: crowd, layout: layout, labelBoxes: labelBoxes,
          rings: rings, overlaps: overlaps};
}));

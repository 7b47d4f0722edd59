/*
 * posturemap layout: where symbols, true-position dots and labels go on screen, so that
 * nothing hides anything else (pure: no Leaflet, no DOM; node-tested in tests/js).
 *
 * Built on boxes.js (boxGrid, crowd, candidate rings and label boxes, leader geometry).
 *
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
  if (typeof module === 'object' && module.exports) {
    module.exports = factory(require('./boxes.js'));
  } else {
    root.posturemap = Object.assign(root.posturemap || {}, factory(root.posturemap));
  }
}(typeof self !== 'undefined' ? self : this, function (B) {
  'use strict';
  var overlaps = B.overlaps, inside = B.inside, boxGrid = B.boxGrid, labelBoxes = B.labelBoxes,
    rings = B.rings, crosses = B.crosses, cutsBox = B.cutsBox, segmentBox = B.segmentBox;

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
    // Leader lines drawn so far (true position to the moved symbol's centre): a symbol moves
    // where its leader crosses none of them, if it can, and preferably where its leader
    // crosses no symbol or label and its box lies on no leader.
    var leaders = boxGrid(o.cell), ends = [], leaderOf = new Int32Array(n).fill(-1);
    var symbolK = new Int32Array(n).fill(-1), labelK = new Int32Array(n).fill(-1);
    items.forEach(function (it, q) {
      var b = boxAt(it.x, it.y, it);
      pending.add([b[0] - half, b[1] - half, b[2] + half, b[3] + half], q);
    });
    function tryLabel(j, box, commit) {
      var it = items[j];
      if (!it.lw || labels >= o.maxLabels) { return null; }
      if (view && !overlaps(box, view)) { return null; }  // no label without its symbol
      var cands = labelBoxes(box, it.lw, it.lh, o.pad);
      for (var c = 0; c < cands.length; c++) {
        var lb = cands[c];
        if ((!view || inside(lb, view)) && grid.hit(lb, -3) < 0 && !covers(j, lb)) {
          if (commit) { labelK[j] = grid.add(lb, j); out.label[j] = lb; labels += 1; }
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
    function leaderOk(j, box, strict) {
      var it = items[j], p = [it.x, it.y], q = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
      var near = leaders.all(segmentBox(p, q)).some(function (k) {
        return crosses(p, q, ends[k][0], ends[k][1]);
      });
      if (near || !strict) { return !near; }
      var shrunk = [box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1];
      if (leaders.all(box).some(function (k) { return cutsBox(ends[k][0], ends[k][1], shrunk); })) {
        return false;
      }
      return !grid.all(segmentBox(p, q)).some(function (k) {
        var b = grid.boxes[k];
        return grid.owners[k] !== j && !inside([it.x, it.y, it.x, it.y], b) && cutsBox(p, q, b);
      });
    }
    // Candidate spot c of item j, with the label's room when `label`: the first of the
    // strictest level that has one (2: leader crosses nothing; 1: no other leader; 0: any,
    // without `label` only), in one pass over the candidates.
    function findSpot(j, cands, count, label) {
      var it = items[j], first = [-1, -1, -1];
      for (var c = 0; c < count; c++) {
        var box = boxAt(cands[c][0], cands[c][1], it);
        if (!freeFor(j, box, true)) { continue; }
        var level = leaderOk(j, box, false) ? (leaderOk(j, box, true) ? 2 : 1) : 0;
        if ((label && level === 0) || first[level] >= 0) { continue; }
        if (label && !tryLabel(j, box, false)) { continue; }
        first[level] = c;
        if (level === 2) { return c; }
      }
      return first[1] >= 0 ? first[1] : first[0];
    }
    function freeFor(j, box, moving) {
      if (grid.hit([box[0] - half, box[1] - half, box[2] + half, box[3] + half], j) >= 0) {
        return false;
      }
      if (!moving) { return true; }
      if (covers(j, box)) { return false; }
      // A symbol in view moves to a spot in view; one out of view stays out of it (else it
      // would seem to be in view, and a slide's inset would show it twice).
      var it = items[j];
      if (!view) { return true; }
      return it.x >= view[0] && it.x <= view[2] && it.y >= view[1] && it.y <= view[3]
        ? inside(box, view) : !overlaps(box, view);
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
      var spot = findSpot(j, cands, joint, true);
      if (spot < 0 && stays) {  // no room for the label anywhere near: stay, unlabelled
        grid.add(out.box[j], j);
        placed[j] = 1;
        return;
      }
      if (spot < 0) { spot = findSpot(j, cands, cands.length, false); }
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
      ends.push([[it.x, it.y], [out.x[j], out.y[j]]]);
      leaderOf[j] = leaders.add(segmentBox(ends[ends.length - 1][0], ends[ends.length - 1][1]), j);
      symbolK[j] = grid.add(out.box[j], j);
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
    var effort = 64;  // relocations tried: bounded time in a dense crowd (a few crossings stay)
    uncross();
    if (before) { before.place(grid); }
    out.grid = grid;
    return out;

    // Two leaders that still cross (a symbol boxed in by the leaders of its crowd) are
    // uncrossed by swapping where their symbols are drawn, labels moving with them, when
    // the swapped boxes are free: each swap shortens the leaders' total length, so it ends.
    function uncross() {
      for (var pass = 0, swapped = true; swapped && pass < 8; pass++) {
        swapped = false;
        for (var a = 0; a < n; a++) {
          if (leaderOf[a] < 0) { continue; }
          var ka = leaderOf[a], hits = leaders.all(leaders.boxes[ka]);
          for (var h = 0; h < hits.length; h++) {
            var b = leaders.owners[hits[h]];
            if (b !== a && crosses(ends[ka][0], ends[ka][1], ends[hits[h]][0], ends[hits[h]][1]) &&
                (swap(a, b) || relocate(a) || relocate(b))) { swapped = true; break; }
            if (effort <= 0) { return; }
          }
        }
      }
    }
    // Move moved symbol j (with its label, if it had one) to the nearest spot where its
    // leader crosses no other leader, if there is one.
    function relocate(j) {
      effort -= 1;
      var it = items[j], step = Math.max(it.w, it.h) + o.gap;
      var cands = rings(it.x, it.y, step, o.maxRings, crowdAngle(j));
      for (var c = 0; c < cands.length; c++) {
        var box = boxAt(cands[c][0], cands[c][1], it), p = [it.x, it.y], q = cands[c];
        if (grid.hit([box[0] - half, box[1] - half, box[2] + half, box[3] + half], j) >= 0 ||
            (view && !inside(box, view)) ||
            leaders.all(segmentBox(p, q)).some(function (k) {
              return k !== leaderOf[j] && crosses(p, q, ends[k][0], ends[k][1]);
            })) { continue; }
        var label = null;
        if (out.label[j]) {
          label = labelBoxes(box, it.lw, it.lh, o.pad).find(function (lb) {
            return (!view || inside(lb, view)) && grid.hit(lb, j) < 0 && !overlaps(lb, box);
          });
          if (!label) { continue; }
        }
        out.x[j] = q[0]; out.y[j] = q[1]; out.box[j] = box;
        grid.move(symbolK[j], box);
        if (label) { out.label[j] = label; grid.move(labelK[j], label); }
        ends[leaderOf[j]] = [p, [q[0], q[1]]];
        leaders.move(leaderOf[j], segmentBox(p, q));
        return true;
      }
      return false;
    }
    function shifted(box, dx, dy) { return box && [box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy]; }
    function swap(a, b) {
      var A = items[a], B = items[b];
      var sa = boxAt(out.x[b], out.y[b], A), sb = boxAt(out.x[a], out.y[a], B);
      function clear(mine) {
        return mine.every(function (box, m) {
          if (!box) { return true; }
          if (m % 2 === 1 && view && !inside(box, view)) { return false; }
          var padded = m % 2 === 0 ? [box[0] - half, box[1] - half, box[2] + half, box[3] + half] : box;
          var own = m < 2 ? a : b, other = m < 2 ? b : a;
          var others = grid.all(padded).some(function (k) {  // the other's old boxes move too
            var q = grid.owners[k];
            return q !== own && (q !== other || (k !== symbolK[q] && k !== labelK[q]));
          });
          return !others && mine.every(function (box2, m2) {
            return !box2 || Math.floor(m2 / 2) === Math.floor(m / 2) || !overlaps(box, box2);
          });
        });
      }
      // Labels move with their symbols, or else to another of their eight positions.
      function options(j, box, dx, dy) {
        if (!out.label[j]) { return [null]; }
        return [shifted(out.label[j], dx, dy)].concat(labelBoxes(box, items[j].lw, items[j].lh, o.pad));
      }
      var las = options(a, sa, out.x[b] - out.x[a], out.y[b] - out.y[a]);
      var lbs = options(b, sb, out.x[a] - out.x[b], out.y[a] - out.y[b]);
      var la = null, lb = null, found = false;
      for (var p = 0; p < las.length && !found; p++) {
        for (var q = 0; q < lbs.length && !found; q++) {
          if (clear([sa, las[p], sb, lbs[q]])) { la = las[p]; lb = lbs[q]; found = true; }
        }
      }
      if (!found) { return false; }
      var ax = out.x[a], ay = out.y[a];
      out.x[a] = out.x[b]; out.y[a] = out.y[b]; out.x[b] = ax; out.y[b] = ay;
      [[a, sa, la], [b, sb, lb]].forEach(function (s) {
        var j = s[0];
        out.box[j] = s[1];
        grid.move(symbolK[j], s[1]);
        if (s[2]) { out.label[j] = s[2]; grid.move(labelK[j], s[2]); }
        ends[leaderOf[j]] = [[items[j].x, items[j].y], [out.x[j], out.y[j]]];
        leaders.move(leaderOf[j], segmentBox(ends[leaderOf[j]][0], ends[leaderOf[j]][1]));
      });
      return true;
    }
  }

  // The boxes' helpers travel with the layout, for node tests that require this file alone.
  return Object.assign({}, B, {layout: layout});
}));

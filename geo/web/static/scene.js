/*
 * posturemap.scene: what the point canvas (canvas.js) draws at the current view, and what
 * is under the mouse.
 *
 * For the points in view only: a task group (the data's `group`) whose members would sit
 * within a few symbols of each other is drawn as one symbol with its roster; with very many
 * points in view, dense cells become one disc with their number (posturemap.crowd); then
 * posturemap.layout moves the symbols that would overlap (a dot and a leader line keep
 * their true position) and labels what fits, units first. Country and city names of the
 * offline basemap take what room is left. Labels are canvas text: data never becomes HTML.
 */
(function (PM) {
  'use strict';

  var SPREAD_LIMIT = 250;  // more points in view than this: dense cells become one disc
  var CROWD_CELL = 96;  // ... cells of this many pixels, with more than CROWD_MAX points
  var CROWD_MAX = 4;
  var COLLAPSE = 3;  // a task group is one symbol while its members lie within 3 symbols
  var MAX_NAMES = 80;  // basemap names per view
  var COUNTRY_SHIFTS = [[0, 0], [0, 1], [0, -1], [0.5, 0], [-0.5, 0], [0, 2], [0, -2], [0.5, 1],
                        [-0.5, 1], [0.5, -1], [-0.5, -1]];  // label widths, line heights

  // scene(map, D, R, state, sprites): build(k, origin, bounds, ctx, candidates) lays out the
  // points `candidates` (feature indices, in drawing order, with their layer pixels) and
  // returns a frame {items, out, hit(x, y), draw(ctx), aggregated}.
  PM.scene = function (map, D, R, state, sprites) {
    var C = D.contract, ST = C.style, LS = ST.label, n = D.kind.length;
    var role = D.groups.map(function (spec) { return spec.role; });
    var widths = new Map();

    function font(size, weight) { return weight + ' ' + size + 'px ' + LS.font; }
    function measure(ctx, text, f) {
      var key = f + '\u0000' + text, w = widths.get(key);
      if (w === undefined) {
        ctx.font = f;
        w = ctx.measureText(text).width;
        widths.set(key, w);
      }
      return w;
    }
    function props(i) {
      var count = R.value(i, 'count');
      return {label: D.label[i] === undefined ? null : R.str(D.label[i]),
              name: R.value(i, 'name'), designation: R.value(i, 'designation'),
              count: count ? Number(count.replace(/[^0-9]/g, '')) : 1, countText: count,
              status: R.value(i, 'status')};
    }
    function sizeOf(i) {
      var s = sprites[D.symbol[i]];
      return s ? [s.box[2] - s.box[0], s.box[3] - s.box[1]] : [20, 20];
    }
    // A unit report older than the freshness window, before the map's day (or the slider's).
    function stale(i) {
      var F = D.freshness, ob = R.observed(i), ref = PM.now || F.as_of;
      return role[D.group[i]] === C.roles[0] && ob !== null && ref !== null &&
        ref !== undefined && ob < ref - (F.days + 1) * C.day_s;
    }
    function lastSeen(i) { return 'last seen ' + new Date(R.observed(i) * 1000).toISOString().slice(0, 10); }

    function build(k, o, view, obstacles, ctx, cand) {
      var xs = cand.x, ys = cand.y, items = [], taken = new Uint8Array(cand.i.length);
      var aggregated = new Uint8Array(n);
      function item(kind, members, x, y) {
        var lead = members[0], size = sizeOf(lead), r = role[D.group[lead]];
        var it = {kind: kind, members: members, i: lead, x: x, y: y, w: size[0], h: size[1],
                  rank: C.roles.indexOf(r), lines: [], lw: 0, lh: 0};
        items.push(it);
        return it;
      }
      // 1. Task groups whose members sit close together: one symbol, with its roster.
      var byGroup = new Map();
      cand.i.forEach(function (i, j) {
        var g = D.task_group[i];
        if (g === undefined) { return; }
        if (!byGroup.has(g)) { byGroup.set(g, []); }
        byGroup.get(g).push(j);
      });
      byGroup.forEach(function (js, g) {
        if (js.length < 2) { return; }
        var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, reach = 0;
        js.forEach(function (j) {
          x0 = Math.min(x0, xs[j]); x1 = Math.max(x1, xs[j]);
          y0 = Math.min(y0, ys[j]); y1 = Math.max(y1, ys[j]);
          reach = Math.max(reach, sizeOf(cand.i[j])[0]);
        });
        if (Math.max(x1 - x0, y1 - y0) > COLLAPSE * reach) { return; }
        var members = js.map(function (j) { taken[j] = 1; return cand.i[j]; });
        var it = item('group', members, (x0 + x1) / 2, (y0 + y1) / 2);
        it.name = D.task_groups[g];
        it.spots = js.map(function (j) { return [xs[j], ys[j]]; });  // members' positions
        it.w += ST.stack.offset;
        it.h += ST.stack.offset;
      });
      // 2. Very many points: dense cells become one disc each.
      var rest = [];
      cand.i.forEach(function (i, j) { if (!taken[j]) { rest.push(j); } });
      if (rest.length > SPREAD_LIMIT) {
        var crowded = PM.crowd(rest.map(function (j) { return xs[j] + o.x; }),
                               rest.map(function (j) { return ys[j] + o.y; }), CROWD_CELL, CROWD_MAX);
        crowded.aggregates.forEach(function (list) {
          var sx = 0, sy = 0;
          var members = list.map(function (m) {
            var j = rest[m];
            sx += xs[j]; sy += ys[j];
            aggregated[cand.i[j]] = 1;
            return cand.i[j];
          });
          var it = item('aggregate', members, sx / list.length, sy / list.length);
          it.w = it.h = ST.aggregate.size;
          it.rank = -1;  // placed first: each stands for many
        });
        rest = crowded.singles.map(function (m) { return rest[m]; });
      }
      rest.forEach(function (j) { item('feature', [cand.i[j]], xs[j], ys[j]); });
      // 3. Label texts and sizes.
      var big = LS.size * (state.labelScale || 1), small = LS.small * (state.labelScale || 1);
      items.forEach(function (it) {
        if (it.kind === 'aggregate') { return; }
        var r = role[D.group[it.i]], weight = LS.weight[r] || 400, lines;
        if (it.kind === 'group') {
          lines = PM.roster(it.name, it.members.map(function (i) {
            return PM.shortName(props(i), C.label);
          }), C.label.roster_max);
        } else {
          lines = [PM.labelText(props(it.i), C.label)];
          it.stale = stale(it.i);
          if (it.stale) { lines.push(lastSeen(it.i)); }
        }
        lines = lines.filter(Boolean);
        if (!lines.length) { return; }
        it.fonts = lines.map(function (t, m) { return m ? font(small, 400) : font(big, weight); });
        it.lines = lines;
        it.lw = Math.ceil(Math.max.apply(null, lines.map(function (t, m) {
          return measure(ctx, t, it.fonts[m]);
        }))) + 2;
        it.lh = Math.ceil(big * LS.line + (lines.length - 1) * small * LS.line);
      });
      // The names of the countries the data is in go before the strikes' labels; the other
      // basemap names take what room is left at the end.
      var theatre = [];
      var out = PM.layout(items, {view: view, obstacles: obstacles, dot: 2 * ST.dot.radius + 4,
        gap: 3, before: {rank: C.roles.length - 1, place: function (grid) {
          theatre = placeNames(k, o, view, grid, ctx, true);
        }}});
      // A symbol with no room anywhere near joins the nearest one, which becomes a disc.
      items.forEach(function (it, j) {
        var into = out.into[j];
        if (into < 0) { return; }
        var target = items[into];
        if (target.kind !== 'aggregate') {
          target.kind = 'aggregate';
          out.label[into] = null;
        }
        target.members = target.members.concat(it.members);
      });
      items.forEach(function (it) {
        if (it.kind === 'aggregate') { it.members.forEach(function (i) { aggregated[i] = 1; }); }
      });
      var names = theatre.concat(placeNames(k, o, view, out.grid, ctx, false));
      return frame(items, out, names, aggregated);
    }

    // Country and city names of the offline basemap, in the room the data left.
    function placeNames(k, o, view, grid, ctx, theatre) {
      var placed = [], zoom = map.getZoom(), NS = ST.names, scale = state.labelScale || 1;
      if (!state.namesOn || !D.placenames) { return placed; }
      function free(b) { return PM.inside(b, view) && grid.hit(b, -3) < 0; }
      function layerPoint(lonLat) {
        var p = map.project([lonLat[1], lonLat[0]], 0);
        return [p.x * k - o.x, p.y * k - o.y];
      }
      for (var m = 0; m < D.placenames.length && placed.length < MAX_NAMES; m++) {
        var row = D.placenames[m], kind = row[1], S = NS[kind];
        if (!S || row[4] > zoom || !!row[6] !== theatre) { continue; }
        var text = kind === 'country' ? row[0].toUpperCase() : row[0];
        var f = font(S.size * scale, S.weight), w = measure(ctx, text, f) + S.spacing * text.length;
        var h = S.size * scale * LS.line, box = null, dot = null, at = layerPoint([row[2], row[3]]);
        if (kind === 'country') {
          // At its label point, moved a little; else at points inside the part in the frame.
          [at].concat((row[5] || []).map(layerPoint)).some(function (p) {
            box = COUNTRY_SHIFTS.map(function (s) {
              var cx = p[0] + s[0] * w, cy = p[1] + s[1] * h;
              return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
            }).find(free) || null;
            return box;
          });
        } else {
          dot = [at[0] - 3, at[1] - 3, at[0] + 3, at[1] + 3];
          if (!free(dot)) { continue; }
          var cands = PM.labelBoxes(dot, w, h, 2);
          box = [0, 3, 6, 7].map(function (c) { return cands[c]; }).find(free) || null;
        }
        if (!box) { continue; }
        grid.add(box, -1);
        if (dot) { grid.add(dot, -1); }
        placed.push({text: text, box: box, dot: dot ? at : null, font: f, style: S});
      }
      return placed;
    }

    function frame(items, out, names, aggregated) {
      // What answers the mouse, in drawing order (later on top): labels, dots, symbols.
      var hits = PM.boxGrid(64), who = [], what = [], at = [];
      function add(box, j, type, spot) { hits.add(box, j); who.push(j); what.push(type); at.push(spot); }
      items.forEach(function (it, j) {
        if (out.label[j] && out.into[j] < 0) { add(out.label[j], j, 0); }
      });
      var r = ST.dot.radius + 3;
      items.forEach(function (it, j) {
        if (out.moved[j] && out.into[j] < 0) { add([it.x - r, it.y - r, it.x + r, it.y + r], j, 1, [it.x, it.y]); }
        // A task group drawn as one symbol answers at each member's reported position too.
        if (it.spots && out.into[j] < 0) {
          it.spots.forEach(function (p) { add([p[0] - r, p[1] - r, p[0] + r, p[1] + r], j, 1, p); });
        }
      });
      items.forEach(function (it, j) { if (out.into[j] < 0) { add(out.box[j], j, 2); } });
      return {
        items: items, out: out, names: names, aggregated: aggregated,
        // The item under layer point (x, y), or -1: a symbol (the top one), else the dot
        // nearest the point, else a label.
        hit: function (x, y) {
          var best = -1, score = -Infinity;
          hits.all([x - 0.5, y - 0.5, x + 0.5, y + 0.5]).forEach(function (k) {
            var s = what[k] === 2 ? 1e6 + k : what[k] === 1 ? -Math.hypot(at[k][0] - x, at[k][1] - y) : -1e6 + k;
            if (s >= score) { score = s; best = who[k]; }  // a tie: the one drawn later
          });
          return best;
        },
        // The other items whose true-position dot is under layer point (x, y): a feature's
        // symbol may sit on the dot of another reported at the same place (a base and the
        // aircraft based there).
        under: function (x, y, top) {
          var found = [];
          hits.all([x - 0.5, y - 0.5, x + 0.5, y + 0.5]).forEach(function (k) {
            if (what[k] === 1 && who[k] !== top && found.indexOf(who[k]) < 0) { found.push(who[k]); }
          });
          return found;
        },
        draw: function (ctx) { PM.drawScene(ctx, D, state, sprites, items, out, names); }
      };
    }

    return {build: build, stale: stale};
  };
}(window.posturemap));

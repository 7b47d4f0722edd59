/*
 * posturemap.pointCanvas: the points, uncertainty circles and track arrows of a payload,
 * drawn on one canvas of our own.
 *
 * Points are not Leaflet layers (with one layer per point, 100,000 points took as long to
 * open as GeoDataFrame.explore()). PointCanvas is a subclass of Leaflet's canvas renderer,
 * so panning and zoom animation behave like any other layer; it stamps every visible
 * symbol (rasterised once) and draws every uncertainty circle, style by style, in one path
 * each. A grid of the drawn symbols answers "what is under the mouse" (posturemap.hitGrid).
 */
(function (PM) {
  'use strict';

  var CELL = 64;  // hit-grid cell and drawing margin, pixels
  var CHUNK = 64;  // shapes per path: a path of thousands of parts draws far slower in Chromium
  var DART = [[0, -7], [5, 5], [0, 2], [-5, 5]];  // a track's direction arrow, 12 px long

  // The box around a sprite's visible pixels, symmetric about its centre (symbols are placed
  // by their centre): [-half width, -half height, half width, half height], in CSS pixels.
  function inkBox(c, w, h, ratio) {
    var hw = w / 2, hh = h / 2;
    try {
      var data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      var x0 = c.width, y0 = c.height, x1 = -1, y1 = -1;
      for (var y = 0; y < c.height; y++) {
        for (var x = 0; x < c.width; x++) {
          if (data[4 * (y * c.width + x) + 3] > 24) {
            x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
          }
        }
      }
      if (x1 >= 0) {
        hw = Math.max(w / 2 - x0 / ratio, (x1 + 1) / ratio - w / 2);
        hh = Math.max(h / 2 - y0 / ratio, (y1 + 1) / ratio - h / 2);
      }
    } catch (ignored) {  // eslint-disable-line no-unused-vars
      // a tainted canvas: keep the whole image
    }
    return [-hw, -hh, hw, hh];
  }

  // SVG symbols rasterised once into small canvases, quick to stamp.
  function loadSprites(urls) {
    var ratio = window.devicePixelRatio || 1, sprites = [];
    var loaded = Promise.all(urls.map(function (url, k) {
      return new Promise(function (resolve) {
        var img = new Image();
        img.onload = function () {
          var w = img.naturalWidth || 24, h = img.naturalHeight || 24;
          var c = document.createElement('canvas');
          c.width = Math.ceil(w * ratio);
          c.height = Math.ceil(h * ratio);
          c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
          sprites[k] = {image: c, w: w, h: h, box: inkBox(c, w, h, ratio)};
          resolve();
        };
        img.onerror = function () { resolve(); };
        img.src = url;
      });
    }));
    return {sprites: sprites, loaded: loaded};
  }

  // The canvas of payload D on map. `state` is shared with the map: state.shown[i] (the
  // timeline's choice), state.groupOn[g] (the layer control's) and state.circlesOn.
  // Returns {layer, loaded, start(), redraw(), addArrows(i, arrows), hit(layerPoint),
  // drawn(), circlesShown(on)}.
  PM.pointCanvas = function (map, D, R, state) {
    var C = D.contract, ST = C.style, n = D.kind.length;
    var symbols = loadSprites(D.symbols), sprites = symbols.sprites;
    // Positions at zoom 0 (Leaflet's own projection); at zoom z a point is at p * 2^z.
    var px = new Float64Array(n), py = new Float64Array(n);
    var pointsOf = D.groups.map(function () { return []; });
    var circleStyles = {}, arrowStyles = {};
    var started = false, scene = null, current = null, sceneKey = null;

    // An uncertainty circle of r metres, as Leaflet's L.circle draws it: an ellipse in
    // Mercator pixels (zoom 0) through the points r north and south of the centre.
    function ellipseOf(i, metres) {
      var ll = R.position(i), lat = ll[0], lng = ll[1], d = Math.PI / 180;
      var latR = (metres / L.CRS.Earth.R) / d;
      var top = map.project([lat + latR, lng], 0), bottom = map.project([lat - latR, lng], 0);
      var c = top.add(bottom).divideBy(2), lat2 = map.unproject(c, 0).lat;
      var lngR = Math.acos((Math.cos(latR * d) - Math.sin(lat * d) * Math.sin(lat2 * d)) /
                           (Math.cos(lat * d) * Math.cos(lat2 * d))) / d;
      if (isNaN(lngR) || lngR === 0) { lngR = latR / Math.cos(lat * d); }
      return {x: c.x, y: c.y, rx: c.x - map.project([lat2, lng - lngR], 0).x, ry: c.y - top.y};
    }
    // A true geodesic circle (rings of lon/lat), projected at zoom 0; its winding is noted so
    // that it is drawn clockwise on screen like ctx.ellipse, and overlaps fill as a union.
    function ringsOf(rings) {
      var out = {parts: [], x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity};
      rings.forEach(function (flat) {
        var pts = PM.decodeLine(flat, C.scale), xy = new Float64Array(pts.length * 2);
        pts.forEach(function (ll, k) {
          var p = map.project(ll, 0);
          xy[2 * k] = p.x;
          xy[2 * k + 1] = p.y;
          out.x0 = Math.min(out.x0, p.x); out.x1 = Math.max(out.x1, p.x);
          out.y0 = Math.min(out.y0, p.y); out.y1 = Math.max(out.y1, p.y);
        });
        out.parts.push({xy: xy, reversed: PM.ringArea(xy) < 0});
      });
      return out;
    }

    for (var i = 0; i < n; i++) {
      if (D.kind[i] !== C.kind.point) { continue; }
      var p = map.project(R.position(i), 0);
      px[i] = p.x;
      py[i] = p.y;
      pointsOf[D.group[i]].push(i);
      if (D.circle[i] > 0) {
        var key = D.colour[i] + (D.faded[i] ? 'f' : '');
        var style = circleStyles[key] || (circleStyles[key] = {
          colour: D.palette[D.colour[i]], faded: D.faded[i] === 1, items: []});
        var shape = D.circle_rings[i] ? ringsOf(D.circle_rings[i]) : ellipseOf(i, D.circle[i]);
        shape.i = i;
        style.items.push(shape);
      }
    }

    // --- drawing ----------------------------------------------------------------------------
    function on(i) { return state.shown[i] === 1 && state.groupOn[D.group[i]] === 1; }
    // A circle is skipped only where it is wholly hidden under its own opaque symbol.
    function hiddenRadius(i) {
      var sprite = sprites[D.symbol[i]];
      return sprite && !D.faded[i] ? 0.35 * Math.min(sprite.w, sprite.h) : 0;
    }
    function inView(s, k, ox, oy, b) {
      if (s.parts) {
        return !(s.x1 * k - ox < b.min.x || s.x0 * k - ox > b.max.x ||
                 s.y1 * k - oy < b.min.y || s.y0 * k - oy > b.max.y);
      }
      var cx = s.x * k - ox, cy = s.y * k - oy, rx = s.rx * k, ry = s.ry * k;
      if (cx + rx < b.min.x || cx - rx > b.max.x || cy + ry < b.min.y || cy - ry > b.max.y) {
        return false;
      }
      return Math.max(rx, ry) >= hiddenRadius(s.i);
    }
    function traceCircle(ctx, s, k, ox, oy) {
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
    }
    // Faint outlines; the circles of the features in focus (hovered, popup open) filled and
    // stronger. Circles of features gathered into a crowd's disc are left out.
    function drawCircles(ctx, k, ox, oy, b, skip) {
      var S = ST.circle, focus = [];
      Object.keys(circleStyles).forEach(function (key) {
        var style = circleStyles[key], count = 0;
        ctx.strokeStyle = style.colour;
        ctx.lineWidth = S.width;
        ctx.setLineDash(style.faded ? S.faded_dash : []);
        ctx.globalAlpha = style.faded ? S.faded_opacity : S.opacity;
        ctx.beginPath();
        style.items.forEach(function (s) {
          if (!on(s.i) || skip[s.i] || !inView(s, k, ox, oy, b)) { return; }
          if (state.focus.has(s.i)) { focus.push([style, s]); return; }
          traceCircle(ctx, s, k, ox, oy);
          count += 1;
          if (count % CHUNK === 0) { ctx.stroke(); ctx.beginPath(); }
        });
        ctx.stroke();
      });
      focus.forEach(function (entry) {
        var style = entry[0];
        ctx.fillStyle = ctx.strokeStyle = style.colour;
        ctx.setLineDash(style.faded ? S.faded_dash : []);
        ctx.lineWidth = S.focus_width;
        ctx.beginPath();
        traceCircle(ctx, entry[1], k, ox, oy);
        ctx.globalAlpha = S.focus_fill_opacity;
        ctx.fill();
        ctx.globalAlpha = S.focus_opacity;
        ctx.stroke();
      });
      ctx.setLineDash([]);
    }
    function drawArrows(ctx, k, ox, oy, x0, x1, y0, y1) {
      Object.keys(arrowStyles).forEach(function (key) {
        var style = arrowStyles[key], count = 0;
        ctx.globalAlpha = style.faded ? ST.arrow.faded_opacity : ST.arrow.opacity;
        ctx.fillStyle = style.colour;
        ctx.beginPath();
        style.items.forEach(function (a) {
          if (!on(a.i)) { return; }
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
    // The map's panels (title, legend, controls) and a slide's decorations (banners, title,
    // sources: [data-slide-edge]) as boxes in layer pixels: nothing is placed under them.
    function obstacles() {
      var box = map.getContainer().getBoundingClientRect(), out = [];
      document.querySelectorAll('.leaflet-control, [data-slide-edge]').forEach(function (el) {
        var r = el.getBoundingClientRect();
        if (!r.width || !r.height) { return; }
        var p = map.containerPointToLayerPoint([r.left - box.left, r.top - box.top]);
        out.push([p.x - 2, p.y - 2, p.x + r.width + 2, p.y + r.height + 2]);
      });
      return out;
    }
    function drawPoints(ctx, b) {
      var z = map.getZoom(), k = map.getZoomScale(z, 0), o = map.getPixelOrigin();
      var x0 = b.min.x - CELL, x1 = b.max.x + CELL, y0 = b.min.y - CELL, y1 = b.max.y + CELL;
      if (!started) { return; }  // nothing until the symbols are ready: one full draw, not several
      var size = map.getSize(), v0 = map.containerPointToLayerPoint([0, 0]);
      var key = [z, o.x, o.y, b.min.x, b.min.y, b.max.x, b.max.y, size.x, size.y, v0.x, v0.y,
                 state.version].join(' ');
      if (key !== sceneKey) {
        var cand = {i: [], x: [], y: []};
        for (var g = 0; g < pointsOf.length; g++) {
          if (!state.groupOn[g]) { continue; }
          var list = pointsOf[g];
          for (var j = 0; j < list.length; j++) {
            var i = list[j];
            if (!state.shown[i]) { continue; }
            var x = px[i] * k - o.x, y = py[i] * k - o.y;
            if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
            cand.i.push(i);
            cand.x.push(x);
            cand.y.push(y);
          }
        }
        var view = [v0.x, v0.y, v0.x + size.x, v0.y + size.y];
        current = scene.build(k, o, view, obstacles(), ctx, cand);
        sceneKey = key;
      }
      ctx.save();
      if (state.circlesOn) { drawCircles(ctx, k, o.x, o.y, b, current.aggregated); }
      drawArrows(ctx, k, o.x, o.y, x0, x1, y0, y1);
      ctx.restore();
      current.draw(ctx);
    }

    map.createPane('pmPoints').style.zIndex = 450;  // above lines (400), below tooltips (650)
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
    var layer = new PointCanvas().addTo(map);

    function itemOf(j) {
      if (j < 0) { return null; }
      var it = current.items[j], out = current.out;
      return {kind: it.kind, i: it.i, members: it.members, name: it.name || null,
              x: out.x[j], y: out.y[j], tx: it.x, ty: it.y, moved: out.moved[j] === 1,
              box: out.box[j], label: out.label[j], lines: it.lines, stale: !!it.stale};
    }
    return {
      layer: layer,
      loaded: symbols.loaded,
      start: function () {
        scene = PM.scene(map, D, R, state, sprites);
        started = true;
        layer.redraw();
      },
      redraw: function () { layer.redraw(); },
      // The direction arrows of line i ([lon, lat, bearing] in payload units), one path per style.
      addArrows: function (i, arrows) {
        var faded = D.faded[i] === 1, key = D.colour[i] + (faded ? 'f' : '');
        var style = arrowStyles[key] || (arrowStyles[key] = {
          colour: D.palette[D.colour[i]], faded: faded, items: []});
        arrows.forEach(function (a) {
          var p = map.project([a[1] / C.scale, a[0] / C.scale], 0);
          var turn = a[2] * Math.PI / 180;  // bearing from north, clockwise; Mercator is conformal
          style.items.push({i: i, x: p.x, y: p.y, cos: Math.cos(turn), sin: Math.sin(turn)});
        });
      },
      // What is on top under a layer point: {kind (feature, group, aggregate), i (the
      // feature, or a group's lead), members, ...}, or null.
      // `also`: the features whose true position lies under the point too.
      hit: function (layerPoint) {
        if (!current || map._animatingZoom) { return null; }
        var j = current.hit(layerPoint.x, layerPoint.y), item = itemOf(j);
        if (item) {
          item.also = [];
          current.under(layerPoint.x, layerPoint.y, j).forEach(function (k) {
            item.also.push.apply(item.also, current.items[k].members);
          });
        }
        return item;
      },
      // [feature, x, y] of every single symbol drawn, in layer pixels.
      drawn: function () {
        if (!current) { return []; }
        var out = [];
        current.items.forEach(function (it, j) {
          if (it.kind === 'feature' && current.out.into[j] < 0) {
            out.push([it.i, current.out.x[j], current.out.y[j]]);
          }
        });
        return out;
      },
      // Every item drawn (singles, groups, crowds), with true and drawn positions and labels.
      items: function () {
        if (!current) { return []; }
        return current.items.map(function (it, j) { return itemOf(j); }).filter(function (it, j) {
          return current.out.into[j] < 0;
        });
      },
      names: function () { return current ? current.names : []; },
      // Lay out again (panels folded, basemap changed) and draw.
      relayout: function () { state.version += 1; layer.redraw(); },
      circlesShown: function () {
        return Object.keys(circleStyles).reduce(function (sum, key) {
          return sum + circleStyles[key].items.filter(function (s) { return on(s.i); }).length;
        }, 0);
      }
    };
  };
}(window.posturemap));

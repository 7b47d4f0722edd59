/*
 * posturemap.start(map, options): draw the payload of geo/web/payload.py on a Leaflet map.
 *
 * The payload is read from its data island, <script type="application/json"
 * id=options.data>, with JSON.parse: it is never run. Points, uncertainty circles and track
 * arrows are drawn by posturemap.pointCanvas (canvas.js); lines and areas (tracks, places,
 * rings, zones) are few, and stay Leaflet vector layers on Leaflet's canvas. Popups and
 * tooltips are DOM text only (popups.js).
 *
 * The script interface, window.posturemap (tests, the app, the PNG export): map, data,
 * groups, ready, fit(), shown(key), drawn(), popup(i), tooltip(i), show(mask, t),
 * observed(i), until(i), entity(i); panels.js adds setTime(t) and now with the timeline.
 */
(function (PM) {
  'use strict';

  PM.start = function (map, options) {
    var D = JSON.parse(document.getElementById(options.data).textContent);
    var C = D.contract, ST = C.style, R = PM.reader(D), n = D.kind.length;
    Object.assign(PM, {map: map, data: D, groups: {}, ready: false});
    map.getContainer().style.background = D.sea;

    function latLngOf(i) { return L.latLng(R.position(i)); }
    // What is shown: the timeline's choice per feature, the layer control's per group.
    // focus: the features whose uncertainty circles are filled (hovered, popup open);
    // version: bumped whenever the layout must be made again (panels, basemap, timeline).
    var scale = parseFloat(getComputedStyle(map.getContainer()).getPropertyValue('--pm-label-scale'));
    var state = {shown: new Uint8Array(n).fill(1), groupOn: new Uint8Array(D.groups.length),
                 circlesOn: false, focus: new Set(), version: 0, dark: false, namesOn: false,
                 labelScale: scale > 0 ? scale : 1};
    var points = PM.pointCanvas(map, D, R, state);
    var members = D.groups.map(function () { return []; });  // feature indices per group
    var lineFeatures = [], lineLayers = {};
    for (var i = 0; i < n; i++) {
      members[D.group[i]].push(i);
      if (D.kind[i] !== C.kind.point) { lineFeatures.push(i); }
    }

    // --- groups: one toggle each in the layer control ------------------------------------------
    var overlays = {};
    D.groups.forEach(function (spec, g) {
      var group = L.featureGroup();
      group.on('add remove', function (e) {  // points and circles are drawn by the point canvas
        state.groupOn[g] = e.type === 'add' ? 1 : 0;
        if (spec.key === C.circles) { state.circlesOn = e.type === 'add'; }
        points.relayout();
        if (offView) { offView(); }
      });
      // A line under a symbol, dot or label leaves the mouse to them (map.on('click') below).
      function underPoint(e) { return !!points.hit(map.latLngToLayerPoint(e.latlng)); }
      group.on('click', function (e) {
        var i = e.layer.options.feature;
        if (i !== undefined && !underPoint(e)) {
          L.popup({maxWidth: 360}).setLatLng(e.latlng).setContent(PM.popupFor(D, R, i)).openOn(map);
        }
      });
      group.on('mouseover', function (e) {
        var i = e.layer.options.feature;
        if (i !== undefined && !underPoint(e)) {
          e.layer.bindTooltip(PM.tooltipFor(R, i), {sticky: true}).openTooltip(e.latlng);
        }
      });
      PM.groups[spec.key] = group;
      overlays[spec.label] = group;
    });

    // Lines and areas: Leaflet vector layers, tagged with the feature's id (a click reports it).
    var ids = D.columns.id, lineCanvas = L.canvas({padding: 0.3, tolerance: 3});
    lineFeatures.forEach(function (i) {
      var faded = D.faded[i] === 1, S = ST.line;
      var parts = D.shape[i].map(function (flat) { return PM.decodeLine(flat, C.scale); });
      var style = {renderer: lineCanvas, color: D.palette[D.colour[i]], weight: S.weight,
                   opacity: faded ? S.faded_opacity : S.opacity,
                   dashArray: faded ? S.faded_dash : null, feature: i};
      var line = D.kind[i] === C.kind.line ? L.polyline(parts, style)
        : L.polygon(parts, Object.assign({fillOpacity: S.area_fill_opacity}, style));
      line._pmParts = parts;
      line._pmTimes = PM.decodeTimes(D.times[i]);
      if (D.arrows[i]) { points.addArrows(i, D.arrows[i]); }
      if (ids) { line.feature = {type: 'Feature', properties: {id: R.str(ids[i])}}; }
      PM.groups[D.groups[D.group[i]].key].addLayer(line);
      lineLayers[i] = [line];
    });

    // Track gaps, range rings and maritime zones: GeoJSON with a text label (and a colour) each.
    C.overlays.forEach(function (key) {
      if (!PM.groups[key] || !D[key]) { return; }
      L.geoJSON(D[key], {renderer: lineCanvas, style: function (f) {
        var colour = f.properties.colour;
        return Object.assign(colour ? {color: colour, fillColor: colour} : {}, ST[key]);
      }, onEachFeature: function (f, layer) {
        layer.bindTooltip(PM.textTip(f.properties.label), {sticky: true});
      }}).eachLayer(function (l) { PM.groups[key].addLayer(l); });
    });

    D.groups.forEach(function (spec) { if (spec.visible) { PM.groups[spec.key].addTo(map); } });

    // --- mouse: tooltips and popups of points, task groups and crowds -------------------------
    // Each answers at its symbol, at its true-position dot when drawn away from it, and at its
    // label. A group or a crowd lists its members; a click on one of them opens its popup.
    var tip = L.tooltip({direction: 'top', offset: [0, -14], opacity: 0.95}), hovered = null;
    var popupFocus = [], offView = null;  // offView: updates the off-view panel
    function sameItem(a, b) {
      return a === b || (a && b && a.kind === b.kind && a.i === b.i &&
        a.members.length === b.members.length && a.also.length === b.also.length);
    }
    function setFocus(members) {
      var next = new Set(members.concat(popupFocus));
      if (next.size === state.focus.size && members.every(function (i) { return state.focus.has(i); })) {
        return;
      }
      state.focus = next;
      points.redraw();
    }
    function memberNames(item) { return item.members.map(function (i) { return R.value(i, 'name'); }); }
    function titleOf(item) {
      return item.kind === 'group' ? item.name : item.members.length + ' features here';
    }
    function hover(item) {
      if (sameItem(item, hovered)) { return; }
      hovered = item;
      L.DomUtil[item ? 'addClass' : 'removeClass'](map.getContainer(), 'pm-pointer');
      setFocus(item ? item.members : []);
      if (!item) { map.closeTooltip(tip); return; }
      var content = item.kind === 'feature' ? PM.tooltipFor(R, item.i)
        : PM.rosterTip(titleOf(item), memberNames(item), C.label.roster_max * 2);
      if (item.also && item.also.length) {  // reported at this spot too, under the symbol
        var also = document.createElement('div');
        also.textContent = 'Also here: ' + item.also.map(function (i) { return R.value(i, 'name'); }).join(', ');
        content.appendChild(also);
      }
      tip.setLatLng(map.layerPointToLatLng([item.x, item.box[1] + 2])).setContent(content);
      map.openTooltip(tip);
    }
    function openPopup(i, latlng) {
      popupFocus = [i];
      setFocus([i]);
      L.popup({maxWidth: 360, offset: [0, -8]}).setLatLng(latlng)
        .setContent(PM.popupFor(D, R, i)).openOn(map);
    }
    map.on('popupclose', function () { popupFocus = []; setFocus(hovered ? hovered.members : []); });
    // What a click reports to a host page (streamlit-folium reads layer.toGeoJSON()).
    function reference(i) {
      return {toGeoJSON: function () {
        var ll = R.position(i);
        return {type: 'Feature', properties: {id: ids ? R.str(ids[i]) : null},
                geometry: {type: 'Point', coordinates: [ll[1], ll[0]]}};
      }};
    }
    function openFeature(i) {
      openPopup(i, latLngOf(i));
      points.layer.fire('click', {latlng: latLngOf(i), layer: reference(i)});
    }
    function openRoster(item) {
      var box = PM.rosterPopup(titleOf(item), item.members.map(function (i) {
        return {name: R.value(i, 'name'), open: function () { openFeature(i); }};
      }), function () {
        map.fitBounds(L.latLngBounds(item.members.map(latLngOf)).pad(0.3), {maxZoom: map.getZoom() + 4});
      });
      popupFocus = item.members.slice();
      L.popup({maxWidth: 360, offset: [0, -8]})
        .setLatLng(map.layerPointToLatLng([item.x, item.y])).setContent(box).openOn(map);
    }
    map.on('mousemove', function (e) { hover(points.hit(e.layerPoint)); });
    map.on('mouseout movestart zoomstart', function () { hover(null); });
    map.on('click', function (e) {
      var item = points.hit(e.layerPoint);
      if (!item) { return; }
      if (item.kind === 'feature') { openFeature(item.i); } else { openRoster(item); }
    });

    // --- basemaps: online tiles (the one network exception) and the offline land ---------------
    var bases = {};
    // The land is in the payload (an export) or, in the app, in a script loaded before
    // (posturemap.lands[key], served once and cached by the browser).
    var landData = D.land || (D.land_key && PM.lands ? PM.lands[D.land_key] : null);
    if (landData) {
      map.createPane('pmLand').style.zIndex = 150;
      var land = L.geoJSON(landData, {pane: 'pmLand', interactive: false, style: ST.land});
      land.on('add', function () { map.getContainer().style.background = D.offline_sea; });
      bases[D.land_label] = land;
    }
    if (D.tiles) {
      var tiles = L.tileLayer(D.tiles.url, {attribution: D.tiles.attribution,
                                            maxZoom: D.tiles.max_zoom,
                                            subdomains: D.tiles.subdomains});
      tiles.on('add', function () { map.getContainer().style.background = D.sea; });
      bases[D.tiles_label] = tiles;
      tiles.addTo(map);
    } else if (landData) {
      bases[D.land_label].addTo(map);
    }
    // Labels: dark on light basemaps, light on dark ones; basemap names on the offline map.
    function basemapChanged() {
      var onLand = !!(landData && map.hasLayer(bases[D.land_label]));
      state.namesOn = onLand;
      state.dark = !onLand && !!(D.tiles && D.tiles.dark);
      points.relayout();
    }
    basemapChanged();
    map.on('baselayerchange', basemapChanged);
    L.control.layers(bases, overlays, {collapsed: D.collapsed, position: 'topright'}).addTo(map);

    // Frame the area of interest (D.focus: the rule slides frame by, geo/web/framing.py) in
    // the part of the map the panels leave free: of the ways to keep clear of the title block
    // (beside it or below it) and of the legend (beside it or above it), the one that shows
    // it largest, at a fractional zoom. What that leaves out, the off-view panel says.
    PM.fit = function () {
      var target = D.focus || D.bounds;
      if (!target) { return; }
      var size = map.getSize(), room = 50;  // for the labels of the outermost symbols
      function rect(sel) {
        var e = map.getContainer().querySelector(sel);
        return e && e.offsetWidth ? [e.offsetWidth, e.offsetHeight] : [0, 0];
      }
      var title = rect('.pm-title'), legend = rect('.pm-legend'), ctl = rect('.leaflet-control-layers');
      var zoomCtl = rect('.leaflet-control-zoom'), scaleBox = rect('.pm-scale'), off = rect('.pm-offview');
      var top = Math.max(zoomCtl[1], ctl[1]) + 20, bottom = scaleBox[1] + off[1] + 20, best = null;
      // A fine zoom step lets the frame fill the free area; the user's zooms keep whole steps
      // (a host page such as the app reads and restores whole zooms).
      var snap = map.options.zoomSnap;
      map.options.zoomSnap = 0.25;
      [[title[0] + 20, top], [0, top + title[1] + 10]].forEach(function (tl) {
        [[legend[0] + 20, bottom], [Math.max(ctl[0], 0) + 10, Math.max(legend[1], bottom) + 20]].forEach(function (br) {
          var options = {paddingTopLeft: [tl[0] + room, tl[1] + room / 2],
                         paddingBottomRight: [br[0] + room, br[1] + room / 2]};
          if (options.paddingTopLeft[0] + options.paddingBottomRight[0] > size.x - 100 ||
              options.paddingTopLeft[1] + options.paddingBottomRight[1] > size.y - 100) { return; }
          var zoom = map.getBoundsZoom(target, false,
            L.point(options.paddingTopLeft).add(options.paddingBottomRight));
          if (!best || zoom > best.zoom) { best = {zoom: zoom, options: options}; }
        });
      });
      map.fitBounds(target, Object.assign({maxZoom: 9, animate: false},
        best ? best.options : {padding: [20, 20]}));
      map.options.zoomSnap = snap;
    };
    // The point features shown whose position lies outside the view: how many, the compass
    // points they lie towards from the view's centre, and the `limit` nearest ({i, name, far,
    // toward}, nearest first). One pass over plain numbers: it runs at every move.
    function offViewSummary(limit) {
      var b = map.getBounds(), south = b.getSouth(), west = b.getWest(), north = b.getNorth();
      var east = b.getEast(), c = map.getCenter(), rad = Math.PI / 180;
      function mercY(lat) { return Math.log(Math.tan(Math.PI / 4 + lat * rad / 2)); }
      var cy = mercY(c.lat), count = 0, ways = [], near = [];
      for (var i = 0; i < n; i++) {
        if (D.kind[i] !== C.kind.point || state.shown[i] !== 1 || state.groupOn[D.group[i]] !== 1) { continue; }
        var lat = D.lat[i] / C.scale, lon = D.lon[i] / C.scale;
        if (lat >= south && lat <= north && lon >= west && lon <= east) { continue; }
        count += 1;
        var dx = (lon - c.lng) * rad, dy = mercY(Math.max(-85, Math.min(85, lat))) - cy;
        var o = {i: i, far: dx * dx + dy * dy, toward: PM.compass(Math.atan2(dx, dy))};
        if (ways.indexOf(o.toward) < 0) { ways.push(o.toward); }
        if (limit >= n) {
          near.push(o);  // all of them: sorted once below
        } else if (near.length < limit || o.far < near[near.length - 1].far) {
          near.push(o);
          near.sort(function (a, z) { return a.far - z.far; });
          if (near.length > limit) { near.pop(); }
        }
      }
      if (limit >= n) { near.sort(function (a, z) { return a.far - z.far; }); }
      near.forEach(function (o) { o.name = R.value(o.i, 'name'); });
      return {count: count, ways: ways, nearest: near};
    }
    // Every point feature shown outside the view, nearest first (the script interface).
    PM.outside = function () { return offViewSummary(n).nearest; };
    PM.fit();
    if (D.focus) {
      offView = PM.offView(map, function () { return offViewSummary(3); }, function () {
        map.fitBounds(D.bounds, {padding: [40, 40], animate: false});
      }, points.relayout);
      PM.fit();  // again, beside the off-view panel now that it has its size
    }

    // --- what is shown: all features, or those the timeline (panels.js) picks -------------------
    // mask[i] is 1 for a feature to show; a track with times per vertex is cut at moment t.
    PM.show = function (mask, t) {
      state.shown = mask;
      lineFeatures.forEach(function (i) {
        var on = mask[i] === 1, group = PM.groups[D.groups[D.group[i]].key];
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
      points.relayout();
      if (offView) { offView(); }
    };
    PM.observed = R.observed;
    PM.until = R.until;
    PM.entity = R.entity;

    // --- the script interface -------------------------------------------------------------------
    PM.shown = function (key) {
      var g = D.groups.findIndex(function (spec) { return spec.key === key; });
      if (g < 0 || !map.hasLayer(PM.groups[key])) { return 0; }
      if (key === C.circles) { return points.circlesShown(); }
      if (!members[g].length) { return PM.groups[key].getLayers().length; }  // rings, zones, gaps
      return members[g].filter(function (i) {
        return state.shown[i] === 1 && state.groupOn[D.group[i]] === 1;
      }).length;
    };
    PM.drawn = function () {
      var o = map.layerPointToContainerPoint([0, 0]);
      return points.drawn().map(function (d) { return [d[0], d[1] + o.x, d[2] + o.y]; });
    };
    // Every item drawn (feature, group, aggregate), positions and boxes in container pixels.
    PM.items = function () {
      var o = map.layerPointToContainerPoint([0, 0]);
      function shift(b) { return b && [b[0] + o.x, b[1] + o.y, b[2] + o.x, b[3] + o.y]; }
      return points.items().map(function (it) {
        return Object.assign({}, it, {x: it.x + o.x, y: it.y + o.y, tx: it.tx + o.x,
          ty: it.ty + o.y, box: shift(it.box), label: shift(it.label)});
      });
    };
    PM.names = function () {
      var o = map.layerPointToContainerPoint([0, 0]);
      return points.names().map(function (nm) {
        return {text: nm.text, box: [nm.box[0] + o.x, nm.box[1] + o.y, nm.box[2] + o.x, nm.box[3] + o.y]};
      });
    };
    PM.relayout = points.relayout;
    // What answers the mouse at container point (x, y): {kind, i, members, ...} or null.
    PM.hit = function (x, y) { return points.hit(map.containerPointToLayerPoint([x, y])); };
    function anchor(i) {
      if (D.kind[i] === C.kind.point) { return latLngOf(i); }
      var first = lineLayers[i][0]._pmParts[0];
      return L.latLng(first[Math.floor(first.length / 2)]);
    }
    PM.popup = function (i) { openPopup(i, anchor(i)); return document.querySelector('.pm-popup'); };
    PM.tooltip = function (i) {
      map.openTooltip(L.tooltip().setLatLng(anchor(i)).setContent(PM.tooltipFor(R, i)));
      return document.querySelector('.leaflet-tooltip:last-child');
    };
    if (D.compare) { PM.compare(map, D, R); }  // compare.js: what moved since an earlier date
    points.loaded.then(function () {
      points.start();
      L.Util.requestAnimFrame(function () { PM.ready = true; });
    });
  };

  // An inert outline of one geometry (the app's selection): clicks go through to the feature.
  PM.halo = function (geometry, options) {
    return L.geoJSON(geometry, {
      interactive: false,
      style: function () { return options.line; },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign({interactive: false}, options.point));
      }
    });
  };
}(window.posturemap));

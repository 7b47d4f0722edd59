/*
 * The map's panels (geo/web/panels.py starts them): the title block and the legend (HTML
 * boxes made in Python, placed as Leaflet controls), the scale bar, the time slider, and
 * the off-view panel (map.js starts it: what the first view leaves out).
 */
(function (PM) {
  'use strict';

  // Place the box with id options.box as a Leaflet control at options.position; with
  // options.scroll the wheel scrolls the box, not the map; with options.fit the map frames
  // its features again, now that the box takes its room.
  PM.control = function (map, options) {
    var box = document.getElementById(options.box);
    var ctl = L.control({position: options.position});
    ctl.onAdd = function () {
      L.DomEvent.disableClickPropagation(box);
      if (options.scroll) { L.DomEvent.disableScrollPropagation(box); }
      return box;
    };
    ctl.addTo(map);
    // A toggle folds the box to its heading, leaving the map to the data; the labels are laid
    // out again around the box's new size.
    var fold = document.createElement('button');
    fold.type = 'button';
    fold.className = 'pm-fold';
    fold.setAttribute('aria-expanded', 'true');
    fold.setAttribute('title', 'Fold or unfold this panel');
    fold.textContent = '\u2212';
    fold.addEventListener('click', function () {
      var folded = L.DomUtil.hasClass(box, 'pm-folded');
      L.DomUtil[folded ? 'removeClass' : 'addClass'](box, 'pm-folded');
      fold.textContent = folded ? '\u2212' : '+';
      fold.setAttribute('aria-expanded', folded ? 'true' : 'false');
      if (PM.relayout) { PM.relayout(); }
    });
    box.insertBefore(fold, box.firstChild);
    if (options.fit && PM.fit) { PM.fit(); }
  };

  // A scale bar in nautical miles and kilometres, measured at the map's centre.
  PM.scaleBar = function (map) {
    var ctl = L.control({position: 'bottomleft'}), box;
    function row(metres, unit, maxPx, metresPerPx) {
      var len = PM.niceLength(maxPx * metresPerPx / metres), div = document.createElement('div');
      var bar = document.createElement('div');
      bar.className = 'pm-bar';
      bar.style.width = Math.round(len * metres / metresPerPx) + 'px';
      div.appendChild(document.createTextNode(len + ' ' + unit));
      div.appendChild(bar);
      return div;
    }
    function update() {
      var size = map.getSize(), y = size.y / 2;
      var metresPerPx = map.distance(map.containerPointToLatLng([size.x / 2 - 50, y]),
                                     map.containerPointToLatLng([size.x / 2 + 50, y])) / 100;
      box.textContent = '';
      box.appendChild(row(1852, 'nm', 140, metresPerPx));
      box.appendChild(row(1000, 'km', 140, metresPerPx));
    }
    ctl.onAdd = function () {
      box = document.createElement('div');
      box.className = 'pm-panel pm-scale';
      return box;
    };
    ctl.addTo(map);
    map.on('zoomend moveend resize', update);
    update();
  };

  // The 8 compass points, from an angle in radians clockwise from north (screen up).
  PM.compass = function (angle) {
    var names = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
    return names[((Math.round(angle / (Math.PI / 4)) % 8) + 8) % 8];
  };

  // What the view leaves out, said rather than silently hidden: "3 features outside the
  // view (NW): Barksdale AFB, Dyess AFB, ..." and a button that shows them all. outside()
  // counts them ({count, ways: compass points, nearest: [{name}, ...]}); showAll() frames
  // every feature; resized()
  // is called when the panel changes size (the map's layout avoids it). Hidden when nothing
  // is outside. Returns the update (for when what is shown changes).
  PM.offView = function (map, outside, showAll, resized) {
    var ctl = L.control({position: 'bottomleft'}), box, text, button;
    ctl.onAdd = function () {
      box = L.DomUtil.create('div', 'pm-panel pm-offview');
      text = L.DomUtil.create('span', '', box);
      button = L.DomUtil.create('button', 'pm-showall', box);
      button.type = 'button';
      button.textContent = 'Show all';
      button.addEventListener('click', showAll);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    ctl.addTo(map);
    var last = [0, 0];
    function sizeChanged() {
      if (box.offsetWidth === last[0] && box.offsetHeight === last[1]) { return; }
      last = [box.offsetWidth, box.offsetHeight];
      if (resized) { resized(); }
    }
    function update() {
      var out = outside(), names = out.nearest.map(function (o) { return o.name; });
      box.style.display = out.count ? '' : 'none';
      text.textContent = out.count + (out.count === 1 ? ' feature' : ' features') +
        ' outside the view (' + out.ways.join(', ') + '): ' + names.join(', ') +
        (out.count > names.length ? ', and ' + (out.count - names.length) + ' more' : '');
      sizeChanged();  // at once: the map's layout of this move must not wait a frame
    }
    // However else its size changes (the page's width, a late font), the map lays out again.
    if (typeof ResizeObserver !== 'undefined') { new ResizeObserver(sizeChanged).observe(box); }
    map.on('moveend zoomend resize', update);
    update();
    return update;
  };

  // A time slider with a play button: the map shows its state at the slider's date, by the
  // rule of PM.visibleAt (geo.data.selection.as_of). Range, start, step and window come from
  // the payload's `timeline`; PM.start must have run.
  PM.timeline = function (map) {
    var D = PM.data, T = D.timeline, day = D.contract.day_s;
    if (!T) { return; }
    var ctl = L.control({position: 'bottomleft'}), slider, label, button, figures, timer = null;
    // The key figures at each date they may change ([end of day, text], in order; the app's).
    function figuresAt(t) {
      var text = '';
      (T.figures || []).forEach(function (entry) { if (entry[0] <= t) { text = entry[1]; } });
      return text;
    }
    function apply(t) {
      PM.show(PM.visibleAt(D, t, T.window_days), t);
      label.textContent = PM.dayLabel(t);
      if (figures) { figures.textContent = figuresAt(t); }
      PM.now = t;
    }
    function stop() {
      clearInterval(timer);
      timer = null;
      button.textContent = '\u25b6';
    }
    ctl.onAdd = function () {
      var box = L.DomUtil.create('div', 'pm-panel pm-timeline');
      button = L.DomUtil.create('button', 'pm-play', box);
      button.textContent = '\u25b6';
      button.setAttribute('title', 'Play');
      slider = L.DomUtil.create('input', 'pm-slider', box);
      slider.type = 'range';
      slider.min = T.start;
      slider.max = T.end;
      slider.step = day;
      slider.value = T.now;
      label = L.DomUtil.create('span', 'pm-now', box);
      if (T.figures) { figures = L.DomUtil.create('span', 'pm-figures', box); }
      L.DomEvent.disableClickPropagation(box);
      slider.addEventListener('input', function () { apply(+slider.value); });
      button.addEventListener('click', function () {
        if (timer) { stop(); return; }
        if (+slider.value >= T.end) { slider.value = T.start; }
        button.textContent = '\u275a\u275a';
        timer = setInterval(function () {
          var next = +slider.value + day;
          if (next > T.end) { stop(); return; }
          slider.value = next;
          apply(next);
        }, T.step_ms);
      });
      return box;
    };
    ctl.addTo(map);
    apply(T.now);
    PM.setTime = function (t) { slider.value = t; apply(t); };
  };
}(window.posturemap));

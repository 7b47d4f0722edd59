/*
 * Briefing slides (geo/slides/decorations.py): fit the map to the features inside the area
 * the banners, title and source band leave free, as laid out in the page.
 */
(function (PM) {
  'use strict';

  // options.bounds: [[south, west], [north, east]]; options.margin: pixels around them.
  PM.slideFit = function (map, options) {
    var height = window.innerHeight, top = 0, bottom = 0;
    document.querySelectorAll('[data-slide-edge]').forEach(function (el) {
      var box = el.getBoundingClientRect();
      if (el.getAttribute('data-slide-edge') === 'top') {
        top = Math.max(top, box.bottom);
      } else {
        bottom = Math.max(bottom, height - box.top);
      }
    });
    map.options.zoomSnap = 0.1;  // a fine zoom step lets the features fill the frame
    map.fitBounds(options.bounds, {
      paddingTopLeft: [options.margin, top + options.margin],
      paddingBottomRight: [options.margin, bottom + options.margin],
      animate: false
    });
  };
}(window.posturemap));

/*
 * Popups and tooltips of the map's features, built from DOM text nodes only: nothing from
 * the data is ever set with innerHTML. Links are http(s) only, checked in Python
 * (geo.web.escape.safe_url) before they reach the payload.
 */
(function (PM) {
  'use strict';

  // An element of class cls holding text (shown as text, whatever it contains).
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function row(table, label, text) {
    var tr = el('tr');
    tr.appendChild(el('th', null, label));
    tr.appendChild(el('td', null, text));
    table.appendChild(tr);
  }
  function sourceItem(src) {
    var li = el('li'), label = src.title + ' (' + src.publisher + ', ' + src.published + ')';
    if (src.url) {
      var a = el('a', null, label);
      a.setAttribute('href', src.url);
      a.setAttribute('target', '_blank');
      a.setAttribute('rel', 'noopener noreferrer');
      li.appendChild(a);
    } else {
      li.appendChild(document.createTextNode(label));
    }
    return li;
  }

  // Everything known about feature i: name, fields, extra properties, notes, sources.
  PM.popupFor = function (D, R, i) {
    var box = el('div', 'pm-popup'), table = el('table');
    box.appendChild(el('h3', null, R.value(i, 'name')));
    D.fields.forEach(function (f) {
      var v = R.value(i, f[0]);
      if (v !== null && f[0] !== 'name' && f[0] !== 'notes') { row(table, f[1], v); }
    });
    (D.extras[i] || []).forEach(function (kv) { row(table, R.str(kv[0]), R.str(kv[1])); });
    box.appendChild(table);
    var notes = R.value(i, 'notes');
    if (notes) { box.appendChild(el('div', 'pm-notes', notes)); }
    var refs = D.refs[i] === D.contract.none ? [] : D.refsets[D.refs[i]];
    if (refs.length) {
      box.appendChild(el('div', 'pm-h', refs.length > 1 ? 'Sources' : 'Source'));
      var list = el('ul');
      refs.forEach(function (r) { list.appendChild(sourceItem(D.sources[R.str(r)])); });
      box.appendChild(list);
    }
    return box;
  };

  // Name, what and when, and the uncertainty of feature i.
  PM.tooltipFor = function (R, i) {
    var box = el('div', 'pm-tip');
    box.appendChild(el('b', null, R.value(i, 'name')));
    var sub = [R.value(i, 'type') || R.value(i, 'kind') || R.value(i, 'target'),
               R.value(i, 'observed')].filter(Boolean);
    if (sub.length) { box.appendChild(el('div', null, sub.join(' \u00b7 '))); }
    var unc = R.value(i, 'uncertainty');
    if (unc) { box.appendChild(el('div', null, '\u00b1 ' + unc)); }
    return box;
  };

  // A group's or a crowd's tooltip: its title, then up to `max` member names.
  PM.rosterTip = function (title, names, max) {
    var box = el('div', 'pm-tip');
    box.appendChild(el('b', null, title));
    names.slice(0, max).forEach(function (name) { box.appendChild(el('div', null, name)); });
    if (names.length > max) { box.appendChild(el('div', null, '+' + (names.length - max) + ' more')); }
    return box;
  };

  // A group's or a crowd's popup: its title, a button per member (up to 40) that opens the
  // member's own popup, and a button that zooms in until they stand apart.
  PM.rosterPopup = function (title, members, zoomIn) {
    var box = el('div', 'pm-popup pm-roster'), list = el('ul');
    box.appendChild(el('h3', null, title));
    members.slice(0, 40).forEach(function (m) {
      var li = el('li'), button = el('button', 'pm-member', m.name);
      button.type = 'button';
      button.addEventListener('click', m.open);
      li.appendChild(button);
      list.appendChild(li);
    });
    box.appendChild(list);
    if (members.length > 40) { box.appendChild(el('div', 'pm-notes', '+' + (members.length - 40) + ' more')); }
    var zoom = el('button', 'pm-zoom', 'Zoom in');
    zoom.type = 'button';
    zoom.addEventListener('click', zoomIn);
    box.appendChild(zoom);
    return box;
  };

  // A tooltip of one line of text (overlays: gaps, rings, zones).
  PM.textTip = function (text) { return el('div', 'pm-tip', text); };
}(window.posturemap));

/*
 * posturemap labels: the text of a feature's label on the map (pure: no Leaflet, no DOM;
 * node-tested in tests/js). The rules (prefixes, longest label) come from the payload's
 * contract (`contract.label`, geo/web/contract.py).
 *
 * A feature's own `label` wins. Otherwise the name, made short enough to read beside a
 * symbol: with a hull number ("DDG-107") the ship prefix goes ("DDG-107 Gravely"), a
 * designation that abbreviates the name replaces it ("22nd MEU"), a trailing remark in
 * brackets goes ("Roosevelt Roads"), a count above one is added ("F-35 fighters (10)").
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

  function clean(text) {
    return text === null || text === undefined ? '' : String(text).replace(/\s+/g, ' ').trim();
  }

  // Cut a text to at most max characters, ending with an ellipsis when cut.
  function cut(text, max) {
    var chars = Array.from(text);
    return chars.length <= max ? text : chars.slice(0, max - 1).join('').trimEnd() + '\u2026';
  }

  // The name without its ship prefix ("USS Gravely" -> "Gravely").
  function stripPrefix(name, prefixes) {
    for (var k = 0; k < prefixes.length; k++) {
      var p = prefixes[k];
      if (name.length > p.length + 1 && name.slice(0, p.length + 1).toUpperCase() === p + ' ') {
        return name.slice(p.length + 1).trim();
      }
    }
    return name;
  }

  // True when the designation stands for the name ("22nd MEU" for "22nd Marine
  // Expeditionary Unit"): its first word is a word of the name. A hull number is not.
  function abbreviates(designation, name) {
    var first = designation.split(' ')[0].toLowerCase();
    if (!first || /^[a-z]{1,5}-?\d+[a-z]?$/i.test(designation)) { return false; }
    return (' ' + name.toLowerCase() + ' ').indexOf(' ' + first + ' ') >= 0;
  }

  // The short name of a unit in a roster: "Iwo Jima" for USS Iwo Jima (LHD-7), "22nd MEU".
  function shortName(props, rules) {
    var name = clean(props.name), designation = clean(props.designation);
    if (designation && abbreviates(designation, name)) { return designation; }
    return designation ? stripPrefix(name, rules.prefixes) : name;
  }

  // The label of a feature from its properties {label, name, designation, count, countText,
  // status}.
  function labelText(props, rules) {
    var own = clean(props.label);
    if (own) { return cut(own, rules.max_chars); }
    var name = clean(props.name), designation = clean(props.designation), text = name;
    if (designation && abbreviates(designation, name)) {
      text = designation;
    } else if (designation && name.indexOf(designation) < 0) {
      text = designation + ' ' + stripPrefix(name, rules.prefixes);
    }
    var count = Number(props.count);
    // The count as the data qualifies it: "(≥ 2)" for a lower bound, "(~10)" for about.
    var countText = clean(props.countText) || String(count);
    // A remark in brackets goes, unless it is the count ("B-52H bombers (3)").
    var remark = /^(.{3,}?)\s*\(([^()]*)\)$/.exec(text);
    if (remark && remark[2].trim() !== String(count)) { text = remark[1]; }
    if (countText !== String(count) && remark && remark[2].trim() === String(count)) {
      text = remark[1];  // the data's own "(2)" gives way to the qualified "(≥ 2)"
    }
    var shown = new RegExp('(^|\\D)' + count + '(\\D|$)').test(text);
    if ((count > 1 || countText !== String(count)) && !shown && countText) {
      text += ' (' + countText + ')';
    }
    // Not in the theatre: "CVN-78 Gerald R. Ford (en route)".
    var status = clean(props.status);
    if (status && status !== 'deployed') { text += ' (' + status + ')'; }
    return cut(text, rules.max_chars);
  }

  // A group's roster: its name, then its members' short names; members past `max` counted.
  function roster(name, members, max) {
    var shown = members.slice(0, max), rest = members.length - shown.length;
    return [clean(name), shown.join(', ') + (rest > 0 ? ' +' + rest + ' more' : '')];
  }

  return {labelText: labelText, shortName: shortName, roster: roster, cutText: cut};
}));

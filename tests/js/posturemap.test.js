// Unit tests of the page's pure functions (geo/web/static/posturemap.js), run with `node --test`.
// The expected values of the Python side come from cases.json (python -m tests.js_cases).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const PM = require('../../geo/web/static/posturemap.js');
const cases = require('./cases.json');

const SCALE = cases.contract.scale;

test('decodeLine gives back the coordinates geo.web.encoding encoded', () => {
  assert.ok(cases.lines.length >= 3);
  for (const line of cases.lines) {
    const decoded = PM.decodeLine(line.encoded, SCALE);
    assert.equal(decoded.length, line.coords.length);
    decoded.forEach(([lat, lon], k) => {
      const [x, y] = line.coords[k];
      assert.ok(Math.abs(lon - x) < 1e-9 && Math.abs(lat - y) < 1e-9, `${lon},${lat} vs ${x},${y}`);
    });
  }
});

test('decodeTimes gives back the seconds geo.web.encoding encoded', () => {
  for (const item of cases.times) {
    assert.deepEqual(PM.decodeTimes(item.encoded), item.seconds);
  }
  assert.equal(PM.decodeTimes(undefined), null);
});

test('reader resolves strings, dates, the until and the entity sentinel', () => {
  const D = {
    contract: cases.contract,
    strings: ['a1', 'Ship', 'a1-later'],
    columns: {id: [0, 2], name: [1, cases.contract.none]},
    observed: [0, cases.contract.none],
    epochs: [1756684800],
    until: {1: 1759276800},
    entity: [cases.contract.same_as_id, 0],
    lat: [1300000, -50000],
    lon: [-6650000, 12345],
  };
  const R = PM.reader(D);
  assert.equal(R.value(0, 'name'), 'Ship');
  assert.equal(R.value(1, 'name'), null);
  assert.equal(R.value(0, 'missing_column'), null);
  assert.equal(R.observed(0), 1756684800);
  assert.equal(R.observed(1), null);
  assert.equal(R.until(0), null);
  assert.equal(R.until(1), 1759276800);
  assert.equal(R.entity(0), 0, 'the same-as-id sentinel is the feature\'s own id');
  assert.equal(R.entity(1), 0, 'a later report points at the first');
  assert.deepEqual(R.position(1), [-0.5, 0.12345]);
});

for (const set of cases.timeline) {
  test(`visibleAt shows what geo.data.selection.as_of keeps: ${set.name}`, () => {
    const D = set.payload, ids = D.columns.id.map((k) => D.strings[k]);
    assert.ok(set.cases.length >= 10);
    let shownSomewhere = 0, hiddenSomewhere = 0;
    for (const c of set.cases) {
      const mask = PM.visibleAt(D, c.t, c.window_days);
      const shown = ids.filter((id, i) => mask[i] === 1).sort();
      assert.deepEqual(shown, c.shown, `${c.day}, window ${c.window_days}`);
      shownSomewhere += shown.length;
      hiddenSomewhere += ids.length - shown.length;
    }
    assert.ok(shownSomewhere > 0 && hiddenSomewhere > 0, 'the cases show and hide features');
  });
}

test('hitGrid finds the symbol on top, and nothing beside the symbols', () => {
  // Three symbols of 20x20 px: 0 and 1 overlap (1 drawn later), 2 sits across a cell edge.
  const xs = [100, 108, 250], ys = [100, 104, 63];
  const at = PM.hitGrid(xs, ys, () => [11, 11], 64);
  assert.equal(at(100, 100), 1, 'where two overlap, the one drawn last');
  assert.equal(at(92, 96), 0, 'the lower one where only it is');
  assert.equal(at(250, 70), 2, 'across a cell boundary');
  assert.equal(at(261, 63), 2, 'on the edge of the box');
  assert.equal(at(262, 63), -1, 'just outside the box');
  assert.equal(at(400, 400), -1, 'open map');
  assert.equal(PM.hitGrid([], [], () => [11, 11], 64)(0, 0), -1);
});

test('hitGrid uses each symbol\'s own size', () => {
  const at = PM.hitGrid([0, 40], [0, 0], (j) => (j === 0 ? [30, 5] : [3, 3]), 64);
  assert.equal(at(-25, 0), 0, 'a wide symbol is hit far from its centre');
  assert.equal(at(-25, 6), -1, 'but not above its box');
  assert.equal(at(38, 1), 1);
  assert.equal(at(28, 0), 0, 'outside the small box, inside the wide one');
});

test('niceLength picks 1, 2 or 5 times a power of ten, never above the length', () => {
  const expected = [[1, 1], [1.9, 1], [2, 2], [4.99, 2], [5, 5], [9.99, 5], [10, 10],
    [149, 100], [260, 200], [0.07, 0.05], [51234, 50000]];
  for (const [x, nice] of expected) {
    assert.ok(Math.abs(PM.niceLength(x) - nice) < 1e-12, `${x} -> ${PM.niceLength(x)}`);
  }
});

test('dayLabel names the day a moment (the end of that day) stands for', () => {
  const set = cases.timeline[0];
  for (const c of set.cases) {
    assert.equal(PM.dayLabel(c.t), c.day);
  }
});

test('ringArea tells clockwise rings on screen (y down) from anticlockwise ones', () => {
  const clockwise = [0, 0, 10, 0, 10, 10, 0, 10, 0, 0];  // right, then down, on screen
  assert.ok(PM.ringArea(clockwise) > 0);
  const reversed = [];
  for (let k = clockwise.length - 2; k >= 0; k -= 2) { reversed.push(clockwise[k], clockwise[k + 1]); }
  assert.ok(PM.ringArea(reversed) < 0);
  assert.equal(PM.ringArea(clockwise), 200);
});

test('the module exports its functions under node and defines no globals', () => {
  assert.equal(typeof PM.visibleAt, 'function');
  assert.equal(globalThis.posturemap, undefined);
  assert.equal(path.basename(require.resolve('../../geo/web/static/posturemap.js')), 'posturemap.js');
});

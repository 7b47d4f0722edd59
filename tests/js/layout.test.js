// Unit tests of the map's label and declutter layout (geo/web/static/layout.js, labels.js).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const PM = Object.assign({}, require('../../geo/web/static/layout.js'),
  require('../../geo/web/static/labels.js'));
const {contract} = require('./cases.json');

const RULES = contract.label;

function item(x, y, rank, lw = 0, size = 30) {
  return {x, y, w: size, h: size, rank, lw, lh: lw ? 16 : 0};
}

// Every pair of drawn boxes (symbols, labels, dots of moved symbols) is apart; only dots may
// touch dots (true positions a few pixels apart).
function assertNoOverlap(items, out) {
  const boxes = [];
  items.forEach((it, j) => {
    if (out.into[j] >= 0) { return; }
    boxes.push(['symbol ' + j, out.box[j]]);
    if (out.label[j]) { boxes.push(['label ' + j, out.label[j]]); }
    if (out.moved[j]) { boxes.push(['dot ' + j, [it.x - 3, it.y - 3, it.x + 3, it.y + 3]]); }
  });
  for (let a = 0; a < boxes.length; a++) {
    for (let b = a + 1; b < boxes.length; b++) {
      if (boxes[a][0].startsWith('dot') && boxes[b][0].startsWith('dot')) { continue; }
      assert.ok(!PM.overlaps(boxes[a][1], boxes[b][1]), `${boxes[a][0]} overlaps ${boxes[b][0]}`);
    }
  }
  return boxes.length;
}

test('boxGrid finds overlapping boxes across cells and ignores the owner', () => {
  const grid = PM.boxGrid(64);
  grid.add([0, 0, 10, 10], 1);
  grid.add([60, 60, 200, 70], 2);  // spans three cells
  assert.equal(grid.hit([5, 5, 6, 6], -3), 0);
  assert.equal(grid.hit([5, 5, 6, 6], 1), -1, 'its own box does not count');
  assert.equal(grid.hit([150, 65, 151, 66], -3), 1, 'found in a far cell of a wide box');
  assert.equal(grid.hit([10, 0, 20, 10], -3), -1, 'touching edges do not overlap');
  assert.deepEqual(grid.all([0, 0, 100, 100]), [0, 1]);
});

test('symbols apart stay put and get a label on the right', () => {
  const items = [item(100, 100, 0, 80), item(400, 100, 0, 80)];
  const out = PM.layout(items, {view: [0, 0, 800, 600]});
  assert.deepEqual([...out.moved], [0, 0]);
  assert.equal(out.x[0], 100);
  assert.ok(out.label[0][0] > out.box[0][2], 'label right of its symbol');
  assertNoOverlap(items, out);
});

test('overlapping symbols spread out with nothing overlapping, the first one placed first', () => {
  const items = [];
  for (let k = 0; k < 12; k++) { items.push(item(300 + (k % 4) * 6, 300 + Math.floor(k / 4) * 6, k % 3, 90)); }
  const out = PM.layout(items, {view: [0, 0, 800, 600]});
  assert.ok(out.moved.reduce((a, b) => a + b, 0) >= 11, 'all but maybe one move');
  assert.ok([...out.into].every((v) => v === -1), 'every symbol found a spot');
  assert.ok(assertNoOverlap(items, out) > 24);
  const labelled = items.filter((it, j) => out.label[j]).length;
  assert.equal(labelled, 12, 'room for every label around the crowd');
  // Moved symbols stay near: within the rings searched.
  items.forEach((it, j) => assert.ok(Math.hypot(out.x[j] - it.x, out.y[j] - it.y) < 11 * 33));
});

test('labels drop out by priority when there is no room, and come back with room', () => {
  // Two symbols side by side in a narrow view: one label fits, the higher priority's.
  const items = [item(20, 20, 1, 200), item(60, 20, 0, 200)];
  const tight = PM.layout(items, {view: [0, 0, 300, 40], maxRings: 0});
  assert.ok(tight.label[1], 'the unit (rank 0) is labelled');
  assert.equal(tight.label[0], null, 'the other drops out');
  const roomy = PM.layout(items, {view: [0, 0, 600, 400], maxRings: 0});
  assert.ok(roomy.label[0] && roomy.label[1], 'both fit with room (as when zooming in)');
  assertNoOverlap(items, roomy);
});

test('nothing is placed on an obstacle or outside the view', () => {
  const panel = [0, 0, 300, 200];
  const items = [item(310, 100, 0, 120), item(312, 102, 0, 120)];
  const out = PM.layout(items, {view: [0, 0, 800, 600], obstacles: [panel]});
  items.forEach((it, j) => {
    assert.ok(!PM.overlaps(out.box[j], panel), 'symbol off the panel');
    if (out.label[j]) { assert.ok(!PM.overlaps(out.label[j], panel), 'label off the panel'); }
    assert.ok(PM.inside(out.box[j], [0, 0, 800, 600]));
  });
  assertNoOverlap(items, out);
});

test('coincident symbols both move, keeping dots at the true position uncovered', () => {
  const items = [item(200, 200, 0, 60), item(200, 200, 1, 60)];
  const out = PM.layout(items, {view: [0, 0, 500, 500]});
  assert.deepEqual([...out.moved], [1, 1]);
  items.forEach((it, j) => assert.ok(!PM.overlaps(out.box[j], [197, 197, 203, 203])));
});

test('a symbol with no room anywhere joins the nearest placed one', () => {
  const items = [item(15, 15, 0), item(16, 16, 1)];
  const out = PM.layout(items, {view: [0, 0, 31, 31]});
  assert.equal(out.into.filter((v) => v >= 0).length, 1);
});

test('the layout is bounded: 300 crowded items lay out quickly', () => {
  const items = [];
  for (let k = 0; k < 300; k++) { items.push(item(400 + (k * 37) % 200, 300 + (k * 53) % 150, k % 4, 70)); }
  const start = process.hrtime.bigint();
  const out = PM.layout(items, {view: [0, 0, 1280, 800]});
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  assert.ok(ms < 1500, `${ms} ms`);
  assertNoOverlap(items, out);
});

test('crowd gathers only cells with more than max points', () => {
  const xs = [1, 2, 3, 200, 201], ys = [1, 2, 3, 200, 201];
  const {singles, aggregates} = PM.crowd(xs, ys, 96, 2);
  assert.deepEqual(aggregates, [[0, 1, 2]]);
  assert.deepEqual(singles, [3, 4]);
});

test('label text: hull number before the name, designation for an abbreviation, count', () => {
  const cases = [
    [{name: 'USS Gravely', designation: 'DDG-107'}, 'DDG-107 Gravely'],
    [{name: 'HMS Duncan', designation: 'D37'}, 'D37 Duncan'],
    [{name: 'USS Gravely'}, 'USS Gravely'],
    [{name: '22nd Marine Expeditionary Unit', designation: '22nd MEU'}, '22nd MEU'],
    [{name: 'Roosevelt Roads (José Aponte de la Torre Airport)'}, 'Roosevelt Roads'],
    [{name: 'B-52H bombers (3)', count: 3}, 'B-52H bombers (3)'],
    [{name: 'F-35 fighters', count: 10}, 'F-35 fighters (10)'],
    [{name: 'F-35 fighters', count: 10, countText: '~10'}, 'F-35 fighters (~10)'],
    [{name: 'MQ-9 drones (2)', count: 2, countText: '≥ 2'}, 'MQ-9 drones (≥ 2)'],
    [{name: 'USS Nimitz', count: 1, countText: '1', status: 'en route'}, 'USS Nimitz (en route)'],
    [{name: 'USS Stout', count: 1, countText: '1', status: 'deployed'}, 'USS Stout'],
    [{name: 'Ship', label: '  My own  label '}, 'My own label'],
    [{name: 'A very long name of a unit that goes on and on and on'}, 'A very long name of a unit that goe\u2026'],
  ];
  for (const [props, text] of cases) { assert.equal(PM.labelText(props, RULES), text); }
  assert.equal(Array.from(PM.labelText({name: 'x'.repeat(80)}, RULES)).length, RULES.max_chars);
});

test('label text keeps hostile text as it is (it is drawn as canvas text)', () => {
  const text = '<img src=x onerror=alert(1)>';
  assert.equal(PM.labelText({name: text}, RULES), text);
});

test('short names and rosters', () => {
  assert.equal(PM.shortName({name: 'USS Iwo Jima', designation: 'LHD-7'}, RULES), 'Iwo Jima');
  assert.equal(PM.shortName({name: '22nd Marine Expeditionary Unit', designation: '22nd MEU'}, RULES),
    '22nd MEU');
  assert.deepEqual(PM.roster('Iwo Jima ARG', ['Iwo Jima', 'San Antonio', 'Fort Lauderdale', '22nd MEU'], 6),
    ['Iwo Jima ARG', 'Iwo Jima, San Antonio, Fort Lauderdale, 22nd MEU']);
  assert.deepEqual(PM.roster('G', ['a', 'b', 'c'], 2), ['G', 'a, b +1 more']);
});

// A seeded generator of crowds: `clusters` crowds of `count` symbols within `spread` pixels,
// with labels of random widths and ranks.
function crowds(seed, clusters, count, spread) {
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const items = [];
  for (let c = 0; c < clusters; c++) {
    const cx = 200 + next() * 800, cy = 150 + next() * 500;
    for (let k = 0; k < count; k++) {
      items.push(item(cx + (next() - 0.5) * spread, cy + (next() - 0.5) * spread,
        Math.floor(next() * 3), 60 + Math.floor(next() * 80)));
    }
  }
  return items;
}

function leaderCrossings(items, out) {
  const leaders = [];
  items.forEach((it, j) => {
    if (out.moved[j] && out.into[j] < 0) { leaders.push([[it.x, it.y], [out.x[j], out.y[j]]]); }
  });
  let crossings = 0;
  for (let a = 0; a < leaders.length; a++) {
    for (let b = a + 1; b < leaders.length; b++) {
      if (PM.crosses(leaders[a][0], leaders[a][1], leaders[b][0], leaders[b][1])) { crossings++; }
    }
  }
  return [crossings, leaders.length];
}

test('segments cross only through each other, not at a shared end; leaders cut boxes', () => {
  assert.ok(PM.crosses([0, 0], [10, 10], [0, 10], [10, 0]));
  assert.ok(!PM.crosses([0, 0], [10, 10], [0, 0], [10, 0]), 'two leaders from one dot');
  assert.ok(!PM.crosses([0, 0], [10, 0], [0, 5], [10, 5]), 'parallel');
  assert.ok(PM.cutsBox([0, 5], [20, 5], [8, 0, 12, 10]));
  assert.ok(!PM.cutsBox([0, 20], [20, 20], [8, 0, 12, 10]));
});

for (const [count, spread] of [[3, 15], [4, 20], [5, 25], [6, 30], [8, 40]]) {
  test(`leader lines never cross: 50 layouts of three crowds of ${count} in ${spread} px`, () => {
    let leaders = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const items = crowds(seed, 3, count, spread);
      const out = PM.layout(items, {view: [0, 0, 1400, 860]});
      const [crossings, drawn] = leaderCrossings(items, out);
      assert.equal(crossings, 0, `seed ${seed}: ${crossings} crossings`);
      assertNoOverlap(items, out);
      leaders += drawn;
    }
    assert.ok(leaders > 50 * (count - 2), `crowds were spread (${leaders} leaders)`);
  });
}

test('a crowded symbol out of view does not move into it', () => {
  const items = [item(100, -10, 0, 80), item(104, -8, 0, 80), item(300, 300, 0, 80)];
  const out = PM.layout(items, {view: [0, 0, 800, 600]});
  items.forEach((it, j) => {
    if (it.y < 0 && out.into[j] < 0) {
      assert.ok(out.moved[j] === 0 || !PM.overlaps(out.box[j], [0, 0, 800, 600]), `symbol ${j}`);
    }
  });
  assert.ok(out.moved[0] + out.moved[1] >= 1, 'one of the two moved');
});

test('a symbol out of view gets no label in view', () => {
  const items = [item(-20, 300, 0, 120), item(400, 300, 0, 80)];
  const out = PM.layout(items, {view: [0, 0, 800, 600]});
  assert.equal(out.label[0], null, 'its label would stand alone at the edge');
  assert.ok(out.label[1], 'the one in view is labelled');
});

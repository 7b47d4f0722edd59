// Compare mode's pure parts (geo/web/static/compare.js): the arrowhead, where a move's
// label goes, and which symbol a ghost borrows.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {arrowHead, halfway, symbolsByEntity} = require('../../geo/web/static/compare.js');
const {reader} = require('../../geo/web/static/posturemap.js');

test('the arrowhead points along the last segment, tip at its end', () => {
  for (const [a, b] of [[[0, 0], [100, 0]], [[50, 50], [50, -30]], [[0, 0], [-30, 40]]]) {
    const [tip, left, right] = arrowHead(a, b, 10);
    assert.deepEqual(tip, b);
    const back = [(left[0] + right[0]) / 2, (left[1] + right[1]) / 2];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    // The barbs' middle is 10 px back from the tip, on the segment.
    assert.ok(Math.abs(Math.hypot(b[0] - back[0], b[1] - back[1]) - 10) < 1e-9);
    const cross = (b[0] - a[0]) * (back[1] - a[1]) - (b[1] - a[1]) * (back[0] - a[0]);
    assert.ok(Math.abs(cross / len) < 1e-9);
  }
  assert.equal(arrowHead([3, 3], [3, 3], 10), null);
});

test('a label goes at the vertex halfway along the path, never at its ends', () => {
  assert.equal(halfway([[0, 0], [1, 0], [2, 0], [10, 0]]), 2);
  assert.equal(halfway([[0, 0], [8, 0], [9, 0], [10, 0]]), 1);
  assert.equal(halfway([[0, 0], [10, 0]]), 0);
});

test('a ghost borrows the symbol of its entity, whichever report is drawn', () => {
  const D = {
    contract: {none: -1, same_as_id: -2, scale: 1},
    strings: ['a', 'b', 'b-2'],
    kind: [0, 0],
    symbol: [5, 7],
    entity: [-2, 1],
    columns: {id: [0, 2]},
  };
  const map = symbolsByEntity(D, reader(D));
  assert.equal(map.get('a'), 5);
  assert.equal(map.get('b'), 7);
  assert.equal(map.has('b-2'), false);
});

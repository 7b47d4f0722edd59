// The page's scripts use only what the Python side's contract (geo/web/contract.py) defines:
// payload keys, contract entries, kinds and styles. A rename in Python fails here, not in a
// browser months later.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {contract} = require('./cases.json');

const STATIC = path.join(__dirname, '..', '..', 'geo', 'web', 'static');
const scripts = fs.readdirSync(STATIC).filter((name) => name.endsWith('.js'));
const source = Object.fromEntries(
  scripts.map((name) => [name, fs.readFileSync(path.join(STATIC, name), 'utf8')]));

// Every name read as `<object>.<name>` in the page's scripts.
function namesRead(object) {
  const found = new Set();
  const pattern = new RegExp(`\\b${object.replace('.', '\\.')}\\.([A-Za-z_]\\w*)`, 'g');
  for (const text of Object.values(source)) {
    for (const match of text.matchAll(pattern)) { found.add(match[1]); }
  }
  return found;
}

test('the page reads only payload keys the contract lists', () => {
  const keys = new Set([...contract.keys.page, ...contract.keys.feature, ...contract.keys.sparse]);
  const read = namesRead('D');
  assert.ok(read.size > 20, `found ${read.size} payload keys read`);
  for (const key of read) { assert.ok(keys.has(key), `D.${key} is not in the contract`); }
  for (const key of contract.keys.feature) { assert.ok(read.has(key), `D.${key} is never read`); }
});

test('the page reads only contract entries, kinds and styles that exist', () => {
  for (const name of namesRead('C')) {
    assert.ok(name in contract, `contract.${name} does not exist`);
  }
  for (const name of namesRead('C.kind')) {
    assert.ok(name in contract.kind, `contract.kind.${name} does not exist`);
  }
  const styles = namesRead('ST');
  assert.ok(styles.size >= 5);
  for (const name of styles) { assert.ok(name in contract.style, `style ${name} does not exist`); }
});

test('no page script declares the codes the contract sends', () => {
  for (const [name, text] of Object.entries(source)) {
    assert.doesNotMatch(text, /\b(POINT|LINE|AREA|SAME_AS_ID)\s*=/, `${name} declares a code`);
    assert.doesNotMatch(text, /'(strikes|tracks|gaps|rings|zones)'|=== 'uncertainty'/,
      `${name} names a group`);
    assert.doesNotMatch(text, /\b1e5\b|\b86400\b/, `${name} hard-codes the scale or the day`);
  }
});

test('no page script sets HTML from a string', () => {
  for (const [name, text] of Object.entries(source)) {
    assert.doesNotMatch(text, /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write/,
      `${name} writes HTML`);
  }
});

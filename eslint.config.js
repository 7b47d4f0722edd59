// ESLint flat config: the map page's JavaScript (geo/web/static) and its node tests (tests/js).
'use strict';

const js = require('@eslint/js');
const globals = require('globals');

module.exports = [
  {ignores: ['node_modules/', '.ci-venv/', '.venv/', 'static/vendor/', 'build/', 'dist/']},
  js.configs.recommended,
  {
    // Page scripts: classic scripts in the browser, with Leaflet's global L.
    files: ['geo/**/*.js'],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: 'script',
      // module and require: the pure files are also node modules (tests/js).
      globals: {...globals.browser, L: 'readonly', module: 'readonly', require: 'readonly'}
    },
    rules: {
      strict: ['error', 'function'],
      'no-var': 'off',
      eqeqeq: 'error',
      'no-implicit-globals': 'error',
      // Data reaches the page as text only: never through innerHTML or HTML strings.
      'no-restricted-properties': ['error',
        {property: 'innerHTML', message: 'build DOM nodes with textContent'},
        {property: 'outerHTML', message: 'build DOM nodes with textContent'},
        {property: 'insertAdjacentHTML', message: 'build DOM nodes with textContent'}],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error'
    }
  },
  {
    files: ['tests/js/**/*.js', 'eslint.config.js'],
    languageOptions: {ecmaVersion: 2022, sourceType: 'commonjs', globals: globals.node},
    rules: {strict: ['error', 'global'], eqeqeq: 'error'}
  }
];

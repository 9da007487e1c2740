// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Marked } from 'marked';
import { mathExtensions, texOf } from '../../src/Smail/wwwroot/js/math.js';

const marked = new Marked({ extensions: mathExtensions });
const html = (/** @type {string} */ text) => /** @type {string} */ (marked.parse(text));

test('inline formulas in both notations become placeholders carrying their TeX', () => {
  assert.equal(html('Area $\\pi r^2$ here'), '<p>Area <span class="math" data-math="inline">$\\pi r^2$</span> here</p>\n');
  assert.equal(html('so \\(a+b\\) holds'), '<p>so <span class="math" data-math="inline">\\(a+b\\)</span> holds</p>\n');
  assert.equal(texOf('$\\pi r^2$'), '\\pi r^2');
  assert.equal(texOf('\\(a+b\\)'), 'a+b');
});

test('displayed formulas in both notations are blocks of their own', () => {
  assert.equal(html('$$\n\\int_0^1 x\\,dx\n$$\n\nAfter.'),
    '<div class="math math--display" data-math="display">$$\n\\int_0^1 x\\,dx\n$$</div><p>After.</p>\n');
  assert.equal(html('\\[E = mc^2\\]'), '<div class="math math--display" data-math="display">\\[E = mc^2\\]</div>');
  assert.equal(texOf('$$\n\\int_0^1 x\\,dx\n$$'), '\\int_0^1 x\\,dx');
  assert.equal(texOf('\\[E = mc^2\\]'), 'E = mc^2');
});

test('an unfinished formula stays text until its closing delimiter arrives', () => {
  assert.doesNotMatch(html('The value $x^2 + '), /class="math/);
  assert.doesNotMatch(html('$$\n\\sum_{i=1}^n'), /class="math/);
  assert.match(html('The value $x^2 + y$'), /class="math"/);
});

test('prices and loose dollar signs are not math', () => {
  assert.doesNotMatch(html('It costs $5 and $10 a month.'), /class="math/);
  assert.doesNotMatch(html('between $ 5 and $ 6'), /class="math/);
  assert.doesNotMatch(html('`$x$` in code'), /class="math/);
});

test('markup inside a formula is escaped, never parsed', () => {
  const out = html('$<img src=x onerror=alert(1)>$');
  assert.doesNotMatch(out, /<img/);
  assert.match(out, />\$&#60;img src=x onerror=alert\(1\)&#62;\$</);
});

// @ts-check

/**
 * Math in answers: `$…$` and `\(…\)` inline, `$$…$$` and `\[…\]` displayed, typeset by KaTeX. The parser marks a
 * formula only once its closing delimiter has arrived, so while an answer streams an unfinished formula shows as
 * its source and turns into math the moment it closes: no flicker of half-typeset text. KaTeX and its styles load
 * the first time an answer has a formula; until then a formula shows as its source.
 *
 * Model output is untrusted: KaTeX runs without `trust` (`\href{javascript:…}`, `\includegraphics` and the like stay
 * text), with bounded macro expansion and size, and a formula longer than MAX_TEX stays source.
 */

import { escapeHtml } from './html.js';

/** Longer formulas than this stay source: typesetting cost grows with them, and no real answer needs more. */
export const MAX_TEX = 4000;

/** @type {typeof import('katex').default | null} */
let katex = null;
/** @type {Promise<void> | null} */
let loading = null;
/** Formulas waiting for KaTeX to load. @type {Set<HTMLElement>} */
const waiting = new Set();


/**
 * A formula waiting to be typeset: its source with its delimiters, as text (shown until KaTeX has typeset it). The
 * TeX is carried as text, not in an attribute: the sanitizer drops attributes that look like markup's ends (`-->`,
 * `]>`), which formulas can contain.
 * @param {string} raw @param {boolean} display @param {'span' | 'div'} tag
 */
const placeholder = (raw, display, tag) =>
  `<${tag} class="math${display ? ' math--display' : ''}" data-math="${display ? 'display' : 'inline'}">${escapeHtml(raw)}</${tag}>`;

/** The TeX of a formula's source: without its delimiters. @param {string} source */
export function texOf(source) {
  const text = source.trim();
  for (const [open, close] of [['$$', '$$'], ['\\[', '\\]'], ['\\(', '\\)'], ['$', '$']]) {
    if (text.startsWith(open) && text.endsWith(close) && text.length >= open.length + close.length) {
      return text.slice(open.length, text.length - close.length).trim();
    }
  }
  return text;
}

/**
 * marked's extensions for the four delimiters. A `$` must touch its formula (`$x$`, not `$ x $`) and the closing
 * one must not be followed by a digit, so prices ("$5 and $10") stay text.
 * @type {import('marked').TokenizerAndRendererExtension[]}
 */
export const mathExtensions = [
  {
    name: 'mathBlock',
    level: 'block',
    start: (src) => src.match(/^(?:\$\$|\\\[)/m)?.index,
    tokenizer(src) {
      const match = /^(?:\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\])[ \t]*(?:\n+|$)/.exec(src);
      if (!match) return undefined;
      return { type: 'mathBlock', raw: match[0], text: (match[1] ?? match[2]).trim() };
    },
    renderer: (token) => placeholder(token.raw.trim(), true, 'div'),
  },
  {
    name: 'math',
    level: 'inline',
    start: (src) => {
      const at = src.search(/\$|\\\(|\\\[/);
      return at < 0 ? undefined : at;
    },
    tokenizer(src) {
      const display = /^\$\$([^$]+?)\$\$/.exec(src) ?? /^\\\[([\s\S]+?)\\\]/.exec(src);
      if (display) return { type: 'math', raw: display[0], text: display[1].trim(), display: true };
      const inline = /^\\\(([\s\S]+?)\\\)/.exec(src) ?? /^\$(?![\s$])([^$\n]+?)(?<!\s)\$(?!\d)/.exec(src);
      if (inline) return { type: 'math', raw: inline[0], text: inline[1].trim(), display: false };
      return undefined;
    },
    renderer: (token) => placeholder(token.raw, token.display, 'span'),
  },
];

/** Typesets the formulas in a freshly rendered fragment: now if KaTeX is here, else once it has loaded. @param {ParentNode} root */
export function typesetMath(root) {
  const formulas = /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('.math[data-math]'));
  if (formulas.length === 0) return;
  if (katex) {
    for (const formula of formulas) typeset(formula);
    return;
  }
  for (const formula of formulas) waiting.add(formula);
  loading ??= load();
}

/** Resolves once KaTeX has loaded and the formulas waiting for it are typeset (for tests and the dashboard). */
export function mathReady() { return loading ?? Promise.resolve(); }

async function load() {
  const style = document.createElement('link');
  style.rel = 'stylesheet';
  style.href = '/lib/katex/katex.min.css';
  document.head.append(style);
  katex = (await import('katex')).default;
  for (const formula of waiting) {
    // A formula re-rendered meanwhile was replaced by a new element, typeset with it: only those still shown.
    if (formula.isConnected) typeset(formula);
  }
  waiting.clear();
}

/** @param {HTMLElement} formula */
function typeset(formula) {
  const source = formula.textContent ?? '';
  const tex = texOf(source);
  if (!katex || tex.length > MAX_TEX) return;
  try {
    katex.render(tex, formula, {
      displayMode: formula.dataset.math === 'display',
      throwOnError: true,
      trust: false,
      strict: 'ignore',
      maxSize: 20,
      maxExpand: 300,
      output: 'htmlAndMathml',
    });
    formula.title = source; // the source, one hover away (and copied with the message's markdown)
  } catch (error) {
    // Shown as its source, marked, with KaTeX's reason on hover (KaTeX's own error box sets inline styles).
    formula.textContent = source;
    formula.classList.add('math--error');
    formula.title = error instanceof Error ? error.message : String(error);
  }
  formula.removeAttribute('data-math');
}

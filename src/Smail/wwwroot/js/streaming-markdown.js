// @ts-check
import { marked } from 'marked';
import { renderTokens } from './markdown.js';

/**
 * Renders markdown that grows at the end, at a cost that does not grow with its length: blocks followed
 * by another block are final and rendered once; only the last block is lexed and rendered again as text
 * arrives. A 20,000-token answer costs the same per chunk at its end as at its start.
 */
export class StreamingMarkdown {
  #container;
  #tail;
  #text = '';
  /** Source of the blocks not yet final: the last block and anything after it. */
  #pending = '';

  /** @param {HTMLElement} container */
  constructor(container) {
    this.#container = container;
    this.#tail = document.createElement('div');
    this.#tail.className = 'md-tail';
    container.append(this.#tail);
  }

  get text() { return this.#text; }

  /** Replaces everything (a stored message, or a regenerated answer). @param {string} text */
  set(text) {
    this.#text = '';
    this.#pending = '';
    this.#container.replaceChildren(this.#tail);
    this.append(text);
  }

  /** @param {string} piece */
  append(piece) {
    if (!piece) return;
    this.#text += piece;
    // marked normalises line endings; doing it here keeps the pending source and the tokens in step.
    this.#pending += piece.replace(/\r\n?/g, '\n');
    const tokens = marked.lexer(this.#pending);
    let last = tokens.length - 1;
    while (last > 0 && tokens[last].type === 'space') last--;
    if (last > 0) {
      const final = tokens.slice(0, last);
      this.#tail.before(renderTokens(Object.assign(final, { links: tokens.links })));
      this.#pending = tokens.slice(last).map((t) => t.raw).join('');
    }
    this.#tail.replaceChildren(renderTokens(Object.assign(tokens.slice(Math.max(last, 0)), { links: tokens.links })));
  }
}

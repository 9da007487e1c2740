// @ts-check
import { marked } from 'marked';
import { renderTokens } from './markdown.js';

/**
 * Renders markdown that grows at the end, at a cost that does not grow with its length: blocks followed
 * by another block are final and rendered once; only the last block is lexed and rendered again as text
 * arrives. A 20,000-token answer costs the same per chunk at its end as at its start.
 *
 * The source not yet final is always a slice of the text itself, cut at an offset. It is never rebuilt
 * from tokens: marked's `raw` is not always the source (an empty list item `1. ` has the raw `1.\n`), so
 * blocks are only made final when their raws, joined, are exactly the start of the pending source.
 * And only once the block after them has a whole line: until then it may still turn out to continue them
 * (`1. a\n\n2` becomes the loose list `1. a\n\n2. b`).
 */
export class StreamingMarkdown {
  #container;
  /**
   * The nodes of the blocks not yet final, rendered again on every append. Not wrapped in an element of
   * their own: a wrapper moves down each time a block above it becomes final, and browsers count that
   * as a layout shift (0.09 for one answer), though no text moved.
   * @type {ChildNode[]}
   */
  #tailNodes = [];
  #text = '';
  /** Normalised source of the blocks not yet final: the last block and anything after it. */
  #pending = '';
  /** The last piece ended in `\r`, already counted as a line end: a `\n` starting the next one is its other half. */
  #halfCrLf = false;
  /** Link reference definitions in final blocks, for the blocks after them. @type {Record<string, {href: string, title: string}>} */
  #links = {};

  /** Called with each batch of blocks as they become final, to be read to a screen reader. @type {((blocks: DocumentFragment) => void) | null} */
  onFinal = null;

  /** @param {HTMLElement} container */
  constructor(container) {
    this.#container = container;
  }

  get text() { return this.#text; }

  /** The blocks not yet final, as rendered now (the last paragraph while it is written). */
  get tailNodes() { return this.#tailNodes; }

  /** Replaces everything (a stored message, or a regenerated answer). @param {string} text */
  set(text) {
    this.#text = '';
    this.#pending = '';
    this.#halfCrLf = false;
    this.#links = {};
    this.#container.replaceChildren();
    this.#tailNodes = [];
    this.append(text);
  }

  /** @param {string} piece */
  append(piece) {
    if (!piece) return;
    this.#text += piece;
    this.#pending += this.#normaliseLineEnds(piece);
    // Seeded with the definitions of blocks already final: marked resolves `[ref]` links while lexing.
    const lexer = new marked.Lexer();
    Object.assign(lexer.tokens.links, this.#links);
    const tokens = lexer.lex(this.#pending);
    let last = tokens.length - 1;
    while (last > 0 && tokens[last].type === 'space') last--;
    // Raw HTML may open a tag that a later block closes, and only one HTML string nests them: nothing from
    // the first HTML block on is made final.
    const html = tokens.findIndex((token) => token.type === 'html');
    if (html >= 0) last = Math.min(last, html);
    let first = 0;
    /** @type {DocumentFragment | null} */
    let finalBlocks = null;
    if (last > 0) {
      const final = tokens.slice(0, last);
      const consumed = final.reduce((length, token) => length + token.raw.length, 0);
      const settled = /\S[^\n]*\n/.test(this.#pending.slice(consumed));
      if (settled && final.map((token) => token.raw).join('') === this.#pending.slice(0, consumed)) {
        finalBlocks = this.#render(final, tokens.links);
        this.onFinal?.(/** @type {DocumentFragment} */ (finalBlocks.cloneNode(true)));
        this.#pending = this.#pending.slice(consumed);
        // Only final definitions are kept: a pending one may still be cut short (`[ref]: h` of `https://…`).
        for (const token of final) {
          if (token.type === 'def') this.#links[token.tag] ??= { href: token.href, title: token.title };
        }
        first = last;
      }
    }
    const tail = this.#render(tokens.slice(first), tokens.links);
    for (const node of this.#tailNodes) node.remove();
    this.#tailNodes = [...tail.childNodes];
    if (finalBlocks) this.#container.append(finalBlocks);
    this.#container.append(tail);
  }

  /** marked reads `\r\n` and `\r` as `\n`; so does this, also when a `\r\n` is split between two pieces. @param {string} piece */
  #normaliseLineEnds(piece) {
    const rest = this.#halfCrLf && piece.startsWith('\n') ? piece.slice(1) : piece;
    this.#halfCrLf = piece.endsWith('\r');
    return rest.replace(/\r\n?/g, '\n');
  }

  /** @param {import('marked').Token[]} tokens @param {import('marked').Links} links */
  #render(tokens, links) {
    return renderTokens(Object.assign(tokens, { links }));
  }
}

// @ts-check
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js';
import { drawDiagrams, renderDiagramFence } from './diagrams.js';
import { mathExtensions, typesetMath } from './math.js';
import { escapeHtml } from './html.js';

marked.setOptions({ gfm: true, breaks: false });
marked.use({ extensions: mathExtensions, renderer: { code: renderDiagramFence } });

// Model output is untrusted: no script, no handlers, no javascript: links (DOMPurify's defaults), and no
// remote images, which would tell a third party what is being read. A blocked image keeps its address
// in data-src, and the page loads it only when the person asks.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'IMG') {
    const src = node.getAttribute('src') ?? '';
    if (!src.startsWith('data:')) {
      node.removeAttribute('src');
      node.setAttribute('data-src', src);
      node.setAttribute('data-blocked', 'remote-image');
      node.setAttribute('alt', `Image from ${safeHost(src)}: click to load`);
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'button');
    }
  }
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

// No `style` either: with it, model output could restyle the page or lay a fake dialog over it.
const SANITIZE = {
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe', 'textarea', 'select'],
  FORBID_ATTR: ['style'],
  ADD_ATTR: ['target'],
};

/** Markdown source to a sanitized, highlighted fragment. @param {string} text */
export function renderMarkdown(text) {
  return renderTokens(marked.lexer(text));
}

/** A person's plain text as HTML for the clipboard: escaped, lines kept. @param {string} text */
export function plainTextToHtml(text) {
  return `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`;
}

/** Markdown source to sanitized HTML for the clipboard: the rendering without the page's code chrome. @param {string} text */
export function markdownToHtml(text) {
  const holder = document.createElement('div');
  holder.append(renderMarkdown(text));
  for (const chrome of holder.querySelectorAll('.code-header')) chrome.remove();
  return holder.innerHTML;
}

/**
 * Already-lexed markdown blocks to a sanitized fragment: code highlighted, with a language label and a
 * Copy button (the page handles clicks on `[data-action="copy-code"]`).
 * @param {import('marked').Token[]} tokens
 * @returns {DocumentFragment}
 */
export function renderTokens(tokens) {
  const list = Object.assign([...tokens], { links: /** @type {any} */ (tokens).links ?? {} });
  const html = marked.parser(list);
  const fragment = /** @type {DocumentFragment} */ (DOMPurify.sanitize(html, { ...SANITIZE, RETURN_DOM_FRAGMENT: true }));
  drawDiagrams(fragment);
  for (const code of fragment.querySelectorAll('pre > code')) decorateCode(/** @type {HTMLElement} */ (code));
  typesetMath(fragment);
  return fragment;
}

/** @param {HTMLElement} code */
function decorateCode(code) {
  const language = [...code.classList].find((c) => c.startsWith('language-'))?.slice('language-'.length) ?? '';
  if (language && hljs.getLanguage(language)) hljs.highlightElement(code);
  const pre = /** @type {HTMLElement} */ (code.parentElement);
  const header = document.createElement('div');
  header.className = 'code-header';
  const label = document.createElement('span');
  label.textContent = language || 'text';
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'code-copy';
  copy.dataset.action = 'copy-code';
  copy.textContent = 'Copy';
  copy.setAttribute('aria-label', `Copy ${language ? `${language} ` : ''}code`);
  header.append(label, copy);
  const wrapper = document.createElement('div');
  wrapper.className = 'code-block';
  pre.replaceWith(wrapper);
  wrapper.append(header, pre);
}

/** @param {string} src */
function safeHost(src) {
  try {
    return new URL(src, location.href).host || 'this page';
  } catch {
    return 'an unknown address';
  }
}

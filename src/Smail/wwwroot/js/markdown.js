// @ts-check
import { marked } from 'marked';
import DOMPurify from 'dompurify';

marked.setOptions({ gfm: true, breaks: false });

// Model output is untrusted: no script, no handlers, no javascript: links (DOMPurify's defaults), and no
// remote images, which would tell a third party what is being read. A blocked image keeps its address
// in data-src, and the page loads it only when the person asks.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'IMG') {
    const src = node.getAttribute('src') ?? '';
    if (!src.startsWith('data:') && !src.startsWith('/')) {
      node.removeAttribute('src');
      node.setAttribute('data-src', src);
      node.setAttribute('data-blocked', 'remote-image');
      node.setAttribute('alt', `Remote image (${safeHost(src)}) — click to load`);
      node.setAttribute('tabindex', '0');
    }
  }
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

/** Markdown to sanitized HTML. @param {string} text @returns {string} */
export function renderMarkdown(text) {
  const html = /** @type {string} */ (marked.parse(text, { async: false }));
  return DOMPurify.sanitize(html, { FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'], ADD_ATTR: ['target'] });
}

/** @param {string} src */
function safeHost(src) {
  try {
    return new URL(src, location.href).host;
  } catch {
    return 'unknown host';
  }
}

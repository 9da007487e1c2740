// @ts-check

/**
 * Mermaid diagrams in answers. A ```mermaid fence becomes a drawing once it is closed: the drawing happens in a
 * sandboxed frame (`allow-scripts` only, so an opaque origin: no cookies, no access to this page or the API, no
 * navigation), which loads Mermaid only when an answer has a diagram. The source stays one click away, under the
 * drawing. While an answer streams, its last block is drawn again with every piece of text, so a frame starts
 * loading only once its block has stayed put for a moment.
 */

import { escapeHtml } from './html.js';

const SETTLE_MS = 250;
const MAX_HEIGHT = 1600;


/**
 * marked's renderer for code: a closed mermaid fence is a diagram placeholder carrying its source; anything else
 * (an unclosed fence included) is left to the default renderer, so it shows as code while it is written.
 * @param {import('marked').Tokens.Code} token
 * @returns {string | false}
 */
export function renderDiagramFence(token) {
  const fences = token.raw.match(/^ {0,3}(?:`{3,}|~{3,})/gm) ?? [];
  if (token.lang?.trim().toLowerCase() !== 'mermaid' || fences.length < 2) return false;
  // The source as text, not in an attribute: the sanitizer drops attributes with `-->` in them, as most diagrams have.
  return `<pre class="diagram-pending"><code class="language-mermaid">${escapeHtml(token.text)}</code></pre>`;
}

/** Turns the diagram placeholders of a freshly rendered fragment into frames with their source. @param {ParentNode} root */
export function drawDiagrams(root) {
  for (const placeholder of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('pre.diagram-pending'))) {
    const source = placeholder.textContent ?? '';
    const figure = document.createElement('figure');
    figure.className = 'diagram';
    const frame = document.createElement('iframe');
    frame.className = 'diagram__frame';
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.title = 'Diagram';
    frame.dataset.source = source;
    const details = document.createElement('details');
    details.className = 'diagram__source';
    const summary = document.createElement('summary');
    summary.textContent = 'Diagram source';
    const pre = document.createElement('pre');
    const code = document.createElement('code');
    code.className = 'language-mermaid'; // labelled, with its Copy button, like any code block
    code.textContent = source;
    pre.append(code);
    details.append(summary, pre);
    figure.append(frame, details);
    placeholder.replaceWith(figure);
    setTimeout(() => { if (frame.isConnected) frame.src = '/diagram.html'; }, SETTLE_MS);
  }
}

/** The diagram frame that sent a message, if it is one of this page's. @param {MessageEvent} event */
function frameOf(event) {
  for (const frame of /** @type {NodeListOf<HTMLIFrameElement>} */ (document.querySelectorAll('iframe.diagram__frame'))) {
    if (frame.contentWindow === event.source) return frame;
  }
  return null;
}

addEventListener('message', (event) => {
  const frame = frameOf(event);
  if (!frame || typeof event.data?.type !== 'string') return;
  switch (event.data.type) {
    case 'diagram-ready':
      frame.contentWindow?.postMessage({ type: 'render', source: frame.dataset.source, dark: matchMedia('(prefers-color-scheme: dark)').matches }, '*');
      break;
    case 'diagram-drawn':
      frame.style.height = `${Math.min(MAX_HEIGHT, Math.max(40, Number(event.data.height) || 0))}px`;
      frame.closest('figure')?.classList.add('is-drawn');
      break;
    case 'diagram-failed': {
      const figure = frame.closest('figure');
      const note = document.createElement('p');
      note.className = 'diagram__failure';
      note.textContent = `This diagram could not be drawn: ${String(event.data.message ?? '').slice(0, 300)}`;
      frame.replaceWith(note);
      figure?.querySelector('details')?.setAttribute('open', '');
      break;
    }
  }
});

// @ts-check

/**
 * Inside the sandboxed diagram frame (diagram.html): draws the Mermaid source the page posts, with Mermaid's strict
 * security level (no click callbacks, labels sanitised), and tells the page how tall the drawing is, or why it
 * could not be drawn. The frame's own origin is opaque, so even a diagram that escaped Mermaid's checks could
 * reach neither the page, its cookies nor the API.
 */
(() => {
  /** @type {any} */
  const library = /** @type {any} */ (globalThis).mermaid;
  let drawn = 0;
  addEventListener('message', async (event) => {
    const { type, source, dark } = event.data ?? {};
    if (type !== 'render' || typeof source !== 'string' || event.source !== parent) return;
    // Labels as SVG text, never HTML: markup in a label is shown as the characters it is.
    library.initialize({
      startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default', maxTextSize: 50_000, maxEdges: 500,
      htmlLabels: false, flowchart: { htmlLabels: false },
    });
    try {
      const { svg } = await library.render(`diagram-${++drawn}`, source);
      document.body.innerHTML = svg;
      const box = document.body.getBoundingClientRect();
      parent.postMessage({ type: 'diagram-drawn', height: Math.ceil(box.height) }, '*');
    } catch (error) {
      document.body.replaceChildren();
      parent.postMessage({ type: 'diagram-failed', message: String(error?.message ?? error).slice(0, 300) }, '*');
    }
  });
  parent.postMessage({ type: 'diagram-ready' }, '*');
})();

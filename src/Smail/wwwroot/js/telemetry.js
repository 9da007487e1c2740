// @ts-check

/**
 * Reports what only the page can see (time to first visible text, reconnects, render time per chunk,
 * features used) to /api/telemetry, in small batches, and once more when the page is hidden.
 */
export class TelemetryReporter {
  /** @type {{ name: string, value?: number, feature?: string }[]} */
  #queue = [];
  #fetch;
  #timer;

  /** @param {{ fetch?: typeof fetch, intervalMs?: number }} [options] */
  constructor({ fetch: fetchImpl = (input, init) => fetch(input, init), intervalMs = 10_000 } = {}) {
    this.#fetch = fetchImpl;
    this.#timer = setInterval(() => this.flush(), intervalMs);
    globalThis.addEventListener?.('pagehide', () => this.flush());
  }

  /** @param {import('./contract.js').BrowserFeature} feature */
  feature(feature) { this.#push({ name: 'feature', feature }); }

  /** @param {'time_to_first_text' | 'render_time'} name @param {number} seconds */
  measure(name, seconds) { this.#push({ name, value: Math.max(0, Math.min(600, seconds)) }); }

  reconnect() { this.#push({ name: 'reconnect' }); }

  flush() {
    if (this.#queue.length === 0) return;
    const events = this.#queue.splice(0, 100);
    // keepalive lets the last batch leave even as the page goes away; losing one is acceptable.
    this.#fetch('/api/telemetry', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ events }),
      keepalive: true,
    }).catch(() => {});
  }

  dispose() { clearInterval(this.#timer); }

  /** @param {{ name: string, value?: number, feature?: string }} event */
  #push(event) {
    this.#queue.push(event);
    if (this.#queue.length >= 100) this.flush();
  }
}

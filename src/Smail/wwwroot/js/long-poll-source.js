// @ts-check

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/**
 * An EventSource look-alike over the long-poll endpoint, for browsers or networks that cannot hold an
 * SSE stream: same event names, same ids, so StreamManager treats it exactly like an EventSource.
 */
export class LongPollSource {
  readyState = CONNECTING;
  /** @type {((event: any) => void) | null} */
  onopen = null;
  #listeners = new Map();
  #pollUrl;
  #after;
  #abort = new AbortController();
  #fetch;
  #sleep;

  /**
   * @param {string} eventsUrl the SSE URL, `/api/generations/{id}/events[?lastEventId=N]`
   * @param {{ fetch?: typeof fetch, sleep?: (ms: number) => Promise<void> }} [deps]
   */
  constructor(eventsUrl, { fetch: fetchImpl = (input, init) => fetch(input, init), sleep = (ms) => new Promise((r) => setTimeout(r, ms)) } = {}) {
    const url = new URL(eventsUrl, 'http://placeholder');
    this.#after = Number(url.searchParams.get('lastEventId') ?? 0);
    this.#pollUrl = url.pathname.replace(/\/events$/, '/poll');
    this.#fetch = fetchImpl;
    this.#sleep = sleep;
    this.#loop();
  }

  /** @param {string} type @param {(event: any) => void} listener */
  addEventListener(type, listener) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, []);
    this.#listeners.get(type).push(listener);
  }

  close() {
    this.readyState = CLOSED;
    this.#abort.abort();
  }

  async #loop() {
    let failures = 0;
    while (this.readyState !== CLOSED) {
      try {
        const response = await this.#fetch(`${this.#pollUrl}?after=${this.#after}`, { signal: this.#abort.signal });
        if (response.status === 404 || response.status === 410) {
          this.readyState = CLOSED;
          this.#emit('error', { type: 'error' });
          return;
        }
        if (!response.ok) throw new Error(`poll answered ${response.status}`);
        if (this.readyState === CONNECTING) {
          this.readyState = OPEN;
          this.onopen?.({});
        }
        failures = 0;
        for (const item of await response.json()) {
          this.#after = item.id;
          this.#emit(item.event, { data: JSON.stringify(item.data), lastEventId: String(item.id) });
          if (this.readyState === CLOSED) return;
        }
      } catch {
        if (this.readyState === CLOSED) return;
        failures++;
        this.readyState = CONNECTING;
        this.#emit('error', { type: 'error' });
        await this.#sleep(Math.min(1000 * failures, 5000));
      }
    }
  }

  /** @param {string} type @param {any} event */
  #emit(type, event) {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

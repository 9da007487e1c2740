// @ts-check
import { CHANGE_TYPES } from './contract.js';

/**
 * @typedef {{ id: string, change: (typeof import('./contract.js').SESSION_CHANGES)[number] }} SessionChange
 * @typedef {{ upstreamReachable: boolean, error: string | null,
 *   upstreams: { name: string, reachable: boolean, error: string | null }[] }} HealthChange
 * @typedef {{ id: string, title: string, done: boolean }} TitleChange
 */

/**
 * The page's one subscription to what changes on the server (/api/changes): conversations changed in
 * another tab or by another person, answers starting and ending, the model server going and coming back.
 * Raises `session`, `health` and `title` (a title the model is writing) with the change as detail, `resync` when it reconnects after a break,
 * since changes made meanwhile were not heard and what the page shows must be reloaded, and `refused` when
 * the server turned it away for good (the browser is no longer signed in, say).
 */
export class ChangeFeed extends EventTarget {
  /** @type {EventSource | null} */
  #source = null;
  #broken = false;

  /** @param {((url: string) => EventSource) | null} [createEventSource] null: no live changes (a browser without EventSource) */
  constructor(createEventSource = typeof EventSource === 'function' ? (url) => new EventSource(url) : null) {
    super();
    if (!createEventSource) return;
    const source = createEventSource('/api/changes');
    this.#source = source;
    for (const type of CHANGE_TYPES) {
      source.addEventListener(type, (event) => {
        const detail = JSON.parse(/** @type {MessageEvent} */ (event).data);
        this.dispatchEvent(new CustomEvent(type, { detail }));
      });
    }
    source.addEventListener('error', () => {
      this.#broken = true;
      if (source.readyState === 2 /* CLOSED */) this.dispatchEvent(new Event('refused'));
    });
    source.addEventListener('open', () => {
      if (this.#broken) this.dispatchEvent(new Event('resync'));
      this.#broken = false;
    });
  }

  close() { this.#source?.close(); }
}

// @ts-check
import { GENERATION_STATES } from './contract.js';

/**
 * @typedef {'idle' | 'sending' | 'queued' | 'connecting' | 'loading_model' | 'thinking' | 'generating'
 *   | 'retrying' | 'recovering' | 'reconnecting' | 'done' | 'stopped' | 'error'} UiState
 * @typedef {{ tokens?: number, tokensPerSecond?: number, ttftMs?: number, attempt?: number, delayMs?: number,
 *   message?: string, inAnswer?: boolean }} StateDetail
 * @typedef {{ set(callback: () => void, ms: number): any, clear(handle: any): void }} Ticker
 * @typedef {{ textContent: string | null }} TextTarget
 * @typedef {{ dataset: DOMStringMap | Record<string, string | undefined> }} DataTarget
 */

/** States in which an answer is on its way; from each, the answer can move on, pause, or end. */
// The server's generation states, all of them streaming states of the page.
const STREAMING = GENERATION_STATES;
const ENDED = /** @type {const} */ (['done', 'stopped', 'error']);

/**
 * Every allowed transition, in one place. A page that attaches to an answer already running
 * (after a refresh, in a second tab) goes from idle straight into a streaming state; a page that leaves
 * an answer (another conversation opened, an edit undone) goes back to idle while it runs on or ends.
 * @type {Readonly<Record<UiState, readonly UiState[]>>}
 */
export const TRANSITIONS = Object.freeze({
  idle: ['sending', ...STREAMING, 'reconnecting', ...ENDED],
  sending: [...STREAMING, 'error', 'idle'],
  queued: [...STREAMING, 'reconnecting', ...ENDED, 'idle'],
  connecting: [...STREAMING, 'reconnecting', ...ENDED, 'idle'],
  loading_model: [...STREAMING, 'reconnecting', ...ENDED, 'idle'],
  thinking: [...STREAMING, 'reconnecting', ...ENDED, 'idle'],
  generating: [...STREAMING, 'reconnecting', ...ENDED, 'idle'],
  retrying: [...STREAMING, 'reconnecting', ...ENDED, 'idle'],
  recovering: [...STREAMING, 'reconnecting', ...ENDED, 'idle'],
  reconnecting: [...STREAMING, 'reconnecting', ...ENDED, 'idle'],
  done: ['idle', 'sending', ...STREAMING],
  stopped: ['idle', 'sending', ...STREAMING],
  error: ['idle', 'sending', ...STREAMING],
});

/**
 * The page's one state machine, and the only code that changes the status line, the busy
 * indicator and the `data-state` the stylesheet animates on. Says what is happening, honestly.
 */
export class UiStateManager extends EventTarget {
  /** @type {UiState} */
  #state = 'idle';
  #status;
  #root;
  #now;
  #ticker;
  #tick = null;
  #stateSince = 0;
  /** @type {StateDetail} */
  #detail = {};
  #announce;
  /** A note for the person added to the status line until the state changes. */
  #hint = '';

  /**
   * @param {{ status: TextTarget, root: DataTarget, now?: () => number, ticker?: Ticker | null,
   *   announce?: (words: string) => void }} targets
   *   ticker: refreshes the elapsed time twice a second while an answer is on its way (null: never).
   *   announce: tells a screen reader about state changes; the status line itself is not a live region.
   */
  constructor({ status, root, now = () => performance.now(), ticker = null, announce = () => {} }) {
    super();
    this.#announce = announce;
    this.#status = status;
    this.#root = root;
    this.#now = now;
    this.#ticker = ticker;
    this.#render({});
  }

  get state() { return this.#state; }

  get isStreaming() { return /** @type {readonly string[]} */ (STREAMING).includes(this.#state) || this.#state === 'reconnecting'; }

  /** @param {UiState} next */
  canTransition(next) { return TRANSITIONS[this.#state].includes(next); }

  /**
   * Moves to `next` if the machine allows it; returns whether it did. Refusals are bugs worth seeing.
   * @param {UiState} next
   * @param {StateDetail} [detail]
   */
  transition(next, detail = {}) {
    if (!this.canTransition(next)) {
      console.warn(`UiStateManager: ${this.#state} → ${next} is not an allowed transition`);
      return false;
    }
    const previous = this.#state;
    this.#state = next;
    this.#hint = '';
    this.#stateSince = this.#now();
    this.#render(detail);
    this.#schedule();
    const words = announcement(next, previous, detail);
    if (words) this.#announce(words);
    this.dispatchEvent(new CustomEvent('statechange', { detail: { previous, state: next } }));
    return true;
  }

  /** Refreshes the live numbers of the current state without changing it. @param {StateDetail} detail */
  update(detail) { this.#render(detail); }

  /** Adds a note to the status line until the state changes. @param {string} note */
  hint(note) {
    this.#hint = note;
    this.#render(this.#detail);
  }

  /** @param {StateDetail} detail */
  #render(detail) {
    this.#detail = detail;
    this.#root.dataset.state = this.#state;
    const text = statusText(this.#state, detail, this.#now() - this.#stateSince);
    this.#status.textContent = this.#hint ? `${text} · ${this.#hint}` : text;
  }

  #schedule() {
    if (!this.#ticker) return;
    if (this.#tick !== null) this.#ticker.clear(this.#tick);
    this.#tick = null;
    if (!['loading_model', 'thinking', 'generating'].includes(this.#state)) return;
    const again = () => {
      this.#render(this.#detail);
      this.#tick = this.#ticker?.set(again, 500) ?? null;
    };
    this.#tick = this.#ticker.set(again, 500);
  }
}

/**
 * What a screen reader hears when the state changes: the change, never the live numbers.
 * @param {UiState} state @param {UiState} previous @param {StateDetail} detail
 * @returns {string}
 */
export function announcement(state, previous, detail) {
  switch (state) {
    case 'loading_model': return 'Loading model';
    case 'thinking': return previous === 'thinking' ? '' : 'Thinking';
    case 'generating': return previous === 'generating' ? '' : 'Generating';
    case 'retrying': return 'Retrying';
    case 'recovering': return 'Another server is taking over this answer';
    case 'reconnecting': return previous === 'reconnecting' ? '' : 'Connection lost, reconnecting';
    case 'done': return 'Done';
    case 'stopped': return 'Stopped';
    case 'error': return detail.message ?? 'Something went wrong.';
    default: return '';
  }
}

/**
 * @param {UiState} state
 * @param {StateDetail} detail
 * @param {number} elapsedMs time in this state
 * @returns {string}
 */
export function statusText(state, detail, elapsedMs) {
  const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
  switch (state) {
    case 'idle': return '';
    case 'sending': return 'Sending…';
    case 'queued': return 'Queued…';
    case 'connecting': return 'Connecting…';
    case 'loading_model': return elapsedMs > 1500 ? `Loading model… ${seconds(elapsedMs)}` : 'Loading model…';
    case 'thinking': return elapsedMs > 1500 ? `Thinking… ${seconds(elapsedMs)}` : 'Thinking…';
    case 'generating': {
      const parts = ['Generating'];
      if (detail.tokens) parts.push(count(detail.tokens, 'token'));
      if (elapsedMs > 1000) parts.push(seconds(elapsedMs));
      if (detail.tokensPerSecond) parts.push(`${Math.round(detail.tokensPerSecond)} tok/s`);
      return parts.join(' · ');
    }
    case 'retrying': return `Retrying (attempt ${detail.attempt ?? 1})${detail.delayMs ? ` in ${seconds(detail.delayMs)}` : ''}…`;
    case 'recovering': return 'The server writing this answer stopped; another is carrying it on…';
    case 'reconnecting': return `Reconnecting… (attempt ${detail.attempt ?? 1})`;
    // The answer's own footer shows its stats; said twice, they were noise.
    case 'done': return 'Done';
    case 'stopped': return 'Stopped';
    // One error, shown once: where the answer shows it, the status line only points there.
    case 'error': return detail.inAnswer ? 'The answer failed: see above.' : detail.message ?? 'Something went wrong.';
  }
}

/** "1 token", "2 tokens". @param {number} n @param {string} noun */
function count(n, noun) { return `${n} ${n === 1 ? noun : `${noun}s`}`; }

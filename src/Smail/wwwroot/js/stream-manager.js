// @ts-check
import { EVENT_NAMES } from './contract.js';
import { ErrorHandler } from './error-handler.js';
import { LongPollSource } from './long-poll-source.js';

/**
 * @typedef {{ addEventListener(type: string, listener: (event: any) => void): void, close(): void,
 *   readyState: number, onopen: ((event: any) => void) | null }} EventSourceLike
 * @typedef {{ request(callback: () => void): number, cancel(handle: number): void }} FrameScheduler
 * @typedef {{ set(callback: () => void, ms: number): any, clear(handle: any): void }} TimerScheduler
 * @typedef {'delta' | 'thinking'} TextKind
 * @typedef {{
 *   onStatus?(data: any): void, onText?(kind: TextKind, text: string): void, onDone?(data: any): void,
 *   onError?(data: any): void, onRestart?(data: { reason: string }): void,
 *   onReconnecting?(attempt: number): void, onReconnected?(): void,
 *   onLost?(error: { code: string, message: string }): void }} StreamDelegate
 * @typedef {{ kind: 'text', type: TextKind, text: string } | { kind: 'event', name: string, data: any }} QueueItem
 */

const CLOSED = 2;

/**
 * Owns the connection to one generation's event stream: resumes by event id after drops (never a gap,
 * never a duplicate), buffers what arrives, and reveals text on animation frames at a pace that smooths
 * bursts yet never falls more than a few frames behind. Events are handed on in stream order, so `done`
 * comes after the last character is shown. Where SSE cannot be held (no EventSource, or a network that
 * never lets an event through), it falls back to long-polling the same events.
 */
export class StreamManager {
  /** How many frames it may take to reveal what is buffered: ~130 ms at 60 Hz. */
  static CATCH_UP_FRAMES = 8;
  static MIN_CHARS_PER_FRAME = 2;
  /** Reduced motion holds back an unfinished sentence, but not past this many characters (code has no full stops). */
  static LONGEST_HELD_SENTENCE = 240;
  /** Failed SSE attempts without a single event before switching to long-polling. */
  static FALLBACK_AFTER_FAILURES = 3;
  /** A tab in the background gets no animation frames: after this long a timer delivers what waits, all of it. */
  static FRAME_FALLBACK_MS = 250;

  #delegate;
  #createSource;
  #createFallback;
  #useFallback;
  #receivedAny = false;
  #frames;
  #timers;
  #errors;
  #smooth;
  /** @type {EventSourceLike | null} */
  #source = null;
  #url = '';
  #lastEventId = 0;
  /** @type {QueueItem[]} */
  #queue = [];
  /** @type {number | null} */
  #frame = null;
  /** @type {any} */
  #frameFallback = null;
  #retryTimer = null;
  #attempt = 0;
  #ended = true;
  #charsPerFrame = StreamManager.MIN_CHARS_PER_FRAME;
  #deltaEvents = 0;
  #firstDeltaMs = 0;
  #lastDeltaMs = 0;

  /**
   * @param {{ delegate: StreamDelegate, createEventSource?: ((url: string) => EventSourceLike) | null,
   *   createFallback?: (url: string) => EventSourceLike, frames?: FrameScheduler, timers?: TimerScheduler,
   *   errors?: ErrorHandler, smooth?: boolean }} options
   *   smooth: false for prefers-reduced-motion: no reveal animation; text appears a sentence at a time.
   */
  constructor({
    delegate,
    // Without EventSource in this browser, long-polling is the only way.
    createEventSource = typeof EventSource === 'function' ? (url) => new EventSource(url) : null,
    createFallback = (url) => new LongPollSource(url),
    frames = { request: (cb) => requestAnimationFrame(cb), cancel: (h) => cancelAnimationFrame(h) },
    timers = { set: (cb, ms) => setTimeout(cb, ms), clear: (h) => clearTimeout(h) },
    errors = new ErrorHandler(),
    smooth = true,
  }) {
    this.#delegate = delegate;
    this.#createSource = createEventSource;
    this.#createFallback = createFallback;
    this.#useFallback = createEventSource === null;
    this.#frames = frames;
    this.#timers = timers;
    this.#errors = errors;
    this.#smooth = smooth;
  }

  /** The id of the last event received: where a resume continues from. */
  get lastEventId() { return this.#lastEventId; }

  /** Characters received but not yet revealed. */
  get bufferedChars() { return this.#queue.reduce((n, item) => n + (item.kind === 'text' ? item.text.length : 0), 0); }

  get isActive() { return !this.#ended; }

  /** Whether events come by long-polling rather than SSE. */
  get usingFallback() { return this.#useFallback; }

  /** Answer events received so far: Ollama sends one token per event, so this is the live token count. */
  get deltaEvents() { return this.#deltaEvents; }

  /**
   * Tokens per second as the server wrote them, from the events' own times: right after a reload too,
   * when the replay arrives all at once. 0 until half a second of answer has been seen.
   */
  get tokensPerSecond() {
    const span = (this.#lastDeltaMs - this.#firstDeltaMs) / 1000;
    return this.#deltaEvents > 1 && span >= 0.5 ? (this.#deltaEvents - 1) / span : 0;
  }

  /**
   * Attaches to a generation's events, after `lastEventId` when resuming.
   * @param {string} eventsUrl
   * @param {number} [lastEventId]
   */
  connect(eventsUrl, lastEventId = 0) {
    this.close();
    this.#url = eventsUrl;
    this.#lastEventId = lastEventId;
    this.#deltaEvents = 0;
    this.#attempt = 0;
    this.#ended = false;
    this.#open();
  }

  /** Detaches without waiting for the rest; what is buffered is dropped. The generation itself runs on. */
  close() {
    this.#ended = true;
    this.#source?.close();
    this.#source = null;
    this.#queue = [];
    this.#cancelScheduled();
    if (this.#retryTimer !== null) this.#timers.clear(this.#retryTimer);
    this.#retryTimer = null;
  }

  #open() {
    const url = this.#lastEventId > 0 ? withQuery(this.#url, 'lastEventId', String(this.#lastEventId)) : this.#url;
    const source = this.#useFallback || !this.#createSource ? this.#createFallback(url) : this.#createSource(url);
    this.#source = source;
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        if (source !== this.#source) return;
        // The server's `event: error` carries data; the EventSource's own transport error does not.
        if (name === 'error' && typeof event.data !== 'string') this.#onTransportError(source);
        else this.#onEvent(name, event);
      });
    }
    source.onopen = () => {
      if (source !== this.#source) return;
      if (this.#attempt > 0) {
        this.#errors.recordRecovery();
        this.#delegate.onReconnected?.();
      }
      this.#attempt = 0;
    };
  }

  /** @param {string} name @param {{ data: string, lastEventId: string }} event */
  #onEvent(name, event) {
    const id = Number(event.lastEventId);
    if (Number.isInteger(id) && id > 0) {
      if (id <= this.#lastEventId) return;
      this.#lastEventId = id;
    }
    this.#receivedAny = true;
    const data = JSON.parse(event.data);
    if (name === 'restart') this.#deltaEvents = 0; // the rate and the count start again with the answer
    if (name === 'delta') {
      if (this.#deltaEvents++ === 0) this.#firstDeltaMs = data.elapsedMs ?? 0;
      this.#lastDeltaMs = data.elapsedMs ?? 0;
    }
    if (name === 'delta' || name === 'thinking') {
      const last = this.#queue.at(-1);
      if (last?.kind === 'text' && last.type === name) last.text += data.text;
      else this.#queue.push({ kind: 'text', type: name, text: data.text });
      // A steady pace that empties the whole buffer within CATCH_UP_FRAMES of the latest arrival.
      this.#charsPerFrame = Math.max(StreamManager.MIN_CHARS_PER_FRAME, Math.ceil(this.bufferedChars / StreamManager.CATCH_UP_FRAMES));
    } else {
      this.#queue.push({ kind: 'event', name, data });
    }
    if (name === 'done' || name === 'error') {
      // The server ends the response now; without this, EventSource would reconnect and replay nothing.
      this.#source?.close();
      this.#source = null;
    }
    this.#schedule();
  }

  /** @param {EventSourceLike} source */
  #onTransportError(source) {
    if (this.#ended || source !== this.#source) return;
    this.#attempt++;
    this.#errors.recordRetry();
    if (!this.#useFallback && !this.#receivedAny && this.#attempt >= StreamManager.FALLBACK_AFTER_FAILURES) {
      // SSE never got a single event through: something on the way (a proxy, a firewall) eats it.
      this.#useFallback = true;
      source.close();
      this.#source = null;
      this.#delegate.onReconnecting?.(this.#attempt);
      this.#open();
      return;
    }
    if (source.readyState !== CLOSED) {
      // The browser reconnects by itself and sends Last-Event-ID; just say so.
      this.#delegate.onReconnecting?.(this.#attempt);
      if (this.#errors.nextDelay(this.#attempt) === null) this.#giveUp();
      return;
    }
    // Closed for good (the server refused the stream): reconnect ourselves, with backoff.
    source.close();
    this.#source = null;
    const delay = this.#errors.nextDelay(this.#attempt);
    if (delay === null) {
      this.#giveUp();
      return;
    }
    this.#delegate.onReconnecting?.(this.#attempt);
    this.#retryTimer = this.#timers.set(() => {
      this.#retryTimer = null;
      if (!this.#ended) this.#open();
    }, delay);
  }

  #giveUp() {
    this.#errors.recordFailure();
    this.close();
    this.#delegate.onLost?.({ code: 'stream_lost', message: 'Lost the connection to this answer. It may still be running on the server.' });
  }

  #schedule() {
    if (this.#frame !== null || this.#queue.length === 0) return;
    this.#frame = this.#frames.request(this.#tick);
    // Hidden tabs pause animation frames; without this, `done` would wait until the tab is shown again.
    this.#frameFallback = this.#timers.set(this.#tickWithoutFrame, StreamManager.FRAME_FALLBACK_MS);
  }

  #cancelScheduled() {
    if (this.#frame !== null) this.#frames.cancel(this.#frame);
    if (this.#frameFallback !== null) this.#timers.clear(this.#frameFallback);
    this.#frame = null;
    this.#frameFallback = null;
  }

  #tick = () => this.#run(this.#smooth ? this.#charsPerFrame : Infinity);

  // Nobody watches a reveal in a hidden tab: deliver everything that waits.
  #tickWithoutFrame = () => this.#run(Infinity);

  /** @param {number} budget characters of text to hand over in this step */
  #run(budget) {
    this.#cancelScheduled();
    while (this.#queue.length > 0) {
      const item = this.#queue[0];
      if (item.kind === 'event') {
        this.#queue.shift();
        this.#deliver(item.name, item.data);
        if (this.#ended) return;
        continue;
      }
      if (budget <= 0) break;
      let take = safeCut(item.text, budget);
      if (!this.#smooth && this.#queue[1]?.kind !== 'event' && item.text.length < StreamManager.LONGEST_HELD_SENTENCE) {
        // Reduced motion: whole sentences only, the rest waits for its end (or for the answer's end).
        take = sentencesIn(item.text);
        if (take === 0) return;
      }
      this.#safely(() => this.#delegate.onText?.(item.type, item.text.slice(0, take)));
      budget -= take;
      item.text = item.text.slice(take);
      if (item.text.length === 0) this.#queue.shift();
    }
    this.#schedule();
  }

  /** @param {string} name @param {any} data */
  #deliver(name, data) {
    switch (name) {
      case 'status': this.#safely(() => this.#delegate.onStatus?.(data)); break;
      case 'restart': this.#safely(() => this.#delegate.onRestart?.(data)); break;
      case 'done': this.#ended = true; this.#safely(() => this.#delegate.onDone?.(data)); break;
      case 'error': this.#ended = true; this.#safely(() => this.#delegate.onError?.(data)); break;
    }
  }

  // A failing view must not freeze the stream: report it and keep delivering.
  /** @param {() => void} call */
  #safely(call) {
    try {
      call();
    } catch (error) {
      (globalThis.reportError ?? console.error)(error);
    }
  }
}

/** The length of the whole sentences (or lines) at the start of `text`. @param {string} text */
function sentencesIn(text) {
  let end = 0;
  for (const match of text.matchAll(/[.!?…:;]["'”’)\]]*\s|\n/g)) end = match.index + match[0].length;
  return end;
}

/** A cut at `n` or just after it that never splits a UTF-16 surrogate pair. @param {string} text @param {number} n */
function safeCut(text, n) {
  if (n >= text.length) return text.length;
  const code = text.charCodeAt(n - 1);
  return code >= 0xd800 && code <= 0xdbff ? n + 1 : n;
}

/** @param {string} url @param {string} name @param {string} value */
function withQuery(url, name, value) {
  const parsed = new URL(url, 'http://placeholder');
  parsed.searchParams.set(name, value);
  return parsed.origin === 'http://placeholder' ? parsed.pathname + parsed.search : parsed.toString();
}

// Test doubles for the browser APIs the classes use: EventSource, animation frames and timers.

/** An EventSource the test drives by hand: emit() delivers an event, fail() a transport error. */
export class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  /** @type {FakeEventSource[]} */
  static instances = [];

  readyState = FakeEventSource.CONNECTING;
  onopen = null;
  closed = false;
  #listeners = new Map();

  /** @param {string} url */
  constructor(url) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  addEventListener(type, listener) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, []);
    this.#listeners.get(type).push(listener);
  }

  close() {
    this.closed = true;
    this.readyState = FakeEventSource.CLOSED;
  }

  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.({});
  }

  /** @param {number} id @param {string} type @param {object} data */
  emit(id, type, data) {
    for (const listener of this.#listeners.get(type) ?? []) listener({ data: JSON.stringify(data), lastEventId: String(id) });
  }

  /** A transport error; `willReconnect` false means the browser gave up (readyState CLOSED). */
  fail(willReconnect = true) {
    this.readyState = willReconnect ? FakeEventSource.CONNECTING : FakeEventSource.CLOSED;
    for (const listener of this.#listeners.get('error') ?? []) listener({ type: 'error' });
  }

  static reset() { FakeEventSource.instances = []; }
  static get last() { return FakeEventSource.instances.at(-1); }
}

/** Animation frames that run only when the test says so. */
export class FakeFrames {
  #callbacks = new Map();
  #next = 1;
  request = (callback) => {
    const handle = this.#next++;
    this.#callbacks.set(handle, callback);
    return handle;
  };
  cancel = (handle) => this.#callbacks.delete(handle);
  get pending() { return this.#callbacks.size; }
  /** Runs one frame; returns false when nothing was scheduled. */
  step() {
    const due = [...this.#callbacks.values()];
    this.#callbacks.clear();
    due.forEach((callback) => callback());
    return due.length > 0;
  }
  /** Runs frames until none is scheduled; returns how many ran. */
  flush(limit = 10_000) {
    let frames = 0;
    while (this.step() && ++frames < limit);
    return frames;
  }
}

/** setTimeout stand-in whose clock the test advances. */
export class FakeTimers {
  now = 0;
  #timers = [];
  set = (callback, ms) => {
    const timer = { at: this.now + ms, callback };
    this.#timers.push(timer);
    return timer;
  };
  clear = (timer) => { this.#timers = this.#timers.filter((t) => t !== timer); };
  advance(ms) {
    this.now += ms;
    const due = this.#timers.filter((t) => t.at <= this.now);
    this.#timers = this.#timers.filter((t) => t.at > this.now);
    due.forEach((t) => t.callback());
  }
  get pending() { return this.#timers.length; }
}

/** A delegate that records every call in order. */
export function recordingDelegate() {
  const calls = [];
  return {
    calls,
    text: (kind = 'delta') => calls.filter((c) => c[0] === 'text' && c[1] === kind).map((c) => c[2]).join(''),
    onStatus: (data) => calls.push(['status', data.state]),
    onText: (kind, text) => calls.push(['text', kind, text]),
    onDone: (data) => calls.push(['done', data.reason]),
    onError: (data) => calls.push(['error', data.code]),
    onRestart: (data) => calls.push(['restart', data.reason]),
    onReconnecting: (attempt) => calls.push(['reconnecting', attempt]),
    onReconnected: () => calls.push(['reconnected']),
    onLost: (error) => calls.push(['lost', error.code]),
  };
}

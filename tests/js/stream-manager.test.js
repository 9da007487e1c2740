import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { StreamManager } from '../../src/Smail/wwwroot/js/stream-manager.js';
import { ErrorHandler } from '../../src/Smail/wwwroot/js/error-handler.js';
import { FakeEventSource, FakeFrames, FakeTimers, recordingDelegate } from './fakes.js';

let frames, timers, delegate, manager;

beforeEach(() => {
  FakeEventSource.reset();
  frames = new FakeFrames();
  timers = new FakeTimers();
  delegate = recordingDelegate();
  manager = new StreamManager({
    delegate,
    createEventSource: (url) => new FakeEventSource(url),
    createFallback: (url) => Object.assign(new FakeEventSource(url), { fallback: true }),
    frames,
    timers,
    errors: new ErrorHandler({ baseDelayMs: 100, maxAttempts: 3, random: () => 1 }),
  });
});

test('reveals the text in order and hands on done only after the last character', () => {
  manager.connect('/api/generations/g/events');
  const source = FakeEventSource.last;
  source.emit(1, 'status', { state: 'generating' });
  source.emit(2, 'delta', { text: 'Hello, ' });
  source.emit(3, 'delta', { text: 'world 👋🏽!' });
  source.emit(4, 'done', { reason: 'stop', stats: {} });

  frames.flush();

  assert.equal(delegate.text(), 'Hello, world 👋🏽!');
  assert.deepEqual(delegate.calls[0], ['status', 'generating']);
  assert.deepEqual(delegate.calls.at(-1), ['done', 'stop']);
  assert.equal(source.closed, true, 'closes the EventSource so it does not reconnect after done');
});

test('a restart is handed on between the text before it and the text after it, and the live count starts again', () => {
  manager.connect('/events');
  const source = FakeEventSource.last;
  source.emit(1, 'delta', { text: 'Once upon', elapsedMs: 10 });
  source.emit(2, 'delta', { text: ' a ti', elapsedMs: 20 });
  source.emit(3, 'restart', { reason: 'upstream_connection_lost' });
  source.emit(4, 'delta', { text: 'Once upon a time.', elapsedMs: 900 });

  frames.flush();

  const restartAt = delegate.calls.findIndex((c) => c[0] === 'restart');
  assert.deepEqual(delegate.calls[restartAt], ['restart', 'upstream_connection_lost']);
  assert.equal(delegate.calls.slice(0, restartAt).filter((c) => c[0] === 'text').map((c) => c[2]).join(''), 'Once upon a ti');
  assert.equal(delegate.calls.slice(restartAt).filter((c) => c[0] === 'text').map((c) => c[2]).join(''), 'Once upon a time.');
  assert.equal(manager.deltaEvents, 1);
});

test('spreads a burst evenly over CATCH_UP_FRAMES frames, never more', () => {
  manager.connect('/events');
  FakeEventSource.last.emit(1, 'delta', { text: 'x'.repeat(800) });

  frames.step();
  const afterOneFrame = delegate.text().length;
  const framesToReveal = 1 + frames.flush();

  assert.ok(afterOneFrame > 0 && afterOneFrame < 800, `first frame revealed ${afterOneFrame} characters`);
  assert.equal(afterOneFrame, 800 / StreamManager.CATCH_UP_FRAMES);
  assert.equal(framesToReveal, StreamManager.CATCH_UP_FRAMES);
  assert.equal(delegate.text(), 'x'.repeat(800));
});

test('never splits a surrogate pair between two frames', () => {
  manager.connect('/events');
  FakeEventSource.last.emit(1, 'delta', { text: '😀'.repeat(50) });

  frames.flush();

  for (const [, , piece] of delegate.calls.filter((c) => c[0] === 'text')) {
    assert.ok(!/[\uD800-\uDBFF]$/.test(piece), `piece ends inside a pair: ${JSON.stringify(piece)}`);
  }
  assert.equal(delegate.text(), '😀'.repeat(50));
});

test('reduced motion: text appears a whole sentence at a time, with no animation, and all of it at the end', () => {
  manager = new StreamManager({ delegate, createEventSource: (url) => new FakeEventSource(url), frames, timers, smooth: false });
  manager.connect('/events');
  const source = FakeEventSource.last;

  source.emit(1, 'delta', { text: 'The first sen' });
  frames.flush();
  assert.equal(delegate.text(), '', 'half a sentence waits');
  source.emit(2, 'delta', { text: 'tence ends here. The second' });
  frames.flush();
  assert.equal(delegate.text(), 'The first sentence ends here. ');
  source.emit(3, 'delta', { text: ' is cut off' });
  source.emit(4, 'done', { reason: 'stop', stats: {} });
  frames.flush();
  assert.equal(delegate.text(), 'The first sentence ends here. The second is cut off');
  assert.deepEqual(delegate.calls.at(-1), ['done', 'stop']);
});

test('without smoothing (reduced motion) a long run with no sentence end is not held back', () => {
  manager = new StreamManager({ delegate, createEventSource: (url) => new FakeEventSource(url), frames, timers, smooth: false });
  manager.connect('/events');
  FakeEventSource.last.emit(1, 'delta', { text: 'y'.repeat(5000) });

  assert.equal(frames.flush(), 1);
  assert.equal(delegate.text(), 'y'.repeat(5000));
});

test('keeps thinking and answer text apart', () => {
  manager.connect('/events');
  const source = FakeEventSource.last;
  source.emit(1, 'thinking', { text: 'Let me think.' });
  source.emit(2, 'delta', { text: 'Answer.' });

  frames.flush();

  assert.equal(delegate.text('thinking'), 'Let me think.');
  assert.equal(delegate.text('delta'), 'Answer.');
});

test('ignores events it already has, so a replay after reconnect never duplicates text', () => {
  manager.connect('/events');
  const source = FakeEventSource.last;
  source.emit(1, 'delta', { text: 'a' });
  source.emit(2, 'delta', { text: 'b' });
  source.fail(true);
  source.open();
  source.emit(2, 'delta', { text: 'b' });
  source.emit(3, 'delta', { text: 'c' });

  frames.flush();

  assert.equal(delegate.text(), 'abc');
  assert.equal(manager.lastEventId, 3);
});

test('reports a browser-managed reconnect and the recovery', () => {
  const errors = new ErrorHandler({ maxAttempts: 5 });
  manager = new StreamManager({ delegate, createEventSource: (url) => new FakeEventSource(url), frames, timers, errors });
  manager.connect('/events');
  const source = FakeEventSource.last;
  source.open();

  source.fail(true);
  source.fail(true);
  source.open();

  assert.deepEqual(delegate.calls, [['reconnecting', 1], ['reconnecting', 2], ['reconnected']]);
  assert.equal(errors.retries, 2);
  assert.equal(errors.recoveries, 1);
});

test('when the browser gives up, reconnects itself after a backoff with lastEventId in the URL', () => {
  manager.connect('/api/generations/g/events');
  const first = FakeEventSource.last;
  first.emit(5, 'delta', { text: 'partial' });

  first.fail(false);
  assert.equal(FakeEventSource.instances.length, 1, 'waits before reconnecting');
  timers.advance(100);

  assert.equal(FakeEventSource.instances.length, 2);
  assert.equal(FakeEventSource.last.url, '/api/generations/g/events?lastEventId=5');
});

test('falls back to long-polling when SSE never gets a single event through', () => {
  manager.connect('/api/generations/g/events');
  FakeEventSource.last.fail(false);
  timers.advance(100);
  FakeEventSource.last.fail(false);
  timers.advance(200);

  FakeEventSource.last.fail(true);

  assert.equal(FakeEventSource.last.fallback, true);
  assert.equal(manager.usingFallback, true);
  FakeEventSource.last.emit(1, 'delta', { text: 'via poll' });
  frames.flush();
  assert.equal(delegate.text(), 'via poll');
});

test('once events have flowed over SSE, a drop is a reconnect, not a fallback', () => {
  manager.connect('/events');
  FakeEventSource.last.emit(1, 'delta', { text: 'a' });
  for (let i = 0; i < 3; i++) FakeEventSource.last.fail(true);

  assert.equal(manager.usingFallback, false);
});

test('without EventSource at all, starts with long-polling', () => {
  manager = new StreamManager({
    delegate, createEventSource: null, frames, timers,
    createFallback: (url) => Object.assign(new FakeEventSource(url), { fallback: true }),
  });

  manager.connect('/api/generations/g/events');

  assert.equal(FakeEventSource.last.fallback, true);
});

test('gives up after the last attempt and says the answer may still be running', () => {
  manager.connect('/events');
  for (let attempt = 1; attempt <= 4; attempt++) {
    FakeEventSource.last.fail(false);
    timers.advance(10_000);
  }

  assert.deepEqual(delegate.calls.at(-1), ['lost', 'stream_lost']);
  assert.equal(manager.isActive, false);
});

test('a server error event ends the stream with its code', () => {
  manager.connect('/events');
  FakeEventSource.last.emit(1, 'delta', { text: 'Once' });
  FakeEventSource.last.emit(2, 'error', { code: 'model_error', message: 'boom', retryable: true });

  frames.flush();

  assert.equal(delegate.text(), 'Once');
  assert.deepEqual(delegate.calls.at(-1), ['error', 'model_error']);
  assert.equal(manager.isActive, false);
});

test('resuming from an id asks the server only for what came after it', () => {
  manager.connect('/api/generations/g/events?x=1', 12);

  assert.equal(FakeEventSource.last.url, '/api/generations/g/events?x=1&lastEventId=12');
});

test('close stops everything: no more frames, no reconnects', () => {
  manager.connect('/events');
  FakeEventSource.last.emit(1, 'delta', { text: 'abc' });

  manager.close();

  assert.equal(frames.pending, 0);
  assert.equal(FakeEventSource.last.closed, true);
  assert.equal(frames.flush(), 0);
  assert.equal(delegate.text(), '');
});

test('in a background tab, where animation frames never run, the text and done still arrive', () => {
  manager.connect('/events');
  const source = FakeEventSource.last;
  source.emit(1, 'delta', { text: 'x'.repeat(500) });
  source.emit(2, 'done', { reason: 'stop', stats: {} });

  timers.advance(StreamManager.FRAME_FALLBACK_MS);

  assert.equal(frames.pending, 0, 'the frame that never ran is cancelled');
  assert.equal(delegate.text(), 'x'.repeat(500));
  assert.deepEqual(delegate.calls.at(-1), ['done', 'stop']);
});

test('the rate comes from the server\'s times, so a replay that arrives all at once still reads 25 tok/s', () => {
  manager.connect('/events');
  const source = FakeEventSource.last;
  // 51 tokens written 40 ms apart, replayed in one go after a reload.
  for (let i = 0; i <= 50; i++) source.emit(i + 1, 'delta', { text: `t${i} `, elapsedMs: 300 + i * 40 });

  assert.equal(manager.deltaEvents, 51);
  assert.equal(manager.tokensPerSecond, 25);
});

test('no rate before half a second of answer, or from a server that sends no times', () => {
  manager.connect('/events');
  const source = FakeEventSource.last;
  source.emit(1, 'delta', { text: 'a', elapsedMs: 100 });
  source.emit(2, 'delta', { text: 'b', elapsedMs: 400 });
  assert.equal(manager.tokensPerSecond, 0);
  source.emit(3, 'delta', { text: 'c' });
  assert.equal(manager.tokensPerSecond, 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UiStateManager, TRANSITIONS, statusText } from '../../src/Smail/wwwroot/js/ui-state-manager.js';

function create() {
  const status = { textContent: '' };
  const root = { dataset: {} };
  let now = 0;
  const ui = new UiStateManager({ status, root, now: () => now });
  return { ui, status, root, advance: (ms) => { now += ms; } };
}

test('follows a whole answer: sending, queued, connecting, loading, thinking, generating, done', () => {
  const { ui, root } = create();
  for (const state of ['sending', 'queued', 'connecting', 'loading_model', 'thinking', 'generating', 'done']) {
    assert.equal(ui.transition(state), true, `→ ${state}`);
    assert.equal(root.dataset.state, state);
  }
});

test('refuses transitions the machine does not allow, and stays where it was', (t) => {
  t.mock.method(console, 'warn', () => {});
  const { ui } = create();

  assert.equal(ui.transition('generating'), true);
  assert.equal(ui.transition('sending'), false);
  assert.equal(ui.state, 'generating');
});

test('every state can reach an end, and every end can start again', () => {
  for (const [state, next] of Object.entries(TRANSITIONS)) {
    if (['done', 'stopped', 'error'].includes(state)) assert.ok(next.includes('sending'), state);
    else if (state !== 'sending') assert.ok(next.includes('error') && next.includes('done') && next.includes('stopped'), state);
  }
  assert.ok(TRANSITIONS.sending.includes('error'));
});

test('leaving an answer mid-stream (another conversation, an undone edit) clears the status line and says nothing', () => {
  const status = { textContent: '' };
  const said = [];
  const ui = new UiStateManager({ status, root: { dataset: {} }, announce: (words) => said.push(words) });

  ui.transition('generating');
  ui.update({ tokens: 6 });
  assert.equal(ui.transition('idle'), true);

  assert.equal(status.textContent, '');
  assert.equal(ui.isStreaming, false);
  assert.deepEqual(said, ['Generating']);
});

test('announces each change with the previous and the new state', () => {
  const { ui } = create();
  const seen = [];
  ui.addEventListener('statechange', (e) => seen.push(e.detail));

  ui.transition('sending');
  ui.transition('queued');

  assert.deepEqual(seen, [{ previous: 'idle', state: 'sending' }, { previous: 'sending', state: 'queued' }]);
});

test('says honestly what is happening', () => {
  const { ui, status, advance } = create();

  ui.transition('loading_model');
  assert.equal(status.textContent, 'Loading model…');
  advance(3200);
  ui.update({});
  assert.equal(status.textContent, 'Loading model… 3.2 s');

  ui.transition('generating');
  ui.update({ tokens: 120, tokensPerSecond: 41.4 });
  assert.equal(status.textContent, 'Generating · 120 tokens · 41 tok/s');

  ui.transition('reconnecting', { attempt: 2 });
  assert.equal(status.textContent, 'Reconnecting… (attempt 2)');

  ui.transition('done', { tokens: 300, tokensPerSecond: 38.25, ttftMs: 420 });
  assert.equal(status.textContent, 'Done', 'the answer\'s footer has the stats; the status line does not repeat them');
});

test('an error shows its message, and a retry announces attempt and delay', () => {
  assert.equal(statusText('error', { message: "Model 'x' is not installed." }, 0), "Model 'x' is not installed.");
  assert.equal(statusText('retrying', { attempt: 3, delayMs: 2000 }, 0), 'Retrying (attempt 3) in 2.0 s…');
});

test('isStreaming is true exactly while an answer is on its way', () => {
  const { ui } = create();
  assert.equal(ui.isStreaming, false);
  ui.transition('sending');
  assert.equal(ui.isStreaming, false);
  ui.transition('generating');
  assert.equal(ui.isStreaming, true);
  ui.transition('reconnecting');
  assert.equal(ui.isStreaming, true);
  ui.transition('stopped');
  assert.equal(ui.isStreaming, false);
});

test('a hint joins the status line, survives live updates, and goes with the next state', () => {
  const { ui, status } = create();
  ui.transition('generating', { tokens: 3 });

  ui.hint('your message is kept');
  ui.update({ tokens: 4 });

  assert.equal(status.textContent, 'Generating · 4 tokens · your message is kept');
  ui.transition('done', { tokens: 4 });
  assert.equal(status.textContent, 'Done');
});

test('announces changes of state, never the live numbers', () => {
  const heard = [];
  const ui = new UiStateManager({ status: { textContent: '' }, root: { dataset: {} }, now: () => 0, announce: (words) => heard.push(words) });

  ui.transition('sending');
  ui.transition('generating', { tokens: 1 });
  for (let tokens = 2; tokens < 50; tokens++) ui.update({ tokens });
  ui.transition('generating', { tokens: 50 });
  ui.transition('done', { tokens: 50 });

  assert.deepEqual(heard, ['Generating', 'Done']);
});

test('one token is a token', () => {
  assert.equal(statusText('generating', { tokens: 1 }, 0), 'Generating · 1 token');
  assert.equal(statusText('generating', { tokens: 2 }, 0), 'Generating · 2 tokens');
});

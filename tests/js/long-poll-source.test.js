import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LongPollSource } from '../../src/Smail/wwwroot/js/long-poll-source.js';

/** A fetch that answers each poll from a script of [status, events] pairs and records the URLs asked. */
function scriptedFetch(answers) {
  const urls = [];
  const fetch = async (url) => {
    urls.push(url);
    const [status, body] = answers.shift() ?? [200, []];
    return { ok: status === 200, status, json: async () => body };
  };
  return { fetch, urls };
}

const until = async (condition) => {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
};

test('polls from the resume id, delivers events like EventSource, and stops after done', async () => {
  const { fetch, urls } = scriptedFetch([
    [200, [{ id: 4, event: 'delta', data: { text: 'He' } }]],
    [200, [{ id: 5, event: 'delta', data: { text: 'llo' } }, { id: 6, event: 'done', data: { reason: 'stop' } }]],
  ]);
  const seen = [];
  let opened = false;

  const source = new LongPollSource('/api/generations/g/events?lastEventId=3', { fetch, sleep: async () => {} });
  source.onopen = () => { opened = true; };
  for (const type of ['delta', 'done']) source.addEventListener(type, (e) => { seen.push([type, e.lastEventId, JSON.parse(e.data)]); if (type === 'done') source.close(); });
  await until(() => seen.length === 3);

  assert.deepEqual(urls.slice(0, 2), ['/api/generations/g/poll?after=3', '/api/generations/g/poll?after=4']);
  assert.deepEqual(seen, [['delta', '4', { text: 'He' }], ['delta', '5', { text: 'llo' }], ['done', '6', { reason: 'stop' }]]);
  assert.equal(opened, true);
  assert.equal(source.readyState, 2);
});

test('a generation that is gone closes the source with an error', async () => {
  const { fetch } = scriptedFetch([[410, {}]]);
  let errored = false;

  const source = new LongPollSource('/api/generations/g/events', { fetch, sleep: async () => {} });
  source.addEventListener('error', () => { errored = true; });
  await until(() => errored);

  assert.equal(source.readyState, 2);
});

test('a failed poll reports an error and tries again', async () => {
  const { fetch, urls } = scriptedFetch([[500, {}], [200, [{ id: 1, event: 'done', data: {} }]]]);
  let errors = 0;
  const source = new LongPollSource('/api/generations/g/events', { fetch, sleep: async () => {} });
  source.addEventListener('error', () => errors++);
  source.addEventListener('done', () => source.close());
  await until(() => source.readyState === 2);

  assert.equal(errors, 1);
  assert.equal(urls.length, 2);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perMinute } from '../../src/Smail/wwwroot/js/dashboard/rates.js';

const bucket = (generations) => ({ start: '', generations, errors: 0, retries: 0, timeToFirstChunkP50: null,
  timeToFirstChunkP95: null, tokensPerSecond: null, activeGenerations: 0, connections: 0 });

test('one answer is one per minute for the minute after it, not twelve', () => {
  const buckets = [bucket(1), ...Array.from({ length: 13 }, () => bucket(0))];
  const rate = perMinute('generations');

  const values = buckets.map((b, i) => rate(b, 5, i, buckets));

  assert.deepEqual(values.slice(0, 12), Array(12).fill(1));
  assert.equal(values[12], 0, 'a minute later it has left the window');
});

test('answers in the same minute add up', () => {
  const buckets = [bucket(2), bucket(0), bucket(3)];
  assert.equal(perMinute('generations')(buckets[2], 5, 2, buckets), 5);
});

// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, formatBytes, formatDuration } from '../../src/Smail/wwwroot/js/views/models-dialog.js';

/** @param {Partial<import('../../src/Smail/wwwroot/js/views/models-dialog.js').Pull>} fields */
const pull = (fields) => ({ id: 'p', model: 'mistral:7b', upstream: 'ollama', state: /** @type {const} */ ('running'), status: 'pulling 6577803aa9a0',
  completed: 0, total: 0, bytesPerSecond: 0, ...fields });

test('a running download says how much of how much, how fast and how long is left, once each is known', () => {
  assert.equal(describe(pull({ status: 'pulling manifest' })), 'pulling manifest');
  assert.equal(describe(pull({ completed: 206_000_000, total: 4_113_301_824 })), '206 MB of 4.1 GB');
  assert.equal(describe(pull({ completed: 1_200_000_000, total: 4_113_301_824, bytesPerSecond: 35_000_000, secondsLeft: 83.2 })),
    '1.2 GB of 4.1 GB · 35.0 MB/s · about 1 min left');
});

test('an ended download says how it ended', () => {
  assert.equal(describe(pull({ state: 'succeeded', completed: 4_113_301_824, total: 4_113_301_824 })), 'Done: 4.1 GB');
  assert.equal(describe(pull({ state: 'cancelled' })), 'Cancelled');
  assert.equal(describe(pull({ state: 'failed', error: "The registry has no model 'x'." })), "Failed: The registry has no model 'x'.");
});

test('sizes and durations read as people say them', () => {
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(2_019_393_189), '2.0 GB');
  assert.equal(formatBytes(512_000_000), '512 MB');
  assert.equal(formatDuration(0.2), '1 s');
  assert.equal(formatDuration(125), '2 min');
  assert.equal(formatDuration(5400), '1.5 h');
});

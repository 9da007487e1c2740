import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorHandler } from '../../src/Smail/wwwroot/js/error-handler.js';
import { ApiError } from '../../src/Smail/wwwroot/js/api-client.js';

test('backoff doubles per attempt up to the cap, with jitter in the upper half', () => {
  const high = new ErrorHandler({ baseDelayMs: 500, maxDelayMs: 4000, maxAttempts: 6, random: () => 1 });
  const low = new ErrorHandler({ baseDelayMs: 500, maxDelayMs: 4000, maxAttempts: 6, random: () => 0 });

  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => high.nextDelay(a)), [500, 1000, 2000, 4000, 4000, 4000]);
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => low.nextDelay(a)), [250, 500, 1000, 2000, 2000, 2000]);
});

test('gives up after maxAttempts', () => {
  const handler = new ErrorHandler({ maxAttempts: 2 });

  assert.notEqual(handler.nextDelay(2), null);
  assert.equal(handler.nextDelay(3), null);
});

test('classifies failures by where they happened and whether a retry can help', () => {
  const handler = new ErrorHandler();

  assert.deepEqual(handler.classify(new TypeError('Failed to fetch')).kind, 'network');
  assert.deepEqual(handler.classify({ code: 'model_not_found', message: 'pull it', retryable: false }),
    { kind: 'model', code: 'model_not_found', message: 'pull it', retryable: false });
  assert.equal(handler.classify({ code: 'upstream_busy', message: 'busy', retryable: true }).kind, 'upstream');
  assert.equal(handler.classify({ code: 'upstream_busy', message: 'busy', retryable: true }).retryable, true);
  const client = handler.classify(new ApiError(400, 'empty_content', 'Type something'));
  assert.deepEqual([client.kind, client.retryable], ['client', false]);
  const conflict = handler.classify(new ApiError(409, 'generation_in_progress', 'wait'));
  assert.equal(conflict.kind, 'client');
  const server = handler.classify(new ApiError(500, 'internal_error', 'oops'));
  assert.deepEqual([server.kind, server.retryable], ['server', true]);
});

test('counts retries, recoveries and failures for the metrics', () => {
  const handler = new ErrorHandler();
  handler.recordRetry();
  handler.recordRetry();
  handler.recordRecovery();
  handler.recordFailure();

  assert.deepEqual([handler.retries, handler.recoveries, handler.failures], [2, 1, 1]);
});

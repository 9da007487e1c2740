// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optionsFrom, settingsFrom } from '../../src/Smail/wwwroot/js/conversation-settings.js';

test('stored options become settings, and back, keeping options the dialog does not show', () => {
  const stored = { systemPrompt: 'Be brief.', options: { temperature: 0.2, top_p: 0.9, num_ctx: 8192, think: false, mirostat: 2 } };

  const settings = settingsFrom(stored);
  assert.deepEqual(settings, { systemPrompt: 'Be brief.', temperature: 0.2, topP: 0.9, seed: null, numCtx: 8192, think: false });
  assert.deepEqual(optionsFrom({ ...settings, seed: 7, think: true, temperature: null }, stored.options),
    { top_p: 0.9, num_ctx: 8192, mirostat: 2, seed: 7 });
});

test('nothing stored is the model defaults, with thinking on', () => {
  assert.deepEqual(settingsFrom(null), { systemPrompt: '', temperature: null, topP: null, seed: null, numCtx: null, think: true });
  assert.deepEqual(optionsFrom(settingsFrom(null)), {});
});

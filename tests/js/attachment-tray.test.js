// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizeText } from '../../src/Smail/wwwroot/js/views/attachment-tray.js';

/** @param {Partial<import('../../src/Smail/wwwroot/js/api-client.js').Attachment>} fields */
const file = (fields) => ({ id: 'a'.repeat(64), name: 'notes.md', kind: /** @type {const} */ ('text'), mediaType: 'text/plain', size: 0, ...fields });

test('a file in the tray says its size, and for text how much of the context it takes', () => {
  assert.equal(sizeText(file({ size: 12_700, textLength: 3400 })), '12 KB · 3,400 characters');
  assert.equal(sizeText(file({ size: 2_400_000, mediaType: 'application/pdf', textLength: 181_200 })), '2.3 MB · 181,200 characters');
  assert.equal(sizeText(file({ kind: 'image', mediaType: 'image/png', size: 300 })), '1 KB');
});

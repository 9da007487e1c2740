// @ts-check
import { AccountsApi } from '../accounts-api.js';
import { ApiError, SIGNED_OUT_EVENT } from '../api-client.js';
import { Toast } from '../views/toast.js';
import { actionButton, actionsCell, ago, cell, goToSignIn } from './format.js';

/** The account page: the person's API tokens (created, shown once, revoked), and signing out. */

/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);
const api = new AccountsApi();
const toast = new Toast($('toast'));
addEventListener(SIGNED_OUT_EVENT, () => goToSignIn());

/** @param {string} text */
function showError(text) {
  $('token-error').textContent = text;
  $('token-error').hidden = !text;
}

async function showTokens() {
  const tokens = await api.tokens();
  const rows = tokens.map((token) => {
    const row = document.createElement('tr');
    row.append(
      cell('Name', token.name),
      cell('Created', ago(token.createdAt)),
      cell('Last used', ago(token.lastUsedAt)),
    );
    row.append(actionsCell([actionButton('Revoke', async () => {
      await api.revokeToken(token.id);
      toast.show(`Revoked “${token.name}”. Anything using it is signed out now.`);
      await showTokens();
    }, 'button--ghost', `Revoke “${token.name}”`)]));
    return row;
  });
  if (rows.length === 0) {
    const row = document.createElement('tr');
    const empty = cell('', 'No tokens yet.');
    empty.colSpan = 4;
    empty.className = 'empty';
    row.append(empty);
    rows.push(row);
  }
  $('token-list').replaceChildren(...rows);
}

const me = await api.me();
if (me.mode === 'none') location.replace('/');
$('account-name').textContent = `: ${me.username}`;

$('token-form').addEventListener('submit', async (/** @type {SubmitEvent} */ event) => {
  event.preventDefault();
  showError('');
  try {
    const created = await api.createToken($('token-name').value.trim());
    $('token-secret').value = created.token;
    $('token-created').hidden = false;
    $('token-name').value = '';
    $('token-secret').select();
    await showTokens();
  } catch (error) {
    showError(error instanceof ApiError ? error.message : 'Smail could not be reached.');
  }
});
$('token-copy').addEventListener('click', async () => {
  await navigator.clipboard.writeText($('token-secret').value);
  $('token-copy').textContent = 'Copied';
});
$('password-section').hidden = me.mode !== 'local';
// For password managers, which file the new password under the account's name.
$('password-form').elements.namedItem('username').value = me.username;
$('password-form').addEventListener('submit', async (/** @type {SubmitEvent} */ event) => {
  event.preventDefault();
  $('password-error').hidden = true;
  try {
    await api.changePassword($('current-password').value, $('new-password').value);
    $('password-form').reset();
    toast.show('Password changed. You are signed out everywhere else, and your tokens are revoked.');
    await showTokens();
  } catch (error) {
    $('password-error').textContent = error instanceof ApiError ? error.message : 'Smail could not be reached.';
    $('password-error').hidden = false;
  }
});
$('sign-out').addEventListener('click', async () => {
  await api.signOut();
  goToSignIn();
});
await showTokens();

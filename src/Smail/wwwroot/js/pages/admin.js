// @ts-check
import { AccountsApi } from '../accounts-api.js';
import { ApiError, SIGNED_OUT_EVENT } from '../api-client.js';
import { actionButton, actionsCell, ago, cell, goToSignIn } from './format.js';

/**
 * The admin page: every account with its last activity, to approve, disable, enable or delete; and the
 * audit log. Disabling or deleting someone ends their open streams on the server at once.
 */

/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);
const api = new AccountsApi();
addEventListener(SIGNED_OUT_EVENT, () => goToSignIn());

const AUDIT_WORDS = /** @type {Record<string, string>} */ ({
  sign_in: 'Signed in', sign_in_failed: 'Failed sign-in', sign_out: 'Signed out', sign_up: 'Signed up', approve: 'Approved',
  disable: 'Disabled', enable: 'Enabled', delete: 'Deleted', token_created: 'Created a token', token_revoked: 'Revoked a token',
  password_set: 'Password set',
});

/** @param {string} text */
function showError(text) {
  $('admin-error').textContent = text;
  $('admin-error').hidden = !text;
}

/** @param {() => Promise<unknown>} change */
async function act(change) {
  showError('');
  try {
    await change();
  } catch (error) {
    showError(error instanceof ApiError ? error.message : 'Smail could not be reached.');
  }
  await show();
}

/** @param {string} name @returns {Promise<boolean>} */
function confirmDelete(name) {
  const dialog = /** @type {HTMLDialogElement} */ ($('confirm-dialog'));
  $('confirm-title').textContent = `Delete ${name}?`;
  $('confirm-text').textContent = `${name}’s account, tokens and conversations are removed, and they are signed out everywhere. This cannot be undone.`;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true }));
}

/** @param {import('../accounts-api.js').AdminUser} user @param {string} myId */
function userRow(user, myId) {
  const row = document.createElement('tr');
  row.dataset.userId = user.id;
  const status = document.createElement('span');
  status.className = `badge badge--${user.status}`;
  status.textContent = user.status;
  const name = user.id === myId ? `${user.username} (you)` : user.username;
  row.append(
    cell('Name', name), cell('Role', user.role), cell('Status', status), cell('Joined', ago(user.createdAt)),
    cell('Last active', ago(user.lastSeenAt)), cell('Chats', String(user.conversations)),
  );
  /** @type {HTMLElement[]} */
  const buttons = [];
  if (user.id !== myId) {
    if (user.status === 'pending') buttons.push(actionButton('Approve', () => act(() => api.changeUser(user.id, 'approve')), '', `Approve ${user.username}`));
    if (user.status !== 'disabled') buttons.push(actionButton('Disable', () => act(() => api.changeUser(user.id, 'disable')), 'button--ghost', `Disable ${user.username}`));
    else buttons.push(actionButton('Enable', () => act(() => api.changeUser(user.id, 'enable')), 'button--ghost', `Enable ${user.username}`));
    buttons.push(actionButton('Delete', async () => {
      if (await confirmDelete(user.username)) await act(() => api.deleteUser(user.id));
    }, 'button--danger', `Delete ${user.username}`));
  }
  row.append(actionsCell(buttons));
  return row;
}

/** @param {import('../accounts-api.js').AuditEntry} entry */
function auditRow(entry) {
  const row = document.createElement('tr');
  const time = document.createElement('time');
  time.dateTime = entry.at;
  time.textContent = ago(entry.at);
  time.title = new Date(entry.at).toLocaleString();
  row.append(cell('When', time), cell('What', AUDIT_WORDS[entry.action] ?? entry.action), cell('Who', entry.actor ?? '—'),
    cell('Account', entry.target ?? '—'), cell('Detail', entry.detail ?? ''));
  return row;
}

async function show() {
  const [users, audit] = await Promise.all([api.users(), api.audit(50)]);
  $('user-list').replaceChildren(...users.map((u) => userRow(u, me.id)));
  $('audit-list').replaceChildren(...audit.map(auditRow));
}

const me = await api.me();
if (me.role !== 'admin') location.replace('/');
await show();

// @ts-check
import { AccountsApi } from '../accounts-api.js';
import { ApiError } from '../api-client.js';

/**
 * The sign-in page: signs in, or signs up (the first account is the admin; later ones may wait for an admin's
 * approval), in whatever way the server's Auth:Mode offers. Signed in already, or with no accounts at all
 * (Auth:Mode=none), it goes straight to the chat.
 */

/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);
const api = new AccountsApi();

/** What a redirect to this page may say (from the OIDC sign-in, which cannot answer with JSON). */
const NOTICES = {
  pending: 'Your account is waiting for an admin’s approval. Try again once they have approved it.',
  disabled: 'Your account is disabled. Ask an admin.',
  closed: 'Sign-up is closed on this server. Ask an admin to add you.',
  signedout: 'You were signed out.',
};

let signingUp = false;

/** @param {string} text */
function showError(text) {
  $('signin-error').textContent = text;
  $('signin-error').hidden = !text;
}

/** @param {string} text */
function showNotice(text) {
  $('signin-notice').textContent = text;
  $('signin-notice').hidden = !text;
}

/** @param {boolean} toSignUp */
function setSigningUp(toSignUp) {
  signingUp = toSignUp;
  $('signin-title').textContent = toSignUp ? 'Create an account' : 'Sign in';
  $('signin-submit').textContent = toSignUp ? 'Create account' : 'Sign in';
  $('signin-switch-text').textContent = toSignUp ? 'Have an account?' : 'New here?';
  $('signin-switch').textContent = toSignUp ? 'Sign in instead' : 'Create an account';
  $('password').autocomplete = toSignUp ? 'new-password' : 'current-password';
  $('password').minLength = toSignUp ? 8 : 0;
  $('password-hint').hidden = !toSignUp;
  document.title = `${toSignUp ? 'Create an account' : 'Sign in'} · Smail`;
  showError('');
}

function goToChat() {
  location.replace('/');
}

const settings = await api.options();
if (settings.mode === 'none' || settings.user) goToChat();

const query = new URLSearchParams(location.search);
const status = /** @type {keyof typeof NOTICES | null} */ (query.get('status'));
if (status && status in NOTICES) showNotice(NOTICES[status]);
if (query.get('error') === 'oidc') showError('The sign-in provider did not sign you in. Try again, or ask an admin.');

$('signin-form').hidden = settings.mode !== 'local';
$('signin-switch-row').hidden = settings.mode !== 'local' || settings.signUp === 'closed';
$('signin-oidc').hidden = settings.mode !== 'oidc';
$('signin-proxy').hidden = settings.mode !== 'proxy';
if (query.get('signup') === '1' && settings.signUp !== 'closed') setSigningUp(true);

$('signin-switch').addEventListener('click', () => { setSigningUp(!signingUp); $('username').focus(); });
$('signin-form').addEventListener('submit', async (/** @type {SubmitEvent} */ event) => {
  event.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  const submit = $('signin-submit');
  submit.disabled = true;
  showError('');
  try {
    if (signingUp) {
      const account = await api.signUp(username, password);
      if (account.status === 'pending') {
        setSigningUp(false);
        $('password').value = '';
        showNotice(`Thanks, ${account.username}. Your account is waiting for an admin’s approval; sign in once they have approved it.`);
        return;
      }
    } else {
      await api.signIn(username, password);
    }
    goToChat();
  } catch (error) {
    showError(error instanceof ApiError ? error.message : 'Smail could not be reached. Check your connection and try again.');
    $(error instanceof ApiError && error.code === 'username_taken' ? 'username' : 'password').focus();
  } finally {
    submit.disabled = false;
  }
});
$('username').focus();

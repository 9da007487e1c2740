// @ts-check
import { AccountsApi } from './accounts-api.js';
import { ApiClient, SIGNED_OUT_EVENT } from './api-client.js';
import { ChatController } from './chat-controller.js';
import { ErrorHandler } from './error-handler.js';
import { UiStateManager } from './ui-state-manager.js';
import { ChatView, copyMessage } from './views/chat-view.js';
import { optionsFrom, settingsFrom } from './conversation-settings.js';
import { Composer } from './views/composer.js';
import { Announcer } from './views/announcer.js';
import { ChangeFeed } from './change-feed.js';
import { describeShortcuts, handleShortcut } from './shortcuts.js';
import { AccountMenu } from './views/account-menu.js';
import { ImportPicker } from './views/import-picker.js';
import { ModelPicker } from './views/model-picker.js';
import { ModelsDialog } from './views/models-dialog.js';
import { OfflineNotice, reloadWhenReachable } from './views/offline-notice.js';
import { PopoverMenu } from './views/popover-menu.js';
import { SessionListView } from './views/session-list-view.js';
import { SettingsDialog } from './views/settings-dialog.js';
import { TelemetryReporter } from './telemetry.js';
import { Toast } from './views/toast.js';
import { AttachmentTray } from './views/attachment-tray.js';

/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);

// Offline (the page itself came from the service worker's copy), or Smail out of reach: say so, and start
// again once it answers.
const offline = new OfflineNotice($('offline-banner'));
const accounts = new AccountsApi();
/** @type {Awaited<ReturnType<AccountsApi['options']>>} */
let options;
try {
  options = await accounts.options();
} catch (error) {
  if (!(error instanceof TypeError)) throw error;
  if (navigator.onLine) offline.show('Smail cannot be reached right now. This page tries again by itself.');
  else offline.show();
  await reloadWhenReachable(() => accounts.options());
  await new Promise(() => {}); // the page reloads once Smail answers
  throw error;
}
// Who is here, before anything else asks the server: someone not signed in goes to sign in.
const me = options.user;
if (!me) {
  location.replace('/signin.html');
  await new Promise(() => {}); // Nothing more to do here: the sign-in page is loading.
}
const signedOut = () => location.replace('/signin.html?status=signedout');
// Signed out meanwhile (elsewhere, by an admin, or the sign-in expired): say so on the sign-in page.
addEventListener(SIGNED_OUT_EVENT, signedOut);
const accountMenu = new AccountMenu($('account-button'), $('account-menu'));
accountMenu.show(/** @type {import('./accounts-api.js').User} */ (me));
accountMenu.addEventListener('signout', async () => {
  await accounts.signOut();
  location.replace('/signin.html?status=signedout');
});

const api = new ApiClient();
const errors = new ErrorHandler();
const announcer = new Announcer($('announcer'));
const ui = new UiStateManager({
  status: $('status'), root: document.body, ticker: { set: (cb, ms) => setTimeout(cb, ms), clear: (h) => clearTimeout(h) },
  announce: (words) => announcer.say(words),
});
const chat = new ChatView($('messages'), $('conversation'), $('jump-latest'));
const telemetry = new TelemetryReporter();
const controller = new ChatController({ api, ui, errors, chat, telemetry, announcer, smooth: !matchMedia('(prefers-reduced-motion: reduce)').matches });
const models = new ModelPicker($('model'), $('upstream-banner'), api);
models.addEventListener('models', () => chat.setContinuable((model) => models.continues(model)));
/** "Regenerate with…": the models, to write one answer again with another. */
const modelMenu = new PopoverMenu('model-menu');
$('conversation').append(modelMenu.element); // in the main landmark: a popover shows in the top layer wherever it is
const sessions = new SessionListView($('session-list'), $('session-search'));
const settings = new SettingsDialog($('settings-dialog'));
const composer = new Composer($('composer'), $('prompt'), $('send'), /** @type {HTMLButtonElement} */ ($('attach')),
  /** @type {HTMLInputElement} */ ($('attach-input')));
const tray = new AttachmentTray($('attachment-tray'));
const toast = new Toast($('toast'));

// Composer: send; Stop (the button, or Esc) stops an answer on its way, and Enter then keeps the draft.
composer.addEventListener('submit', async (event) => {
  const { content } = /** @type {CustomEvent} */ (event).detail;
  if (ui.isStreaming) return;
  if (!models.selected) return toast.show('Choose a model first.');
  if (tray.uploading) return toast.show('A file is still uploading: send when it is ready.');
  // Said before anything is sent, as the server would: a model that cannot see would ignore the picture.
  const images = tray.images;
  if (images.length && !models.canSee(models.selected)) {
    return toast.show(`${models.selected} cannot see images, so “${images[0].name}” would be ignored. Choose a model with vision, or remove the image.`);
  }
  if (await controller.send(content, models.selected, tray.ids)) {
    composer.clear();
    tray.clear();
  }
});
// Files: each uploads at once into the open conversation, and waits in the tray for the message that carries it.
composer.addEventListener('files', (event) => {
  for (const file of /** @type {CustomEvent<{ files: File[] }>} */ (event).detail.files) attach(file);
});
tray.addEventListener('emptied', () => composer.focus());
/** @param {File} file */
async function attach(file) {
  if (!models.selected) return toast.show('Choose a model first.');
  const key = tray.add(file.name);
  try {
    const { attachment, url } = await controller.upload(file, models.selected);
    tray.uploaded(key, attachment, url);
  } catch (error) {
    tray.failed(key, file.name, errors.classify(error).message);
  }
}
// Keyboard shortcuts: SHORTCUTS lists them once, for this handler and for the `?` panel.
describeShortcuts(/** @type {HTMLElement} */ (document.querySelector('#shortcuts-dialog .shortcuts')));
document.addEventListener('keydown', (event) => {
  if (document.querySelector('dialog[open]')) return;
  handleShortcut(event, (action) => {
    switch (action) {
      case 'newChat': $('new-chat').click(); return true;
      case 'search': $('session-search').focus(); return true;
      case 'composer': composer.focus(); return true;
      case 'stop': if (!ui.isStreaming) return false; controller.stop(); return true;
      case 'copyLast': {
        const last = [...(controller.session?.messages ?? [])].reverse().find((m) => m.role === 'assistant');
        const button = /** @type {HTMLElement | null} */ (document.querySelector('.message--assistant:last-of-type [data-action="copy"]'));
        if (!last || !button) return false;
        copyMessage(last, button);
        return true;
      }
      case 'help': /** @type {HTMLDialogElement} */ ($('shortcuts-dialog')).showModal(); return true;
    }
  });
});
composer.addEventListener('stop', () => controller.stop());
composer.addEventListener('held', () => ui.hint('your message is kept: send it when this answer ends'));
ui.addEventListener('statechange', () => {
  composer.setStreaming(ui.isStreaming);
  chat.setEditable(!ui.isStreaming);
});

// Message actions.
chat.addEventListener('message-action', async (event) => {
  const { action, messageId, button } = /** @type {CustomEvent} */ (event).detail;
  const message = controller.session?.messages.find((m) => m.id === messageId);
  switch (action) {
    case 'copy': {
      telemetry.feature('copy_message');
      return copyMessage(message ?? { role: 'user', content: '' }, button);
    }
    case 'regenerate':
    case 'retry': return controller.regenerate(messageId, models.selected || undefined);
    case 'regenerate-with':
      return modelMenu.open(button, 'Regenerate with', models.menuItems(message?.model ?? ''), (model) => controller.regenerate(messageId, model));
    case 'continue': return controller.continueAnswer(messageId);
    case 'edit': {
      const messages = controller.session?.messages ?? [];
      const later = messages.length - 1 - messages.findIndex((m) => m.id === messageId);
      const content = await composer.editInline(/** @type {HTMLElement} */ (chat.find(messageId)), message?.content ?? '', later);
      if (content !== null) await controller.edit(messageId, content, models.selected);
      return;
    }
    case 'previous-version':
    case 'next-version': {
      const versions = controller.session?.siblings?.[messageId] ?? [];
      const version = versions[versions.indexOf(messageId) + (action === 'next-version' ? 1 : -1)];
      if (version && await controller.showVersion(version)) chat.focusVersionButton(version, action);
    }
  }
});

// Sidebar.
const refreshList = async () => {
  try {
    sessions.show(await api.sessions(sessions.query));
    sessions.setActive(controller.session?.id ?? null);
  } catch { /* the banner already says when Smail or Ollama is unreachable */ }
};
/** The conversation the tray's files were uploaded to: another one cannot send them. */
let trayFor = controller.session?.id ?? null;
controller.addEventListener('sessionchange', () => {
  if (trayFor !== (controller.session?.id ?? null) && trayFor !== null) tray.clear();
  trayFor = controller.session?.id ?? null;
  refreshList();
  $('conversation-title').textContent = controller.session?.title ?? 'New chat';
  if (controller.session?.model) models.select(controller.session.model);
});
sessions.addEventListener('search', () => { telemetry.feature('search'); refreshList(); });
sessions.addEventListener('open', (e) => { telemetry.feature('open_chat'); controller.open(/** @type {CustomEvent} */ (e).detail.id); closeSidebar(); });
sessions.addEventListener('rename', async (e) => {
  const { id, title } = /** @type {CustomEvent} */ (e).detail;
  telemetry.feature('rename');
  await api.updateSession(id, { title });
  if (controller.session?.id === id) await controller.open(id);
  else refreshList();
});
sessions.addEventListener('delete', async (e) => {
  const { id, title } = /** @type {CustomEvent} */ (e).detail;
  // Deleted on the server at once: Undo restores it there, so closing the tab cannot undo the delete,
  // and another tab sees the same list.
  telemetry.feature('delete');
  const wasOpen = controller.session?.id === id;
  sessions.setHidden(id, true);
  if (wasOpen) controller.newChat();
  try {
    await api.deleteSession(id);
  } catch (error) {
    sessions.setHidden(id, false);
    toast.show(errors.classify(error).message);
    return;
  }
  toast.show(`Deleted “${title}”`, {
    label: 'Undo',
    run: async () => {
      telemetry.feature('undo_delete');
      await api.restoreSession(id);
      sessions.setHidden(id, false);
      await refreshList();
      if (wasOpen) await controller.open(id);
    },
  }, 5000);
  refreshList();
});
sessions.addEventListener('export', (e) => {
  const { id, format } = /** @type {CustomEvent} */ (e).detail;
  telemetry.feature('export_chat');
  // A plain link: the browser saves the file under the name the server gives it.
  const link = document.createElement('a');
  link.href = api.exportUrl(id, format);
  link.download = '';
  link.click();
});
new ImportPicker($('import-chats'), $('import-file'), $('sidebar')).addEventListener('file', async (e) => {
  const { file } = /** @type {CustomEvent<{ file: File }>} */ (e).detail;
  telemetry.feature('import_chats');
  toast.show(`Importing “${file.name}”…`);
  try {
    const { sessions: imported } = await api.importConversations(file);
    await refreshList();
    await controller.open(imported[0]);
    closeSidebar();
    toast.show(imported.length === 1 ? `Imported 1 conversation from “${file.name}”.` : `Imported ${imported.length} conversations from “${file.name}”.`, undefined, 5000);
  } catch (error) {
    toast.show(`Nothing was imported: ${errors.classify(error).message}`, undefined, 10_000);
  }
});
// What changes elsewhere (other tabs, other people, the model server) shows here by itself.
const changes = new ChangeFeed();
let listRefresh = null;
const refreshListSoon = () => { listRefresh ??= setTimeout(() => { listRefresh = null; refreshList(); }, 50); };
changes.addEventListener('session', (event) => {
  const { id, change } = /** @type {CustomEvent<import('./change-feed.js').SessionChange>} */ (event).detail;
  refreshListSoon();
  if (id !== controller.session?.id) return;
  if (change === 'deleted') controller.newChat();
  else controller.sync();
});
changes.addEventListener('title', (event) => {
  const { id, title, done } = /** @type {CustomEvent<import('./change-feed.js').TitleChange>} */ (event).detail;
  // The sidebar shows the title being written; the header shows the conversation's stored title, which the
  // `updated` change after it brings.
  sessions.showTitle(id, title, done);
});
// Models (admins): pull with live progress, cancel, delete. A download belongs to the server, so a reload shows it again.
const modelsDialog = new ModelsDialog($('models-dialog'));
const installed = async () => (await api.models()).models;
if (me?.role === 'admin') {
  $('open-models').hidden = false;
  $('open-models').addEventListener('click', async () => modelsDialog.open(await installed()));
  api.pulls().then((pulls) => pulls.forEach((pull) => modelsDialog.showPull(pull))).catch(() => {});
}
changes.addEventListener('pull', async (event) => {
  const pull = /** @type {CustomEvent<import('./views/models-dialog.js').Pull>} */ (event).detail;
  modelsDialog.showPull(pull);
  if (pull.state === 'succeeded') {
    await models.load();
    modelsDialog.showInstalled(await installed());
  }
});
modelsDialog.addEventListener('pull', async (e) => {
  try {
    modelsDialog.showPull(await api.pullModel(/** @type {CustomEvent} */ (e).detail.model));
  } catch (error) {
    toast.show(`Cannot pull: ${errors.classify(error).message}`, undefined, 8000);
  }
});
modelsDialog.addEventListener('cancel', (e) => { api.cancelPull(/** @type {CustomEvent} */ (e).detail.id).catch(() => {}); });
modelsDialog.addEventListener('delete', async (e) => {
  try {
    await api.deleteModel(/** @type {CustomEvent} */ (e).detail.id);
  } catch (error) {
    toast.show(`Cannot delete: ${errors.classify(error).message}`, undefined, 8000);
  }
  modelsDialog.showInstalled(await installed());
  await models.load();
});
changes.addEventListener('health', (event) => models.upstreamChanged(/** @type {CustomEvent<import('./change-feed.js').HealthChange>} */ (event).detail));
changes.addEventListener('resync', () => { refreshListSoon(); controller.sync(); });
// The server refused the feed: most likely this browser was signed out (an admin disabled the account).
changes.addEventListener('refused', async () => { if (!(await accounts.options()).user) signedOut(); });

$('new-chat').addEventListener('click', () => { telemetry.feature('new_chat'); controller.newChat(); composer.focus(); closeSidebar(); });

// Settings.
$('open-settings').addEventListener('click', async () => {
  const current = controller.session;
  const presets = await api.presets().catch(() => []);
  const choice = await settings.edit(settingsFrom(current), announcer.answerReading,
    { canThink: models.canThink(models.selected), hasContextLength: models.hasContextLength(models.selected) }, presets, models.selected);
  if (!choice) return;
  announcer.answerReading = choice.answerReading;
  telemetry.feature('settings');
  if (choice.model) models.select(choice.model);
  await controller.updateSettings({ systemPrompt: choice.settings.systemPrompt, options: optionsFrom(choice.settings, current?.options) }, models.selected);
  toast.show('Settings saved for this conversation.', undefined, 2500);
});
settings.addEventListener('save-preset', async (e) => {
  const { name, isDefault, settings: chosen, model } = /** @type {CustomEvent} */ (e).detail;
  try {
    await api.createPreset({ name, isDefault, systemPrompt: chosen.systemPrompt, model, options: optionsFrom(chosen) });
    settings.showPresets(await api.presets());
    toast.show(`Preset “${name}” saved${isDefault ? ': new chats start with it' : ''}.`, undefined, 3000);
  } catch (error) {
    toast.show(`Cannot save the preset: ${errors.classify(error).message}`, undefined, 8000);
  }
});
settings.addEventListener('delete-preset', async (e) => {
  await api.deletePreset(/** @type {CustomEvent} */ (e).detail.id).catch(() => {});
  settings.showPresets(await api.presets());
});

// Phone layout: the sidebar slides over the conversation.
const toggle = $('toggle-sidebar');
const closeSidebar = () => { document.body.classList.remove('sidebar-open'); toggle.setAttribute('aria-expanded', 'false'); };
toggle.addEventListener('click', () => {
  const open = document.body.classList.toggle('sidebar-open');
  toggle.setAttribute('aria-expanded', String(open));
});

// The store's own troubles: files it set aside, or a folder it cannot write.
const showStoreNotice = async () => {
  const { store } = await api.health();
  const notices = [];
  if (!store.writable) notices.push(`Smail cannot save conversations: ${store.path} refuses writes. Free space or fix its permissions.`);
  if (store.quarantined.length > 0) {
    notices.push(`${store.quarantined.length} conversation ${store.quarantined.length === 1 ? 'file was' : 'files were'} unreadable and set aside in ${store.path}/corrupt.`);
  }
  const banner = $('store-banner');
  banner.querySelector('span').textContent = notices.join(' ');
  banner.hidden = notices.length === 0;
};
$('store-banner').querySelector('button').addEventListener('click', () => { $('store-banner').hidden = true; });

showStoreNotice().catch(() => {});
telemetry.feature(matchMedia('(prefers-color-scheme: dark)').matches ? 'theme_dark' : 'theme_light');
if (matchMedia('(max-width: 760px)').matches) telemetry.feature('phone_layout');
document.addEventListener('click', (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  if (target.closest('[data-action="copy-code"]')) telemetry.feature('copy_code');
  else if (target.closest('#jump-latest')) telemetry.feature('jump_to_latest');
  else if (target instanceof HTMLImageElement && target.dataset.blocked) telemetry.feature('load_image');
}, { capture: true });
await models.load();
await controller.restore();
await refreshList();
composer.focus();

// Installable, and openable offline: the service worker keeps what this page loaded (never an API answer).
if ('serviceWorker' in navigator) {
  // A page the worker already serves has its files copied as they load; the first one hands over its list.
  const served = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.register('/sw.js').then(async () => {
    const worker = (await navigator.serviceWorker.ready).active;
    if (!served) worker?.postMessage({ type: 'cache-shell', urls: [location.pathname, ...performance.getEntriesByType('resource').map((entry) => entry.name)] });
  }).catch(() => { /* no service worker: the page works as before, only not offline */ });
}

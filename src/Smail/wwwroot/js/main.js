// @ts-check
import { ApiClient } from './api-client.js';
import { ChatController } from './chat-controller.js';
import { ErrorHandler } from './error-handler.js';
import { UiStateManager } from './ui-state-manager.js';
import { ChatView } from './views/chat-view.js';
import { ModelPicker } from './views/model-picker.js';

/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);

const api = new ApiClient();
const errors = new ErrorHandler();
const ui = new UiStateManager({ status: $('status'), root: document.body });
const chat = new ChatView($('messages'), $('conversation'));
const controller = new ChatController({
  api, ui, errors, chat, smooth: !matchMedia('(prefers-reduced-motion: reduce)').matches,
});
const models = new ModelPicker($('model'), $('upstream-banner'), api);

/** @type {HTMLTextAreaElement} */
const prompt = $('prompt');
/** @type {HTMLFormElement} */
const composer = $('composer');

composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (ui.isStreaming) {
    await controller.stop();
    return;
  }
  const content = prompt.value.trim();
  if (!content || !models.selected) return;
  if (await controller.send(content, models.selected)) prompt.value = '';
});

prompt.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    composer.requestSubmit();
  }
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && ui.isStreaming) controller.stop();
});
$('new-chat').addEventListener('click', () => {
  controller.newChat();
  prompt.focus();
});
ui.addEventListener('statechange', () => {
  $('send').textContent = ui.isStreaming ? 'Stop' : 'Send';
  $('send').setAttribute('aria-label', ui.isStreaming ? 'Stop the answer' : 'Send message');
});

await models.load();
await controller.restore();
prompt.focus();

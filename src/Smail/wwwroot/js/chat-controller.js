// @ts-check
import { ApiError } from './api-client.js';
import { StreamManager } from './stream-manager.js';
import { MessageView } from './views/message-view.js';

/**
 * @typedef {import('./api-client.js').ApiClient} ApiClient
 * @typedef {import('./ui-state-manager.js').UiStateManager} UiStateManager
 * @typedef {import('./error-handler.js').ErrorHandler} ErrorHandler
 * @typedef {import('./views/chat-view.js').ChatView} ChatView
 */

const SESSION_KEY = 'smail.sessionId';

/**
 * One conversation on the page: sends what the person typed, follows the answer through the
 * StreamManager, tells the UiStateManager what is happening, and reattaches to a running answer after
 * a refresh. Collaborates only through the classes' APIs; it owns no markup of its own.
 */
export class ChatController {
  #api;
  #ui;
  #errors;
  #chat;
  #stream;
  /** @type {string | null} */
  #sessionId = null;
  /** @type {string | null} */
  #generationId = null;
  /** @type {MessageView | null} */
  #answer = null;
  #firstTextAt = 0;

  /** @param {{ api: ApiClient, ui: UiStateManager, errors: ErrorHandler, chat: ChatView, smooth?: boolean }} deps */
  constructor({ api, ui, errors, chat, smooth = true }) {
    this.#api = api;
    this.#ui = ui;
    this.#errors = errors;
    this.#chat = chat;
    this.#stream = new StreamManager({ delegate: this.#streamDelegate, errors, smooth });
  }

  get generationId() { return this.#generationId; }

  /** Shows the conversation this browser had open and follows its answer if one is still being written. */
  async restore() {
    const id = localStorage.getItem(SESSION_KEY);
    if (!id) return;
    try {
      const session = await this.#api.session(id);
      this.#sessionId = session.id;
      this.#chat.showMessages(session.messages);
      const last = session.messages.at(-1);
      if (session.activeGenerationId && last?.role === 'assistant') {
        this.#follow(session.activeGenerationId, `/api/generations/${session.activeGenerationId}/events`, last.id, true);
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) localStorage.removeItem(SESSION_KEY);
      else throw error;
    }
  }

  newChat() {
    this.#stream.close();
    this.#sessionId = null;
    this.#generationId = null;
    localStorage.removeItem(SESSION_KEY);
    this.#chat.clear();
    if (this.#ui.state !== 'idle') this.#ui.transition('idle');
  }

  /** @param {string} content @param {string} model */
  async send(content, model) {
    if (!this.#ui.transition('sending')) return false;
    try {
      if (!this.#sessionId) {
        const session = await this.#api.createSession({ model });
        this.#sessionId = session.id;
        localStorage.setItem(SESSION_KEY, session.id);
      }
      const accepted = await this.#api.send(this.#sessionId, content, model);
      const question = new MessageView('user', accepted.userMessageId);
      question.setContent(content);
      this.#chat.add(question);
      this.#follow(accepted.generationId, accepted.eventsUrl, accepted.assistantMessageId, false);
      return true;
    } catch (error) {
      this.#fail(this.#errors.classify(error).message);
      return false;
    }
  }

  async stop() {
    if (this.#generationId && this.#ui.isStreaming) await this.#api.stop(this.#generationId);
  }

  /** @param {string} generationId @param {string} eventsUrl @param {string} messageId @param {boolean} existing */
  #follow(generationId, eventsUrl, messageId, existing) {
    this.#generationId = generationId;
    this.#firstTextAt = 0;
    const found = existing ? this.#chat.find(messageId) : null;
    found?.remove();
    this.#answer = new MessageView('assistant', messageId);
    this.#answer.setStatus('streaming');
    this.#chat.add(this.#answer);
    // A reattached answer replays from the first event, so its text is rebuilt exactly.
    this.#stream.connect(eventsUrl, 0);
  }

  /** @param {string} message */
  #fail(message) {
    if (this.#ui.state !== 'error') this.#ui.transition('error', { message });
  }

  /** @type {import('./stream-manager.js').StreamDelegate} */
  #streamDelegate = {
    onStatus: ({ state, attempt, delayMs }) => this.#ui.transition(state, { attempt, delayMs }),
    onText: (kind, text) => {
      const answer = this.#answer;
      if (!answer) return;
      this.#chat.keepPinned(() => (kind === 'delta' ? answer.appendContent(text) : answer.appendThinking(text)));
      if (kind === 'delta' && this.#ui.state === 'generating') {
        this.#firstTextAt ||= performance.now();
        const tokens = this.#stream.deltaEvents;
        const seconds = (performance.now() - this.#firstTextAt) / 1000;
        this.#ui.update({ tokens, tokensPerSecond: seconds > 0.5 ? tokens / seconds : 0 });
      }
    },
    onDone: ({ reason, stats }) => {
      const stopped = reason === 'stopped';
      this.#answer?.setStatus(stopped ? 'stopped' : 'complete');
      this.#answer?.setFooter(`${stats.outputTokens} tokens · ${stats.tokensPerSecond.toFixed(1)} tok/s · first token ${(stats.ttftMs / 1000).toFixed(1)} s`);
      this.#ui.transition(stopped ? 'stopped' : 'done', { tokens: stats.outputTokens, tokensPerSecond: stats.tokensPerSecond, ttftMs: stats.ttftMs });
    },
    onError: (data) => {
      this.#answer?.setStatus('error');
      this.#answer?.showError(data.message);
      this.#fail(data.message);
    },
    onReconnecting: (attempt) => this.#ui.transition('reconnecting', { attempt }),
    onReconnected: () => {},
    onLost: ({ message }) => this.#fail(message),
  };
}

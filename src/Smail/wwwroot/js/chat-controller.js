// @ts-check
import { ApiError } from './api-client.js';
import { StreamManager } from './stream-manager.js';
import { MessageView } from './views/message-view.js';

/**
 * @typedef {import('./api-client.js').ApiClient} ApiClient
 * @typedef {import('./api-client.js').Session} Session
 * @typedef {import('./api-client.js').GenerationAccepted} GenerationAccepted
 * @typedef {import('./ui-state-manager.js').UiStateManager} UiStateManager
 * @typedef {import('./error-handler.js').ErrorHandler} ErrorHandler
 * @typedef {import('./views/chat-view.js').ChatView} ChatView
 */

const SESSION_KEY = 'smail.sessionId';

/**
 * One open conversation: sends, edits, regenerates and stops; follows the answer through the
 * StreamManager and tells the UiStateManager what is happening; reattaches to an answer still being
 * written after a refresh or in a second tab. Raises `sessionchange` when the conversation list may have
 * changed. It owns no markup: views render, it decides.
 */
export class ChatController extends EventTarget {
  #api;
  #ui;
  #errors;
  #chat;
  #stream;
  /** @type {Session | null} */
  #session = null;
  /** @type {string | null} */
  #generationId = null;
  /** @type {MessageView | null} */
  #answer = null;
  #askedAt = 0;
  #chunks = 0;
  #telemetry;
  #announcer;
  /** Aborted whenever the conversation on screen changes: every request and render for the old one stops there. */
  #view = new AbortController();

  /**
   * @param {{ api: ApiClient, ui: UiStateManager, errors: ErrorHandler, chat: ChatView, smooth?: boolean,
   *   telemetry?: import('./telemetry.js').TelemetryReporter | null, announcer?: import('./views/announcer.js').Announcer | null }} deps
   */
  constructor({ api, ui, errors, chat, smooth = true, telemetry = null, announcer = null }) {
    super();
    this.#telemetry = telemetry;
    this.#announcer = announcer;
    this.#api = api;
    this.#ui = ui;
    this.#errors = errors;
    this.#chat = chat;
    this.#stream = new StreamManager({ delegate: this.#streamDelegate, errors, smooth });
  }

  get session() { return this.#session; }

  /** Opens the conversation this browser had open last, if it still exists. */
  async restore() {
    const id = localStorage.getItem(SESSION_KEY);
    if (id) await this.open(id);
  }

  /** Shows a conversation and follows its answer if one is still being written. @param {string} id */
  async open(id) {
    this.#detach();
    const view = this.#view.signal;
    try {
      const session = await this.#api.session(id, view);
      if (view.aborted) return;
      this.#session = session;
      localStorage.setItem(SESSION_KEY, session.id);
      this.#show(session);
      const last = session.messages.at(-1);
      if (session.activeGenerationId && last?.role === 'assistant') {
        // Replays from the first event, so the text is rebuilt exactly.
        this.#follow({ generationId: session.activeGenerationId, eventsUrl: `/api/generations/${session.activeGenerationId}/events`, assistantMessageId: last.id },
          { existing: true, model: last.model });
      }
    } catch (error) {
      // Another conversation was opened meanwhile: this one's answer must not land there.
      if (view.aborted) return;
      if (error instanceof ApiError && error.status === 404) this.newChat();
      else this.#fail(this.#errors.classify(error).message);
    }
    this.#changed();
  }

  /**
   * Brings the open conversation up to date after it changed elsewhere (another tab, another person):
   * shows new messages and follows an answer this page did not start. Leaves it alone while this page
   * is sending or following an answer itself.
   */
  async sync() {
    const shown = this.#session;
    const busy = () => this.#ui.state === 'sending' || this.#ui.isStreaming;
    if (!shown || busy()) return;
    const view = this.#view.signal;
    try {
      const fresh = await this.#api.session(shown.id, view);
      if (view.aborted || busy()) return;
      // What the page shows may be newer than its copy of the conversation (its own answers are drawn as
      // they stream): compare with the screen, and draw again only what differs from it.
      if (fresh.activeGenerationId || !this.#chat.shows(fresh.messages)) await this.open(shown.id);
      else {
        this.#session = fresh;
        this.#changed();
      }
    } catch {
      // The next change, or opening it again, catches up.
    }
  }

  newChat() {
    this.#detach();
    this.#session = null;
    localStorage.removeItem(SESSION_KEY);
    this.#chat.clear();
    this.#changed();
  }

  /**
   * @param {string} content @param {string} model
   * @param {string[]} [attachments] ids of files uploaded to this conversation (`upload`), sent with the message
   */
  async send(content, model, attachments = []) {
    return this.#ask(async (view) => {
      const session = this.#session ?? await this.#api.createSession({ model });
      if (view.aborted) return;
      this.#session = session;
      localStorage.setItem(SESSION_KEY, session.id);
      const accepted = await this.#api.send(session.id, content, model, attachments);
      if (view.aborted) return;
      const question = new MessageView('user', accepted.userMessageId);
      question.setContent(content);
      question.setFiles(this.#filesOf(session, attachments));
      this.#chat.add(question);
      this.#follow(accepted, { existing: false, model });
    });
  }

  /**
   * Uploads a file to the open conversation (starting one if none is open), for the next message to carry.
   * @param {File} file @param {string} model the model a new conversation starts with
   * @returns {Promise<{ attachment: import('./api-client.js').Attachment, url: string }>} rejects with the server's reason
   */
  async upload(file, model) {
    const session = await this.#started(model);
    const attachment = await this.#api.uploadAttachment(session.id, file);
    // Known to this page's copy of the conversation at once, so the message that carries it can show it.
    if (this.#session === session && !session.attachments?.some((a) => a.id === attachment.id)) {
      session.attachments = [...(session.attachments ?? []), attachment];
    }
    return { attachment, url: this.#api.attachmentUrl(session.id, attachment.id) };
  }

  /**
   * Asks again from an edited earlier message: a new version of it, beside the old one, which keeps what came after it.
   * @param {string} messageId @param {string} content @param {string} model
   */
  async edit(messageId, content, model) {
    const session = this.#session;
    if (!session) return false;
    return this.#ask(async (view) => this.#followNewVersion(session.id, await this.#api.edit(session.id, messageId, content, model), view, model));
  }

  /** Writes an answer again: a new version beside the old one. @param {string} messageId @param {string} [model] */
  async regenerate(messageId, model) {
    const session = this.#session;
    if (!session) return false;
    const previous = session.messages.find((m) => m.id === messageId);
    return this.#ask(async (view) =>
      this.#followNewVersion(session.id, await this.#api.regenerate(session.id, messageId, model), view, model ?? previous?.model));
  }

  /**
   * Shows another version of a message, and what was written after it. Refused while an answer is being written.
   * @param {string} messageId the version to show
   * @returns {Promise<boolean>} whether it is shown
   */
  async showVersion(messageId) {
    const session = this.#session;
    if (!session || this.#ui.isStreaming || this.#ui.state === 'sending') return false;
    const view = this.#view.signal;
    try {
      const shown = await this.#api.selectVersion(session.id, messageId);
      if (view.aborted) return false;
      this.#session = shown;
      this.#show(shown);
      this.#changed();
      return true;
    } catch (error) {
      if (!view.aborted) this.#fail(this.#errors.classify(error).message);
      return false;
    }
  }

  /**
   * Shows the conversation as the server now has it (the path ends at the new answer's placeholder, and the
   * message or answer it versions lists it), then follows the new answer.
   * @param {string} sessionId @param {GenerationAccepted} accepted @param {AbortSignal} view @param {string | undefined} model
   */
  async #followNewVersion(sessionId, accepted, view, model) {
    this.#session = await this.#api.session(sessionId, view);
    if (view.aborted) return;
    this.#show(this.#session, this.#session.messages.filter((m) => m.id !== accepted.assistantMessageId));
    this.#follow(accepted, { existing: false, model });
  }

  /** Continues the latest answer where it ended; its events start with the text it has. @param {string} messageId */
  async continueAnswer(messageId) {
    const session = this.#session;
    if (!session) return false;
    return this.#ask(async (view) => {
      const accepted = await this.#api.continueAnswer(session.id, messageId);
      this.#session = await this.#api.session(session.id, view);
      const previous = this.#session.messages.find((m) => m.id === messageId);
      this.#follow(accepted, { existing: true, previous, model: previous?.model });
    });
  }

  async stop() {
    if (this.#generationId && this.#ui.isStreaming) await this.#api.stop(this.#generationId);
  }

  /** @param {{ systemPrompt?: string, options?: Record<string, unknown> }} changes @param {string} model */
  async updateSettings(changes, model) {
    this.#session ??= await this.#api.createSession({ model });
    localStorage.setItem(SESSION_KEY, this.#session.id);
    this.#session = await this.#api.updateSession(this.#session.id, changes);
    this.#changed();
  }

  /** @param {(view: AbortSignal) => Promise<void>} start */
  async #ask(start) {
    if (!this.#ui.transition('sending')) return false;
    this.#askedAt = performance.now();
    const view = this.#view.signal;
    try {
      await start(view);
      await this.#refresh();
      return true;
    } catch (error) {
      if (!view.aborted) this.#fail(this.#errors.classify(error).message);
      return false;
    }
  }

  /**
   * @param {Pick<GenerationAccepted, 'generationId' | 'eventsUrl' | 'assistantMessageId'>} accepted
   * @param {{ existing: boolean, previous?: import('./api-client.js').ChatMessage, model?: string }} how
   *   previous: an answer to keep on screen until the new one has its first text; model: the one writing it
   */
  #follow({ generationId, eventsUrl, assistantMessageId }, { existing, previous, model }) {
    this.#generationId = generationId;
    this.#chunks = 0;
    const answer = previous ? MessageView.from(previous) : new MessageView('assistant', assistantMessageId);
    if (previous) answer.replaceOnNextText();
    if (model) answer.setModel(model);
    const versions = this.#session?.siblings?.[assistantMessageId];
    if (versions) answer.setVersions(versions);
    const old = existing ? this.#chat.find(assistantMessageId) : null;
    answer.setStatus('streaming');
    const announcer = this.#announcer;
    answer.readParagraphsTo(announcer?.answerReading === 'paragraphs' ? (words) => announcer.say(words) : null);
    this.#answer = answer;
    if (old) this.#chat.replace(answer);
    else this.#chat.add(answer);
    this.#stream.connect(eventsUrl, 0);
  }

  #detach() {
    this.#view.abort();
    this.#view = new AbortController();
    this.#stream.close();
    this.#generationId = null;
    this.#answer = null;
    if (this.#ui.state !== 'idle' && this.#ui.canTransition('idle')) this.#ui.transition('idle');
  }

  /** @param {string} message @param {boolean} [inAnswer] the answer shows it already: the status line only points there */
  #fail(message, inAnswer = false) {
    if (this.#ui.state !== 'error') this.#ui.transition('error', { message, inAnswer });
  }

  #changed() { this.dispatchEvent(new Event('sessionchange')); }

  /** A conversation being started for files dropped together: one for all of them. @type {Promise<Session> | null} */
  #starting = null;

  /** The open conversation, started now if none is open. @param {string} model @returns {Promise<Session>} */
  async #started(model) {
    if (this.#session) return this.#session;
    this.#starting ??= this.#api.createSession({ model }).then((session) => {
      this.#session = session;
      localStorage.setItem(SESSION_KEY, session.id);
      this.#changed();
      return session;
    }).finally(() => { this.#starting = null; });
    return this.#starting;
  }

  /** Draws the conversation: the path it shows (or part of it), each message's versions and files. @param {Session} session @param {import('./api-client.js').ChatMessage[]} [messages] */
  #show(session, messages = session.messages) {
    this.#chat.showMessages(messages, session.siblings, (message) => this.#filesOf(session, message.attachments ?? []));
  }

  /**
   * The files with these ids, as a message shows them; an id the conversation does not list is left out.
   * @param {Session} session @param {string[]} ids @returns {import('./views/attachment-tray.js').ShownFile[]}
   */
  #filesOf(session, ids) {
    return ids.flatMap((id) => {
      const attachment = session.attachments?.find((a) => a.id === id);
      return attachment ? [{ name: attachment.name, kind: attachment.kind, url: this.#api.attachmentUrl(session.id, id) }] : [];
    });
  }

  /** Re-reads the open conversation (its title, its stored messages) and says it changed. */
  async #refresh() {
    const id = this.#session?.id;
    const view = this.#view.signal;
    if (!id) return;
    try {
      const session = await this.#api.session(id, view);
      if (view.aborted) return;
      this.#session = session;
    } catch {
      // Shown as it was; the next refresh will catch up.
    }
    this.#changed();
  }

  /** @type {import('./stream-manager.js').StreamDelegate} */
  #streamDelegate = {
    onStatus: ({ state, attempt, delayMs }) => this.#ui.transition(state, { attempt, delayMs }),
    onText: (kind, text) => {
      const answer = this.#answer;
      if (!answer) return;
      const renderStart = performance.now();
      this.#chat.keepPinned(() => (kind === 'delta' ? answer.appendContent(text) : answer.appendThinking(text)));
      // One chunk in twenty is enough to see render cost, and keeps the reports small.
      if (this.#chunks++ % 20 === 0) this.#telemetry?.measure('render_time', (performance.now() - renderStart) / 1000);
      if (this.#chunks === 1 && this.#askedAt) {
        this.#telemetry?.measure('time_to_first_text', (performance.now() - this.#askedAt) / 1000);
        this.#askedAt = 0;
      }
      if (kind === 'delta' && this.#ui.state === 'generating') {
        this.#ui.update({ tokens: this.#stream.deltaEvents, tokensPerSecond: this.#stream.tokensPerSecond });
      }
    },
    onDone: ({ reason, stats }) => {
      const stopped = reason === 'stopped';
      // The rest of the answer, before "Done": the last paragraph, or all of it when read at the end.
      const announcer = this.#announcer;
      if (this.#answer && announcer) {
        const words = announcer.answerReading === 'end' ? [this.#answer.spokenText()] : this.#answer.unreadParagraphs();
        for (const paragraph of words) announcer.say(paragraph);
      }
      this.#answer?.setStatus(stopped ? 'stopped' : 'complete');
      this.#answer?.showStats(stats, reason);
      this.#ui.transition(stopped ? 'stopped' : 'done', { tokens: stats.outputTokens, tokensPerSecond: stats.tokensPerSecond, ttftMs: stats.ttftMs });
      this.#refresh();
    },
    onError: (data) => {
      this.#answer?.setStatus('error');
      this.#answer?.showError(data.message);
      this.#fail(data.message, true);
      this.#refresh();
    },
    onRestart: ({ reason }) => {
      const answer = this.#answer;
      if (answer) this.#chat.keepPinned(() => answer.restart(reason));
    },
    onReconnecting: (attempt) => {
      if (attempt === 1) this.#telemetry?.reconnect();
      this.#ui.transition('reconnecting', { attempt });
    },
    onReconnected: () => {},
    onLost: ({ message }) => this.#fail(message),
  };
}

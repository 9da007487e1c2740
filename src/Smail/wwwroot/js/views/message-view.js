// @ts-check
import { StreamingMarkdown } from '../streaming-markdown.js';
import { spokenText } from './announcer.js';

/** @typedef {import('../api-client.js').ChatMessage} ChatMessage */
/** @typedef {import('./attachment-tray.js').ShownFile} ShownFile */
/** @typedef {'copy' | 'edit' | 'regenerate' | 'regenerate-with' | 'retry' | 'continue' | 'previous-version' | 'next-version'} MessageAction */

/** What an answer that was written again from its beginning says, by the failure that broke it off. */
const RESTART_NOTES = /** @type {Record<string, string>} */ ({
  upstream_connection_lost: 'Restarted after a dropped connection',
  upstream_incomplete: 'Restarted after a dropped connection',
  upstream_stalled: 'Restarted after the model server went silent',
});

/** What a complete answer that ended early says, by its done reason; a plain stop says nothing. */
const ENDING_NOTES = /** @type {Partial<Record<import('../contract.js').DONE_REASONS[number], string>>} */ ({
  length: 'cut at the length limit',
  content_filter: 'ended by the model server’s content filter',
  tool_calls: 'the model asked to call a tool, which Smail does not run',
});

/**
 * One message in the list: its text (markdown for answers, plain for the person's), the reasoning block,
 * a footer with its versions (‹ 2/3 ›, when an edit or a regeneration made more than one), the model that wrote it
 * and its stats or error, and its actions as buttons with `data-action` (the list handles them).
 */
export class MessageView {
  #role;
  #markdown;
  #body;
  #thinking = '';
  #thinkingBlock;
  #thinkingBody;
  #footer;
  #model;
  #meta;
  #notice;
  #actions;
  #versions;
  #files;
  #plainText = '';
  #replaceOnNextText = false;
  element;

  /** @param {'user' | 'assistant'} role @param {string} id */
  constructor(role, id) {
    this.#role = role;
    this.element = document.createElement('article');
    this.element.className = `message message--${role}`;
    this.element.dataset.messageId = id;
    this.element.setAttribute('aria-label', role === 'user' ? 'You said' : 'Answer');

    this.#body = document.createElement('div');
    this.#body.className = 'message__body';
    this.#markdown = role === 'assistant' ? new StreamingMarkdown(this.#body) : null;

    this.#thinkingBlock = document.createElement('details');
    this.#thinkingBlock.className = 'message__thinking';
    this.#thinkingBlock.hidden = true;
    const summary = document.createElement('summary');
    summary.textContent = 'Reasoning';
    this.#thinkingBody = document.createElement('div');
    this.#thinkingBody.className = 'message__thinking-body';
    this.#thinkingBlock.append(summary, this.#thinkingBody);

    this.#footer = document.createElement('div');
    this.#footer.className = 'message__footer';
    this.#model = document.createElement('span');
    this.#model.className = 'message__model';
    this.#meta = document.createElement('span');
    this.#meta.className = 'message__meta';
    this.#versions = document.createElement('span');
    this.#versions.className = 'message__versions';
    this.#versions.hidden = true;
    this.#footer.append(this.#versions, this.#model, this.#meta);
    // Said where the answer begins, so it is read before the text it explains.
    this.#notice = document.createElement('p');
    this.#notice.className = 'message__notice';
    this.#notice.hidden = true;
    this.#actions = document.createElement('div');
    this.#actions.className = 'message__actions';
    // Each name says what it acts on: a page of answers has many "Copy" buttons.
    if (role === 'user') this.#actions.append(actionButton('copy', 'Copy', 'Copy message'), actionButton('edit', 'Edit', 'Edit message'));
    else {
      this.#actions.append(actionButton('copy', 'Copy', 'Copy answer'), actionButton('continue', 'Continue', 'Continue answer'),
        actionButton('regenerate', 'Regenerate', 'Regenerate answer'), actionButton('retry', 'Retry', 'Retry answer'),
        actionButton('regenerate-with', 'Regenerate with…', 'Regenerate with… another model'));
    }

    this.#files = document.createElement('ul');
    this.#files.className = 'message__files';
    this.#files.hidden = true;
    this.#files.setAttribute('aria-label', 'Files sent');

    // Only answers can have reasoning; a person's message has no place for it.
    if (role === 'assistant') this.element.append(this.#notice, this.#thinkingBlock);
    // Empty until its first text: an empty answer has nothing to Continue.
    if (role === 'assistant') this.element.toggleAttribute('data-empty', true);
    this.element.append(this.#files, this.#body, this.#footer, this.#actions);
  }

  /**
   * @param {ChatMessage} message @param {string[]} [versions] the ids of the message's versions, oldest first
   * @param {ShownFile[]} [files] the files sent with it
   */
  static from(message, versions, files) {
    const view = new MessageView(message.role === 'user' ? 'user' : 'assistant', message.id);
    if (versions) view.setVersions(versions);
    if (files?.length) view.setFiles(files);
    if (message.model && message.role === 'assistant') view.setModel(message.model);
    if (message.restartedAfter) view.#showRestarted(message.restartedAfter);
    if (message.thinking) view.appendThinking(message.thinking);
    view.setContent(message.content);
    view.setStatus(message.status);
    if (message.error) view.showError(message.error.message);
    else if (message.stats) view.showStats(message.stats, message.doneReason);
    return view;
  }

  get id() { return /** @type {string} */ (this.element.dataset.messageId); }

  get role() { return this.#role; }

  /** The model that writes or wrote this answer, as requests name it. */
  get model() { return this.element.dataset.model ?? ''; }

  /** @param {string} model */
  setModel(model) {
    this.element.dataset.model = model;
    this.#model.textContent = model;
  }

  /**
   * The answer is written again from its beginning (its server cannot continue one that broke off): the text so
   * far goes, and a note says why, so nobody takes the new start for a glitch.
   * @param {string} reason the code of the failure that broke it off
   */
  restart(reason) {
    this.#replaceOnNextText = false;
    this.#startOver();
    this.#showRestarted(reason);
  }

  get content() { return this.#markdown?.text ?? this.#plainText; }

  /**
   * Reads the answer's paragraphs out as they become final: `say` gets each one's words.
   * @param {((words: string) => void) | null} say
   */
  readParagraphsTo(say) {
    if (this.#markdown) this.#markdown.onFinal = say ? (blocks) => { for (const block of blocks.children) say(spokenText(block)); } : null;
  }

  /** The words of each paragraph not read yet: the ones still open when the answer ended. @returns {string[]} */
  unreadParagraphs() {
    return this.#markdown ? this.#markdown.tailNodes.filter((node) => node.nodeType === Node.ELEMENT_NODE).map(spokenText) : [];
  }

  /** The words of the whole answer. */
  spokenText() { return spokenText(this.#body); }

  /** @param {string} text */
  setContent(text) {
    if (this.#markdown) this.#markdown.set(text);
    else this.#body.textContent = this.#plainText = text;
    this.element.toggleAttribute('data-empty', text === '');
  }

  /** A regeneration keeps the old answer on screen until the new one has its first text. */
  replaceOnNextText() { this.#replaceOnNextText = true; }

  /** @param {string} text */
  appendContent(text) {
    if (this.#replaceOnNextText) this.#startOver();
    // Reasoning is open while the model thinks, and folds away once the answer begins.
    if (this.content === '' && this.#thinking) this.#thinkingBlock.open = false;
    if (this.#markdown) this.#markdown.append(text);
    else this.#body.textContent = this.#plainText += text;
    if (text) this.element.removeAttribute('data-empty');
  }

  /** @param {string} text */
  appendThinking(text) {
    if (this.#replaceOnNextText) this.#startOver();
    if (!this.#thinking && this.content === '') this.#thinkingBlock.open = this.element.dataset.status === 'streaming';
    this.#thinking += text;
    this.#thinkingBlock.hidden = false;
    this.#thinkingBody.textContent = this.#thinking;
  }

  /** @param {string} status */
  setStatus(status) {
    this.element.dataset.status = status;
    this.element.setAttribute('aria-busy', String(status === 'streaming'));
  }

  /**
   * Shows which version this message is, with the buttons to the others; nothing when it is the only one.
   * @param {string[]} versions the ids of the message's versions, oldest first, this one among them
   */
  setVersions(versions) {
    const at = versions.indexOf(this.id);
    this.#versions.hidden = versions.length < 2 || at < 0;
    if (this.#versions.hidden) return;
    const previous = actionButton('previous-version', '‹', `Previous version of this ${this.#role === 'user' ? 'message' : 'answer'}`);
    const next = actionButton('next-version', '›', `Next version of this ${this.#role === 'user' ? 'message' : 'answer'}`);
    // At either end the button stays focusable and says there is no further version.
    previous.toggleAttribute('data-end', at === 0);
    next.toggleAttribute('data-end', at === versions.length - 1);
    for (const button of [previous, next]) button.setAttribute('aria-disabled', String(button.hasAttribute('data-end')));
    const position = document.createElement('span');
    position.className = 'message__version';
    position.textContent = `${at + 1}/${versions.length}`;
    position.setAttribute('aria-label', `version ${at + 1} of ${versions.length}`);
    this.#versions.replaceChildren(previous, position, next);
  }

  /**
   * The files sent with the message: an image as a thumbnail that opens full size, any other file by its name (a link
   * that downloads it).
   * @param {ShownFile[]} files
   */
  setFiles(files) {
    this.#files.hidden = files.length === 0;
    this.#files.replaceChildren(...files.map((file) => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = file.url;
      if (file.kind === 'image') {
        link.target = '_blank';
        link.rel = 'noopener';
        link.className = 'message__image';
        link.setAttribute('aria-label', `${file.name} (opens full size)`);
        const image = document.createElement('img');
        image.src = file.url;
        image.alt = file.name;
        image.loading = 'lazy';
        image.decoding = 'async';
        link.append(image);
      } else {
        link.className = 'message__file';
        link.download = file.name;
        link.textContent = file.name;
      }
      item.append(link);
      return item;
    }));
  }

  /** @param {boolean} latest only the latest answer offers Regenerate */
  setLatest(latest) { this.element.toggleAttribute('data-latest', latest); }

  /**
   * The answer's numbers, and why it ended when it ended early (a length-cut answer can be continued).
   * @param {import('../api-client.js').Stats} stats @param {string} [reason] the done reason
   */
  showStats(stats, reason) {
    const note = reason ? ENDING_NOTES[/** @type {keyof ENDING_NOTES} */ (reason)] : undefined;
    this.#meta.textContent = note ? `${statsText(stats)} · ${note}` : statsText(stats);
    if (note) this.element.dataset.doneReason = /** @type {string} */ (reason);
    else delete this.element.dataset.doneReason;
  }

  /** @param {string} message */
  showError(message) {
    const note = document.createElement('p');
    note.className = 'message__error';
    note.textContent = message;
    this.#meta.replaceChildren(note);
  }

  /** @param {string} reason */
  #showRestarted(reason) {
    this.#notice.textContent = RESTART_NOTES[reason] ?? 'Restarted after the model server failed';
    this.#notice.hidden = false;
  }

  #startOver() {
    this.#replaceOnNextText = false;
    this.#thinking = '';
    this.#thinkingBody.textContent = '';
    this.#thinkingBlock.hidden = true;
    this.#meta.replaceChildren();
    this.#notice.hidden = true;
    this.setContent('');
  }
}

/** @param {MessageAction} action @param {string} label @param {string} name the accessible name: what it acts on */
function actionButton(action, label, name) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `message__action message__action--${action}`;
  button.dataset.action = action;
  button.textContent = label;
  button.setAttribute('aria-label', name);
  return button;
}

/** "120 tokens · 41.3 tok/s · first token 0.4 s", leaving out what was not measured. @param {import('../api-client.js').Stats} stats */
export function statsText(stats) {
  const parts = [`${stats.outputTokens} ${stats.outputTokens === 1 ? 'token' : 'tokens'}`];
  if (stats.tokensPerSecond > 0) parts.push(`${stats.tokensPerSecond.toFixed(1)} tok/s`);
  parts.push(`first token ${(stats.ttftMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

// @ts-check
import { StreamingMarkdown } from '../streaming-markdown.js';
import { spokenText } from './announcer.js';

/** @typedef {import('../api-client.js').ChatMessage} ChatMessage */
/** @typedef {'copy' | 'edit' | 'regenerate' | 'retry' | 'continue'} MessageAction */

/**
 * One message in the list: its text (markdown for answers, plain for the person's), the reasoning block,
 * a footer with stats or the error, and its actions as buttons with `data-action` (the list handles them).
 */
export class MessageView {
  #role;
  #markdown;
  #body;
  #thinking = '';
  #thinkingBlock;
  #thinkingBody;
  #footer;
  #actions;
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
    this.#actions = document.createElement('div');
    this.#actions.className = 'message__actions';
    // Each name says what it acts on: a page of answers has many "Copy" buttons.
    if (role === 'user') this.#actions.append(actionButton('copy', 'Copy', 'Copy message'), actionButton('edit', 'Edit', 'Edit message'));
    else {
      this.#actions.append(actionButton('copy', 'Copy', 'Copy answer'), actionButton('continue', 'Continue', 'Continue answer'),
        actionButton('regenerate', 'Regenerate', 'Regenerate answer'), actionButton('retry', 'Retry', 'Retry answer'));
    }

    // Only answers can have reasoning; a person's message has no place for it.
    if (role === 'assistant') this.element.append(this.#thinkingBlock);
    // Empty until its first text: an empty answer has nothing to Continue.
    if (role === 'assistant') this.element.toggleAttribute('data-empty', true);
    this.element.append(this.#body, this.#footer, this.#actions);
  }

  /** @param {ChatMessage} message */
  static from(message) {
    const view = new MessageView(message.role === 'user' ? 'user' : 'assistant', message.id);
    if (message.thinking) view.appendThinking(message.thinking);
    view.setContent(message.content);
    view.setStatus(message.status);
    if (message.error) view.showError(message.error.message);
    else if (message.stats) view.showStats(message.stats);
    return view;
  }

  get id() { return /** @type {string} */ (this.element.dataset.messageId); }

  get role() { return this.#role; }

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

  /** @param {boolean} latest only the latest answer offers Regenerate */
  setLatest(latest) { this.element.toggleAttribute('data-latest', latest); }

  /** @param {import('../api-client.js').Stats} stats */
  showStats(stats) {
    this.#footer.textContent = statsText(stats);
  }

  /** @param {string} message */
  showError(message) {
    const note = document.createElement('p');
    note.className = 'message__error';
    note.textContent = message;
    this.#footer.replaceChildren(note);
  }

  #startOver() {
    this.#replaceOnNextText = false;
    this.#thinking = '';
    this.#thinkingBody.textContent = '';
    this.#thinkingBlock.hidden = true;
    this.#footer.replaceChildren();
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

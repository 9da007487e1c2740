// @ts-check
import { renderMarkdown } from '../markdown.js';

/** @typedef {import('../api-client.js').ChatMessage} ChatMessage */

/**
 * One message in the list. Text arrives in pieces; the rendered markdown is refreshed at most once per
 * animation frame (StreamManager calls in on frames), and only this message's body is re-rendered.
 */
export class MessageView {
  #content = '';
  #thinking = '';
  #body;
  #thinkingBlock;
  #thinkingBody;
  #footer;
  element;

  /** @param {'user' | 'assistant'} role @param {string} [id] */
  constructor(role, id) {
    this.element = document.createElement('article');
    this.element.className = `message message--${role}`;
    if (id) this.element.dataset.messageId = id;
    this.element.setAttribute('aria-label', role === 'user' ? 'You' : 'Assistant');

    this.#thinkingBlock = document.createElement('details');
    this.#thinkingBlock.className = 'message__thinking';
    this.#thinkingBlock.hidden = true;
    const summary = document.createElement('summary');
    summary.textContent = 'Reasoning';
    this.#thinkingBody = document.createElement('div');
    this.#thinkingBody.className = 'message__thinking-body';
    this.#thinkingBlock.append(summary, this.#thinkingBody);

    this.#body = document.createElement('div');
    this.#body.className = 'message__body';
    this.#footer = document.createElement('footer');
    this.#footer.className = 'message__footer';
    // Only answers can have reasoning; a person's message has no place for it.
    if (role === 'assistant') this.element.append(this.#thinkingBlock);
    this.element.append(this.#body, this.#footer);
  }

  /** @param {ChatMessage} message */
  static from(message) {
    const view = new MessageView(message.role === 'user' ? 'user' : 'assistant', message.id);
    if (message.thinking) view.appendThinking(message.thinking);
    view.setContent(message.content);
    view.element.dataset.status = message.status;
    if (message.error) view.showError(message.error.message);
    return view;
  }

  get content() { return this.#content; }

  /** @param {string} text */
  setContent(text) {
    this.#content = text;
    this.#render();
  }

  /** @param {string} text */
  appendContent(text) {
    this.#content += text;
    this.#render();
  }

  /** @param {string} text */
  appendThinking(text) {
    this.#thinking += text;
    this.#thinkingBlock.hidden = false;
    this.#thinkingBody.textContent = this.#thinking;
  }

  /** @param {string} status */
  setStatus(status) { this.element.dataset.status = status; }

  /** @param {string} text */
  setFooter(text) { this.#footer.textContent = text; }

  /** @param {string} message */
  showError(message) {
    const note = document.createElement('p');
    note.className = 'message__error';
    note.setAttribute('role', 'alert');
    note.textContent = message;
    this.#footer.replaceChildren(note);
  }

  #render() {
    if (this.element.classList.contains('message--user')) {
      this.#body.textContent = this.#content;
      return;
    }
    this.#body.innerHTML = renderMarkdown(this.#content);
  }
}

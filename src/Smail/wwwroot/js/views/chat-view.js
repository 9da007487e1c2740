// @ts-check
import { MessageView } from './message-view.js';
import { markdownToHtml, plainTextToHtml } from '../markdown.js';

/**
 * The scrolling list of messages. Follows new text only while the reader is at the bottom, so
 * scrolling up to re-read is never yanked back down; offers "Jump to latest" otherwise. Turns clicks on
 * message actions into `message-action` events with `{ action, messageId }`.
 */
export class ChatView extends EventTarget {
  #list;
  #scroller;
  #jump;
  #followThreshold = 48;
  /** False while an answer is being written: an edit or another version shown then would leave it off the path. */
  #editable = true;
  /** Whether the reader was at the end when they last scrolled (or the page last took them there). */
  #atEnd = true;
  /** Whether an answer by this model can be continued where it ended; set by whoever knows the models. @type {(model: string) => boolean} */
  #continues = () => true;

  /** @param {HTMLElement} list @param {HTMLElement} scroller @param {HTMLElement} jumpButton */
  constructor(list, scroller, jumpButton) {
    super();
    this.#list = list;
    this.#scroller = scroller;
    this.#jump = jumpButton;
    list.addEventListener('click', this.#onClick);
    list.addEventListener('keydown', this.#onKeyDown);
    scroller.addEventListener('scroll', () => {
      this.#atEnd = this.isAtEnd();
      if (this.#atEnd) this.#jump.hidden = true;
    }, { passive: true });
    jumpButton.addEventListener('click', () => this.scrollToEnd());
    // The dock below grows when the status line wraps (or a banner shows): a reader at the end stays at the
    // end, so the last answer's buttons are not left under it.
    new ResizeObserver(() => { if (this.#atEnd) this.scrollToEnd(); }).observe(scroller);
  }

  /**
   * @param {import('../api-client.js').ChatMessage[]} messages the path the conversation shows
   * @param {Record<string, string[]>} [versions] each shown message's versions, where it has more than one
   * @param {(message: import('../api-client.js').ChatMessage) => import('./attachment-tray.js').ShownFile[]} [filesOf]
   *   the files sent with a message
   * @returns {MessageView[]}
   */
  showMessages(messages, versions = {}, filesOf = () => []) {
    const views = messages.filter((m) => m.role !== 'system').map((m) => MessageView.from(m, versions[m.id], filesOf(m)));
    this.#list.replaceChildren(...views.map((v) => v.element));
    this.#markLatest();
    this.scrollToEnd();
    return views;
  }

  /** @param {MessageView} view */
  add(view) {
    this.#list.append(view.element);
    this.#markLatest();
    this.scrollToEnd();
  }

  /**
   * Whether the list shows exactly these messages, each in the same state.
   * @param {import('../api-client.js').ChatMessage[]} messages
   */
  shows(messages) {
    const shown = [...this.#list.querySelectorAll('[data-message-id]')].map((e) => /** @type {HTMLElement} */ (e));
    const expected = messages.filter((m) => m.role !== 'system');
    return shown.length === expected.length && expected.every((m, i) =>
      shown[i].dataset.messageId === m.id && (m.role === 'user' || shown[i].dataset.status === m.status));
  }

  /**
   * Puts the focus back on a version button after the list was drawn again, so a keyboard reader keeps their place.
   * @param {string} messageId @param {'previous-version' | 'next-version'} action
   */
  focusVersionButton(messageId, action) {
    const versions = this.find(messageId)?.querySelector('.message__versions');
    const button = versions?.querySelector(`[data-action="${action}"][aria-disabled="false"]`) ?? versions?.querySelector('[aria-disabled="false"]');
    if (button instanceof HTMLElement) button.focus();
  }

  /** @param {string} id @returns {HTMLElement | null} */
  find(id) { return this.#list.querySelector(`[data-message-id="${CSS.escape(id)}"]`); }

  /** @param {MessageView} view */
  replace(view) {
    const existing = this.find(view.id);
    if (existing) existing.replaceWith(view.element);
    else this.#list.append(view.element);
    this.#markLatest();
  }

  /** Call around any change of content: keeps the view pinned to the end only if it was. @param {() => void} change */
  keepPinned(change) {
    const follow = this.isAtEnd();
    change();
    if (follow) this.scrollToEnd();
    else this.#jump.hidden = false;
  }

  isAtEnd() {
    const s = this.#scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= this.#followThreshold;
  }

  scrollToEnd() {
    this.#scroller.scrollTop = this.#scroller.scrollHeight;
    this.#atEnd = true;
    this.#jump.hidden = true;
  }

  clear() { this.#list.replaceChildren(); }

  /**
   * Tells the list which models can continue an answer (Continue is not offered for the others); marks the shown
   * answers again, for the list of models arrives after the conversation may have.
   * @param {(model: string) => boolean} continues
   */
  setContinuable(continues) {
    this.#continues = continues;
    this.#markLatest();
  }

  #markLatest() {
    const answers = /** @type {NodeListOf<HTMLElement>} */ (this.#list.querySelectorAll('.message--assistant'));
    answers.forEach((a, i) => {
      a.toggleAttribute('data-latest', i === answers.length - 1);
      a.toggleAttribute('data-cannot-continue', Boolean(a.dataset.model) && !this.#continues(a.dataset.model ?? ''));
    });
    this.#markEditable();
  }

  /**
   * Edit and the version buttons work only while no answer is being written; they stay focusable and say why when
   * they do not. @param {boolean} editable
   */
  setEditable(editable) {
    this.#editable = editable;
    this.#markEditable();
  }

  #markEditable() {
    for (const button of this.#list.querySelectorAll('[data-action="edit"], [data-action$="-version"]')) {
      button.setAttribute('aria-disabled', String(!this.#editable || button.hasAttribute('data-end')));
      const what = button.getAttribute('data-action') === 'edit' ? 'edit' : 'switch versions';
      if (this.#editable) button.removeAttribute('title');
      else button.setAttribute('title', `An answer is being written: stop it or wait for it to end, then ${what}.`);
    }
  }

  /** @param {MouseEvent} event */
  #onClick = (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    // Remote images in answers load only when the person clicks them.
    if (target instanceof HTMLImageElement && target.dataset.blocked) {
      this.#loadImage(target);
      return;
    }
    const button = target.closest('button[data-action]');
    if (!(button instanceof HTMLButtonElement)) return;
    if (button.getAttribute('aria-disabled') === 'true') return;
    const message = /** @type {HTMLElement} */ (button.closest('[data-message-id]'));
    const action = button.dataset.action;
    if (action === 'copy-code') {
      const code = button.closest('.code-block')?.querySelector('code')?.textContent ?? '';
      copyText(code, button);
      return;
    }
    this.dispatchEvent(new CustomEvent('message-action', { detail: { action, messageId: message.dataset.messageId, button } }));
  };

  /** @param {KeyboardEvent} event */
  #onKeyDown = (event) => {
    const target = event.target;
    if ((event.key === 'Enter' || event.key === ' ') && target instanceof HTMLImageElement && target.dataset.blocked) {
      event.preventDefault();
      this.#loadImage(target);
    }
  };

  /** @param {HTMLImageElement} image */
  #loadImage(image) {
    image.src = image.dataset.src ?? '';
    delete image.dataset.blocked;
    image.removeAttribute('role');
  }
}

/** Copies text and says so on the button for a moment. @param {string} text @param {HTMLElement} button */
export function copyText(text, button) {
  return copyWithFeedback(() => navigator.clipboard.writeText(text), button);
}

/**
 * Copies a message as its source (text/plain: an answer's markdown, what an editor or another chat wants)
 * and as HTML (text/html: an answer rendered, a person's text as paragraphs, what a document or mail
 * wants), and says so on the button for a moment.
 * @param {{ role: string, content: string }} message @param {HTMLElement} button
 */
export function copyMessage({ role, content }, button) {
  const html = role === 'assistant' ? markdownToHtml(content) : plainTextToHtml(content);
  return copyWithFeedback(() => navigator.clipboard.write([new ClipboardItem({
    'text/plain': new Blob([content], { type: 'text/plain' }),
    'text/html': new Blob([html], { type: 'text/html' }),
  })]), button);
}

/** @param {() => Promise<void>} copy @param {HTMLElement} button */
async function copyWithFeedback(copy, button) {
  const label = button.textContent;
  try {
    await copy();
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed';
  }
  setTimeout(() => { button.textContent = label; }, 1500);
}

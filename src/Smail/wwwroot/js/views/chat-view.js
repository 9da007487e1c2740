// @ts-check
import { MessageView } from './message-view.js';

/**
 * The scrolling list of messages. Follows new text only while the reader is at the bottom, so
 * scrolling up to re-read is never yanked back down.
 */
export class ChatView {
  #list;
  #scroller;
  #followThreshold = 48;

  /** @param {HTMLElement} list @param {HTMLElement} scroller */
  constructor(list, scroller) {
    this.#list = list;
    this.#scroller = scroller;
    list.addEventListener('click', this.#onClick);
  }

  /** @param {import('../api-client.js').ChatMessage[]} messages */
  showMessages(messages) {
    this.#list.replaceChildren(...messages.filter((m) => m.role !== 'system').map((m) => MessageView.from(m).element));
    this.scrollToEnd();
  }

  /** @param {MessageView} view */
  add(view) {
    const follow = this.isAtEnd();
    this.#list.append(view.element);
    if (follow) this.scrollToEnd();
  }

  /** @param {string} id */
  find(id) { return this.#list.querySelector(`[data-message-id="${CSS.escape(id)}"]`); }

  /** Call around any change of content: keeps the view pinned to the end only if it was. @param {() => void} change */
  keepPinned(change) {
    const follow = this.isAtEnd();
    change();
    if (follow) this.scrollToEnd();
  }

  isAtEnd() {
    const s = this.#scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= this.#followThreshold;
  }

  scrollToEnd() { this.#scroller.scrollTop = this.#scroller.scrollHeight; }

  clear() { this.#list.replaceChildren(); }

  // Remote images in answers load only when the person clicks them.
  /** @param {MouseEvent} event */
  #onClick = (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (target instanceof HTMLImageElement && target.dataset.blocked) {
      target.src = target.dataset.src ?? '';
      delete target.dataset.blocked;
    }
  };
}

// @ts-check

/** A short notice at the bottom of the page, optionally with one action such as Undo. */
export class Toast {
  #element;
  #timer = 0;

  /** @param {HTMLElement} element */
  constructor(element) { this.#element = element; }

  /**
   * @param {string} message
   * @param {{ label: string, run: () => void }} [action]
   * @param {number} [ms]
   */
  show(message, action, ms = 5000) {
    clearTimeout(this.#timer);
    const text = document.createElement('span');
    text.textContent = message;
    this.#element.replaceChildren(text);
    if (action) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = action.label;
      button.addEventListener('click', () => {
        this.hide();
        action.run();
      });
      this.#element.append(button);
    }
    this.#element.hidden = false;
    this.#timer = setTimeout(() => this.hide(), ms);
  }

  hide() {
    clearTimeout(this.#timer);
    this.#element.hidden = true;
  }
}

// @ts-check

/**
 * The message box: Enter sends, Shift+Enter is a new line; the button is Send or Stop. Also edits an
 * earlier message in place. Raises `submit` with `{ content }`, `stop` when the Stop button is pressed,
 * and `held` when Enter is pressed while an answer streams: only Stop and Esc stop, so the draft stays.
 */
export class Composer extends EventTarget {
  #prompt;
  #button;

  /** @param {HTMLFormElement} form @param {HTMLTextAreaElement} prompt @param {HTMLButtonElement} button */
  constructor(form, prompt, button) {
    super();
    this.#prompt = prompt;
    this.#button = button;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (button.dataset.mode === 'stop') {
        this.dispatchEvent(new Event(event.submitter === button ? 'stop' : 'held'));
        return;
      }
      const content = prompt.value.trim();
      if (content) this.dispatchEvent(new CustomEvent('submit', { detail: { content } }));
    });
    // The second click of a double-click on Send lands on Stop once the answer has begun: not a request to stop.
    button.addEventListener('click', (event) => {
      if (button.dataset.mode === 'stop' && event.detail > 1) event.preventDefault();
    });
    prompt.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  clear() { this.#prompt.value = ''; }

  focus() { this.#prompt.focus(); }

  /** @param {boolean} streaming */
  setStreaming(streaming) {
    this.#button.dataset.mode = streaming ? 'stop' : 'send';
    this.#button.textContent = streaming ? 'Stop' : 'Send';
    this.#button.setAttribute('aria-label', streaming ? 'Stop the answer (Esc)' : 'Send message');
  }

  /**
   * Replaces a message's text with an editor; resolves with the new text, or null when cancelled.
   * @param {HTMLElement} message @param {string} text @returns {Promise<string | null>}
   */
  editInline(message, text) {
    const body = /** @type {HTMLElement} */ (message.querySelector('.message__body'));
    const editor = document.createElement('form');
    editor.className = 'message__editor';
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('aria-label', 'Edit message');
    const save = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Send', className: 'button' });
    const cancel = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Cancel', className: 'button button--ghost' });
    editor.append(area, save, cancel);
    body.hidden = true;
    body.after(editor);
    area.focus();
    return new Promise((resolve) => {
      const finish = (/** @type {string | null} */ value) => {
        editor.remove();
        body.hidden = false;
        resolve(value);
      };
      editor.addEventListener('submit', (e) => { e.preventDefault(); if (area.value.trim()) finish(area.value.trim()); });
      cancel.addEventListener('click', () => finish(null));
      area.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') { e.stopPropagation(); finish(null); }
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); editor.requestSubmit(); }
      });
    });
  }
}

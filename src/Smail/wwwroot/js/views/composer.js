// @ts-check

/**
 * The message box: Enter sends, Shift+Enter is a new line; the button is Send or Stop. Also edits an
 * earlier message in place. Raises `submit` with `{ content }`, `stop` when the Stop button is pressed,
 * and `held` when Enter is pressed while an answer streams: only Stop and Esc stop, so the draft stays.
 * Files come by 📎, by dropping them on the box, or by pasting an image: `files` with `{ files }`.
 */
export class Composer extends EventTarget {
  #prompt;
  #button;
  /** The one inline editor open, and how to close it. @type {{ message: HTMLElement, close: () => void } | null} */
  #editor = null;

  /**
   * @param {HTMLFormElement} form @param {HTMLTextAreaElement} prompt @param {HTMLButtonElement} button
   * @param {HTMLButtonElement} attach @param {HTMLInputElement} picker the hidden file input 📎 opens
   */
  constructor(form, prompt, button, attach, picker) {
    super();
    this.#prompt = prompt;
    this.#button = button;
    const offer = (/** @type {File[]} */ files) => {
      if (files.length) this.dispatchEvent(new CustomEvent('files', { detail: { files } }));
    };
    attach.addEventListener('click', () => picker.click());
    picker.addEventListener('change', () => {
      offer([...(picker.files ?? [])]);
      picker.value = ''; // the same file may be chosen again
    });
    form.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      form.classList.add('composer--drop');
    });
    form.addEventListener('dragleave', () => form.classList.remove('composer--drop'));
    form.addEventListener('drop', (event) => {
      form.classList.remove('composer--drop');
      if (!event.dataTransfer?.files.length) return;
      event.preventDefault();
      offer([...event.dataTransfer.files]);
    });
    // A pasted screenshot arrives as a file; pasted text stays text.
    prompt.addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (!files.length) return;
      event.preventDefault();
      offer(files.map((file, i) => (file.name && file.name !== 'image.png' ? file
        : new File([file], `pasted-${new Date().toISOString().slice(0, 19).replaceAll(':', '-')}${i ? `-${i + 1}` : ''}.${file.type.split('/')[1] || 'png'}`, { type: file.type }))));
    });
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
    // On a touch screen Return makes a new line and the Send button sends: a phone keyboard has no Shift+Return.
    const touch = () => matchMedia('(pointer: coarse)').matches;
    if (touch()) prompt.placeholder = 'Message Smail';
    prompt.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !touch()) {
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
   * @param {HTMLElement} message @param {string} text @param {number} [laterMessages] how many messages sending would replace
   * @returns {Promise<string | null>}
   */
  editInline(message, text, laterMessages = 0) {
    // One editor at a time: asking to edit the message already in the editor goes back to it.
    if (this.#editor?.message === message) {
      message.querySelector('textarea')?.focus();
      return Promise.resolve(null);
    }
    this.#editor?.close();
    const body = /** @type {HTMLElement} */ (message.querySelector('.message__body'));
    const editor = document.createElement('form');
    editor.className = 'message__editor';
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('aria-label', 'Edit message');
    const save = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Send', className: 'button' });
    const cancel = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Cancel', className: 'button button--ghost' });
    editor.append(area, save, cancel);
    // Sending an edit makes a new version: say where the later turns go before it happens.
    const note = document.createElement('p');
    note.className = 'message__editor-note';
    note.id = `edit-note-${message.dataset.messageId}`;
    note.setAttribute('aria-live', 'polite');
    if (laterMessages > 0) {
      note.textContent = `Sending makes a new version of this message. The ${laterMessages} ${laterMessages === 1 ? 'message' : 'messages'} after it stay with this version: ‹ › switches back.`;
      area.setAttribute('aria-describedby', note.id);
    }
    editor.append(note);
    body.hidden = true;
    body.after(editor);
    area.focus();
    return new Promise((resolve) => {
      const finish = (/** @type {string | null} */ value) => {
        editor.remove();
        body.hidden = false;
        this.#editor = null;
        resolve(value);
      };
      this.#editor = { message, close: () => finish(null) };
      editor.addEventListener('submit', (e) => {
        e.preventDefault();
        if (this.#button.dataset.mode === 'stop') {
          note.textContent = 'An answer is being written: stop it or wait for it to end, then send this edit.';
          return;
        }
        if (area.value.trim()) finish(area.value.trim());
      });
      cancel.addEventListener('click', () => finish(null));
      area.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') { e.stopPropagation(); finish(null); }
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); editor.requestSubmit(); }
      });
    });
  }
}

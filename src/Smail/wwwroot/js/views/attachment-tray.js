// @ts-check

/**
 * @typedef {import('../api-client.js').Attachment} Attachment
 * @typedef {{ name: string, kind: 'image' | 'text', url: string }} ShownFile a file as a message shows it
 */

/**
 * The files waiting to go with the next message, above the message box: each one uploading, ready (an image as a
 * thumbnail, any other file by its name) or refused with the reason, and each with a button that takes it out. It
 * owns this list; whoever uploads tells it how each upload went. Raises `change` when the list changes, and
 * `emptied` when the person took out its last file (the focus had nowhere left to go in it).
 */
export class AttachmentTray extends EventTarget {
  #list;
  /** @type {Map<number, { element: HTMLElement, attachment: Attachment | null, failed: boolean }>} */
  #files = new Map();
  #next = 0;

  /** @param {HTMLElement} list */
  constructor(list) {
    super();
    this.#list = list;
    list.addEventListener('click', (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest('button[data-key]');
      if (button instanceof HTMLElement) this.#remove(Number(button.dataset.key));
    });
  }

  /** Shows a file being uploaded; returns the key to report its upload with. @param {string} name */
  add(name) {
    const key = this.#next++;
    const element = document.createElement('li');
    element.className = 'attachment-chip';
    element.dataset.state = 'uploading';
    this.#files.set(key, { element, attachment: null, failed: false });
    this.#render(key, name, 'uploading…');
    this.#list.append(element);
    this.#changed();
    return key;
  }

  /** @param {number} key @param {Attachment} attachment @param {string} url where the conversation serves it */
  uploaded(key, attachment, url) {
    const file = this.#files.get(key);
    if (!file) return; // taken out while it uploaded
    file.attachment = attachment;
    file.element.dataset.state = 'ready';
    file.element.dataset.kind = attachment.kind;
    this.#render(key, attachment.name, attachment.kind === 'image' ? '' : sizeText(attachment), attachment.kind === 'image' ? url : null);
    this.#changed();
  }

  /** @param {number} key @param {string} name @param {string} reason */
  failed(key, name, reason) {
    const file = this.#files.get(key);
    if (!file) return;
    file.failed = true;
    file.element.dataset.state = 'failed';
    this.#render(key, name, reason);
    this.#changed();
  }

  /** The ids of the files ready to send. @returns {string[]} */
  get ids() { return [...this.#files.values()].flatMap((f) => (f.attachment ? [f.attachment.id] : [])); }

  /** The images ready to send: a model that cannot see must not get them. @returns {Attachment[]} */
  get images() { return [...this.#files.values()].flatMap((f) => (f.attachment?.kind === 'image' ? [f.attachment] : [])); }

  /** Whether a file is still uploading: the message waits for it. */
  get uploading() { return [...this.#files.values()].some((f) => !f.attachment && !f.failed); }

  /** Empties the tray: the files went with a message, or the conversation changed. */
  clear() {
    this.#files.clear();
    this.#list.replaceChildren();
    this.#changed();
  }

  /** @param {number} key @param {string} name @param {string} note @param {string | null} [thumbnail] */
  #render(key, name, note, thumbnail = null) {
    const file = /** @type {{ element: HTMLElement }} */ (this.#files.get(key));
    const parts = [];
    if (thumbnail) {
      const image = document.createElement('img');
      image.className = 'attachment-chip__thumbnail';
      image.src = thumbnail;
      image.alt = '';
      parts.push(image);
    }
    const label = document.createElement('span');
    label.className = 'attachment-chip__name';
    label.textContent = name;
    parts.push(label);
    if (note) {
      const detail = document.createElement('span');
      detail.className = 'attachment-chip__note';
      detail.textContent = note;
      parts.push(detail);
    }
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'attachment-chip__remove';
    remove.dataset.key = String(key);
    remove.textContent = '✕';
    remove.setAttribute('aria-label', `Remove ${name}`);
    parts.push(remove);
    file.element.replaceChildren(...parts);
  }

  /** @param {number} key */
  #remove(key) {
    const file = this.#files.get(key);
    if (!file) return;
    // The focus goes to the next file's button; after the last one, whoever listens to `emptied` takes it.
    const next = /** @type {HTMLElement | null} */ (file.element.nextElementSibling ?? file.element.previousElementSibling)?.querySelector('button');
    file.element.remove();
    this.#files.delete(key);
    this.#changed();
    if (next) next.focus();
    else this.dispatchEvent(new Event('emptied'));
  }

  #changed() {
    this.#list.hidden = this.#files.size === 0;
    this.dispatchEvent(new Event('change'));
  }
}

/** "12 KB · 3,400 characters": what a file costs the model's context. @param {Attachment} attachment */
export function sizeText(attachment) {
  const size = attachment.size >= 1024 * 1024 ? `${(attachment.size / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(attachment.size / 1024))} KB`;
  return attachment.textLength ? `${size} · ${attachment.textLength.toLocaleString('en')} characters` : size;
}

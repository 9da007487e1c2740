// @ts-check

/**
 * The sidebar's Import button: it opens the file chooser for an export file (Smail's JSON, ChatGPT's
 * conversations.json or Open WebUI's export), and also takes such a file dropped on the sidebar. It only picks:
 * it raises `file` with the chosen file and the page decides what happens to it.
 */
export class ImportPicker extends EventTarget {
  /** @param {HTMLButtonElement} button @param {HTMLInputElement} input a hidden file input @param {HTMLElement} dropZone */
  constructor(button, input, dropZone) {
    super();
    button.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.value = ''; // the same file chosen again is a new import
      if (file) this.#pick(file);
    });
    dropZone.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      dropZone.classList.add('is-drop-target');
    });
    dropZone.addEventListener('dragleave', (event) => {
      if (!dropZone.contains(/** @type {Node | null} */ (event.relatedTarget))) dropZone.classList.remove('is-drop-target');
    });
    dropZone.addEventListener('drop', (event) => {
      dropZone.classList.remove('is-drop-target');
      const file = event.dataTransfer?.files[0];
      if (!file) return;
      event.preventDefault();
      this.#pick(file);
    });
  }

  /** @param {File} file */
  #pick(file) { this.dispatchEvent(new CustomEvent('file', { detail: { file } })); }
}

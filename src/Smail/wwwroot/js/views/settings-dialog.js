// @ts-check

/** @typedef {{ systemPrompt: string, temperature: number | null }} ConversationSettings */

/** The per-conversation settings: system prompt and temperature, in a modal `<dialog>`. */
export class SettingsDialog {
  #dialog;
  #prompt;
  #temperature;
  #useDefault;
  #value;

  /** @param {HTMLDialogElement} dialog */
  constructor(dialog) {
    this.#dialog = dialog;
    this.#prompt = /** @type {HTMLTextAreaElement} */ (dialog.querySelector('[name="systemPrompt"]'));
    this.#temperature = /** @type {HTMLInputElement} */ (dialog.querySelector('[name="temperature"]'));
    this.#useDefault = /** @type {HTMLInputElement} */ (dialog.querySelector('[name="defaultTemperature"]'));
    this.#value = /** @type {HTMLOutputElement} */ (dialog.querySelector('output'));
    this.#temperature.addEventListener('input', () => this.#showValue());
    this.#useDefault.addEventListener('change', () => this.#showValue());
  }

  /**
   * Shows the dialog; resolves with the new settings, or null when cancelled.
   * @param {ConversationSettings} current
   * @returns {Promise<ConversationSettings | null>}
   */
  edit(current) {
    this.#prompt.value = current.systemPrompt;
    this.#useDefault.checked = current.temperature === null;
    this.#temperature.value = String(current.temperature ?? 0.8);
    this.#showValue();
    this.#dialog.showModal();
    return new Promise((resolve) => {
      this.#dialog.addEventListener('close', () => {
        resolve(this.#dialog.returnValue === 'save'
          ? { systemPrompt: this.#prompt.value, temperature: this.#useDefault.checked ? null : Number(this.#temperature.value) }
          : null);
      }, { once: true });
    });
  }

  #showValue() {
    this.#temperature.disabled = this.#useDefault.checked;
    this.#value.textContent = this.#useDefault.checked ? 'model default' : Number(this.#temperature.value).toFixed(1);
  }
}

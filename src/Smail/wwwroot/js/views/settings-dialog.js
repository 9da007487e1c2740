// @ts-check

/**
 * @typedef {{ systemPrompt: string, temperature: number | null, think: boolean, answerReading: 'paragraphs' | 'end' }} ConversationSettings
 *   think: whether a thinking model reasons before it answers; answerReading is this device's, not the conversation's.
 */

/** The per-conversation settings (system prompt, temperature) and how answers are read aloud here, in a modal `<dialog>`. */
export class SettingsDialog {
  #dialog;
  #prompt;
  #temperature;
  #useDefault;
  #value;
  #think;

  /** @param {HTMLDialogElement} dialog */
  constructor(dialog) {
    this.#dialog = dialog;
    this.#prompt = /** @type {HTMLTextAreaElement} */ (dialog.querySelector('[name="systemPrompt"]'));
    this.#temperature = /** @type {HTMLInputElement} */ (dialog.querySelector('[name="temperature"]'));
    this.#useDefault = /** @type {HTMLInputElement} */ (dialog.querySelector('[name="defaultTemperature"]'));
    this.#value = /** @type {HTMLOutputElement} */ (dialog.querySelector('output'));
    this.#think = /** @type {HTMLInputElement} */ (dialog.querySelector('[name="think"]'));
    this.#temperature.addEventListener('input', () => this.#showValue());
    this.#useDefault.addEventListener('change', () => this.#showValue());
  }

  /**
   * Shows the dialog; resolves with the new settings, or null when cancelled. The thinking switch shows only for a
   * model that can think: for the others it would do nothing.
   * @param {ConversationSettings} current
   * @param {boolean} canThink
   * @returns {Promise<ConversationSettings | null>}
   */
  edit(current, canThink) {
    this.#think.checked = current.think;
    /** @type {HTMLElement} */ (this.#think.closest('fieldset')).hidden = !canThink;
    this.#prompt.value = current.systemPrompt;
    this.#useDefault.checked = current.temperature === null;
    this.#temperature.value = String(current.temperature ?? 0.8);
    for (const radio of this.#readings()) radio.checked = radio.value === current.answerReading;
    this.#showValue();
    this.#dialog.showModal();
    return new Promise((resolve) => {
      this.#dialog.addEventListener('close', () => {
        resolve(this.#dialog.returnValue === 'save'
          ? {
            systemPrompt: this.#prompt.value,
            temperature: this.#useDefault.checked ? null : Number(this.#temperature.value),
            think: this.#think.checked,
            answerReading: this.#readings().find((radio) => radio.checked)?.value === 'end' ? 'end' : 'paragraphs',
          }
          : null);
      }, { once: true });
    });
  }

  /** @returns {HTMLInputElement[]} */
  #readings() { return [...this.#dialog.querySelectorAll('input[name="answerReading"]')].map((e) => /** @type {HTMLInputElement} */ (e)); }

  #showValue() {
    this.#temperature.disabled = this.#useDefault.checked;
    this.#value.textContent = this.#useDefault.checked ? 'model default' : Number(this.#temperature.value).toFixed(1);
  }
}

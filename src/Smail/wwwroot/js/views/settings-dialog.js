// @ts-check

/**
 * @typedef {{ systemPrompt: string, temperature: number | null, topP: number | null, seed: number | null, numCtx: number | null,
 *   think: boolean, answerReading: 'paragraphs' | 'end' }} ConversationSettings
 *   null numbers are the model's defaults; think: whether a thinking model reasons before it answers; answerReading is
 *   this device's, not the conversation's.
 * @typedef {{ canThink: boolean, hasContextLength: boolean }} ModelAbilities what the model's server lets a person set
 */

/** The per-conversation settings (system prompt, sampling, context length, thinking) and how answers are read aloud here, in a modal `<dialog>`. */
export class SettingsDialog {
  #dialog;
  #prompt;
  #temperature;
  #useDefault;
  #value;
  #think;
  /** @type {Record<'topP' | 'seed' | 'numCtx', HTMLInputElement>} */
  #numbers;

  /** @param {HTMLDialogElement} dialog */
  constructor(dialog) {
    this.#dialog = dialog;
    this.#prompt = /** @type {HTMLTextAreaElement} */ (dialog.querySelector('[name="systemPrompt"]'));
    this.#temperature = /** @type {HTMLInputElement} */ (dialog.querySelector('[name="temperature"]'));
    this.#useDefault = /** @type {HTMLInputElement} */ (dialog.querySelector('[name="defaultTemperature"]'));
    this.#value = /** @type {HTMLOutputElement} */ (dialog.querySelector('output'));
    this.#think = /** @type {HTMLInputElement} */ (dialog.querySelector('[name="think"]'));
    const number = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (dialog.querySelector(`[name="${name}"]`));
    this.#numbers = { topP: number('topP'), seed: number('seed'), numCtx: number('numCtx') };
    this.#temperature.addEventListener('input', () => this.#showValue());
    this.#useDefault.addEventListener('change', () => this.#showValue());
  }

  /**
   * Shows the dialog; resolves with the new settings, or null when cancelled. What the model's server would ignore
   * is not shown: the thinking switch for a model that cannot think, the context length for a server that fixes it.
   * @param {ConversationSettings} current
   * @param {ModelAbilities} abilities
   * @returns {Promise<ConversationSettings | null>}
   */
  edit(current, abilities) {
    this.#think.checked = current.think;
    /** @type {HTMLElement} */ (this.#think.closest('fieldset')).hidden = !abilities.canThink;
    /** @type {HTMLElement} */ (this.#numbers.numCtx.closest('label')).hidden = !abilities.hasContextLength;
    for (const [name, input] of Object.entries(this.#numbers)) input.value = String(current[/** @type {'topP' | 'seed' | 'numCtx'} */ (name)] ?? '');
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
            topP: this.#number('topP'),
            seed: this.#number('seed'),
            numCtx: abilities.hasContextLength ? this.#number('numCtx') : current.numCtx,
            answerReading: this.#readings().find((radio) => radio.checked)?.value === 'end' ? 'end' : 'paragraphs',
          }
          : null);
      }, { once: true });
    });
  }

  /** A number field's value within its bounds, or null when it is empty or not a number. @param {'topP' | 'seed' | 'numCtx'} name */
  #number(name) {
    const input = this.#numbers[name];
    const value = input.valueAsNumber;
    if (input.value.trim() === '' || !Number.isFinite(value)) return null;
    return Math.min(Number(input.max), Math.max(Number(input.min), name === 'topP' ? value : Math.round(value)));
  }

  /** @returns {HTMLInputElement[]} */
  #readings() { return [...this.#dialog.querySelectorAll('input[name="answerReading"]')].map((e) => /** @type {HTMLInputElement} */ (e)); }

  #showValue() {
    this.#temperature.disabled = this.#useDefault.checked;
    this.#value.textContent = this.#useDefault.checked ? 'model default' : Number(this.#temperature.value).toFixed(1);
  }
}

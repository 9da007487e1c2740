// @ts-check
import { settingsFrom } from '../conversation-settings.js';

/**
 * @typedef {import('../conversation-settings.js').ConversationSettings} ConversationSettings
 * @typedef {'paragraphs' | 'end'} AnswerReading how screen readers read answers on this device (not the conversation's)
 * @typedef {{ canThink: boolean, hasContextLength: boolean }} ModelAbilities what the model's server lets a person set
 * @typedef {import('../api-client.js').Preset} Preset
 * @typedef {{ settings: ConversationSettings, answerReading: AnswerReading, model: string | null }} SettingsChoice
 *   model: the model of a preset applied, to switch to; null to keep the conversation's
 */

/**
 * The per-conversation settings (system prompt, sampling, context length, thinking), the person's presets, and how
 * answers are read aloud here, in a modal `<dialog>`. A preset chosen fills the fields in; the current fields can be
 * saved as a new preset. It raises `save-preset` ({name, isDefault, settings, model}) and `delete-preset` ({id}); the
 * page stores them and hands the list back with showPresets.
 */
export class SettingsDialog extends EventTarget {
  #dialog;
  #prompt;
  #temperature;
  #useDefault;
  #value;
  #think;
  /** @type {Record<'topP' | 'seed' | 'numCtx', HTMLInputElement>} */
  #numbers;
  #presetSelect;
  #presetName;
  #presetDefault;
  /** @type {Preset[]} */
  #presets = [];
  /** The model of the preset applied, if any. @type {string | null} */
  #presetModel = null;
  /** The model the dialog was opened for: a preset saved from here keeps it. */
  #model = '';
  /** @type {ModelAbilities} */
  #abilities = { canThink: false, hasContextLength: true };

  /** @param {HTMLDialogElement} dialog */
  constructor(dialog) {
    super();
    this.#dialog = dialog;
    const field = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (dialog.querySelector(`[name="${name}"]`));
    this.#prompt = /** @type {HTMLTextAreaElement} */ (dialog.querySelector('[name="systemPrompt"]'));
    this.#temperature = field('temperature');
    this.#useDefault = field('defaultTemperature');
    this.#value = /** @type {HTMLOutputElement} */ (dialog.querySelector('output'));
    this.#think = field('think');
    this.#numbers = { topP: field('topP'), seed: field('seed'), numCtx: field('numCtx') };
    this.#presetSelect = /** @type {HTMLSelectElement} */ (dialog.querySelector('[name="preset"]'));
    this.#presetName = field('presetName');
    this.#presetDefault = field('presetDefault');
    this.#temperature.addEventListener('input', () => this.#showValue());
    this.#useDefault.addEventListener('change', () => this.#showValue());
    this.#presetSelect.addEventListener('change', () => this.#apply(this.#presets.find((p) => p.id === this.#presetSelect.value)));
    dialog.querySelector('[data-action="save-preset"]')?.addEventListener('click', () => {
      const name = this.#presetName.value.trim();
      if (!name) {
        this.#presetName.focus();
        return;
      }
      this.#emit('save-preset', { name, isDefault: this.#presetDefault.checked, settings: this.#read(), model: this.#presetModel ?? this.#model });
      this.#presetName.value = '';
      this.#presetDefault.checked = false;
    });
    dialog.querySelector('[data-action="delete-preset"]')?.addEventListener('click', () => {
      if (this.#presetSelect.value) this.#emit('delete-preset', { id: this.#presetSelect.value });
    });
  }

  /**
   * Shows the dialog; resolves with the choice, or null when cancelled. What the model's server would ignore is not
   * shown: the thinking switch for a model that cannot think, the context length for a server that fixes it.
   * @param {ConversationSettings} current @param {AnswerReading} answerReading @param {ModelAbilities} abilities
   * @param {Preset[]} presets @param {string} model the conversation's model now
   * @returns {Promise<SettingsChoice | null>}
   */
  edit(current, answerReading, abilities, presets, model) {
    this.#abilities = abilities;
    this.#model = model;
    this.#presetModel = null;
    /** @type {HTMLElement} */ (this.#think.closest('fieldset')).hidden = !abilities.canThink;
    /** @type {HTMLElement} */ (this.#numbers.numCtx.closest('label')).hidden = !abilities.hasContextLength;
    this.#fill(current);
    for (const radio of this.#readings()) radio.checked = radio.value === answerReading;
    this.showPresets(presets);
    this.#dialog.showModal();
    return new Promise((resolve) => {
      this.#dialog.addEventListener('close', () => {
        resolve(this.#dialog.returnValue === 'save'
          ? {
            settings: this.#read(),
            answerReading: this.#readings().find((radio) => radio.checked)?.value === 'end' ? 'end' : 'paragraphs',
            model: this.#presetModel,
          }
          : null);
      }, { once: true });
    });
  }

  /** The person's presets, in the chooser (the one chosen stays chosen while it exists). @param {Preset[]} presets */
  showPresets(presets) {
    this.#presets = presets;
    const chosen = this.#presetSelect.value;
    const none = new Option(presets.length === 0 ? 'No presets yet' : 'Choose a preset…', '');
    this.#presetSelect.replaceChildren(none, ...presets.map((p) => new Option(p.isDefault ? `${p.name} (default for new chats)` : p.name, p.id)));
    this.#presetSelect.value = presets.some((p) => p.id === chosen) ? chosen : '';
    /** @type {HTMLButtonElement} */ (this.#dialog.querySelector('[data-action="delete-preset"]')).disabled = !this.#presetSelect.value;
  }

  /** @param {Preset | undefined} preset */
  #apply(preset) {
    /** @type {HTMLButtonElement} */ (this.#dialog.querySelector('[data-action="delete-preset"]')).disabled = !preset;
    if (!preset) return;
    this.#presetModel = preset.model ?? null;
    this.#fill(settingsFrom(preset));
  }

  /** @param {ConversationSettings} settings */
  #fill(settings) {
    this.#prompt.value = settings.systemPrompt;
    this.#useDefault.checked = settings.temperature === null;
    this.#temperature.value = String(settings.temperature ?? 0.8);
    this.#think.checked = settings.think;
    for (const [name, input] of Object.entries(this.#numbers)) input.value = String(settings[/** @type {'topP' | 'seed' | 'numCtx'} */ (name)] ?? '');
    this.#showValue();
  }

  /** @returns {ConversationSettings} */
  #read() {
    return {
      systemPrompt: this.#prompt.value,
      temperature: this.#useDefault.checked ? null : Number(this.#temperature.value),
      topP: this.#number('topP'),
      seed: this.#number('seed'),
      numCtx: this.#abilities.hasContextLength ? this.#number('numCtx') : null,
      think: this.#think.checked,
    };
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

  /** @param {string} type @param {object} detail */
  #emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }
}

// @ts-check

/** @typedef {import('../api-client.js').ApiClient} ApiClient */

const MODEL_KEY = 'smail.model';

/**
 * The model list from the upstream, remembering the last choice. When the upstream cannot be
 * reached, shows a banner that says why and how to fix it, with a Retry.
 */
export class ModelPicker {
  #select;
  #banner;
  #api;

  /** @param {HTMLSelectElement} select @param {HTMLElement} banner @param {ApiClient} api */
  constructor(select, banner, api) {
    this.#select = select;
    this.#banner = banner;
    this.#api = api;
    select.addEventListener('change', () => localStorage.setItem(MODEL_KEY, select.value));
  }

  get selected() { return this.#select.value; }

  /** Shows a conversation's model, if the upstream has it. @param {string} name */
  select(name) {
    if ([...this.#select.options].some((o) => o.value === name)) this.#select.value = name;
  }

  /**
   * The model server went away or came back (the change feed says so): the banner follows by itself.
   * @param {import('../change-feed.js').HealthChange} health
   */
  upstreamChanged(health) {
    if (!health.upstreamReachable) this.#showBanner(health.error ?? 'The model server cannot be reached.');
    else if (!this.#banner.hidden) this.load();
  }

  async load() {
    try {
      const models = await this.#api.models();
      const remembered = localStorage.getItem(MODEL_KEY);
      this.#select.replaceChildren(...models.map((m) => {
        const option = new Option(`${m.name}${m.parameterSize ? ` · ${m.parameterSize}` : ''}`, m.name);
        option.selected = m.name === remembered;
        return option;
      }));
      this.#select.disabled = models.length === 0;
      this.#banner.hidden = models.length > 0;
      if (models.length === 0) this.#showBanner('Ollama has no models yet. Pull one with `ollama pull llama3.2`, then retry.');
    } catch (error) {
      this.#select.replaceChildren(new Option('No models', ''));
      this.#select.disabled = true;
      this.#showBanner(error instanceof Error ? error.message : String(error));
    }
  }

  /** @param {string} message */
  #showBanner(message) {
    const text = document.createElement('span');
    text.textContent = message;
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.textContent = 'Retry';
    retry.addEventListener('click', () => this.load());
    this.#banner.replaceChildren(text, retry);
    this.#banner.hidden = false;
  }
}

// @ts-check

/** @typedef {import('../api-client.js').ApiClient} ApiClient */

const MODEL_KEY = 'smail.model';

/**
 * The models of every upstream, remembering the last choice. Each option's value is the model's id (what
 * requests send). With several upstreams the models are grouped by upstream, and one that is down shows as a
 * greyed-out entry with its reason. When no upstream can be reached, a banner says why, with a Retry.
 */
export class ModelPicker {
  #select;
  #banner;
  #api;
  /** Each upstream's reachability as the list shows it, so a change the feed reports can be told from none. @type {Map<string, boolean>} */
  #shown = new Map();

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
    else if (!this.#banner.hidden || health.upstreams.some((u) => this.#shown.get(u.name) !== u.reachable)) this.load();
  }

  async load() {
    try {
      const { models, upstreams } = await this.#api.models();
      this.#shown = new Map(upstreams.map((u) => [u.name, u.reachable]));
      const remembered = localStorage.getItem(MODEL_KEY);
      /** @param {import('../api-client.js').ModelInfo} m */
      const option = (m) => {
        const entry = new Option(`${m.name}${m.parameterSize ? ` · ${m.parameterSize}` : ''}`, m.id);
        entry.selected = m.id === remembered;
        return entry;
      };
      if (upstreams.length > 1) {
        this.#select.replaceChildren(...upstreams.map((u) => {
          const group = document.createElement('optgroup');
          group.label = u.name;
          const own = models.filter((m) => m.upstream === u.name);
          if (u.reachable) group.append(...own.map(option));
          else {
            const down = new Option(`Unavailable: ${u.error ?? 'cannot be reached'}`, '');
            down.disabled = true;
            group.append(down);
          }
          return group;
        }));
      } else {
        this.#select.replaceChildren(...models.map(option));
      }
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

// @ts-check

/** @typedef {import('../api-client.js').ApiClient} ApiClient */
/** @typedef {import('../api-client.js').ModelInfo} ModelInfo */
/** @typedef {import('../api-client.js').UpstreamStatus} UpstreamStatus */

const MODEL_KEY = 'smail.model';

/**
 * The models of every upstream, remembering the last choice. Each option's value is the model's id (what
 * requests send). With several upstreams the models are grouped by upstream, and one that is down shows as a
 * greyed-out entry with its reason. When no upstream can be reached, a banner says why, with a Retry.
 * Raises `models` each time the list is loaded.
 */
export class ModelPicker extends EventTarget {
  #select;
  #banner;
  #api;
  /** Each upstream's reachability as the list shows it, so a change the feed reports can be told from none. @type {Map<string, boolean>} */
  #shown = new Map();
  /** @type {ModelInfo[]} */
  #models = [];
  /** @type {UpstreamStatus[]} */
  #upstreams = [];

  /** @param {HTMLSelectElement} select @param {HTMLElement} banner @param {ApiClient} api */
  constructor(select, banner, api) {
    super();
    this.#select = select;
    this.#banner = banner;
    this.#api = api;
    select.addEventListener('change', () => localStorage.setItem(MODEL_KEY, select.value));
  }

  get selected() { return this.#select.value; }

  /**
   * Whether an answer by this model can be continued where it ended: its upstream continues (true for a
   * model no upstream lists, so nothing is hidden on a guess). @param {string} id
   */
  continues(id) {
    const upstream = this.#models.find((m) => m.id === id)?.upstream;
    return this.#upstreams.find((u) => u.name === upstream)?.continues ?? true;
  }

  /** Whether the model's server takes a context length per request (Ollama's num_ctx; others fix theirs). @param {string} id */
  hasContextLength(id) {
    const upstream = this.#models.find((m) => m.id === id)?.upstream;
    return this.#upstreams.find((u) => u.name === upstream)?.type === 'ollama';
  }

  /** Whether the model reasons before it answers (its `thinking` capability), so the page offers to turn that off. @param {string} id */
  canThink(id) { return this.#models.find((m) => m.id === id)?.capabilities.includes('thinking') ?? false; }

  /** Whether the model takes images (its `vision` capability); the page refuses to send one an image. @param {string} id */
  canSee(id) { return this.#models.find((m) => m.id === id)?.capabilities.includes('vision') ?? false; }

  /**
   * The models as menu entries, grouped by upstream when there are several; a down upstream's entry says why.
   * @param {string} current the model that wrote the answer: marked so
   * @returns {(import('./popover-menu.js').MenuEntry | import('./popover-menu.js').MenuGroup)[]}
   */
  menuItems(current) {
    /** @param {ModelInfo} m */
    const entry = (m) => ({ value: m.id, label: m.id === current ? `${m.name} (this answer)` : m.name });
    if (this.#upstreams.length <= 1) return this.#models.map(entry);
    return this.#upstreams.map((u) => ({
      group: u.name,
      entries: u.reachable
        ? this.#models.filter((m) => m.upstream === u.name).map(entry)
        : [{ value: '', label: `Unavailable: ${u.error ?? 'cannot be reached'}`, disabled: true }],
    }));
  }

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
      this.#models = models;
      this.#upstreams = upstreams;
      const remembered = localStorage.getItem(MODEL_KEY);
      /** @param {import('../api-client.js').ModelInfo} m */
      const option = (m) => {
        // With several upstreams the closed picker still says where the model runs (the same name may run on two).
        const where = upstreams.length > 1 ? ` — ${m.upstream}` : '';
        const entry = new Option(`${m.name}${m.parameterSize ? ` · ${m.parameterSize}` : ''}${where}`, m.id);
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
      this.dispatchEvent(new Event('models'));
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

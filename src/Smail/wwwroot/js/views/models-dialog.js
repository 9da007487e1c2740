// @ts-check

/**
 * @typedef {{ id: string, model: string, upstream: string, state: import('../contract.js').PullState, status: string,
 *   completed: number, total: number, bytesPerSecond: number, secondsLeft?: number, error?: string }} Pull
 * @typedef {{ id: string, name: string, upstream: string, sizeBytes: number }} InstalledModel
 */

/**
 * The Models dialog (admins): pull a model by name with its live progress (bytes, speed, time left) and Cancel, and
 * delete an installed one after a second click that says which. It only shows and asks: it raises `pull`
 * ({model}), `cancel` ({id}) and `delete` ({id}) and the page decides what they do.
 */
export class ModelsDialog extends EventTarget {
  #dialog;
  #pulls;
  #installed;
  #name;
  /** The rows of downloads, by id, so progress updates one row in place. @type {Map<string, HTMLElement>} */
  #rows = new Map();

  /** @param {HTMLDialogElement} dialog */
  constructor(dialog) {
    super();
    this.#dialog = dialog;
    this.#pulls = /** @type {HTMLElement} */ (dialog.querySelector('.models__pulls'));
    this.#installed = /** @type {HTMLElement} */ (dialog.querySelector('.models__installed'));
    this.#name = /** @type {HTMLInputElement} */ (dialog.querySelector('input[name="model"]'));
    const pull = () => {
      const model = this.#name.value.trim();
      if (!model) return;
      this.#name.value = '';
      this.#emit('pull', { model });
    };
    dialog.querySelector('[data-action="pull"]')?.addEventListener('click', pull);
    this.#name.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault(); // Enter pulls; it does not close the dialog
      pull();
    });
    dialog.addEventListener('click', (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest('button[data-id]');
      if (!(button instanceof HTMLButtonElement)) return;
      const id = /** @type {string} */ (button.dataset.id);
      switch (button.dataset.action) {
        case 'cancel': this.#emit('cancel', { id }); break;
        case 'delete': this.#confirmDelete(button); break;
        case 'confirm-delete': this.#emit('delete', { id }); break;
        case 'keep': this.#render(this.#lastInstalled); break;
      }
    });
  }

  /** @type {InstalledModel[]} */
  #lastInstalled = [];

  get isOpen() { return this.#dialog.open; }

  /** @param {InstalledModel[]} installed */
  open(installed) {
    this.showInstalled(installed);
    this.#dialog.showModal();
    this.#name.focus();
  }

  /** @param {InstalledModel[]} installed */
  showInstalled(installed) {
    this.#lastInstalled = installed;
    this.#render(installed);
  }

  /** A download's latest state: its row, made or updated in place. @param {Pull} pull */
  showPull(pull) {
    let row = this.#rows.get(pull.id);
    if (!row) {
      row = document.createElement('li');
      row.className = 'models__pull';
      row.dataset.pullId = pull.id;
      const title = document.createElement('strong');
      title.textContent = pull.model;
      const bar = document.createElement('progress');
      bar.max = 1;
      bar.setAttribute('aria-label', `Download of ${pull.model}`);
      const status = document.createElement('span');
      status.className = 'models__status';
      row.append(title, bar, status, actionButton('cancel', pull.id, 'Cancel', `Cancel the download of ${pull.model}`));
      this.#rows.set(pull.id, row);
      this.#pulls.prepend(row);
    }
    const bar = /** @type {HTMLProgressElement} */ (row.querySelector('progress'));
    if (pull.total > 0) bar.value = pull.completed / pull.total;
    else bar.removeAttribute('value'); // the manifest: no size known yet
    row.dataset.state = pull.state;
    /** @type {HTMLElement} */ (row.querySelector('.models__status')).textContent = describe(pull);
    /** @type {HTMLButtonElement} */ (row.querySelector('[data-action="cancel"]')).hidden = pull.state !== 'running';
  }

  /** @param {InstalledModel[]} installed */
  #render(installed) {
    this.#installed.replaceChildren(...installed.map((model) => {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = `${model.name} · ${formatBytes(model.sizeBytes)}`;
      item.append(name, actionButton('delete', model.id, 'Delete', `Delete ${model.name}`));
      return item;
    }));
  }

  /** A second click, on a button that names the model, deletes it. @param {HTMLButtonElement} button */
  #confirmDelete(button) {
    const id = /** @type {string} */ (button.dataset.id);
    const confirm = actionButton('confirm-delete', id, `Delete ${id} from the disk`);
    confirm.classList.replace('button--ghost', 'button--danger');
    button.replaceWith(confirm, actionButton('keep', id, 'Keep it'));
    confirm.focus();
  }

  /** @param {string} type @param {object} detail */
  #emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }
}

/**
 * A small button of the dialog: what it does (`data-action`) and to which download or model (`data-id`).
 * @param {string} action @param {string} id @param {string} text @param {string} [label] its accessible name, when the text alone is not enough
 */
function actionButton(action, id, text, label) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button button--small button--ghost';
  button.dataset.action = action;
  button.dataset.id = id;
  button.textContent = text;
  if (label) button.setAttribute('aria-label', label);
  return button;
}

/** "1.2 GB of 4.1 GB · 35 MB/s · about 2 min left", or how it ended. @param {Pull} pull */
export function describe(pull) {
  switch (pull.state) {
    case 'succeeded': return `Done: ${formatBytes(pull.total)}`;
    case 'cancelled': return pull.error ?? 'Cancelled';
    case 'failed': return `Failed: ${pull.error ?? 'unknown error'}`;
  }
  if (pull.total === 0) return pull.status;
  const parts = [`${formatBytes(pull.completed)} of ${formatBytes(pull.total)}`];
  if (pull.bytesPerSecond > 0) parts.push(`${formatBytes(pull.bytesPerSecond)}/s`);
  if (typeof pull.secondsLeft === 'number') parts.push(`about ${formatDuration(pull.secondsLeft)} left`);
  return parts.join(' · ');
}

/** @param {number} bytes */
export function formatBytes(bytes) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** @param {number} seconds */
export function formatDuration(seconds) {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

// @ts-check
import { EXPORT_FORMATS } from '../contract.js';
import { PopoverMenu } from './popover-menu.js';

/** @typedef {import('../contract.js').ExportFormat} ExportFormat */

/** @typedef {{ id: string, title: string, updatedAt: string, activeGenerationId: string | null }} SessionSummary */

/** How each export format is offered in a conversation's ⋯ menu. @type {Record<ExportFormat, string>} */
const EXPORT_LABELS = { markdown: 'Export as Markdown', json: 'Export as JSON (for Smail)' };

/** The actions of a conversation's ⋯ menu, in their order there: an export's value is `export:` and its format. */
const MENU_ACTIONS = [['rename', 'Rename'], ...EXPORT_FORMATS.map((format) => [`export:${format}`, EXPORT_LABELS[format]]), ['delete', 'Delete']];

/**
 * The sidebar's list of conversations, newest first, with search, rename, export and delete. It only shows and
 * asks: it raises `open`, `search`, `rename`, `export` and `delete` events and the page decides what they do.
 * Each conversation has one ⋯ button that opens its menu (one menu, shared, in the top layer), so touch
 * screens need no hover. From the keyboard the list is one Tab stop: ↑/↓ (Home/End) move between
 * conversations, ←/→ between a conversation and its ⋯ button, F2 renames and Delete deletes; in the
 * menu, ↑/↓ move and Escape closes it.
 */
export class SessionListView extends EventTarget {
  #list;
  #search;
  /** @type {string | null} */
  #activeId = null;
  #debounce = 0;
  /** Titles the model is writing now, by conversation: a redraw of the list keeps showing them. @type {Map<string, string>} */
  #writing = new Map();
  /** Conversations whose deletion can still be undone: hidden in every rendering of the list, not just the current one. */
  #hiddenIds = new Set();
  /** One menu for every ⋯ button. */
  #menu = new PopoverMenu('session-menu');

  /** @param {HTMLElement} list @param {HTMLInputElement} search */
  constructor(list, search) {
    super();
    this.#list = list;
    this.#search = search;
    list.after(this.#menu.element);
    list.addEventListener('click', this.#onClick);
    list.addEventListener('keydown', this.#onKeyDown);
    search.addEventListener('input', () => {
      clearTimeout(this.#debounce);
      this.#debounce = setTimeout(() => this.#emit('search', { query: search.value.trim() }), 200);
    });
  }

  get query() { return this.#search.value.trim(); }

  /** @param {SessionSummary[]} sessions */
  show(sessions) {
    if (sessions.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'session-list__empty';
      empty.textContent = this.query ? 'No conversation matches.' : 'No conversations yet.';
      this.#list.replaceChildren(empty);
      return;
    }
    // A change elsewhere redraws the list: keep the focus on the same conversation's same button.
    const focused = /** @type {HTMLElement | null} */ (this.#list.contains(document.activeElement) ? document.activeElement : null);
    const focusedId = /** @type {HTMLElement | null} */ (focused?.closest('[data-session-id]'))?.dataset.sessionId;
    const focusedAction = focused?.dataset.action;
    const menuFor = /** @type {HTMLElement | undefined} */ (this.#menu.button?.closest('[data-session-id]'))?.dataset.sessionId;
    this.#list.replaceChildren(...sessions.map((s) => this.#item(s)));
    const again = focusedId && this.#list.querySelector(`[data-session-id="${CSS.escape(focusedId)}"] [data-action="${focusedAction}"]`);
    this.#rove(again instanceof HTMLElement ? again : this.#current(), Boolean(focused));
    if (menuFor) this.#keepMenuOpenFor(menuFor);
  }

  /** After a redraw, the open menu belongs to the new ⋯ button of its conversation, or closes if that is gone. @param {string} id */
  #keepMenuOpenFor(id) {
    const button = this.#list.querySelector(`[data-session-id="${CSS.escape(id)}"] [data-action="menu"]`);
    this.#menu.reanchor(button instanceof HTMLElement ? button : null);
  }

  /** The items a person can reach, in order. @returns {HTMLElement[]} */
  #items() {
    return [...this.#list.querySelectorAll('[data-session-id]')].map((e) => /** @type {HTMLElement} */ (e)).filter((e) => !e.hidden);
  }

  /** The item that holds the list's one Tab stop: the focused one, else the open conversation, else the first. */
  #current() {
    const items = this.#items();
    return items.find((i) => i.contains(document.activeElement)) ?? items.find((i) => i.dataset.sessionId === this.#activeId) ?? items[0];
  }

  /** Gives `target` (an item, or a button in one) the list's one Tab stop, and the focus with `focus`. @param {HTMLElement | undefined} target @param {boolean} focus */
  #rove(target, focus) {
    const button = target?.matches('button') ? target : target?.querySelector('.session-list__open');
    for (const b of this.#list.querySelectorAll('button')) b.setAttribute('tabindex', b === button ? '0' : '-1');
    if (focus && button instanceof HTMLElement) button.focus();
  }

  /** @param {KeyboardEvent} event */
  #onKeyDown = (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const item = /** @type {HTMLElement | null} */ (target.closest('[data-session-id]'));
    if (!item || target.matches('input')) return;
    const items = this.#items();
    const at = items.indexOf(item);
    const buttons = [...item.querySelectorAll('button')].map((b) => /** @type {HTMLElement} */ (b));
    const inItem = buttons.indexOf(target);
    /** @type {HTMLElement | undefined} */
    let next;
    switch (event.key) {
      case 'ArrowDown': next = items[Math.min(at + 1, items.length - 1)]; break;
      case 'ArrowUp': next = items[Math.max(at - 1, 0)]; break;
      case 'Home': next = items[0]; break;
      case 'End': next = items.at(-1); break;
      case 'ArrowRight': next = buttons[Math.min(inItem + 1, buttons.length - 1)]; break;
      case 'ArrowLeft': next = buttons[Math.max(inItem - 1, 0)]; break;
      case 'F2': this.#act('rename', item); break;
      case 'Delete': this.#act('delete', item); break;
      default: return;
    }
    event.preventDefault();
    if (next) this.#rove(next, true);
  };

  /** @param {string | null} id */
  setActive(id) {
    this.#activeId = id;
    for (const item of this.#list.querySelectorAll('[data-session-id]')) {
      const button = item.querySelector('.session-list__open');
      if (item instanceof HTMLElement && button) {
        const active = item.dataset.sessionId === id;
        item.classList.toggle('is-active', active);
        if (active) button.setAttribute('aria-current', 'page');
        else button.removeAttribute('aria-current');
      }
    }
    this.#rove(this.#current(), false);
  }

  /**
   * A title as the model writes it: shown at once, marked as being written until `done`.
   * @param {string} id @param {string} title @param {boolean} done
   */
  showTitle(id, title, done) {
    if (done) this.#writing.delete(id);
    else this.#writing.set(id, title);
    const item = this.#list.querySelector(`[data-session-id="${CSS.escape(id)}"]`);
    const text = item?.querySelector('.session-list__title');
    if (!item || !text || item.querySelector('.session-list__rename')) return; // being renamed: the person's words win
    text.textContent = title;
    text.classList.toggle('is-writing', !done);
    item.querySelector('[data-action="menu"]')?.setAttribute('aria-label', `Actions for “${title}”`);
  }

  /** Hides an item while its deletion can still be undone. @param {string} id @param {boolean} hidden */
  setHidden(id, hidden) {
    if (hidden) this.#hiddenIds.add(id);
    else this.#hiddenIds.delete(id);
    const item = this.#list.querySelector(`[data-session-id="${CSS.escape(id)}"]`);
    if (item instanceof HTMLElement) item.hidden = hidden;
  }

  /** @param {SessionSummary} session */
  #item(session) {
    const item = document.createElement('li');
    item.className = 'session-list__item';
    item.dataset.sessionId = session.id;
    item.hidden = this.#hiddenIds.has(session.id);
    item.classList.toggle('is-active', session.id === this.#activeId);

    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'session-list__open';
    open.dataset.action = 'open';
    const title = document.createElement('span');
    title.className = 'session-list__title';
    const writing = this.#writing.get(session.id);
    title.textContent = writing ?? session.title;
    title.classList.toggle('is-writing', writing !== undefined);
    const when = document.createElement('small');
    when.textContent = (session.activeGenerationId ? '● answering · ' : '') + relativeTime(session.updatedAt);
    open.append(title, when);
    if (session.id === this.#activeId) open.setAttribute('aria-current', 'page');

    const more = document.createElement('button');
    more.type = 'button';
    more.className = 'session-list__more';
    more.dataset.action = 'menu';
    more.textContent = '⋯';
    more.title = 'Rename, export or delete';
    more.setAttribute('aria-label', `Actions for “${writing ?? session.title}”`);
    more.setAttribute('aria-haspopup', 'menu');
    more.setAttribute('aria-expanded', 'false');
    more.setAttribute('aria-controls', this.#menu.element.id);
    item.append(open, more);
    return item;
  }

  /** @param {MouseEvent} event */
  #onClick = (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest('button[data-action]');
    const item = button?.closest('[data-session-id]');
    if (!(button instanceof HTMLElement) || !(item instanceof HTMLElement)) return;
    switch (button.dataset.action) {
      case 'open': this.#emit('open', { id: item.dataset.sessionId }); break;
      case 'menu': this.#openMenu(button); break;
    }
  };

  /** Renames, exports or deletes the conversation of `item`. @param {string} action a menu action's value @param {HTMLElement} item */
  #act(action, item) {
    const id = /** @type {string} */ (item.dataset.sessionId);
    const title = item.querySelector('.session-list__title')?.textContent ?? '';
    if (action === 'rename') this.#startRename(item, id, title);
    else if (action.startsWith('export:')) this.#emit('export', { id, format: action.slice('export:'.length) });
    else this.#emit('delete', { id, title });
  }

  /** Opens the menu of the conversation whose ⋯ button this is. @param {HTMLElement} button */
  #openMenu(button) {
    const title = button.closest('[data-session-id]')?.querySelector('.session-list__title')?.textContent ?? '';
    this.#menu.open(button, `Actions for “${title}”`,
      MENU_ACTIONS.map(([value, label]) => ({ value, label, danger: value === 'delete' })),
      // The button of the moment: the list may have been drawn again while the menu was open.
      (action, from) => {
        const item = from.closest('[data-session-id]');
        if (item instanceof HTMLElement) this.#act(action, item);
      });
  }

  /** Inline rename: Enter saves, Escape cancels. @param {HTMLElement} item @param {string} id @param {string} title */
  #startRename(item, id, title) {
    const input = document.createElement('input');
    input.className = 'session-list__rename';
    input.value = title;
    input.maxLength = 200;
    input.setAttribute('aria-label', 'New title');
    const titleElement = /** @type {HTMLElement} */ (item.querySelector('.session-list__title'));
    titleElement.replaceWith(input);
    input.focus();
    input.select();
    let done = false;
    const finish = (/** @type {boolean} */ save) => {
      if (done) return;
      done = true;
      const value = input.value.trim();
      input.replaceWith(titleElement);
      if (save && value && value !== title) {
        titleElement.textContent = value;
        this.#emit('rename', { id, title: value });
      }
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') finish(true);
      if (e.key === 'Escape') finish(false);
      e.stopPropagation();
    });
    input.addEventListener('blur', () => finish(true));
  }

  /** @param {string} type @param {object} detail */
  #emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }
}

/** "just now", "5 min ago", "yesterday", or a date. @param {string} iso */
export function relativeTime(iso, now = Date.now()) {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  if (seconds < 172_800) return 'yesterday';
  return new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

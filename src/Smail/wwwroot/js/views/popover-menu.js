// @ts-check

/**
 * @typedef {{ value: string, label: string, disabled?: boolean, danger?: boolean }} MenuEntry
 * @typedef {{ group: string, entries: MenuEntry[] }} MenuGroup
 */

/**
 * A menu opened from a button: one element, in the top layer (a popover: Escape or a click elsewhere closes
 * it), shared by every button that opens it. It opens under its button, or above it near the bottom of the
 * window, with the focus on its first entry; ↑/↓, Home and End move. Closed without a choice, it gives the focus
 * back to its button; a choice hands it to whatever the choice does.
 */
export class PopoverMenu {
  element;
  /** The button whose menu is open. @type {HTMLElement | null} */
  #button = null;
  /** @type {((value: string, button: HTMLElement) => void) | null} */
  #choose = null;

  /** @param {string} id */
  constructor(id) {
    const menu = document.createElement('div');
    menu.id = id;
    menu.className = 'popover-menu';
    menu.popover = 'auto';
    menu.setAttribute('role', 'menu');
    menu.addEventListener('click', this.#onClick);
    menu.addEventListener('keydown', this.#onKeyDown);
    menu.addEventListener('toggle', this.#onToggle);
    this.element = menu;
  }

  get isOpen() { return this.element.matches(':popover-open'); }

  /** The button whose menu is open, or null. */
  get button() { return this.#button; }

  /**
   * The button was drawn again while its menu was open: the menu now belongs to the new one, or closes when
   * there is none.
   * @param {HTMLElement | null} button
   */
  reanchor(button) {
    this.#button = button;
    if (button) button.setAttribute('aria-expanded', 'true');
    else if (this.isOpen) this.element.hidePopover();
  }

  /**
   * @param {HTMLElement} button what opened it: marked expanded while it is open, and given the focus back
   * @param {string} label the menu's accessible name
   * @param {(MenuEntry | MenuGroup)[]} items entries, or groups of entries under a heading
   * @param {(value: string, button: HTMLElement) => void} choose
   */
  open(button, label, items, choose) {
    if (this.isOpen) this.element.hidePopover();
    this.element.setAttribute('aria-label', label);
    this.element.replaceChildren(...items.map((item) => ('group' in item ? groupOf(item) : entryOf(item))));
    this.#button = button;
    this.#choose = choose;
    button.setAttribute('aria-controls', this.element.id);
    button.setAttribute('aria-haspopup', 'menu');
    button.setAttribute('aria-expanded', 'true');
    this.element.showPopover();
    const anchor = button.getBoundingClientRect();
    const { width, height } = this.element.getBoundingClientRect();
    const below = anchor.bottom + 4 + height <= innerHeight;
    this.element.style.top = `${below ? anchor.bottom + 4 : Math.max(4, anchor.top - 4 - height)}px`;
    this.element.style.left = `${Math.max(4, Math.min(anchor.right - width, innerWidth - width - 4))}px`;
    this.#entries().find((e) => !e.hasAttribute('aria-disabled'))?.focus();
  }

  close() { if (this.isOpen) this.element.hidePopover(); }

  /** @returns {HTMLElement[]} */
  #entries() { return [...this.element.querySelectorAll('[role="menuitem"]')].map((e) => /** @type {HTMLElement} */ (e)); }

  /** @param {MouseEvent} event */
  #onClick = (event) => {
    const entry = /** @type {HTMLElement} */ (event.target).closest('[role="menuitem"]');
    const button = this.#button;
    const choose = this.#choose;
    if (!(entry instanceof HTMLElement) || entry.hasAttribute('aria-disabled') || !button) return;
    this.#button = null; // the choice takes the focus, not the button
    this.#choose = null;
    button.setAttribute('aria-expanded', 'false');
    this.element.hidePopover();
    choose?.(/** @type {string} */ (entry.dataset.value), button);
  };

  /** @param {KeyboardEvent} event */
  #onKeyDown = (event) => {
    const entries = this.#entries();
    const at = entries.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: entries.length - 1 }[event.key];
    if (next === undefined || entries.length === 0) return;
    event.preventDefault();
    entries[(next + entries.length) % entries.length].focus();
  };

  /** @param {Event} event */
  #onToggle = (event) => {
    // The event is queued: a menu closed and opened again for another button before it fired is open now.
    if (/** @type {ToggleEvent} */ (event).newState === 'open' || this.isOpen) return;
    const button = this.#button;
    this.#button = null;
    this.#choose = null;
    if (!button) return;
    button.setAttribute('aria-expanded', 'false');
    // Closed by Escape or by a click elsewhere: the focus goes back where the menu came from.
    if (button.isConnected && (this.element.contains(document.activeElement) || document.activeElement === document.body)) button.focus();
  };
}

/** @param {MenuEntry} entry */
function entryOf({ value, label, disabled = false, danger = false }) {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = 'popover-menu__item';
  element.setAttribute('role', 'menuitem');
  element.tabIndex = -1;
  element.dataset.value = value;
  element.textContent = label;
  // aria-disabled, not disabled: a disabled entry can still be reached and read, so its reason is heard.
  if (disabled) element.setAttribute('aria-disabled', 'true');
  if (danger) element.dataset.danger = '';
  return element;
}

/** @param {MenuGroup} group */
function groupOf({ group, entries }) {
  const element = document.createElement('div');
  element.setAttribute('role', 'group');
  element.setAttribute('aria-label', group);
  const heading = document.createElement('div');
  heading.className = 'popover-menu__heading';
  heading.setAttribute('aria-hidden', 'true');
  heading.textContent = group;
  element.append(heading, ...entries.map(entryOf));
  return element;
}

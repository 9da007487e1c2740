// @ts-check

/**
 * The chat page's account button and its menu (the account page, the admin page for admins, signing out).
 * It owns that DOM; it tells the page about signing out with a 'signout' event. Hidden under Auth:Mode=none,
 * where there are no accounts, so the chat looks as it always did.
 */
export class AccountMenu extends EventTarget {
  #button;
  #menu;

  /** @param {HTMLButtonElement} button @param {HTMLElement} menu */
  constructor(button, menu) {
    super();
    this.#button = button;
    this.#menu = menu;
    // Placed under its button as it opens: a popover is in the top layer, outside the header's layout.
    menu.addEventListener('beforetoggle', (event) => {
      if (/** @type {ToggleEvent} */ (event).newState !== 'open') return;
      const box = button.getBoundingClientRect();
      menu.style.top = `${box.bottom + 6}px`;
      menu.style.right = `${Math.max(8, innerWidth - box.right)}px`;
    });
    menu.querySelector('[data-action="signout"]')?.addEventListener('click', () => {
      menu.hidePopover();
      this.dispatchEvent(new Event('signout'));
    });
  }

  /** @param {import('../accounts-api.js').User} user */
  show(user) {
    if (user.mode === 'none') return;
    this.#button.hidden = false;
    this.#button.textContent = user.username;
    this.#button.setAttribute('aria-label', `Account: ${user.username}`);
    const who = this.#menu.querySelector('[data-field="username"]');
    if (who) who.textContent = user.username;
    const admin = /** @type {HTMLElement | null} */ (this.#menu.querySelector('[data-admin-only]'));
    if (admin) admin.hidden = user.role !== 'admin';
  }
}

// @ts-check

/**
 * The banner that says the page has no connection: shown while the browser is offline, or while Smail itself
 * cannot be reached at the start. Answers go on being written on the server meanwhile; the page catches up when the
 * connection is back.
 */
export class OfflineNotice {
  #element;

  /** @param {HTMLElement} element */
  constructor(element) {
    this.#element = element;
    addEventListener('offline', () => this.show());
    addEventListener('online', () => this.hide());
    if (!navigator.onLine) this.show();
  }

  /** @param {string} [why] */
  show(why = 'You are offline. Answers keep being written on the server; this page catches up when the connection is back.') {
    this.#element.textContent = why;
    this.#element.hidden = false;
  }

  hide() { this.#element.hidden = true; }
}

/**
 * Waits until Smail answers again (the browser back online, or a retry that gets through), then reloads the page:
 * what it shows is then whole and current.
 * @param {() => Promise<unknown>} probe
 */
export async function reloadWhenReachable(probe) {
  for (let delay = 1000; ; delay = Math.min(delay * 2, 30_000)) {
    await new Promise((resolve) => {
      const done = () => { removeEventListener('online', done); clearTimeout(timer); resolve(undefined); };
      const timer = setTimeout(done, delay);
      addEventListener('online', done);
    });
    try {
      await probe();
      location.reload();
      return;
    } catch { /* still out of reach */ }
  }
}

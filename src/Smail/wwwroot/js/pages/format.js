// @ts-check

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const STEPS = /** @type {const} */ ([[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']]);

/** "5 minutes ago", "yesterday"; "never" for no date. @param {string | null | undefined} iso @param {number} [now] */
export function ago(iso, now = Date.now()) {
  if (!iso) return 'never';
  let amount = (Date.parse(iso) - now) / 1000;
  for (const [size, unit] of STEPS) {
    if (Math.abs(amount) < size) return relative.format(Math.round(amount), unit);
    amount /= size;
  }
  return new Date(iso).toLocaleDateString();
}

/**
 * A table cell with its column's name for the phone layout, where the table's head is hidden.
 * @param {string} label @param {string | Node} content
 */
export function cell(label, content) {
  const td = document.createElement('td');
  td.dataset.label = label;
  td.append(content);
  return td;
}

/** A row's last cell: its buttons, in a box that lays them out without breaking the table. @param {HTMLElement[]} buttons */
export function actionsCell(buttons) {
  const box = document.createElement('div');
  box.className = 'actions';
  box.append(...buttons);
  return cell('', box);
}

/** @param {string} text @param {() => void} onClick @param {string} [extraClass] @param {string} [ariaLabel] */
export function actionButton(text, onClick, extraClass = '', ariaLabel = '') {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `button button--small ${extraClass}`.trim();
  button.textContent = text;
  if (ariaLabel) button.setAttribute('aria-label', ariaLabel);
  button.addEventListener('click', onClick);
  return button;
}

/** Sends the person to sign in when the server no longer knows them. @param {string} [status] */
export function goToSignIn(status = 'signedout') {
  location.replace(`/signin.html?status=${encodeURIComponent(status)}`);
}

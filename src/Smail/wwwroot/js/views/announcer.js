// @ts-check

/** How answers are read to a screen reader: as each paragraph completes, or once at the end. */
export const ANSWER_READING = Object.freeze({ paragraphs: 'paragraphs', end: 'end' });
const PREFERENCE = 'smail.answerReading';

/**
 * The page's one live region for screen readers, and the only code that writes to it. The status line
 * is not live: it changes with every token, and a screen reader would read each change. Announced
 * instead: state changes (said by the UI state manager) and the answer's paragraphs (said by the chat).
 */
export class Announcer {
  #region;

  /** @param {HTMLElement} region a visually hidden `role="log"` element */
  constructor(region) { this.#region = region; }

  /** How answers are read on this device. @returns {'paragraphs' | 'end'} */
  get answerReading() {
    return localStorage.getItem(PREFERENCE) === ANSWER_READING.end ? ANSWER_READING.end : ANSWER_READING.paragraphs;
  }

  /** @param {'paragraphs' | 'end'} mode */
  set answerReading(mode) { localStorage.setItem(PREFERENCE, mode); }

  /** Adds one announcement; a log region reads additions, so the same words twice are read twice. @param {string} text */
  say(text) {
    const words = text.replace(/\s+/g, ' ').trim();
    if (!words) return;
    const line = document.createElement('p');
    line.textContent = words;
    this.#region.append(line);
    while (this.#region.childElementCount > 20) this.#region.firstElementChild?.remove();
  }
}

/** The words of rendered markdown a person hears: without code blocks' labels and Copy buttons. @param {Node} node */
export function spokenText(node) {
  const copy = /** @type {Element | DocumentFragment} */ (node.cloneNode(true));
  for (const chrome of copy.querySelectorAll('.code-header')) chrome.remove();
  return copy.textContent ?? '';
}

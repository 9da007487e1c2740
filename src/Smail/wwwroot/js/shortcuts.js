// @ts-check

/**
 * @typedef {'newChat' | 'search' | 'composer' | 'stop' | 'copyLast' | 'help'} ShortcutAction
 * @typedef {{ action: ShortcutAction, keys: string, does: string, matches: (e: KeyboardEvent) => boolean, inText?: boolean }} Shortcut
 */

const ctrl = (/** @type {KeyboardEvent} */ e) => e.ctrlKey || e.metaKey;

/**
 * The page's keyboard shortcuts, defined once: the key handler and the `?` panel both read this list.
 * `inText`: also works while typing in a text field.
 * @type {readonly Shortcut[]}
 */
export const SHORTCUTS = Object.freeze([
  { action: 'newChat', keys: 'Ctrl+Shift+O', does: 'New chat', inText: true, matches: (e) => ctrl(e) && e.shiftKey && e.key.toLowerCase() === 'o' },
  { action: 'search', keys: 'Ctrl+K', does: 'Search conversations', inText: true, matches: (e) => ctrl(e) && !e.shiftKey && e.key.toLowerCase() === 'k' },
  { action: 'composer', keys: 'Shift+Esc', does: 'Focus the message box', inText: true, matches: (e) => e.shiftKey && e.key === 'Escape' },
  { action: 'stop', keys: 'Esc', does: 'Stop the answer', inText: true, matches: (e) => !e.shiftKey && e.key === 'Escape' },
  { action: 'copyLast', keys: 'Ctrl+Shift+C', does: 'Copy the last answer', inText: true, matches: (e) => ctrl(e) && e.shiftKey && e.key.toLowerCase() === 'c' },
  { action: 'help', keys: '?', does: 'Show these shortcuts', matches: (e) => e.key === '?' && !ctrl(e) },
]);

/**
 * Calls `run` with the action of the shortcut `event` is, if any; returns whether it was one.
 * @param {KeyboardEvent} event @param {(action: ShortcutAction) => boolean | void} run returns false when the action did not apply
 */
export function handleShortcut(event, run) {
  const typing = event.target instanceof HTMLElement && event.target.matches('input, textarea, select, [contenteditable]');
  const shortcut = SHORTCUTS.find((s) => s.matches(event) && (s.inText || !typing));
  if (!shortcut || run(shortcut.action) === false) return false;
  event.preventDefault();
  return true;
}

/** Fills the `?` panel's list from the same table. @param {HTMLElement} list a `<dl>` */
export function describeShortcuts(list) {
  list.replaceChildren(...SHORTCUTS.flatMap((s) => {
    const keys = document.createElement('dt');
    keys.append(...s.keys.split('+').flatMap((key, i) => {
      const kbd = document.createElement('kbd');
      kbd.textContent = key;
      return i === 0 ? [kbd] : ['+', kbd];
    }));
    const does = document.createElement('dd');
    does.textContent = s.does;
    return [keys, does];
  }));
}

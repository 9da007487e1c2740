// @ts-check

/**
 * A table cell with its text; a row's first cell is its header (`th scope="row"`), so each row is named by it.
 * @param {string} text @param {'td' | 'th'} [tag] @param {string} [className]
 */
export function cell(text, tag = 'td', className = '') {
  const element = document.createElement(tag);
  if (tag === 'th') element.scope = 'row';
  if (className) element.className = className;
  element.textContent = text;
  return element;
}

/** A whole number of bytes as megabytes, as the memory tile shows it. @param {number} bytes */
export function megabytes(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

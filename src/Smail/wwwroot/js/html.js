// @ts-check

/**
 * Text made safe to place inside HTML markup or a quoted attribute: the five characters that mean something there
 * become character references. For HTML that Smail builds as a string (a formula's or a diagram's source waiting to be
 * drawn, a message copied as HTML); everything else on the page is set with `textContent`.
 * @param {string} text
 */
export const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

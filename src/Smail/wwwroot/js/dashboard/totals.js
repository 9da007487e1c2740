// @ts-check
import { megabytes } from './table.js';

/**
 * @typedef {{ generations: number, errors: number, retries: number, recoveries: number, drops: number,
 *   messagesSent: number, stops: number, memoryBytes: number }} Totals
 */

/** The tiles of counts since Smail started. @param {HTMLElement} element @param {Totals} totals */
export function renderTotals(element, totals) {
  const errorRate = totals.generations ? `${((totals.errors / totals.generations) * 100).toFixed(1)} %` : '–';
  const tiles = [
    ['Messages sent', String(totals.messagesSent)],
    ['Answers', String(totals.generations)],
    ['Error rate', errorRate],
    ['Retries', String(totals.retries)],
    ['Recovered', String(totals.recoveries)],
    ['Stops', String(totals.stops)],
    ['Dropped streams', String(totals.drops)],
    ['Memory', megabytes(totals.memoryBytes)],
  ];
  element.replaceChildren(...tiles.map(([label, value]) => {
    const tile = document.createElement('div');
    tile.className = 'total';
    const number = document.createElement('b');
    number.textContent = value;
    const caption = document.createElement('span');
    caption.textContent = label;
    tile.append(number, caption);
    return tile;
  }));
}

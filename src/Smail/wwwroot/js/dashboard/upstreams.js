// @ts-check
import { cell } from './table.js';

/**
 * @typedef {{ name: string, type: string, reachable: boolean, version: string | null, error: string | null }} UpstreamHealth
 * @typedef {{ name: string, generations: number, errors: number, retries: number }} UpstreamTotals
 */

/**
 * The model servers: each one's state now (from /api/health) beside its counts since start (from the metrics'
 * `upstream` tag), one row per server.
 * @param {HTMLTableSectionElement} body @param {UpstreamHealth[]} health @param {UpstreamTotals[]} totals
 */
export function renderUpstreams(body, health, totals) {
  body.replaceChildren(...health.map((upstream) => {
    const counts = totals.find((t) => t.name === upstream.name) ?? { generations: 0, errors: 0, retries: 0 };
    const row = document.createElement('tr');
    const state = cell(upstream.reachable ? `Up${upstream.version ? ` · ${upstream.version}` : ''}` : `Down: ${upstream.error ?? 'cannot be reached'}`,
      'td', upstream.reachable ? 'up' : 'down');
    row.append(cell(upstream.name, 'th'), cell(upstream.type), state,
      cell(String(counts.generations)), cell(String(counts.errors)), cell(String(counts.retries)));
    return row;
  }));
}

// @ts-check
import { cell, megabytes } from './table.js';
import { renderTotals } from './totals.js';

/**
 * @typedef {import('./totals.js').Totals} Totals
 * @typedef {{ provider: string, ok: boolean, path?: string }} StoreHealth
 * @typedef {{ instance?: string, store?: StoreHealth | null, redis?: { ok: boolean } | null }} EngineHealth
 * @typedef {{ name: string, activeGenerations: number, connections: number, memoryBytes: number, seenAt: string }} ClusterInstance
 * @typedef {{ since: string, totals: Totals, instances: ClusterInstance[], error?: string }} ClusterView
 */

const STORE_KINDS = /** @type {Record<string, string>} */ ({ json: 'JSON files', postgres: 'PostgreSQL' });

/**
 * The engines Smail stands on, from /api/health: the conversation store (JSON files or PostgreSQL) and, when
 * configured, Redis. Each says whether it works now, as this instance sees it.
 * @param {HTMLTableSectionElement} body @param {HTMLElement} title @param {EngineHealth} health
 */
export function renderEngines(body, title, health) {
  title.textContent = health.redis ? 'Storage and Redis' : 'Storage';
  const rows = [];
  if (health.store) {
    rows.push(engineRow('Store', STORE_KINDS[health.store.provider] ?? health.store.provider, health.store.ok,
      'Down: new messages are refused until it is back'));
  }
  if (health.redis) {
    rows.push(engineRow('Live answers', 'Redis', health.redis.ok, 'Down: new messages are refused; conversations still read'));
  }
  body.replaceChildren(...rows);
}

/** @param {string} name @param {string} kind @param {boolean} ok @param {string} down */
function engineRow(name, kind, ok, down) {
  const row = document.createElement('tr');
  row.append(cell(name, 'th'), cell(kind), cell(ok ? 'Up' : down, 'td', ok ? 'up' : 'down'));
  return row;
}

/**
 * The whole cluster, when instances share Redis: its totals (every instance's counts added up in Redis, so a restart
 * does not lose them) and each instance heard from lately, this one marked. Hidden for a single instance.
 * @param {{ section: HTMLElement, title: HTMLElement, totals: HTMLElement, instances: HTMLTableSectionElement }} parts
 * @param {ClusterView | undefined} cluster @param {string | undefined} thisInstance
 */
export function renderCluster(parts, cluster, thisInstance) {
  parts.section.hidden = !cluster;
  if (!cluster) return;
  if (cluster.error) {
    parts.title.textContent = 'Whole cluster: not available now';
    parts.totals.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: cluster.error }));
    parts.instances.replaceChildren();
    return;
  }
  const count = cluster.instances.length;
  parts.title.textContent = `Whole cluster · ${count} ${count === 1 ? 'instance' : 'instances'} · since ${new Date(cluster.since).toLocaleString()}`;
  renderTotals(parts.totals, cluster.totals);
  parts.instances.replaceChildren(...cluster.instances.map((instance) => {
    const row = document.createElement('tr');
    row.append(cell(instance.name === thisInstance ? `${instance.name} (this one)` : instance.name, 'th'),
      cell(String(instance.activeGenerations)), cell(String(instance.connections)), cell(megabytes(instance.memoryBytes)));
    return row;
  }));
}

// @ts-check
import { ChartPanel } from './chart-panel.js';
import { renderTotals } from './totals.js';
import { perMinute } from './rates.js';
import { renderUpstreams } from './upstreams.js';
import { renderCluster, renderEngines } from './cluster.js';

/** @typedef {import('./chart-panel.js').Series} Series */

const REFRESH_MS = 5000;
/** @param {string} id @returns {HTMLElement} */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const panels = {
  // p95 dashed and drawn first, so p50 stays visible where the two are equal.
  ttfc: new ChartPanel($('chart-ttfc'), [
    { label: 'p95', color: '#e8590c', dash: [6, 4], value: (b) => b.timeToFirstChunkP95 },
    { label: 'p50', color: '#3b5bdb', value: (b) => b.timeToFirstChunkP50 },
  ], 0.5),
  speed: new ChartPanel($('chart-speed'), [{ label: 'tok/s', color: '#2f9e44', value: (b) => b.tokensPerSecond }], 10),
  active: new ChartPanel($('chart-active'), [
    { label: 'answers', color: '#3b5bdb', value: (b) => b.activeGenerations },
    { label: 'streams', color: '#9c36b5', value: (b) => b.connections },
  ], 2),
  rates: new ChartPanel($('chart-rates'), [
    { label: 'answers', color: '#2f9e44', value: perMinute('generations') },
    { label: 'errors', color: '#c92a2a', value: perMinute('errors') },
    { label: 'retries', color: '#f08c00', value: perMinute('retries') },
  ], 5),
};

async function refresh() {
  try {
    const response = await fetch('/api/metrics/history');
    // Under an auth mode the dashboard is for signed-in people: someone else is sent to sign in.
    if (response.status === 401) {
      location.replace('/signin.html');
      return;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const history = await response.json();
    for (const panel of Object.values(panels)) panel.show(history.buckets, history.bucketSeconds);
    renderTotals($('totals'), history.totals);
    const health = await (await fetch('/api/health')).json();
    renderUpstreams(/** @type {HTMLTableSectionElement} */ ($('upstreams')), health.upstreams, history.upstreams);
    renderEngines(/** @type {HTMLTableSectionElement} */ ($('engines')), $('engines-title'), health);
    renderCluster({
      section: $('cluster'), title: $('cluster-title'), totals: $('cluster-totals'),
      instances: /** @type {HTMLTableSectionElement} */ ($('cluster-instances')),
    }, history.cluster, health.instance);
    $('totals').setAttribute('aria-label', history.cluster ? `This instance's totals since it started (${health.instance})` : 'Totals since start');
    const span = history.buckets.length * history.bucketSeconds < 120 ? 'since start' : `last ${Math.round(history.buckets.length * history.bucketSeconds / 60)} min`;
    // With a cluster, the tiles at the top and the charts are this instance's own: the line says which one.
    $('updated').textContent = `Updated ${new Date().toLocaleTimeString()} · ${history.cluster ? `this instance (${health.instance}), ` : ''}${span}`;
  } catch (error) {
    $('updated').textContent = `Could not read Smail's metrics: ${error instanceof Error ? error.message : error}`;
  }
}

await refresh();
setInterval(refresh, REFRESH_MS);

// @ts-check

/** @typedef {import('./chart-panel.js').Series} Series */

/**
 * A chart value: the events in the minute up to each bucket, a real per-minute rate. (A 5-second bucket's
 * count times twelve drew one answer as "12 per minute".)
 * @param {'generations' | 'errors' | 'retries'} field @returns {Series['value']}
 */
export const perMinute = (field) => (_bucket, seconds, index, buckets) => {
  const window = Math.max(1, Math.round(60 / seconds));
  return buckets.slice(Math.max(0, index - window + 1), index + 1).reduce((sum, b) => sum + b[field], 0);
};

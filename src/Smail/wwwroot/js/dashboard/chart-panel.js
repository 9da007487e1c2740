// @ts-check
import uPlot from 'uplot';

/**
 * @typedef {{ start: string, generations: number, errors: number, retries: number, timeToFirstChunkP50: number | null,
 *   timeToFirstChunkP95: number | null, tokensPerSecond: number | null, activeGenerations: number, connections: number }} Bucket
 * @typedef {{ label: string, color: string, dash?: number[],
 *   value: (bucket: Bucket, bucketSeconds: number, index: number, buckets: Bucket[]) => number | null }} Series
 */

/** One time-series chart of the dashboard, redrawn in place as new buckets arrive. */
export class ChartPanel {
  /** The time axis always spans at least this much, so a fresh server's few points are readable. */
  static MIN_SPAN_SECONDS = 300;
  #element;
  #series;
  #minMax;
  /** @type {uPlot | null} */
  #plot = null;

  /** @param {HTMLElement} element @param {Series[]} series @param {number} minMax the y axis reaches at least this */
  constructor(element, series, minMax) {
    this.#element = element;
    this.#series = series;
    this.#minMax = minMax;
    new ResizeObserver(() => this.#plot?.setSize(this.#size())).observe(element);
  }

  /** @param {Bucket[]} buckets @param {number} bucketSeconds */
  show(buckets, bucketSeconds) {
    /** @type {uPlot.AlignedData} */
    const data = [
      buckets.map((b) => Date.parse(b.start) / 1000),
      ...this.#series.map((s) => buckets.map((b, i) => s.value(b, bucketSeconds, i, buckets))),
    ];
    if (this.#plot) {
      this.#plot.setData(data);
      return;
    }
    this.#plot = new uPlot({
      ...this.#size(),
      series: [{}, ...this.#series.map((s) => ({ label: s.label, stroke: s.color, dash: s.dash, width: 2, spanGaps: true, points: { show: true, size: 4 } }))],
      // Wider spacing than uPlot's default, whose two-line date labels overlapped at this width.
      axes: [{ stroke: '#888', space: 90 }, { stroke: '#888' }],
      scales: {
        // From the data itself: with one bucket uPlot widens a zero-width range to years before asking.
        x: { time: true, range: (u) => xRange(/** @type {number[]} */ (u.data[0])) },
        y: { range: (_u, _min, max) => [0, Math.max(max ?? 0, this.#minMax) * 1.15] },
      },
    }, data, this.#element);
  }

  #size() {
    return { width: Math.max(280, this.#element.clientWidth), height: 220 };
  }
}

/** The time axis: the buckets' span, and at least MIN_SPAN_SECONDS back from the newest. @param {number[]} times */
function xRange(times) {
  const newest = times.at(-1) ?? Date.now() / 1000;
  return /** @type {uPlot.Range.MinMax} */ ([Math.min(times[0] ?? newest, newest - ChartPanel.MIN_SPAN_SECONDS), newest]);
}

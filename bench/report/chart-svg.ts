import type { Histogram } from '../histogram';

const WIDTH = 900;
const PANEL = 300;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 50 };
const COLOURS = ['#2563eb', '#d97706', '#059669', '#dc2626'];

/**
 * A hand-written SVG with two panels: the latency histogram (share of messages per
 * logarithmic latency bucket) and the percentile curve (latency against 1 − 1/10^k, the
 * usual HdrHistogram plot that makes the tail visible). No chart library: it is two
 * polylines and some axes.
 */
export function latencyChartSvg(title: string, series: readonly { name: string; histogram: Histogram }[]): string {
  const shown = series.filter((s) => s.histogram.totalCount > 0);
  const height = MARGIN.top + 2 * (PANEL + MARGIN.bottom) + 20;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`,
  ];
  if (shown.length === 0) parts.push(`<text x="${WIDTH / 2}" y="80" text-anchor="middle">no samples</text>`);
  else {
    parts.push(histogramPanel(shown, MARGIN.top));
    parts.push(percentilePanel(shown, MARGIN.top + PANEL + MARGIN.bottom + 20));
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Buckets at 10 per decade between the smallest and largest value. */
function histogramPanel(series: readonly { name: string; histogram: Histogram }[], top: number): string {
  const minMs = Math.max(0.01, Math.min(...series.map((s) => s.histogram.minNonZeroValue / 1000)));
  const maxMs = Math.max(...series.map((s) => s.histogram.maxValue / 1000));
  const lo = Math.floor(Math.log10(minMs) * 10) / 10;
  const hi = Math.ceil(Math.log10(maxMs) * 10) / 10 + 0.1;
  const edges: number[] = [];
  for (let e = lo; e <= hi + 1e-9; e += 0.1) edges.push(10 ** e);
  const shares = series.map(({ histogram }) => {
    const below = (ms: number) => countBelow(histogram, ms * 1000);
    return edges.slice(1).map((edge, i) => (below(edge) - below(edges[i]!)) / histogram.totalCount);
  });
  const top1 = Math.max(0.01, ...shares.flat());
  const x = (ms: number) => MARGIN.left + ((Math.log10(ms) - lo) / (hi - lo)) * (WIDTH - MARGIN.left - MARGIN.right);
  const y = (share: number) => top + PANEL - (share / top1) * PANEL;
  const out = [axes(top, 'latency (ms, log scale)', 'share of messages'), ...logTicks(lo, hi, x, top + PANEL)];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) out.push(label(MARGIN.left - 6, y(tick * top1) + 4, `${(tick * top1 * 100).toFixed(1)}%`, 'end'));
  shares.forEach((values, s) => {
    const points = values.flatMap((share, i) => [`${x(edges[i]!).toFixed(1)},${y(share).toFixed(1)}`, `${x(edges[i + 1]!).toFixed(1)},${y(share).toFixed(1)}`]);
    out.push(`<polyline fill="none" stroke="${COLOURS[s % COLOURS.length]}" stroke-width="1.5" points="${points.join(' ')}"/>`);
  });
  out.push(legend(series, top));
  return out.join('\n');
}

/** Latency at percentiles 0 … 99.999, x = log10(1 / (1 − p)). */
function percentilePanel(series: readonly { name: string; histogram: Histogram }[], top: number): string {
  const nines = 5;
  const maxMs = Math.max(...series.map((s) => s.histogram.maxValue / 1000));
  const x = (k: number) => MARGIN.left + (k / nines) * (WIDTH - MARGIN.left - MARGIN.right);
  const y = (ms: number) => top + PANEL - (ms / maxMs) * PANEL;
  const out = [axes(top, 'percentile', 'latency (ms)')];
  ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%'].forEach((text, k) => out.push(label(x(k), top + PANEL + 16, text, 'middle')));
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) out.push(label(MARGIN.left - 6, y(tick * maxMs) + 4, (tick * maxMs).toFixed(maxMs < 10 ? 2 : 0), 'end'));
  series.forEach(({ histogram }, s) => {
    const points: string[] = [];
    for (let step = 0; step <= nines * 20; step++) {
      const k = step / 20;
      const percentile = 100 * (1 - 10 ** -k);
      points.push(`${x(k).toFixed(1)},${y(histogram.getValueAtPercentile(percentile) / 1000).toFixed(1)}`);
    }
    out.push(`<polyline fill="none" stroke="${COLOURS[s % COLOURS.length]}" stroke-width="1.5" points="${points.join(' ')}"/>`);
  });
  return out.join('\n');
}

function countBelow(histogram: Histogram, value: number): number {
  // HdrHistogram answers percentiles, not counts: search the percentile whose value crosses `value`.
  if (value <= histogram.minNonZeroValue) return 0;
  if (value > histogram.maxValue) return histogram.totalCount;
  let low = 0;
  let high = 100;
  for (let i = 0; i < 30; i++) {
    const mid = (low + high) / 2;
    if (histogram.getValueAtPercentile(mid) < value) low = mid;
    else high = mid;
  }
  return (low / 100) * histogram.totalCount;
}

function axes(top: number, xTitle: string, yTitle: string): string {
  const bottom = top + PANEL;
  return [
    `<line x1="${MARGIN.left}" y1="${bottom}" x2="${WIDTH - MARGIN.right}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#333"/>`,
    label((MARGIN.left + WIDTH - MARGIN.right) / 2, bottom + 34, xTitle, 'middle'),
    `<text x="16" y="${top + PANEL / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + PANEL / 2})">${escape(yTitle)}</text>`,
  ].join('\n');
}

function logTicks(lo: number, hi: number, x: (ms: number) => number, y: number): string[] {
  const ticks: string[] = [];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    for (const m of [1, 2, 5]) {
      const value = m * 10 ** e;
      if (Math.log10(value) < lo || Math.log10(value) > hi) continue;
      ticks.push(`<line x1="${x(value)}" y1="${y}" x2="${x(value)}" y2="${y + 4}" stroke="#333"/>`, label(x(value), y + 16, String(+value.toPrecision(3)), 'middle'));
    }
  }
  return ticks;
}

function legend(series: readonly { name: string }[], top: number): string {
  return series
    .map((s, i) => {
      const y = top + 14 + i * 16;
      const x = WIDTH - MARGIN.right - 320;
      return `<rect x="${x}" y="${y - 9}" width="12" height="3" fill="${COLOURS[i % COLOURS.length]}"/>${label(x + 18, y - 4, s.name, 'start')}`;
    })
    .join('\n');
}

const label = (x: number, y: number, text: string, anchor: 'start' | 'middle' | 'end') =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}">${escape(text)}</text>`;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

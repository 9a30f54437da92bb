import type { BenchNode } from './deployment';

/** The server-side timings that split a message's path, as Prometheus series names. */
const SERIES = {
  'POST /api/messages → 202': 'parley_http_request_duration_seconds{method="POST",route="/api/messages",status="202"}',
  'accepted → stored': 'parley_message_accept_to_store_seconds',
  'stored → written to socket': 'parley_message_store_to_delivery_seconds',
} as const;

export type ServerTimings = Record<keyof typeof SERIES, { count: number; sumSeconds: number }>;

/**
 * Sums and counts of the nodes' own latency histograms, added over the nodes. Two scrapes
 * around a phase give the server's mean per stage for that phase: where the time goes,
 * which the client-side figures cannot tell. Null when a node has no /metrics.
 */
export async function scrapeServerTimings(nodes: readonly BenchNode[]): Promise<ServerTimings | null> {
  const totals = Object.fromEntries(Object.keys(SERIES).map((name) => [name, { count: 0, sumSeconds: 0 }])) as ServerTimings;
  for (const node of nodes) {
    const res = await fetch(`${node.httpUrl}/metrics`).catch(() => null);
    if (!res?.ok) return null;
    const lines = (await res.text()).split('\n');
    for (const [name, series] of Object.entries(SERIES) as [keyof typeof SERIES, string][]) {
      const [metric, labels = ''] = series.split(/(?=\{)/);
      const value = (suffix: string) => Number(lines.find((line) => line.startsWith(`${metric}_${suffix}${labels} `))?.split(' ')[1] ?? 0);
      totals[name].count += value('count');
      totals[name].sumSeconds += value('sum');
    }
  }
  return totals;
}

/** Mean milliseconds per stage between two scrapes. */
export function serverMeans(before: ServerTimings | null, after: ServerTimings | null): Record<string, number> | null {
  if (!before || !after) return null;
  const means: Record<string, number> = {};
  for (const name of Object.keys(SERIES) as (keyof typeof SERIES)[]) {
    const count = after[name].count - before[name].count;
    if (count > 0) means[name] = ((after[name].sumSeconds - before[name].sumSeconds) / count) * 1000;
  }
  return means;
}

export function serverMeansRow(means: Record<string, number> | null): [string, string] {
  const text = means && Object.keys(means).length > 0 ? Object.entries(means).map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ') : 'not available';
  return ['server means (ms, /metrics)', text];
}

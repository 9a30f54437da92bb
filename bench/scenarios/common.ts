import { account, type Accounting } from '../accounting';
import { summarize, type Histogram, type LatencySummary } from '../histogram';
import type { FleetCollectResult, LoadFleet } from '../load/fleet';
import { storedCount } from '../server-probes';
import type { BenchRun } from './scenario';

/**
 * Waits (bounded by --settle) for every expected delivery, then counts: what the sockets
 * received, what Postgres stored, against what was accepted.
 */
export async function settleAndAccount(
  run: BenchRun,
  fleet: LoadFleet,
  sent: { accepted: Record<string, number>; failed: number; failedRequestsAllowed?: boolean },
  expectations: ReadonlyMap<string, readonly string[]>,
  collectOptions: { lastArrival?: boolean } = {},
): Promise<{ accounting: Accounting; collected: FleetCollectResult }> {
  await fleet.settle(expectedDeliveries(sent.accepted, expectations), run.options.settleSeconds * 1000);
  const collected = await fleet.collect(collectOptions);
  const stored = await waitForStored(run, Object.values(sent.accepted).reduce((a, b) => a + b, 0));
  const accounting = account({
    accepted: sent.accepted,
    stored,
    expectations,
    reports: collected.reports,
    failedRequests: sent.failed,
    failedRequestsAllowed: sent.failedRequestsAllowed,
  });
  return { accounting, collected };
}

export function expectedDeliveries(accepted: Record<string, number>, expectations: ReadonlyMap<string, readonly string[]>): number {
  let total = 0;
  for (const conversations of expectations.values()) for (const id of conversations) total += accepted[id] ?? 0;
  return total;
}

/** Deliveries can precede the store's commit by a little: give the count the settle time too. */
async function waitForStored(run: BenchRun, accepted: number): Promise<number | null> {
  const deadline = Date.now() + run.options.settleSeconds * 1000;
  for (;;) {
    const stored = await storedCount(run.deployment.databaseUrl, run.runTag);
    if (stored === null || stored >= accepted || Date.now() >= deadline) return stored;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Table rows for a latency distribution, in milliseconds. */
export function latencyRows(label: string, histogram: Histogram): [string, string][] {
  const s = summarize(histogram);
  return [[`${label} (ms)`, `p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p99 ${ms(s.p99)}  p99.9 ${ms(s.p999)}  max ${ms(s.max)}  (n=${s.count})`]];
}

export function latencyFigures(histogram: Histogram): LatencySummary {
  return summarize(histogram);
}

export const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

export function failureSummary(failures: Record<string, number>): string {
  const entries = Object.entries(failures);
  return entries.length === 0 ? 'none' : entries.map(([reason, count]) => `${count}× ${reason}`).join(', ');
}

import { now, sleep } from '../clock';
import { mergeHistograms, type Histogram } from '../histogram';
import { LoadGenerator } from './load-generator';
import type { OpenResult, SendPlan, SendResult, SocketReport, SocketSpec } from './protocol';

/** The load processes' answers added up, their histograms decoded and merged. */
export type FleetOpenResult = Omit<OpenResult, 'openHistogram'> & { openLatency: Histogram };
export type FleetSendResult = Omit<SendResult, 'acceptHistogram'> & { acceptLatency: Histogram };

export interface FleetCollectResult {
  reports: SocketReport[];
  deliveryLatency: Histogram;
  /** Message id → latest arrival over every socket of every process (ms after sending). */
  lastArrival: Map<string, number>;
}

/** The load processes of a run, driven together; their answers are added up here. */
export class LoadFleet {
  private constructor(readonly processes: LoadGenerator[]) {}

  static start(count: number, runTag: string): LoadFleet {
    return new LoadFleet(Array.from({ length: count }, (_, index) => LoadGenerator.start(index, runTag)));
  }

  get size(): number {
    return this.processes.length;
  }

  /** Opens `perProcess[i]` in process i, all processes at once. */
  async open(perProcess: readonly SocketSpec[][], concurrency: number): Promise<FleetOpenResult> {
    const started = now();
    const results = await Promise.all(this.processes.map((load, index) => load.call({ type: 'open', sockets: perProcess[index] ?? [], concurrency })));
    return {
      opened: sum(results.map((r) => r.opened)),
      failed: sum(results.map((r) => r.failed)),
      failures: mergeCounts(results.map((r) => r.failures)),
      openLatency: mergeHistograms(results.map((r) => r.openHistogram)),
      elapsedMs: now() - started,
    };
  }

  /** Runs `plans[i]` in process i (null: none there), all at once. */
  async send(plans: readonly (SendPlan | null)[]): Promise<FleetSendResult> {
    const started = now();
    const results = await Promise.all(
      this.processes.flatMap((load, index) => {
        const plan = plans[index];
        return plan ? [load.call({ type: 'send', plan })] : [];
      }),
    );
    return {
      attempted: sum(results.map((r) => r.attempted)),
      accepted: mergeCounts(results.map((r) => r.accepted)),
      failed: sum(results.map((r) => r.failed)),
      failures: mergeCounts(results.map((r) => r.failures)),
      acceptLatency: mergeHistograms(results.map((r) => r.acceptHistogram)),
      elapsedMs: now() - started,
    };
  }

  /**
   * Waits until the sockets hold `expected` deliveries or `settleMs` has passed, whichever
   * comes first: stragglers get a bounded chance, a lost message does not hang the run.
   */
  async settle(expected: number, settleMs: number): Promise<number> {
    const deadline = now() + settleMs;
    for (;;) {
      const received = sum(await Promise.all(this.processes.map(async (load) => (await load.call({ type: 'progress' })).received)));
      if (received >= expected || now() >= deadline) return received;
      await sleep(100);
    }
  }

  async collect(options: { resetHistogram?: boolean; lastArrival?: boolean } = {}): Promise<FleetCollectResult> {
    const results = await Promise.all(
      this.processes.map((load) => load.call({ type: 'collect', resetHistogram: options.resetHistogram ?? false, lastArrival: options.lastArrival ?? false })),
    );
    const lastArrival = new Map<string, number>();
    for (const result of results) {
      for (const [id, latency] of Object.entries(result.lastArrival ?? {})) lastArrival.set(id, Math.max(latency, lastArrival.get(id) ?? 0));
    }
    return { reports: results.flatMap((r) => r.sockets), deliveryLatency: mergeHistograms(results.map((r) => r.deliveryHistogram)), lastArrival };
  }

  async closeSockets(): Promise<void> {
    await Promise.all(this.processes.map((load) => load.call({ type: 'close' })));
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((load) => load.stop()));
  }
}

/** Deals items out to `parts` lists, round-robin. */
export function deal<T>(items: readonly T[], parts: number): T[][] {
  const lists: T[][] = Array.from({ length: parts }, () => []);
  items.forEach((item, index) => lists[index % parts]!.push(item));
  return lists;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

export function mergeCounts(counts: readonly Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const one of counts) for (const [key, value] of Object.entries(one)) total[key] = (total[key] ?? 0) + value;
  return total;
}

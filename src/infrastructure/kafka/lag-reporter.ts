import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/metrics';

/** Often enough to see a stall within seconds; two small admin requests per consumer each time. */
export const LAG_REPORT_INTERVAL_MS = 5_000;

/** Where a consumer stands: the next offset it will read, per topic partition. */
export interface Position {
  topic: string;
  partition: number;
  next: bigint;
}

/**
 * Reports a consumer's lag on a timer, not only when a batch arrives: a consumer that has
 * stalled (its database down, its process wedged) must show a growing lag, and partitions
 * that never received a record must show up too.
 */
export class LagReporter {
  private readonly admin: Admin;
  private timer: NodeJS.Timeout | null = null;
  private connected = false;
  private stopped = false;

  constructor(
    kafka: Kafka,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: { group: string; topics: readonly string[]; intervalMs: number; positions: (admin: Admin) => Promise<Position[]> },
  ) {
    this.admin = kafka.admin();
  }

  start(): void {
    this.timer = setInterval(() => void this.report(), this.options.intervalMs);
    this.timer.unref();
    void this.report();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
    this.connected = false;
  }

  /** Reads positions and high watermarks once and sets the gauge; public so tests need not wait for the timer. */
  async report(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.connected) {
        await this.admin.connect();
        this.connected = true;
        if (this.stopped) return void (await this.admin.disconnect());
      }
      const [positions, ends] = await Promise.all([this.options.positions(this.admin), this.highWatermarks()]);
      const next = new Map(positions.map((p) => [`${p.topic}/${p.partition}`, p.next]));
      for (const { topic, partition, high, low } of ends) {
        const at = next.get(`${topic}/${partition}`) ?? low;
        const lag = high > at ? Number(high - at) : 0;
        this.metrics.consumerLag.set({ group: this.options.group, topic, partition: String(partition) }, lag);
      }
    } catch (error) {
      // A missed report only leaves the last value in place; the next tick tries again.
      this.logger.debug({ err: error, group: this.options.group }, 'could not report consumer lag');
    }
  }

  private async highWatermarks() {
    const perTopic = await Promise.all(
      this.options.topics.map(async (topic) => ({ topic, offsets: await this.admin.fetchTopicOffsets(topic) })),
    );
    return perTopic.flatMap(({ topic, offsets }) =>
      offsets.map((o) => ({ topic, partition: o.partition, high: BigInt(o.high), low: BigInt(o.low) })),
    );
  }
}

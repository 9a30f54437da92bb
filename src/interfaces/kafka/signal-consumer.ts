import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { SignalListener } from '../../application/ports/signal-publisher';
import { decodeSignal } from '../../infrastructure/kafka/signal-codec';
import type { Logger } from '../../infrastructure/logging/logger';
import type { Metrics } from '../../infrastructure/metrics/metrics';
import { ConsumerLifecycle } from './consumer-lifecycle';

export interface SignalConsumerOptions {
  topicPrefix: string;
  nodeId: string;
  sessionTimeoutMs: number;
  /**
   * How far back a starting node reads: at least one heartbeat of every live node lies within
   * it, so the node knows who is online before it serves anyone.
   */
  lookbackMs: number;
}

/** A starting node waits at most this long to have read the look-back window. */
const CATCH_UP_TIMEOUT_MS = 15_000;

/**
 * Every node reads every signal (presence, typing) with a group of its own per process run.
 * Nothing is committed: a signal is only worth its moment, and the heartbeats repair
 * whatever a rejoin skipped.
 */
export class KafkajsSignalConsumer {
  readonly name = 'signal consumer';
  private readonly lifecycle: ConsumerLifecycle;
  /** Partition → the offset reached; start() waits until each is at the end it saw. */
  private readonly reached = new Map<number, bigint>();
  private catchUp: { ends: Map<number, bigint>; done(): void } | null = null;
  private listeners: readonly SignalListener[] = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    /** Resolved at start: listeners may be bound after this consumer is built. */
    private readonly listenersOf: () => readonly SignalListener[],
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: SignalConsumerOptions,
  ) {
    this.lifecycle = new ConsumerLifecycle(kafka, logger, {
      name: this.name,
      group: `${options.topicPrefix}.signals`,
      perRun: { nodeId: options.nodeId },
      sessionTimeoutMs: options.sessionTimeoutMs,
    });
  }

  async start(): Promise<void> {
    this.listeners = this.listenersOf();
    const { starts, ends } = await this.window();
    const { consumer } = this.lifecycle;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    const caughtUp = new Promise<void>((done) => (this.catchUp = { ends, done }));
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.handleBatch(payload) });
    for (const [partition, offset] of starts) {
      this.reached.set(partition, offset);
      consumer.seek({ topic: this.topic, partition, offset: offset.toString() });
    }
    this.lifecycle.started();
    this.checkCaughtUp();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, CATCH_UP_TIMEOUT_MS).unref());
    await Promise.race([caughtUp, timeout]);
    if (this.catchUp) this.logger.warn({ group: this.lifecycle.groupId }, 'signal consumer started before reading its look-back window');
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  isReady(): boolean {
    return this.lifecycle.isReady();
  }

  /** Where to start (the first record of the look-back window) and where the topic ends now, per partition. */
  private async window(): Promise<{ starts: Map<number, bigint>; ends: Map<number, bigint> }> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [ends, starts] = await Promise.all([
        admin.fetchTopicOffsets(this.topic),
        admin.fetchTopicOffsetsByTimestamp(this.topic, Date.now() - this.options.lookbackMs),
      ]);
      const endOf = new Map(ends.map(({ partition, high }) => [partition, BigInt(high)]));
      // A partition with nothing since the timestamp answers -1: start at its end.
      const startOf = new Map(starts.map(({ partition, offset }) => [partition, BigInt(offset) < 0n ? (endOf.get(partition) ?? 0n) : BigInt(offset)]));
      return { starts: startOf, ends: endOf };
    } finally {
      await admin.disconnect();
    }
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    for (const record of batch.messages) {
      if (!isRunning() || isStale()) return;
      const signal = decodeSignal(record.value);
      if (signal) {
        this.metrics.signalsReceived.inc({ type: signal.type });
        for (const listener of this.listeners) {
          try {
            listener.onSignal(signal);
          } catch (error) {
            this.logger.error({ err: error, type: signal.type }, 'signal handling failed');
          }
        }
      }
      resolveOffset(record.offset);
      this.reached.set(batch.partition, BigInt(record.offset) + 1n);
    }
    this.checkCaughtUp();
    await heartbeat();
  }

  private checkCaughtUp(): void {
    if (!this.catchUp) return;
    for (const [partition, end] of this.catchUp.ends) if ((this.reached.get(partition) ?? 0n) < end) return;
    this.catchUp.done();
    this.catchUp = null;
  }
}

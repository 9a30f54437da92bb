import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { consumerSettings, deleteOwnGroup } from '../../infrastructure/kafka/consumer-settings';
import type { Logger } from '../../infrastructure/logging/logger';

/** A periodic report about the consumer (LagReporter), started and stopped with it. */
export interface LagReport {
  start(): void;
  stop(): Promise<void>;
}

export interface ConsumerLifecycleOptions {
  /** How logs and readiness name it ("store consumer"). */
  name: string;
  /** The group; with `perRun`, this process run's own group is derived from it. */
  group: string;
  /** A group of this process run alone (every node reads everything): named per run, deleted at stop. */
  perRun?: { nodeId: string };
  sessionTimeoutMs: number;
}

/**
 * What every Kafka way in shares: a kafkajs consumer with Parley's settings, readiness (started
 * and in its group; after a crash, not until it has joined again), a stop that leaves no group
 * of a finished process run behind, and where topics end now.
 */
export class ConsumerLifecycle {
  readonly consumer: Consumer;
  readonly groupId: string;
  private running = false;
  private hasJoined = false;
  private lag: LagReport | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
    private readonly options: ConsumerLifecycleOptions,
  ) {
    this.groupId = options.perRun ? `${options.group}.${options.perRun.nodeId}.${randomBytes(4).toString('hex')}` : options.group;
    this.consumer = kafka.consumer(consumerSettings(this.groupId, options));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.hasJoined = true));
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.hasJoined = false;
      this.logger.error({ err: payload.error, restart: payload.restart }, `${options.name} crashed`);
    });
  }

  /**
   * Called once the consumer runs: from then on it is ready whenever it is in its group. A lag
   * report given here runs until stop().
   */
  started(lag?: LagReport): void {
    this.running = true;
    this.lag = lag;
    lag?.start();
  }

  isReady(): boolean {
    return this.running && this.hasJoined;
  }

  async stop(): Promise<void> {
    await this.lag?.stop();
    this.running = false;
    await this.consumer.disconnect();
    if (this.options.perRun) await deleteOwnGroup(this.kafka, this.groupId, this.logger, this.options.name);
  }

  /** Where each partition of the topics ends now (the offset the next record will get). */
  async endOffsets(topics: readonly string[]): Promise<{ topic: string; partition: number; offset: string }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const perTopic = await Promise.all(topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })));
      return perTopic.flatMap(({ topic, offsets }) => offsets.map(({ partition, high }) => ({ topic, partition, offset: high })));
    } finally {
      await admin.disconnect();
    }
  }
}

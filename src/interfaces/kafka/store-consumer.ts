import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { StoreMessages } from '../../application/use-cases/store-messages';
import type { Message } from '../../domain/message';
import { joined } from '../../infrastructure/kafka/consumer-settings';
import { decodeEvent } from '../../infrastructure/kafka/event-codec';
import { LAG_REPORT_INTERVAL_MS, LagReporter } from '../../infrastructure/kafka/lag-reporter';
import type { TopicNames } from '../../infrastructure/kafka/topics';
import type { Logger } from '../../infrastructure/logging/logger';
import type { Metrics } from '../../infrastructure/metrics/metrics';
import { ConsumerLifecycle } from './consumer-lifecycle';

export interface StoreConsumerOptions {
  topicPrefix: string;
  sessionTimeoutMs: number;
}

/**
 * Reads accepted messages with a group shared by every node and stores them. Offsets are
 * resolved only after the batch is in Postgres and its `message.stored` events are
 * acknowledged, and committed from those, so a crash at any point re-reads the batch: the
 * store skips what it already has, and the announcements go out again (fan-out is
 * at-least-once, deduplicated by seq).
 */
export class KafkajsStoreConsumer {
  readonly name = 'store consumer';
  private readonly lifecycle: ConsumerLifecycle;
  private readonly groupId: string;
  private readonly lag: LagReporter;

  constructor(
    kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly storeMessages: StoreMessages,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    options: StoreConsumerOptions,
  ) {
    this.lifecycle = new ConsumerLifecycle(kafka, logger, { name: this.name, group: `${options.topicPrefix}.store`, sessionTimeoutMs: options.sessionTimeoutMs });
    this.groupId = this.lifecycle.groupId;
    // Committed offsets are where this group stands, whichever node holds a partition now.
    this.lag = new LagReporter(kafka, metrics, logger, {
      group: this.groupId,
      topics: [topics.accepted],
      intervalMs: LAG_REPORT_INTERVAL_MS,
      positions: async (admin) =>
        (await admin.fetchOffsets({ groupId: this.groupId, topics: [topics.accepted] })).flatMap(({ topic, partitions }) =>
          partitions.filter((p) => BigInt(p.offset) >= 0n).map((p) => ({ topic, partition: p.partition, next: BigInt(p.offset) })),
        ),
    });
  }

  async start(): Promise<void> {
    const { consumer } = this.lifecycle;
    await consumer.connect();
    // A durable group: the first node ever started must store what was accepted before it.
    await consumer.subscribe({ topics: [this.topics.accepted], fromBeginning: true });
    const groupJoined = joined(consumer);
    await consumer.run({
      // Offsets are committed at most once a second, not after every batch (a broker round trip
      // on the store's critical path). Offsets are resolved only after a batch is stored and
      // announced, so a crash re-reads at most a second of batches: stored once, announced again.
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatchAutoResolve: false,
      // Partitions hold disjoint conversations, so their transactions never wait on each other.
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.lifecycle.started(this.lag);
    await groupJoined;
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  isReady(): boolean {
    return this.lifecycle.isReady();
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const accepted: Message[] = [];
    for (const record of batch.messages) {
      const event = decodeEvent(record.value);
      if (event?.type === 'message.accepted') accepted.push(event.message);
      else this.logger.warn({ topic: batch.topic, partition: batch.partition, offset: record.offset }, 'skipping an unreadable record');
    }
    const deliveries = await this.storeMessages.execute(accepted);
    this.observe(deliveries.filter((delivery) => delivery.fresh).map((delivery) => delivery.message.createdAt));
    const last = batch.lastOffset();
    resolveOffset(last);
    await commitOffsetsIfNecessary();
    this.metrics.consumerLag.set(
      { group: this.groupId, topic: batch.topic, partition: String(batch.partition) },
      Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(last) - 1n)),
    );
    await heartbeat();
  }

  private observe(acceptedAt: Date[]) {
    const now = Date.now();
    this.metrics.messagesStored.inc(acceptedAt.length);
    for (const createdAt of acceptedAt) this.metrics.acceptToStore.observe((now - createdAt.getTime()) / 1000);
  }
}

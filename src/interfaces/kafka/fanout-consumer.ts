import { setTimeout as sleep } from 'node:timers/promises';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { ChatEvent, StoredEvent } from '../../application/ports/event-publisher';
import type { LocalDelivery } from '../../application/ports/local-delivery';
import type { RoomMembersDirectory } from '../../application/ports/room-members-directory';
import type { SessionEndListener } from '../../application/ports/session-end-listener';
import type { DeliverStoredMessage } from '../../application/use-cases/deliver-stored-message';
import { asDependencyFailure } from '../../infrastructure/errors/dependency-failure';
import { decodeEvent } from '../../infrastructure/kafka/event-codec';
import { LAG_REPORT_INTERVAL_MS, LagReporter, type Position } from '../../infrastructure/kafka/lag-reporter';
import type { TopicNames } from '../../infrastructure/kafka/topics';
import type { Logger } from '../../infrastructure/logging/logger';
import type { Metrics } from '../../infrastructure/metrics/metrics';
import { ConsumerLifecycle } from './consumer-lifecycle';

export interface FanoutConsumerOptions {
  topicPrefix: string;
  nodeId: string;
  sessionTimeoutMs: number;
}

/** Waits between attempts to deliver a stored message whose room members could not be read. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2_000;

/** What handling a batch needs to know to stop retrying (and to stay in the group meanwhile). */
type BatchControl = Pick<EachBatchPayload, 'isRunning' | 'isStale' | 'heartbeat'>;

/**
 * Every node reads every stored message, session change and room membership change with a
 * group of its own (one per process run), and hands them to its own sockets. A room's members
 * come from this node's directory (memory, Postgres on a miss), moved along by the membership
 * changes read here. What it may still miss (a socket whose conversation jumps n → n+k) the
 * gateway fills from Postgres.
 */
export class KafkajsFanoutConsumer {
  readonly name = 'fanout consumer';
  private readonly lifecycle: ConsumerLifecycle;
  private readonly lag: LagReporter;
  /** The next offset to read per partition, for the lag report (commits trail it by up to a second). */
  private readonly positions = new Map<string, Position>();

  constructor(
    kafka: Kafka,
    private readonly topics: TopicNames,
    /** This node's sockets (the WebSocket gateway); undefined on a node that serves none. */
    private readonly localDelivery: LocalDelivery | undefined,
    /** Stored messages to this node's sockets of their recipients; undefined with no sockets. */
    private readonly deliverStored: DeliverStoredMessage | undefined,
    /** This node's room members, told of every membership change. */
    private readonly roomMembers: RoomMembersDirectory,
    /** Forget ended sessions before this node's sockets are told (so a reconnect is refused at once). */
    private readonly sessionEnds: readonly SessionEndListener[],
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    options: FanoutConsumerOptions,
  ) {
    this.lifecycle = new ConsumerLifecycle(kafka, logger, {
      name: this.name,
      group: `${options.topicPrefix}.fanout`,
      perRun: { nodeId: options.nodeId },
      sessionTimeoutMs: options.sessionTimeoutMs,
    });
    this.lag = new LagReporter(kafka, metrics, logger, {
      group: 'fanout',
      topics: [topics.stored, topics.control],
      intervalMs: LAG_REPORT_INTERVAL_MS,
      positions: async () => [...this.positions.values()],
    });
  }

  async start(): Promise<void> {
    const topics = [this.topics.stored, this.topics.control];
    // Where the topics end now: everything after this point must reach this node, even what
    // is stored between now and the moment the new group resolves its "latest" offsets.
    const { consumer } = this.lifecycle;
    const ends = await this.lifecycle.endOffsets(topics);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    // The group lives for this process run only, but commits: a node paused past its session
    // timeout (GC, VM steal, a debugger) is dropped from the group, and on its return it must
    // go on from where it was, not from the topics' end, or its sockets silently miss what was
    // stored meanwhile. Replays since the last commit are dropped by each socket's cursor; the
    // seeks below are committed too (kafkajs commits a seek when autoCommit is on), so a
    // partition that had no traffic yet is not reset to its end either.
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1_000,
      // A batch left early (stale after a rebalance) must not count as handled.
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    for (const end of ends) {
      consumer.seek(end);
      this.positions.set(`${end.topic}/${end.partition}`, { topic: end.topic, partition: end.partition, next: BigInt(end.offset) });
    }
    this.lifecycle.started(this.lag);
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  isReady(): boolean {
    return this.lifecycle.isReady();
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) {
    for (const record of batch.messages) {
      if (!isRunning() || isStale()) return;
      const event = decodeEvent(record.value);
      if (event?.type === 'message.stored') {
        // Left unresolved when abandoned: the batch is read again, in order, by whoever holds the partition.
        if (!(await this.deliverUntilDone(event, { isRunning, isStale, heartbeat }))) return;
      } else if (event) this.dispatch(event);
      resolveOffset(record.offset);
      this.positions.set(`${batch.topic}/${batch.partition}`, { topic: batch.topic, partition: batch.partition, next: BigInt(record.offset) + 1n });
    }
    this.metrics.consumerLag.set(
      { group: 'fanout', topic: batch.topic, partition: String(batch.partition) },
      Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(batch.lastOffset()) - 1n)),
    );
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  /**
   * Delivers a stored message, retrying while its room's members cannot be read (Postgres
   * down during a cache miss): skipping it would lose it for every socket here, and going on
   * would let the conversation's next message overtake it. False when the batch is given up
   * (the node stops, or the partition moved) before it could be delivered.
   */
  private async deliverUntilDone(event: StoredEvent, batch: BatchControl): Promise<boolean> {
    if (!this.deliverStored) return true;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.deliverStored.execute(event);
        return true;
      } catch (error) {
        if (!asDependencyFailure(error)) {
          // One bad socket must not stop delivery to every other one.
          this.logger.error({ err: error, type: event.type }, 'local delivery failed');
          return true;
        }
        if (attempt === 0) this.logger.warn({ err: error, messageId: event.message.id }, 'room members not read; retrying the delivery');
        await sleep(Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt));
        if (!batch.isRunning() || batch.isStale()) return false;
        await batch.heartbeat();
      }
    }
  }

  private dispatch(event: Exclude<ChatEvent, StoredEvent>) {
    if (event.type === 'room.members.changed') return this.roomMembers.changed(event);
    try {
      if (event.type === 'session.revoked') for (const listener of this.sessionEnds) listener.sessionRevoked(event.sessionKey);
      if (event.type === 'user.deactivated') for (const listener of this.sessionEnds) listener.userDeactivated(event.userId);
    } catch (error) {
      this.logger.error({ err: error, type: event.type }, 'forgetting an ended session failed');
    }
    const delivery = this.localDelivery;
    if (!delivery) return;
    try {
      switch (event.type) {
        case 'session.revoked':
          return delivery.closeSession(event.sessionKey);
        case 'user.deactivated':
          return delivery.closeUser(event.userId);
        case 'conversation.read':
          return delivery.deliverRead(event, event.recipients, event.origin);
      }
    } catch (error) {
      // One bad socket must not stop delivery to every other one.
      this.logger.error({ err: error, type: event.type }, 'local delivery failed');
    }
  }
}

/**
 * The measurement behind scripts/kafka/produce-failover.ts (see there): Parley's publisher under a
 * steady load while one broker of a replicated set hangs or dies, then comes back. Exported for
 * the fault suite, which brings its own set and fault actions.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type PartitionMetadata } from 'kafkajs';
import pino from 'pino';
import type { ChatEvent } from '../../src/application/ports/event-publisher';
import { directConversationId } from '../../src/domain/conversation';
import { createPublisherKafka } from '../../src/infrastructure/kafka/kafka-client';
import { KafkajsEventPublisher } from '../../src/infrastructure/kafka/kafkajs-event-publisher';
import { ensureTopics } from '../../src/infrastructure/kafka/topic-provisioner';
import { topicNames } from '../../src/infrastructure/kafka/topics';
import { partitionState, waitForPartition } from './partition-state';
import { readAcceptedIds } from './read-accepted-ids';

const PARTITIONS = 3;
const TARGET_PARTITION = 0;
const TICK_MS = 200;
const WARMUP_MS = 3_000;
/** Publishing goes on this long after the first success, before the broker is brought back. */
const AFTER_RECOVERY_MS = 2_000;
const AFTER_REJOIN_MS = 3_000;
const REJOIN_TIMEOUT_MS = 120_000;

export type BrokerFault = 'hang' | 'kill';
/** Which replica of the partition the fault hits. */
export type Victim = 'leader' | 'follower';

/** The fault and its end, on broker n (its node id) of the set. */
export interface BrokerFaults {
  inject(broker: number, fault: BrokerFault): Promise<void>;
  /** hang: continue it; kill: start it again. Resolves once it serves. */
  restore(broker: number, fault: BrokerFault): Promise<void>;
}

export interface FailoverOptions {
  /** Every broker of the set, comma-separated, as the nodes get it in KAFKA_BROKERS. */
  bootstrap: string;
  fault: BrokerFault;
  victim?: Victim;
  faults: BrokerFaults;
  /** The nodes' PUBLISH_TIMEOUT_MS. */
  publishTimeoutMs?: number;
  /** Overrides the publisher's kafkajs requestTimeout (experiments only). */
  requestTimeoutMs?: number;
  /** No success for this long after the fault: the run ends as not recovered. */
  giveUpMs?: number;
  log?: (line: string) => void;
}

export interface FailoverResult {
  fault: BrokerFault;
  victim: Victim;
  topic: string;
  partition: number;
  /** The broker hit. */
  broker: number;
  leader: number;
  newLeader: number | null;
  /** Fault → the cluster stops counting on the broker for the partition: a new leader, or an ISR without it. */
  clusterMovedMs: number | null;
  /** kafkajs errors of the publisher about a timeout: its own request timeouts, brokers' REQUEST_TIMED_OUT. */
  requestTimeouts: number;
  /** Fault → first acknowledged publish to the partition sent after it; null: not within giveUpMs. */
  recoveredMs: number | null;
  /** Publishes to the partition sent after the fault that failed (503 for a caller) before it recovered. */
  failedBeforeRecovery: number;
  /** Restore → the broker back in the partition's ISR; null: not within REJOIN_TIMEOUT_MS after the restore returned. */
  rejoinedMs: number | null;
  /** Publishes (any partition) sent after the rejoin that failed. */
  failedAfterRejoin: number;
  acknowledged: number;
  /** Acknowledged messages absent from the topic when read back. */
  missing: number;
}

interface Attempt {
  id: string;
  partition: number;
  sentAt: number;
  answeredAt?: number;
  ok?: boolean;
}

export async function measureProduceFailover(options: FailoverOptions): Promise<FailoverResult> {
  const log = options.log ?? (() => undefined);
  const brokers = options.bootstrap.split(',');
  const topics = topicNames(`failover-${randomBytes(4).toString('hex')}`);
  const topic = topics.accepted;
  const admin = new Kafka({ clientId: 'produce-failover', brokers, logLevel: logLevel.NOTHING });
  await provision(admin, topics);
  const before = await partitionState(brokers, topic, TARGET_PARTITION);
  const victim = options.victim ?? 'leader';
  const broker = victim === 'leader' ? before.leader : before.isr.find((id) => id !== before.leader)!;
  const survivors = brokers.filter((_, index) => index + 1 !== broker);

  const kafkaLog = countingLogger();
  const kafka = createPublisherKafka({ brokers, clientId: 'produce-failover', logger: kafkaLog.logger, requestTimeoutMs: options.requestTimeoutMs });
  const publisher = new KafkajsEventPublisher(kafka, topics, { publishTimeoutMs: options.publishTimeoutMs ?? 5_000 });
  await publisher.connect();
  const load = new ProbeLoad(publisher, conversationPerPartition(topic));
  try {
    await sleep(WARMUP_MS);
    log(`${options.fault} broker ${broker}, ${victim} of ${topic} partition ${TARGET_PARTITION} (leader ${before.leader}, in sync ${before.isr.join(',')})`);
    await options.faults.inject(broker, options.fault);
    // Only publishes sent once the broker is frozen or gone count: kafka.sh takes a moment.
    const faultAt = Date.now();
    const moved = waitForPartition(survivors, topic, TARGET_PARTITION, (state) => state.leader !== broker && !state.isr.includes(broker), faultAt + 60_000);
    const recovered = await load.firstSuccess(TARGET_PARTITION, faultAt, faultAt + (options.giveUpMs ?? 360_000));
    const movedAt = await moved;
    const newLeader = await partitionState(survivors, topic, TARGET_PARTITION).then((state) => state.leader, () => null);
    const recoveredMs = recovered ? recovered.answeredAt! - faultAt : null;
    const failedBeforeRecovery = load.failed(TARGET_PARTITION, faultAt, recovered?.sentAt ?? Infinity);
    log(
      `recovered: ${recoveredMs === null ? 'no' : `${recoveredMs} ms`} (${failedBeforeRecovery} failed publishes, ${kafkaLog.timeouts()} request timeouts); ` +
        `cluster moved on after ${movedAt === null ? 'never' : `${movedAt - faultAt} ms`}; leader ${newLeader}`,
    );

    await sleep(AFTER_RECOVERY_MS);
    const restoredAt = Date.now();
    await options.faults.restore(broker, options.fault);
    // A restart under load may take a minute by itself: the wait for the ISR starts after it.
    const rejoinedAt = await waitForPartition(survivors, topic, TARGET_PARTITION, (state) => state.isr.includes(broker), Date.now() + REJOIN_TIMEOUT_MS);
    log(`restored broker ${broker}; back in the ISR: ${rejoinedAt === null ? 'no' : `${rejoinedAt - restoredAt} ms`}`);
    await sleep(AFTER_REJOIN_MS);
    await load.stop();

    const stored = await readAcceptedIds(admin, topic);
    const acknowledged = load.attempts.filter((a) => a.ok);
    return {
      fault: options.fault,
      victim,
      topic,
      partition: TARGET_PARTITION,
      broker,
      leader: before.leader,
      newLeader,
      clusterMovedMs: movedAt === null ? null : movedAt - faultAt,
      requestTimeouts: kafkaLog.timeouts(),
      recoveredMs,
      failedBeforeRecovery,
      rejoinedMs: rejoinedAt === null ? null : rejoinedAt - restoredAt,
      failedAfterRejoin: rejoinedAt === null ? 0 : load.failed(null, rejoinedAt, Infinity),
      acknowledged: acknowledged.length,
      missing: acknowledged.filter((a) => !stored.has(a.id)).length,
    };
  } finally {
    await load.stop();
    await publisher.disconnect().catch(() => undefined);
  }
}

/** One message to each partition every TICK_MS, through the publisher, each outcome kept. */
class ProbeLoad {
  readonly attempts: Attempt[] = [];
  private readonly answered: Promise<unknown>[] = [];
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly publisher: KafkajsEventPublisher,
    private readonly conversations: string[],
  ) {
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  /** The first publish to the partition sent at or after `since` that was acknowledged (waits for it until `giveUpAt`). */
  async firstSuccess(partition: number, since: number, giveUpAt: number): Promise<Attempt | undefined> {
    for (;;) {
      const found = this.attempts.find((a) => a.partition === partition && a.sentAt >= since && a.ok === true);
      if (found || Date.now() >= giveUpAt) return found;
      await sleep(50);
    }
  }

  /** Publishes (to the partition, or to any when null) sent in [from, to) that failed. */
  failed(partition: number | null, from: number, to: number): number {
    return this.attempts.filter((a) => (partition === null || a.partition === partition) && a.sentAt >= from && a.sentAt < to && a.ok === false).length;
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    await Promise.all(this.answered);
  }

  private tick(): void {
    this.conversations.forEach((conversation, partition) => {
      const event = accepted(conversation);
      const attempt: Attempt = { id: idOf(event), partition, sentAt: Date.now() };
      this.attempts.push(attempt);
      const answer = (ok: boolean) => Object.assign(attempt, { ok, answeredAt: Date.now() });
      this.answered.push(this.publisher.publish(event).then(() => answer(true), () => answer(false)));
    });
  }
}

/** kafkajs's errors, counted where they are request timeouts; on stderr with FAILOVER_LOG=1. */
function countingLogger() {
  let timeouts = 0;
  const verbose = process.env.FAILOVER_LOG === '1';
  const logger = pino(
    { level: 'error' },
    {
      write(line: string) {
        if (line.includes('timed out')) timeouts += 1;
        if (verbose) process.stderr.write(line);
      },
    },
  );
  return { logger, timeouts: () => timeouts };
}

/**
 * ensureTopics, tried again once: right after a create, a broker of the set may answer metadata
 * with the topic but no partitions yet, and kafkajs's fetchTopicOffsets then fails with a TypeError
 * (it pops an empty list) that waitForLeaders does not treat as settling.
 */
async function provision(kafka: Kafka, topics: ReturnType<typeof topicNames>): Promise<void> {
  try {
    await ensureTopics(kafka, topics, { partitions: PARTITIONS, replicationFactor: 3 });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    await sleep(1_000);
    await ensureTopics(kafka, topics, { partitions: PARTITIONS, replicationFactor: 3 });
  }
}

/** A direct conversation whose key lands on each partition (murmur2, as the publisher partitions). */
function conversationPerPartition(topic: string): string[] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);
  const found: string[] = [];
  while (found.filter(Boolean).length < PARTITIONS) {
    const id = directConversationId(randomUUID(), randomUUID());
    const partition = partitioner({ topic, partitionMetadata, message: { key: id, value: '' } });
    found[partition] ??= id;
  }
  return found;
}

const accepted = (conversationId: string): ChatEvent => ({
  type: 'message.accepted',
  message: { id: randomUUID(), conversationId, seq: null, sender: { id: randomUUID(), username: 'probe' }, to: { room: 'probe' }, body: 'failover probe', createdAt: new Date() },
});
const idOf = (event: ChatEvent) => (event.type === 'message.accepted' ? event.message.id : '');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

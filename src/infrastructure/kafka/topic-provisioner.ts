import type { Admin, Kafka } from 'kafkajs';
import { EPHEMERAL_RETENTION_MS, type TopicNames } from './topics';

const LEADER_WAIT_MS = 30_000;
const LEADER_POLL_MS = 100;

/** Creates Parley's topics when missing and returns once every partition has a leader. Safe to run from several nodes at once. */
export async function ensureTopics(kafka: Kafka, topics: TopicNames, options: { partitions: number; replicationFactor: number }) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = Object.values(topics);
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length > 0) await createTopics(admin, missing, { ...options, ephemeral: new Set([topics.signals]) });
    await waitForLeaders(admin, wanted);
  } finally {
    await admin.disconnect();
  }
}

async function createTopics(admin: Admin, topics: string[], options: { partitions: number; replicationFactor: number; ephemeral: ReadonlySet<string> }) {
  try {
    await admin.createTopics({
      // kafkajs's own wait retries only LEADER_NOT_AVAILABLE, but a KRaft broker answers
      // UNKNOWN_TOPIC_OR_PARTITION for a moment after the create: waitForLeaders below tolerates both.
      waitForLeaders: false,
      topics: topics.map((topic) => ({
        topic,
        numPartitions: options.partitions,
        replicationFactor: options.replicationFactor,
        configEntries: [
          ...(options.ephemeral.has(topic)
            ? // Signals are worth seconds: small segments, so the short retention really drops them.
              [
                { name: 'retention.ms', value: String(EPHEMERAL_RETENTION_MS) },
                { name: 'segment.ms', value: String(EPHEMERAL_RETENTION_MS) },
              ]
            : // Message topics keep a week: enough for a node to catch up after an outage.
              [{ name: 'retention.ms', value: String(7 * 24 * 3_600_000) }]),
          { name: 'min.insync.replicas', value: String(minInsyncReplicasFor(options.replicationFactor)) },
        ],
      })),
    });
  } catch (error) {
    // Another node created them between our list and create: that is the outcome we wanted.
    if (!(error instanceof Error && /already exists/i.test(error.message + JSON.stringify(error)))) throw error;
  }
}

/**
 * How many replicas must hold a record before an acks=-1 write is acknowledged. With 3 replicas,
 * 2: an acknowledged message survives the loss of any one broker, and writes go on while one is
 * down. With fewer there is no broker to spare, so 1 (2 of 2 would stop all writes when one fails).
 */
export function minInsyncReplicasFor(replicationFactor: number): number {
  return replicationFactor >= 3 ? 2 : 1;
}

/**
 * Polls until each partition of each topic has a leader that answers, so the producer and
 * the consumers that start next never meet a topic the broker does not serve yet.
 */
export async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = LEADER_WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let reason: string;
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      const leaderless = found.flatMap((t) =>
        t.partitions.length === 0 ? [`${t.name}`] : t.partitions.filter((p) => p.leader < 0).map((p) => `${t.name}[${p.partitionId}]`),
      );
      if (leaderless.length === 0 && found.length === topics.length) {
        // A KRaft broker publishes a new leader in its metadata before it serves the partition:
        // only an answered ListOffsets shows that consumers can start reading.
        await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
        return;
      }
      reason = `no leader yet for ${leaderless.join(', ') || 'some topics'}`;
    } catch (error) {
      if (!isSettling(error)) throw error;
      reason = (error as Error).message;
    }
    if (Date.now() >= deadline) throw new Error(`Kafka topics ${topics.join(', ')} not ready after ${timeoutMs} ms: ${reason}`);
    await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
  }
}

/** The answers a broker gives while a new topic's metadata is still spreading. */
function isSettling(error: unknown): boolean {
  // kafkajs wraps the broker's answer when its own retries ran out.
  const { type, originalError } = (error ?? {}) as { type?: string; originalError?: unknown };
  if (originalError !== undefined && isSettling(originalError)) return true;
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE' || type === 'NOT_LEADER_FOR_PARTITION';
}

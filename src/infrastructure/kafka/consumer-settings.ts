import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { Logger } from '../logging/logger';

/**
 * Consumer settings chosen for chat latency rather than kafkajs's throughput defaults:
 * - maxWaitTimeInMs 500: how long the broker holds a fetch that finds nothing. It adds no
 *   latency: with minBytes 1 a record that arrives during the wait is returned at once. It
 *   sets how often an idle consumer wakes up (50 ms was 20 fetches a second per consumer,
 *   three consumers per node, at rest) and how long a stopping consumer may wait for its
 *   last fetch.
 * - sessionTimeout: a killed node's partitions move to another member after this long;
 *   heartbeats every 1/10 of it keep a live member well inside the window.
 * - maxBytesPerPartition 1 MiB: a catch-up batch stays one bounded Postgres transaction.
 */
export function consumerSettings(groupId: string, options: { sessionTimeoutMs: number }): ConsumerConfig {
  return {
    groupId,
    maxWaitTimeInMs: 500,
    minBytes: 1,
    maxBytesPerPartition: 1024 * 1024,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.max(500, Math.floor(options.sessionTimeoutMs / 10)),
    rebalanceTimeout: Math.max(options.sessionTimeoutMs, 10_000),
    allowAutoTopicCreation: false,
    retry: { initialRetryTime: 100, retries: 10, maxRetryTime: 5_000 },
  };
}

/** Resolves when the consumer has joined its group (kafkajs emits this on every join). */
export function joined(consumer: { on(event: string, listener: () => void): () => void; events: { GROUP_JOIN: string } }) {
  return new Promise<void>((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
      remove();
      resolve();
    });
  });
}

/**
 * Removes a consumer group that was this process's alone (a group per node run) instead of
 * leaving it for the broker to expire. A failure is logged, never thrown: the node is stopping.
 */
export async function deleteOwnGroup(kafka: Kafka, groupId: string, logger: Logger, consumerName: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch (error) {
    logger.warn({ err: error, group: groupId }, `could not delete the group of the ${consumerName}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

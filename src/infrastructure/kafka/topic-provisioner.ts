import type { Kafka } from 'kafkajs';
import type { TopicNames } from './topics';

/** Creates Parley's topics when missing. Safe to run from several nodes at once. */
export async function ensureTopics(kafka: Kafka, topics: TopicNames, options: { partitions: number; replicationFactor: number }) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.values(topics).filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: options.partitions,
        replicationFactor: options.replicationFactor,
        // Message topics keep a week: enough for a node to catch up after an outage.
        configEntries: [{ name: 'retention.ms', value: String(7 * 24 * 3_600_000) }],
      })),
    });
  } catch (error) {
    // Another node created them between our list and create: that is the outcome we wanted.
    if (!(error instanceof Error && /already exists/i.test(error.message + JSON.stringify(error)))) throw error;
  } finally {
    await admin.disconnect();
  }
}

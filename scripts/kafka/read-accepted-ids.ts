import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { decodeEvent } from '../../src/infrastructure/kafka/event-codec';

/** The id of every message.accepted event in the topic, read from the start to its end now. */
export async function readAcceptedIds(kafka: Kafka, topic: string): Promise<Set<string>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const ids = new Set<string>();
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
  if (pending.size === 0) return ids;
  const consumer = kafka.consumer({ groupId: `produce-failover-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${ids.size} records of ${topic}, partitions ${[...pending].join(',')} not to their end`)), 60_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const event = decodeEvent(message.value);
          if (event?.type === 'message.accepted') ids.add(event.message.id);
          if (BigInt(message.offset) + 1n >= ends.get(partition)!) pending.delete(partition);
          if (pending.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

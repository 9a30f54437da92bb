import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { ChatEvent } from '../../src/application/ports/event-publisher';
import type { RunningNode } from '../../src/composition/node';
import { decodeEvent, encodeEvent, eventKey } from '../../src/infrastructure/kafka/event-codec';
import { topicNames, type TopicNames } from '../../src/infrastructure/kafka/topics';

/**
 * Every event of a topic, every partition from its start to where it ends at the time of the
 * call, in partition order: the tests' one way to see what Kafka holds.
 */
export async function readTopicEvents(kafka: Kafka, topic: string, timeoutMs = 20_000): Promise<ChatEvent[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(ends.filter((end) => Number(end.high) > Number(end.low)).map((end) => [end.partition, Number(end.high)]));
  const events: ChatEvent[] = [];
  if (remaining.size === 0) return events;
  const consumer = kafka.consumer({ groupId: `test-read-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${events.length} events of ${topic}; partitions not read to the end: ${[...remaining.keys()]}`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const event = decodeEvent(message.value);
          if (event) events.push(event);
          if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return events;
}

/** The ids of the accepted messages in the topic (as `readTopicEvents` reads them). */
export async function acceptedIds(kafka: Kafka, topic: string): Promise<string[]> {
  return (await readTopicEvents(kafka, topic)).flatMap((event) => (event.type === 'message.accepted' ? [event.message.id] : []));
}

/** A node's topics: the names its configuration gives them. */
export const topicsOf = (node: RunningNode): TopicNames => topicNames(node.config.kafka.topicPrefix);

/** A Kafka client of the test's own, on the node's brokers: what an operator's kcat would see. */
const kafkaOf = (node: RunningNode) => new Kafka({ clientId: 'parley-tests', brokers: node.config.kafka.brokers, logLevel: logLevel.NOTHING });

/** Every event on one of a node's topics up to its current end, decoded (see readTopicEvents). */
export function nodeTopicEvents(node: RunningNode, topic: keyof TopicNames): Promise<ChatEvent[]> {
  return readTopicEvents(kafkaOf(node), topicsOf(node)[topic]);
}

/** Publishes an event on a node's topic as the node would (its key and encoding), as a redelivery after a crash does. */
export async function publishOnNodeTopic(node: RunningNode, topic: keyof TopicNames, event: ChatEvent): Promise<void> {
  const producer = kafkaOf(node).producer();
  await producer.connect();
  try {
    await producer.send({ topic: topicsOf(node)[topic], acks: -1, messages: [{ key: eventKey(event), value: encodeEvent(event) }] });
  } finally {
    await producer.disconnect();
  }
}

import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { ChatEvent } from '../../../src/application/ports/event-publisher';
import { directConversationId } from '../../../src/domain/conversation';
import { decodeEvent } from '../../../src/infrastructure/kafka/event-codec';
import { KafkajsEventPublisher } from '../../../src/infrastructure/kafka/kafkajs-event-publisher';
import { ensureTopics } from '../../../src/infrastructure/kafka/topic-provisioner';
import { topicNames } from '../../../src/infrastructure/kafka/topics';
import { testRunId, testServices, topicPrefix } from '../../support/services';

/**
 * The broker refuses a record batch over 1 MiB outright (MESSAGE_TOO_LARGE, not retried):
 * the one producer must cut what it was handed into requests that fit, keeping the order.
 */
describe('the one producer against a real broker', () => {
  const kafka = new Kafka({ brokers: testServices().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const topics = topicNames(`${topicPrefix(testRunId())}${randomBytes(4).toString('hex')}`);
  const publisher = new KafkajsEventPublisher(kafka, topics, { publishTimeoutMs: 30_000 });

  beforeAll(async () => {
    await ensureTopics(kafka, topics, { partitions: 3, replicationFactor: 1 });
    await publisher.connect();
  });
  afterAll(() => publisher.disconnect());

  const accepted = (conversationId: string, n: number): ChatEvent => ({
    type: 'message.accepted',
    message: {
      id: randomUUID(),
      conversationId,
      seq: null,
      sender: { id: randomUUID(), username: 'bulk' },
      to: { room: 'bulk' },
      body: `${n} ${'x'.repeat(1_000)}`,
      createdAt: new Date(),
    },
  });

  it('when one call and several racing calls together hold over 3 MiB, then all resolve and the records land once each, in order', async () => {
    const conversation = directConversationId(randomUUID(), randomUUID());
    const big = Array.from({ length: 2_500 }, (_, n) => accepted(conversation, n));
    const small = Array.from({ length: 500 }, (_, n) => accepted(conversation, 2_500 + n));
    await Promise.all([publisher.publishAll(big), ...small.map((event) => publisher.publish(event))]);

    const bodies = await readAll(topics.accepted, 3_000);
    expect(bodies).toHaveLength(3_000);
    expect(bodies.map((body) => Number(body.split(' ')[0]))).toEqual(Array.from({ length: 3_000 }, (_, n) => n));
  });

  /** Reads the topic from the start until `count` records arrived (one conversation: one partition, in order). */
  async function readAll(topic: string, count: number): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: `test-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const bodies: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${bodies.length} of ${count} records arrived`)), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            const event = decodeEvent(message.value);
            if (event?.type === 'message.accepted') bodies.push(event.message.body);
            if (bodies.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return bodies;
  }
});

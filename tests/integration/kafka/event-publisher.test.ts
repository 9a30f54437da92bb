import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { ChatEvent } from '../../../src/application/ports/event-publisher';
import { directConversationId } from '../../../src/domain/conversation';
import { KafkajsEventPublisher } from '../../../src/infrastructure/kafka/kafkajs-event-publisher';
import { ensureTopics } from '../../../src/infrastructure/kafka/topic-provisioner';
import { topicNames } from '../../../src/infrastructure/kafka/topics';
import { testRunId, testServices, topicPrefix } from '../../support/services';
import { readTopicEvents } from '../../support/topic-reader';

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

    // All acknowledged, so all in the log: read it to its end (one conversation: one partition, in order).
    const bodies = (await readTopicEvents(kafka, topics.accepted)).flatMap((event) => (event.type === 'message.accepted' ? [event.message.body] : []));
    expect(bodies).toHaveLength(3_000);
    expect(bodies.map((body) => Number(body.split(' ')[0]))).toEqual(Array.from({ length: 3_000 }, (_, n) => n));
  });
});

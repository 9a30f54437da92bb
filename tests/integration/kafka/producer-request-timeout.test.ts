import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import type { ChatEvent } from '../../../src/application/ports/event-publisher';
import { directConversationId } from '../../../src/domain/conversation';
import { decodeEvent } from '../../../src/infrastructure/kafka/event-codec';
import { createPublisherKafka } from '../../../src/infrastructure/kafka/kafka-client';
import { KafkajsEventPublisher } from '../../../src/infrastructure/kafka/kafkajs-event-publisher';
import { ensureTopics } from '../../../src/infrastructure/kafka/topic-provisioner';
import { topicNames, type TopicNames } from '../../../src/infrastructure/kafka/topics';
import { KafkaFaultProxy } from '../../support/kafka-fault-proxy';
import { testRunId, testServices, topicPrefix } from '../../support/services';

/**
 * patches/kafkajs+2.2.4.patch, end to end on a real broker: after a produce request times out,
 * kafkajs drops the broker's connection and asks for metadata again before the retry. Unpatched,
 * every retry went over the same socket, so a broker that stopped answering without closing its
 * sockets held the publisher for its whole retry budget (minutes with the production settings).
 * The proxy silences the open connections only: a new one reaches the broker.
 */
describe('publisher after a produce request timeout', () => {
  const REQUEST_TIMEOUT_MS = 1_500;
  const broker = testServices().kafkaBrokers.split(',')[0]!;
  const direct = new Kafka({ brokers: [broker], logLevel: logLevel.NOTHING });
  let proxy: KafkaFaultProxy;
  let topics: TopicNames;

  beforeEach(async () => {
    proxy = new KafkaFaultProxy();
    await proxy.listen();
    topics = topicNames(`${topicPrefix(testRunId())}${randomBytes(4).toString('hex')}`);
    await ensureTopics(direct, topics, { partitions: 1, replicationFactor: 1 });
  });
  afterEach(() => proxy.close());

  it('when the connection to the leader goes silent, then the next attempt opens a new one and the message is acknowledged and stored', async () => {
    const kafka = createPublisherKafka({
      brokers: [broker],
      clientId: 'request-timeout-test',
      logger: pino({ level: 'silent' }),
      socketFactory: proxy.socketFactory(broker),
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    const publisher = new KafkajsEventPublisher(kafka, topics, { publishTimeoutMs: 20_000 });
    await publisher.connect();
    try {
      const [before, after] = [accepted(), accepted()];
      await publisher.publish(before);
      proxy.freezeOpenConnections();

      const started = Date.now();
      await publisher.publish(after);
      // One timeout, then a reconnect, a metadata refresh and the resend: well under two timeouts.
      expect(Date.now() - started).toBeLessThan(2 * REQUEST_TIMEOUT_MS);

      const ids = await readIds(topics.accepted);
      expect(ids).toContain(idOf(before));
      expect(ids).toContain(idOf(after));
    } finally {
      await publisher.disconnect();
    }
  });

  const conversation = directConversationId(randomUUID(), randomUUID());
  const accepted = (): ChatEvent => ({
    type: 'message.accepted',
    message: { id: randomUUID(), conversationId: conversation, seq: null, sender: { id: randomUUID(), username: 'a' }, to: { room: 'r' }, body: 'hi', createdAt: new Date() },
  });
  const idOf = (event: ChatEvent) => (event.type === 'message.accepted' ? event.message.id : '');

  /** Every message id in the (one-partition) topic, read from the start up to its end now. */
  async function readIds(topic: string): Promise<string[]> {
    const admin = direct.admin();
    await admin.connect();
    const high = (await admin.fetchTopicOffsets(topic))[0]!.high;
    await admin.disconnect();
    const ids: string[] = [];
    const consumer = direct.consumer({ groupId: `test-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`read ${ids.length} records, the topic ends at ${high}`)), 20_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            const event = decodeEvent(message.value);
            if (event?.type === 'message.accepted') ids.push(event.message.id);
            if (BigInt(message.offset) + 1n >= BigInt(high)) {
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
});

import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { ChatEvent } from '../../src/application/ports/event-publisher';
import { directConversationId } from '../../src/domain/conversation';
import { ensureTopics } from '../../src/infrastructure/kafka/topic-provisioner';
import { topicNames, type TopicNames } from '../../src/infrastructure/kafka/topics';
import { KafkaFaultProxy } from './kafka-fault-proxy';
import { testRunId, testServices, topicPrefix } from './services';

/**
 * For tests of a producer behind the fault proxy: before each test a fresh proxy and a fresh
 * set of one-partition topics (so every message meets the same producer sequence), a client
 * that bypasses the proxy to look at the log, and accepted events to publish.
 */
export function useProxiedTopics() {
  const broker = testServices().kafkaBrokers.split(',')[0]!;
  const direct = new Kafka({ brokers: [broker], logLevel: logLevel.NOTHING });
  const conversation = directConversationId(randomUUID(), randomUUID());
  const state: { proxy: KafkaFaultProxy; topics: TopicNames } = { proxy: new KafkaFaultProxy(), topics: topicNames('unset') };

  beforeEach(async () => {
    state.proxy = new KafkaFaultProxy();
    await state.proxy.listen();
    state.topics = topicNames(`${topicPrefix(testRunId())}${randomBytes(4).toString('hex')}`);
    await ensureTopics(direct, state.topics, { partitions: 1, replicationFactor: 1 });
  });
  afterEach(() => state.proxy.close());

  return {
    broker,
    direct,
    get proxy() {
      return state.proxy;
    },
    get topics() {
      return state.topics;
    },
    accepted: (): ChatEvent => ({
      type: 'message.accepted',
      message: { id: randomUUID(), conversationId: conversation, seq: null, sender: { id: randomUUID(), username: 'a' }, to: { room: 'r' }, body: 'hi', createdAt: new Date() },
    }),
    idOf: (event: ChatEvent) => (event.type === 'message.accepted' ? event.message.id : ''),
  };
}

import pino from 'pino';
import { createPublisherKafka } from '../../../src/infrastructure/kafka/kafka-client';
import { KafkajsEventPublisher } from '../../../src/infrastructure/kafka/kafkajs-event-publisher';
import { useProxiedTopics } from '../../support/proxied-topics';
import { acceptedIds } from '../../support/topic-reader';

/**
 * patches/kafkajs+2.2.4.patch, end to end on a real broker: after a produce request times out,
 * kafkajs drops the broker's connection and asks for metadata again before the retry. Unpatched,
 * every retry went over the same socket, so a broker that stopped answering without closing its
 * sockets held the publisher for its whole retry budget (minutes with the production settings).
 * The proxy silences the open connections only: a new one reaches the broker.
 */
describe('publisher after a produce request timeout', () => {
  const REQUEST_TIMEOUT_MS = 1_500;
  const setup = useProxiedTopics();
  const { broker, accepted, idOf } = setup;
  const readIds = (topic: string) => acceptedIds(setup.direct, topic);

  it('when the connection to the leader goes silent, then the next attempt opens a new one and the message is acknowledged and stored', async () => {
    const kafka = createPublisherKafka({
      brokers: [broker],
      clientId: 'request-timeout-test',
      logger: pino({ level: 'silent' }),
      socketFactory: setup.proxy.socketFactory(broker),
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    const publisher = new KafkajsEventPublisher(kafka, setup.topics, { publishTimeoutMs: 20_000 });
    await publisher.connect();
    try {
      const [before, after] = [accepted(), accepted()];
      await publisher.publish(before);
      setup.proxy.freezeOpenConnections();

      const started = Date.now();
      await publisher.publish(after);
      // One timeout, then a reconnect, a metadata refresh and the resend: well under two timeouts.
      expect(Date.now() - started).toBeLessThan(2 * REQUEST_TIMEOUT_MS);

      const ids = await readIds(setup.topics.accepted);
      expect(ids).toContain(idOf(before));
      expect(ids).toContain(idOf(after));
    } finally {
      await publisher.disconnect();
    }
  });
});

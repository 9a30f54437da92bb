import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Producer } from 'kafkajs';
import { createKafka } from '../../../src/infrastructure/kafka/kafka-client';
import { waitForLeaders } from '../../../src/infrastructure/kafka/topic-provisioner';
import { createLogger } from '../../../src/infrastructure/logging/logger';
import { testRunId, testServices, topicPrefix } from '../../support/services';

/**
 * kafkajs 2.2.4 re-armed a ~1 ms timer after every response on every connection, forever
 * (RequestQueue's `throttledUntil = -1`; upstream #1556, #1704). patches/kafkajs+2.2.4.patch
 * arms it only while requests wait: an idle connection must let the event loop sleep.
 */
describe('kafkajs connections at rest, against a real broker', () => {
  const brokers = testServices().kafkaBrokers.split(',');
  const kafka = createKafka({ brokers, clientId: 'idle-test', logger: createLogger({ level: 'silent', nodeId: 'test' }) });
  const topic = `${topicPrefix(testRunId())}${randomBytes(4).toString('hex')}.idle`;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: false });
    await waitForLeaders(admin, [topic]);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await producer?.disconnect();
    await admin.disconnect();
  });

  it('when a producer has sent and then sits idle for a second, then kafkajs arms no timer, and it still sends afterwards', async () => {
    producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'before' }] });
    await sleep(50);

    const armed = (await timersArmedWhile(() => sleep(1_000))).filter((stack) => stack.includes('node_modules/kafkajs'));
    expect({ armed: armed.length, first: armed[0] }).toEqual({ armed: 0, first: undefined });

    const [written] = await producer.send({ topic, acks: -1, messages: [{ value: 'after' }] });
    expect(written?.errorCode).toBe(0);
  });

  it('when kafkajs opens a connection, then Nagle is off on its socket', async () => {
    // The kernel option cannot be read back from Node: the factory's call is what can be seen.
    const setNoDelay = jest.spyOn(net.Socket.prototype, 'setNoDelay');
    const fresh = createKafka({ brokers, clientId: 'nodelay-test', logger: createLogger({ level: 'silent', nodeId: 'test' }) }).admin();
    await fresh.connect();
    try {
      await fresh.listTopics();
      // Only kafkajs opens sockets in this test (the factory calls it before the socket connects).
      expect(setNoDelay.mock.calls.length).toBeGreaterThan(0);
      for (const [noDelay] of setNoDelay.mock.calls) expect(noDelay).toBe(true);
    } finally {
      await fresh.disconnect();
    }
  });
});

/** Stack traces of every setTimeout and setInterval call made while `idle` runs (its own timer excluded). */
async function timersArmedWhile(idle: () => Promise<unknown>): Promise<string[]> {
  const stacks: string[] = [];
  const original = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval };
  const counting = <F extends (...args: never[]) => unknown>(fn: F) =>
    ((...args: Parameters<F>) => {
      stacks.push(new Error('timer armed').stack ?? '');
      return fn(...args);
    }) as unknown as F;
  const running = idle();
  globalThis.setTimeout = counting(original.setTimeout);
  globalThis.setInterval = counting(original.setInterval);
  try {
    await running;
  } finally {
    Object.assign(globalThis, original);
  }
  return stacks;
}

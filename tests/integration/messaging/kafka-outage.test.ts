import type { RunningNode } from '../../../src/composition/node';
import { directConversationId } from '../../../src/domain/conversation';
import { query } from '../../support/database';
import { eventually } from '../../support/eventually';
import { KafkaFaultProxy } from '../../support/kafka-fault-proxy';
import { testServices } from '../../support/services';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { openSocket, signUp } from '../ws/ws-support';

const PUBLISH_TIMEOUT_MS = 1_500;

/**
 * Findings 4 and 6 of the faults issue: with the broker hung, a send must answer 503
 * `unavailable` with Retry-After within the publish deadline (never hang), everything that
 * needs no Kafka keeps working, /readyz names Kafka, and a retry with the same
 * clientMessageId after recovery stores the message once.
 */
describe('a node whose broker hangs', () => {
  let environment: TestEnvironment;
  let node: RunningNode;
  const proxy = new KafkaFaultProxy();

  beforeAll(async () => {
    environment = await createTestEnvironment();
    await proxy.listen();
    const broker = testServices().kafkaBrokers.split(',')[0]!;
    node = await startTestNode(
      environment,
      { PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS), DATABASE_POOL_SIZE: '3' },
      { kafkaSocketFactory: proxy.socketFactory(broker) },
    );
  });
  afterAll(async () => {
    proxy.heal();
    await node.stop();
    await proxy.close();
  });

  it('when people send meanwhile, then they get 503 unavailable in time, other requests work, and retries after recovery store each message once', async () => {
    const alice = await signUp(node, 'alice');
    const bob = await signUp(node, 'bob');
    const socket = await openSocket(node, alice);
    proxy.hang();
    try {
      // More senders than pooled connections: no send may hold one while Kafka is asked.
      const started = Date.now();
      const sends = Array.from({ length: 6 }, (_, n) =>
        alice.api.post('/api/messages', { to: { userId: bob.user.id }, body: `during ${n}`, clientMessageId: `hang-${n}` }),
      );
      socket.send({ type: 'send', to: { userId: bob.user.id }, body: 'ws during', clientMessageId: 'hang-ws' });
      const me = await bob.api.get('/api/auth/me');
      expect(me.status).toBe(200);
      const history = await bob.api.get(`/api/users/${alice.user.id}/messages`);
      expect(history.status).toBe(200);
      const answers = await Promise.all(sends);
      expect(Date.now() - started).toBeLessThan(PUBLISH_TIMEOUT_MS + 3_000);
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.body.error.code).toBe('unavailable');
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      const wsAnswer = await socket.waitFor((frame) => frame.clientMessageId === 'hang-ws');
      expect(wsAnswer).toMatchObject({ type: 'error', code: 'unavailable', details: { retryAfterSeconds: expect.any(Number) } });
      const ready = await fetch(`http://127.0.0.1:${node.httpPort}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: unknown }).checks).toMatchObject({ database: 'ok', kafka: 'failing' });
    } finally {
      proxy.heal();
    }

    // The clients retry what got `unavailable`, with the same ids: a send answered so may have
    // reached Kafka after all (it was in flight at the deadline), and is then stored once.
    socket.send({ type: 'send', to: { userId: bob.user.id }, body: 'ws during', clientMessageId: 'hang-ws' });
    const wsRetry = await socket.waitFor((frame) => frame.clientMessageId === 'hang-ws' && frame.type === 'ack', 30_000);
    expect(wsRetry.message.body).toBe('ws during');
    const retries = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        retryUntilAccepted(() => alice.api.post('/api/messages', { to: { userId: bob.user.id }, body: `during ${n}`, clientMessageId: `hang-${n}` })),
      ),
    );
    expect(retries.every((status) => status === 202 || status === 200)).toBe(true);
    const conversation = directConversationId(alice.user.id, bob.user.id);
    const stored = await waitForRows(environment, conversation, 7);
    expect(stored.map((row) => row.client_message_id).sort()).toEqual(['hang-0', 'hang-1', 'hang-2', 'hang-3', 'hang-4', 'hang-5', 'hang-ws']);
    await socket.close();
  });
});

/** A client's retry loop: the same request until it is no longer answered 503. */
async function retryUntilAccepted(send: () => Promise<{ status: number }>): Promise<number> {
  return (await eventually(send, (res) => res.status !== 503, 30_000)).status;
}

/** The stored rows of the conversation once there are `count` (the store may still be catching up). */
function waitForRows(environment: TestEnvironment, conversationId: string, count: number) {
  const rows = () => query<{ client_message_id: string }>(environment, 'select client_message_id from messages where conversation_id = $1', [conversationId]);
  return eventually(rows, (found) => found.length >= count, 30_000);
}

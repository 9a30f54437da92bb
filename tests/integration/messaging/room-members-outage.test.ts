import type pg from 'pg';
import type { RunningNode } from '../../../src/composition/node';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { signUp, socketsClosedAfterEach } from '../ws/ws-support';
import { eventually, rowsOf, uniqueRoom } from './messaging-support';

/**
 * Node B's reads of room members fail as with Postgres gone (ECONNREFUSED), everything else
 * it asks Postgres still works: the fan-out's cache misses are the only thing that breaks.
 */
class MembersOutage {
  on = false;
  refused = 0;

  /** Every connection the pool opens (it is handed over before it opens any) answers through this. */
  attach(pool: pg.Pool): void {
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      client.query = ((...args: unknown[]) => {
        const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '');
        if (this.on && text.includes('room_members')) {
          this.refused += 1;
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
        }
        return query(...args);
      }) as typeof client.query;
    });
  }
}

describe('room fan-out while Postgres cannot answer a cache miss', () => {
  let environment: TestEnvironment;
  let nodeA: RunningNode;
  let nodeB: RunningNode;
  const outage = new MembersOutage();
  const open = socketsClosedAfterEach();

  beforeAll(async () => {
    environment = await createTestEnvironment();
    nodeA = await startTestNode(environment);
    nodeB = await startTestNode(environment, {}, { databasePool: (pool) => outage.attach(pool) });
  });
  afterAll(async () => {
    await nodeB?.stop();
    await nodeA?.stop();
  });

  it('when node B cannot read a room\'s members for a while, then its sockets get every message of the room once and in order when it can again', async () => {
    const alice = await signUp(nodeA, 'alice');
    const bob = await signUp(nodeA, 'bob');
    const room = uniqueRoom('outage');
    expect((await alice.api.post('/api/rooms', { name: room })).status).toBe(201);
    expect((await bob.api.post(`/api/rooms/${room}/join`)).status).toBe(200);
    const bobOnB = await open(nodeB, bob);

    outage.on = true;
    const sent: string[] = [];
    for (const body of ['one', 'two', 'three']) sent.push((await alice.api.post('/api/messages', { to: { room }, body })).body.message.id);
    const conversationId = `room:${room.toLowerCase()}`;
    await eventually(() => rowsOf(environment, conversationId), (rows) => rows.length === 3);
    // Node B keeps trying, without giving up on the message or going past it.
    await eventually(async () => outage.refused, (refused) => refused >= 3);
    expect(bobOnB.messages(conversationId)).toEqual([]);

    outage.on = false;
    await bobOnB.waitForCount((f) => f.type === 'message' && f.message.conversationId === conversationId, 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bobOnB.messages(conversationId).map((m) => [m.seq, m.body])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  }, 60_000);
});

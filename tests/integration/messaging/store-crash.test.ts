import type { RunningNode } from '../../../src/composition/node';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import { ApiClient } from '../../support/api-client';
import { freePort, startNodeProcess, type NodeProcess } from '../../support/node-process';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { eventually, gapFree, query, signedUpUser, uniqueRoom } from './messaging-support';

// The broker's minimum: a killed member's partitions move to the survivor after this long.
const SESSION_TIMEOUT_MS = '6000';
const settings = { KAFKA_SESSION_TIMEOUT_MS: SESSION_TIMEOUT_MS };

describe('a node killed with SIGKILL while messages flow', () => {
  let environment: TestEnvironment;
  let survivor: RunningNode;
  const children: NodeProcess[] = [];

  const startChild = async (nodeId: string) => {
    const child = await startNodeProcess(environment, { httpPort: await freePort(), wsPort: await freePort(), nodeId, env: settings });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    environment = await createTestEnvironment();
    survivor = await startTestNode(environment, settings);
  });
  afterAll(async () => {
    for (const child of children) child.child.kill('SIGKILL');
    await survivor?.stop();
  });

  it('when the node dies mid-stream, then every message that got 202 is stored exactly once with gap-free seqs', async () => {
    const victim = await startChild('victim');
    const alice = await signedUpUser(survivor, 'alice');
    const bob = await signedUpUser(survivor, 'bob');
    const carol = await signedUpUser(survivor, 'carol');
    const room = uniqueRoom('crash');
    await alice.client.post('/api/rooms', { name: room });
    await bob.client.post(`/api/rooms/${room}/join`);
    // The same sessions, used through the node that will die (sessions live in Postgres).
    const viaVictim = (user: typeof alice) => new ApiClient(`http://127.0.0.1:${victim.httpPort}`, { cookie: user.client.cookieHeader() });
    const targets = [{ userId: bob.id }, { userId: carol.id }, { room }];

    const accepted: string[] = [];
    let killed = false;
    const sender = async (user: typeof alice, client: ApiClient, count: number) => {
      for (let i = 0; i < count; i++) {
        const res = await client.post('/api/messages', { to: targets[i % targets.length], body: `${user.username} ${i}` }).catch(() => null);
        if (res?.status === 202) accepted.push(res.body.message.id);
        else if (!killed || res) throw new Error(`unexpected answer: ${res?.status} ${JSON.stringify(res?.body)}`);
      }
    };
    const flows = [sender(alice, alice.client, 150), sender(alice, viaVictim(alice), 150), sender(bob, viaVictim(bob), 150)];
    await eventually(async () => accepted.length, (count) => count >= 60);
    victim.child.kill('SIGKILL');
    killed = true;
    expect(await victim.exited).toBe('SIGKILL');
    await Promise.all(flows);

    // A restarted node joins the store group again and carries on with the survivor.
    const restarted = await startChild('restarted');
    const viaRestarted = new ApiClient(`http://127.0.0.1:${restarted.httpPort}`, { cookie: bob.client.cookieHeader() });
    await sender(bob, viaRestarted, 20);

    const ids = await eventually(
      async () => (await query<{ id: string }>(environment, 'select id from messages where id = any($1)', [accepted])).map((row) => row.id),
      (found) => found.length === accepted.length,
      40_000,
    );
    expect(new Set(ids).size).toBe(accepted.length);
    for (const conversation of [
      directConversationId(alice.id, bob.id),
      directConversationId(alice.id, carol.id),
      directConversationId(bob.id, carol.id),
      roomConversationId(room),
    ]) {
      const rows = await query<{ seq: string }>(environment, 'select seq from messages where conversation_id = $1 order by seq', [conversation]);
      // A send cut off by the kill may be in Kafka without its 202: then it is stored too, in its place.
      expect({ conversation, gapFree: gapFree(rows) }).toEqual({ conversation, gapFree: true });
    }
  }, 120_000);
});

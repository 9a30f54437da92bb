import type { RunningNode } from '../../../src/composition/node';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import { ApiClient } from '../../support/api-client';
import { freePort, startNodeProcess, type NodeProcess } from '../../support/node-process';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { WsClient } from '../../support/ws-client';
import { eventually, gapFree, query, signedUpUser, uniqueRoom } from './messaging-support';
import { httpTraffic, merged, storedRowsFor, wsTraffic, type SendLog } from './traffic';

// The broker's minimum: a killed member's partitions move to the survivor after this long.
const settings = { KAFKA_SESSION_TIMEOUT_MS: '6000', WS_RATE_PER_SECOND: '10000', WS_RATE_BURST: '10000' };

describe('a node killed with SIGKILL while messages flow', () => {
  let environment: TestEnvironment;
  let survivor: RunningNode;
  const children: NodeProcess[] = [];
  const sockets: WsClient[] = [];

  const startChild = async (nodeId: string) => {
    const child = await startNodeProcess(environment, { httpPort: await freePort(), wsPort: await freePort(), nodeId, env: settings });
    children.push(child);
    return child;
  };
  const socketOn = async (wsPort: number, user: { client: ApiClient }) => {
    const socket = await WsClient.connect(`ws://127.0.0.1:${wsPort}/ws`, { cookie: user.client.cookieHeader() });
    sockets.push(socket);
    await socket.waitFor((frame) => frame.type === 'hello');
    return socket;
  };

  beforeAll(async () => {
    environment = await createTestEnvironment();
    survivor = await startTestNode(environment, settings);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.socket.terminate();
    for (const child of children) child.child.kill('SIGKILL');
    await survivor?.stop();
  });

  it('when the node dies mid-stream over HTTP and WebSocket, then every 202 and ack is stored once with gap-free seqs and reached every socket that stayed connected, once and in order', async () => {
    const victim = await startChild('victim');
    const [alice, bob, carol] = await Promise.all([signedUpUser(survivor, 'alice'), signedUpUser(survivor, 'bob'), signedUpUser(survivor, 'carol')]);
    const room = uniqueRoom('crash');
    await alice.client.post('/api/rooms', { name: room });
    await bob.client.post(`/api/rooms/${room}/join`);
    const conversations = {
      ab: directConversationId(alice.id, bob.id),
      ac: directConversationId(alice.id, carol.id),
      bc: directConversationId(bob.id, carol.id),
      room: roomConversationId(room),
    };
    const conversationsOf = new Map([
      [alice.id, [conversations.ab, conversations.ac, conversations.room]],
      [bob.id, [conversations.ab, conversations.bc, conversations.room]],
      [carol.id, [conversations.ac, conversations.bc]],
    ]);

    // Recipients on the node that stays up, connected before anything is sent: bob on two devices.
    const watchers = [
      { userId: alice.id, socket: await socketOn(survivor.wsPort, alice) },
      { userId: bob.id, socket: await socketOn(survivor.wsPort, bob) },
      { userId: bob.id, socket: await socketOn(survivor.wsPort, bob) },
      { userId: carol.id, socket: await socketOn(survivor.wsPort, carol) },
    ];
    // The same sessions, used through the node that will die (sessions live in Postgres).
    const viaVictim = (user: typeof alice) => new ApiClient(`http://127.0.0.1:${victim.httpPort}`, { cookie: user.client.cookieHeader() });
    const carolSender = await socketOn(survivor.wsPort, carol);
    const [aliceOnVictim, bobOnVictim] = [await socketOn(victim.wsPort, alice), await socketOn(victim.wsPort, bob)];

    const toAll = [{ userId: bob.id }, { userId: carol.id }, { room }];
    const fromBob = [{ userId: alice.id }, { userId: carol.id }, { room }];
    const fromCarol = [{ userId: alice.id }, { userId: bob.id }];
    let restartedUp = false;
    const untilRestarted = () => restartedUp;
    const flows: Promise<SendLog>[] = [
      // Through the victim: they stop when it dies (a failed request or a closed socket).
      httpTraffic(viaVictim(alice), toAll, { label: 'alice-http-victim', count: 10_000 }),
      httpTraffic(viaVictim(bob), fromBob, { label: 'bob-http-victim', count: 10_000 }),
      wsTraffic(aliceOnVictim, toAll, { label: 'alice-ws-victim', count: 10_000 }),
      wsTraffic(bobOnVictim, fromBob, { label: 'bob-ws-victim', count: 10_000 }),
      // Through the survivor: they carry on through the crash until the restarted node is up.
      httpTraffic(alice.client, toAll, { label: 'alice-http-survivor', count: 10_000, stop: untilRestarted }),
      wsTraffic(carolSender, fromCarol, { label: 'carol-ws-survivor', count: 10_000, stop: untilRestarted }),
    ];
    const acks = () => [aliceOnVictim, bobOnVictim].reduce((sum, socket) => sum + socket.frames.filter((f) => f.type === 'ack').length, 0);
    // Generous: on a loaded 2-core machine the first acks of six flows come slowly.
    await eventually(async () => acks(), (count) => count >= 40, 45_000);
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');

    // A restarted node joins the store group again and carries on with the survivor.
    const restarted = await startChild('restarted');
    restartedUp = true;
    const viaRestarted = new ApiClient(`http://127.0.0.1:${restarted.httpPort}`, { cookie: bob.client.cookieHeader() });
    flows.push(httpTraffic(viaRestarted, fromBob, { label: 'bob-http-restarted', count: 20 }));
    flows.push(wsTraffic(await socketOn(restarted.wsPort, alice), toAll, { label: 'alice-ws-restarted', count: 20 }));
    const logs = await Promise.all(flows);

    const { accepted, attempted, refused } = merged(logs);
    expect(refused).toEqual([]);
    for (const log of logs.slice(0, 4)) expect(log.stoppedBy).toMatch(/^(UND_ERR_SOCKET|ECONNRESET|ECONNREFUSED|closed 1006)$/);
    for (const log of logs.slice(4)) expect(log.stoppedBy).toBeNull();
    // Both kinds of promise were made on the victim before it died, and both after.
    expect(logs.slice(0, 4).map((log) => log.accepted.length > 0)).toEqual([true, true, true, true]);

    // Stored: every promised message once; beyond them only sends cut off by the kill (in Kafka without their 202 or ack).
    const rows = await eventually(
      () => storedRowsFor(environment, attempted),
      (found) => accepted.every((message) => found.some((row) => row.id === message.id)),
      40_000,
    );
    expect(new Set(rows.map((row) => row.client_message_id)).size).toBe(rows.length);
    for (const conversation of Object.values(conversations)) {
      const all = await query<{ id: string; seq: string }>(environment, 'select id, seq from messages where conversation_id = $1 order by seq', [conversation]);
      expect({ conversation, gapFree: gapFree(all), onlyOurs: all.length === rows.filter((row) => row.conversation_id === conversation).length }).toEqual({
        conversation,
        gapFree: true,
        onlyOurs: true,
      });
    }

    // Delivered: each socket that stayed connected got every stored message of its conversations exactly once, in seq order.
    for (const { userId, socket } of [...watchers, { userId: carol.id, socket: carolSender }]) {
      const expected = rows.filter((row) => conversationsOf.get(userId)!.includes(row.conversation_id));
      await eventually(
        async () => socket.messages().length,
        (count) => count >= expected.length,
        20_000,
      );
      for (const conversation of conversationsOf.get(userId)!) {
        const received = socket.messages(conversation).map((message) => `${message.seq}:${message.id}`);
        const stored = expected.filter((row) => row.conversation_id === conversation).map((row) => `${row.seq}:${row.id}`);
        expect({ userId, conversation, received }).toEqual({ userId, conversation, received: stored });
      }
      expect(socket.messages()).toHaveLength(expected.length);
      expect(socket.closed).toBeNull();
    }
  }, 150_000);
});

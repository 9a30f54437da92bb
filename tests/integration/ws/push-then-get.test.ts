import type { RunningNode } from '../../../src/composition/node';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import { ApiClient } from '../../support/api-client';
import { createTestEnvironment, startTestNode } from '../../support/test-node';
import type { WsClient } from '../../support/ws-client';
import { httpTraffic, merged, wsTraffic } from '../messaging/traffic';
import { uniqueRoom } from '../messaging/messaging-support';
import { openSocket, signUp, type SignedIn } from './ws-support';

/**
 * Issue 4: nodes fan out only what is stored, so a `GET /api/messages/{id}` sent the moment a
 * push arrives always finds the message, through either node.
 */
describe('a pushed message is durable before it is pushed', () => {
  let nodes: RunningNode[] = [];
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    const environment = await createTestEnvironment();
    const fast = { WS_RATE_PER_SECOND: '1000', WS_RATE_BURST: '1000' };
    nodes = [await startTestNode(environment, fast), await startTestNode(environment, fast)];
  });
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    for (const node of nodes.reverse()) await node.stop();
  });

  it('when a socket receives a message frame, then a GET of that id sent at once through either node answers 200 with the same seq', async () => {
    const [nodeA, nodeB] = nodes as [RunningNode, RunningNode];
    const [alice, bob, carol] = await Promise.all([signUp(nodeA, 'alice'), signUp(nodeB, 'bob'), signUp(nodeA, 'carol')]);
    const room = uniqueRoom('durable');
    await alice.api.post('/api/rooms', { name: room });
    for (const member of [bob, carol]) await member.api.post(`/api/rooms/${room}/join`);
    const on = (node: RunningNode, who: SignedIn) => new ApiClient(`http://127.0.0.1:${node.httpPort}`, { cookie: who.api.cookieHeader() });

    const reads: Promise<{ id: string; pushedSeq: number; status: number; seq: unknown }>[] = [];
    const probe = async (node: RunningNode, who: SignedIn) => {
      const socket = await openSocket(node, who);
      sockets.push(socket);
      const readers = [on(nodeA, who), on(nodeB, who)];
      // In the socket's own message handler: no await between the push and the request.
      socket.socket.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        if (frame.type !== 'message') return;
        for (const reader of readers) {
          reads.push(reader.get(`/api/messages/${frame.message.id}`).then((res) => ({ id: frame.message.id, pushedSeq: frame.message.seq, status: res.status, seq: res.body.message?.seq })));
        }
      });
      return socket;
    };
    const [aliceSocket, bobSocket, carolSocket] = [await probe(nodeA, alice), await probe(nodeB, bob), await probe(nodeA, carol)];

    const logs = await Promise.all([
      httpTraffic(on(nodeA, alice), [{ userId: bob.user.id }, { room }], { label: 'alice-http', count: 15 }),
      httpTraffic(on(nodeB, bob), [{ userId: carol.user.id }, { room }], { label: 'bob-http', count: 15 }),
      wsTraffic(aliceSocket, [{ room }, { userId: carol.user.id }], { label: 'alice-ws', count: 15 }),
      wsTraffic(bobSocket, [{ userId: alice.user.id }, { room }], { label: 'bob-ws', count: 15 }),
    ]);
    const { accepted } = merged(logs);
    expect(accepted).toHaveLength(60);
    const roomConversation = roomConversationId(room);
    const conversationsOf = (who: SignedIn) => new Set([roomConversation, ...[alice, bob, carol].filter((other) => other !== who).map((other) => directConversationId(who.user.id, other.user.id))]);
    // Every socket ends up with every message of its conversations; by then every read it started is on its way.
    let pushes = 0;
    for (const [who, socket] of [[alice, aliceSocket], [bob, bobSocket], [carol, carolSocket]] as const) {
      const mine = accepted.filter((message) => conversationsOf(who).has(message.conversationId));
      await socket.waitForCount((f) => f.type === 'message', mine.length, 20_000);
      expect(socket.messages().map((m) => m.id).sort()).toEqual(mine.map((m) => m.id).sort());
      pushes += mine.length;
    }
    const results = await Promise.all(reads);
    expect(results).toHaveLength(2 * pushes);
    expect(results.filter((result) => result.status !== 200 || result.seq !== result.pushedSeq)).toEqual([]);
  });
});

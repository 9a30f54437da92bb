import { randomBytes } from 'node:crypto';
import type { RunningNode } from '../../src/composition/node';
import { directConversationId, roomConversationId } from '../../src/domain/conversation';
import { ApiClient } from '../support/api-client';
import { startTestNode, twoNodesPerFile } from '../support/test-node';
import type { Frame, WsClient } from '../support/ws-client';
import { signUp, socketsClosedAfterEach, type SignedIn } from '../integration/ws/ws-support';

/**
 * Issue 4's "Done when", with two composition roots (node A and node B) on one real Kafka
 * and Postgres: every message reaches every socket of its recipients on both nodes once,
 * in seq order, and what the sockets saw is what HTTP history says.
 */
jest.setTimeout(90_000);

describe('two nodes: messages over HTTP and WebSocket', () => {
  const nodes = twoNodesPerFile();
  let nodeA: RunningNode;
  let nodeB: RunningNode;
  beforeAll(() => {
    ({ a: nodeA, b: nodeB } = nodes);
  });
  const open = socketsClosedAfterEach();
  let counter = 0;
  const cid = () => `e2e-${(counter += 1)}-${randomBytes(3).toString('hex')}`;


  async function sendWs(client: WsClient, to: object, body: string): Promise<Frame> {
    const clientMessageId = cid();
    client.send({ type: 'send', to, body, clientMessageId });
    const answer = await client.waitFor((f) => f.clientMessageId === clientMessageId);
    expect(answer).toMatchObject({ type: 'ack' });
    return answer.message;
  }

  async function sendHttp(who: SignedIn, to: object, body: string): Promise<Frame> {
    const res = await who.api.post('/api/messages', { to, body, clientMessageId: cid() });
    expect(res.status).toBe(202);
    return res.body.message;
  }

  /** Every id delivered exactly once, in ascending, gap-free seq. */
  function expectOnceInOrder(client: WsClient, conversationId: string, ids: string[]) {
    const received = client.messages(conversationId);
    expect(received.map((m) => m.id).sort()).toEqual([...ids].sort());
    const seqs = received.map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, index) => seqs[0] + index));
  }

  it('when users on node A and node B exchange DMs over HTTP and WebSocket, then both sockets get all of them once in seq order and history matches', async () => {
    const alice = await signUp(nodeA, 'alice');
    const bob = await signUp(nodeB, 'bob');
    const [aliceSocket, bobSocket] = [await open(nodeA, alice), await open(nodeB, bob)];
    expect(aliceSocket.frames[0]!.node).toBe(nodeA.nodeId);
    expect(bobSocket.frames[0]!.node).toBe(nodeB.nodeId);

    const sent = [
      await sendHttp(alice, { userId: bob.user.id }, 'A->B over HTTP'),
      await sendWs(bobSocket, { userId: alice.user.id }, 'B->A over WS'),
      await sendWs(aliceSocket, { userId: bob.user.id }, 'A->B over WS'),
      await sendHttp(bob, { userId: alice.user.id }, 'B->A over HTTP'),
    ];
    const conversationId = directConversationId(alice.user.id, bob.user.id);
    const ids = sent.map((m) => m.id);
    for (const socket of [aliceSocket, bobSocket]) {
      await socket.waitForCount((f) => f.type === 'message' && ids.includes(f.message.id), 4);
    }
    // A later message of the conversation: a socket gets it after any second copy of the others.
    sent.push(await sendHttp(alice, { userId: bob.user.id }, 'A->B last'));
    ids.push(sent.at(-1)!.id);
    for (const socket of [aliceSocket, bobSocket]) await socket.waitFor((f) => f.type === 'message' && f.message.id === ids.at(-1));
    for (const socket of [aliceSocket, bobSocket]) {
      expectOnceInOrder(socket, conversationId, ids);
      expect(socket.messages(conversationId).map((m) => m.body)).toEqual(sent.map((m) => m.body));
    }
    const history = await alice.api.get(`/api/users/${bob.user.id}/messages?limit=100`);
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual(aliceSocket.messages(conversationId));
  });

  it('when members on both nodes post to a room at once, then every socket gets every message exactly once in seq order, as history has them', async () => {
    const members = await Promise.all([signUp(nodeA, 'ra'), signUp(nodeB, 'rb'), signUp(nodeA, 'rc'), signUp(nodeB, 'rd')]);
    const room = `e2e-${randomBytes(4).toString('hex')}`;
    expect((await members[0]!.api.post('/api/rooms', { name: room })).status).toBe(201);
    for (const member of members.slice(1)) expect((await member.api.post(`/api/rooms/${room}/join`)).status).toBe(200);
    // Every member has a socket on each node: the same user on two devices.
    const memberSockets = await Promise.all(members.flatMap((member) => [open(nodeA, member), open(nodeB, member)]));

    const perMember = 6;
    const sent = (
      await Promise.all(
        members.map(async (member, index) => {
          const socket = memberSockets[index * 2 + (index % 2)]!;
          const mine: Frame[] = [];
          for (let i = 0; i < perMember; i += 1) {
            const body = `${member.user.username} #${i}`;
            mine.push(i % 2 === 0 ? await sendWs(socket, { room }, body) : await sendHttp(member, { room }, body));
          }
          return mine;
        }),
      )
    ).flat();
    const ids = sent.map((m) => m.id);
    const conversationId = roomConversationId(room);
    for (const socket of memberSockets) {
      await socket.waitForCount((f) => f.type === 'message' && f.message.conversationId === conversationId, ids.length, 20_000);
    }
    // A later message of the room: a socket gets it after any second copy of the others.
    sent.push(await sendHttp(members[0]!, { room }, 'last'));
    ids.push(sent.at(-1)!.id);
    for (const socket of memberSockets) await socket.waitFor((f) => f.type === 'message' && f.message.id === ids.at(-1));
    const history = await members[1]!.api.get(`/api/rooms/${room}/messages?limit=100`);
    expect(history.body.items.map((m: Frame) => m.seq)).toEqual(ids.map((_, index) => index + 1));
    for (const socket of memberSockets) {
      expectOnceInOrder(socket, conversationId, ids);
      expect(socket.messages(conversationId)).toEqual(history.body.items);
    }
  });

  it('when a socket drops and its user resumes on the other node, then the gap is filled exactly, then live messages follow', async () => {
    const alice = await signUp(nodeA, 'alice');
    const bob = await signUp(nodeB, 'bob');
    const conversationId = directConversationId(alice.user.id, bob.user.id);
    const bobOnB = await open(nodeB, bob);
    const aliceOnA = await open(nodeA, alice);
    const first = await sendWs(aliceOnA, { userId: bob.user.id }, 'before');
    const seen = await bobOnB.waitFor((f) => f.type === 'message' && f.message.id === first.id);
    await bobOnB.close();

    const missed: Frame[] = [];
    for (let i = 1; i <= 4; i += 1) missed.push(await (i % 2 ? sendWs(aliceOnA, { userId: bob.user.id }, `gap ${i}`) : sendHttp(alice, { userId: bob.user.id }, `gap ${i}`)));
    await aliceOnA.waitFor((f) => f.type === 'message' && f.message.id === missed[3]!.id);

    const bobOnA = await open(nodeA, bob);
    bobOnA.send({ type: 'resume', since: { [conversationId]: seen.message.seq } });
    const live = sendWs(aliceOnA, { userId: bob.user.id }, 'after');
    await bobOnA.waitFor((f) => f.type === 'resumed');
    const after = await live;
    await bobOnA.waitFor((f) => f.type === 'message' && f.message.id === after.id);
    const received = bobOnA.messages(conversationId);
    expect(received.map((m) => m.body)).toEqual(['gap 1', 'gap 2', 'gap 3', 'gap 4', 'after']);
    expect(received.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5].map((i) => seen.message.seq + i));
  });

  it('when a user logs out through node A, then that session\'s sockets on both nodes close with 4001 within a second', async () => {
    const bob = await signUp(nodeB, 'bob');
    const [onA, onB] = [await open(nodeA, bob), await open(nodeB, bob)];
    const started = Date.now();
    const logout = await new ApiClient(`http://127.0.0.1:${nodeA.httpPort}`).post('/api/auth/logout', undefined, { cookie: bob.api.cookieHeader() });
    expect(logout.status).toBe(204);
    for (const socket of [onA, onB]) expect((await socket.waitForClose(1_000)).code).toBe(4001);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when a node stops, then its sockets close with 1001 (going away) and the user carries on from another node', async () => {
    const nodeC = await startTestNode(nodes.environment);
    try {
      const carol = await signUp(nodeC, 'carol');
      const onC = await open(nodeC, carol);
      const stopping = nodeC.stop();
      expect((await onC.waitForClose(5_000)).code).toBe(1001);
      await stopping;
      const onA = await open(nodeA, carol);
      expect(onA.frames[0]).toMatchObject({ type: 'hello', node: nodeA.nodeId });
    } finally {
      await nodeC.stop();
    }
  });
});

import { randomUUID } from 'node:crypto';
import type { RunningNode } from '../../../src/composition/node';
import { directConversationId } from '../../../src/domain/conversation';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import type { Frame, WsClient } from '../../support/ws-client';
import { eventually, gapFree, query, rowsOf, topicEvents, uniqueRoom } from '../messaging/messaging-support';
import { openSocket, signUp, type SignedIn } from './ws-support';

/**
 * Issue 4's WebSocket contract for bad input: each bad frame gets its error frame (with the
 * send's clientMessageId) or its close code, and the good sends around it are acked, stored
 * and pushed once, while nothing else is published or stored.
 */
describe('the WebSocket gateway: bad frames between good sends', () => {
  let environment: TestEnvironment;
  let node: RunningNode;
  let strict: RunningNode;
  const sockets: WsClient[] = [];
  const open = async (on: RunningNode, who: SignedIn) => {
    const client = await openSocket(on, who);
    sockets.push(client);
    return client;
  };

  beforeAll(async () => {
    environment = await createTestEnvironment();
    // A budget large enough for the interleaving test; the flood test runs on a node with a small one.
    node = await startTestNode(environment, { WS_RATE_PER_SECOND: '1000', WS_RATE_BURST: '1000' });
    strict = await startTestNode(environment, { WS_RATE_PER_SECOND: '5', WS_RATE_BURST: '5' });
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  });
  afterAll(async () => {
    await strict?.stop();
    await node?.stop();
  });

  /** The first ack or error frame after `from` that answers this frame. */
  const answer = (client: WsClient, from: number, clientMessageId?: string) =>
    client.waitFor((f) => (f.type === 'ack' || f.type === 'error') && (clientMessageId === undefined || f.clientMessageId === clientMessageId), 15_000, from);

  /** Rows of the conversation once `lastId` is stored (one partition per conversation: everything before it is too). */
  const storedUpTo = (conversation: string, lastId: string) => eventually(() => rowsOf(environment, conversation), (rows) => rows.some((row) => row.id === lastId));

  it('when each bad send or frame comes between good sends, then it gets its error frame, the socket stays open, and only the good sends are published, stored and pushed', async () => {
    const [alice, bob, carol] = await Promise.all([signUp(node, 'alice'), signUp(node, 'bob'), signUp(node, 'carol')]);
    const closedRoom = uniqueRoom('closed');
    expect((await carol.api.post('/api/rooms', { name: closedRoom })).status).toBe(201);
    const [client, bobSocket] = [await open(node, alice), await open(node, bob)];
    const to = { userId: bob.user.id };
    const refusedIds: string[] = [];
    const cid = (label: string, keep = false) => {
      const id = `${label}-${randomUUID()}`;
      if (keep) refusedIds.push(id);
      return id;
    };
    const long = 'c'.repeat(129);
    // [what, frame, expected code, clientMessageId the error must carry (undefined: none)]
    const bad: [string, unknown, string, string | undefined][] = [
      ['not JSON', 'not json {', 'malformed_json', undefined],
      ['a JSON array', '[1, 2]', 'unknown_frame', undefined],
      ['an unknown type', { type: 'shout', body: 'hi' }, 'unknown_frame', undefined],
      ['a send without clientMessageId', { type: 'send', to, body: 'x' }, 'validation_failed', undefined],
      ['a clientMessageId over 128', { type: 'send', to, body: 'x', clientMessageId: long }, 'validation_failed', long],
      ...(() => {
        const frames: [string, Record<string, unknown>, string][] = [
          ['a send without body', { to }, 'validation_failed'],
          ['an empty body', { to, body: '' }, 'validation_failed'],
          ['a whitespace-only body', { to, body: ' \n\t ' }, 'validation_failed'],
          ['4001 emoji', { to, body: '😀'.repeat(4001) }, 'validation_failed'],
          ['U+0000 in the body', { to, body: 'a\u0000b' }, 'validation_failed'],
          ['a recipient id not a UUID', { to: { userId: 'nope' }, body: 'x' }, 'validation_failed'],
          ['an unknown user', { to: { userId: randomUUID() }, body: 'x' }, 'not_found'],
          ['an unknown room', { to: { room: uniqueRoom('none') }, body: 'x' }, 'not_found'],
          ['a room of which the sender is not a member', { to: { room: closedRoom }, body: 'x' }, 'not_a_member'],
        ];
        return frames.map(([what, fields, code]): [string, unknown, string, string] => {
          const clientMessageId = cid('bad', true);
          return [what, { type: 'send', ...fields, clientMessageId }, code, clientMessageId];
        });
      })(),
      ['a resume with a negative seq', { type: 'resume', since: { 'dm:a:b': -1 } }, 'validation_failed', undefined],
    ];

    const acked: string[] = [];
    const sendGood = async (body: string, clientMessageId = cid('good')) => {
      const from = client.frames.length;
      client.send({ type: 'send', to, body, clientMessageId });
      const frame = await answer(client, from, clientMessageId);
      expect({ body: body.slice(0, 20), type: frame.type }).toEqual({ body: body.slice(0, 20), type: 'ack' });
      acked.push(frame.message.id);
    };
    for (const [what, frame, code, clientMessageId] of bad) {
      await sendGood(`before ${what}`);
      const from = client.frames.length;
      client.send(frame);
      const error: Frame = await answer(client, from, clientMessageId);
      expect({ what, type: error.type, code: error.code, clientMessageId: error.clientMessageId, message: typeof error.message }).toEqual({
        what,
        type: 'error',
        code,
        clientMessageId,
        message: 'string',
      });
      expect(client.closed).toBeNull();
    }
    const longest = '😀'.repeat(4000);
    await sendGood(` ${longest} `);
    // Ids of refused sends were not used up: the same ids are accepted as new messages.
    for (const id of refusedIds) await sendGood(`retry ${id}`, id);
    await sendGood('last');

    const conversation = directConversationId(alice.user.id, bob.user.id);
    const rows = await storedUpTo(conversation, acked.at(-1)!);
    expect(rows.map((row) => row.id)).toEqual(acked);
    expect(gapFree(rows)).toBe(true);
    expect(rows.find((row) => row.body.startsWith('😀'))!.body).toBe(longest);
    expect(await query(environment, 'select id from messages where sender_id = $1 and conversation_id <> $2', [alice.user.id, conversation])).toEqual([]);
    const published = (await topicEvents(node, 'accepted')).filter((event) => event.type === 'message.accepted' && event.message.sender.id === alice.user.id);
    expect(published.map((event) => (event.type === 'message.accepted' ? event.message.id : null))).toEqual(acked);
    for (const socket of [client, bobSocket]) {
      await socket.waitFor((f) => f.type === 'message' && f.message.id === acked.at(-1));
      expect(socket.messages(conversation).map((m) => `${m.seq}:${m.id}`)).toEqual(rows.map((row) => `${row.seq}:${row.id}`));
    }
  });

  it('when a frame is over WS_MAX_FRAME_BYTES, then the socket closes with 1009, what was acked before is stored, and the big send is not', async () => {
    const [alice, bob] = await Promise.all([signUp(node, 'alice'), signUp(node, 'bob')]);
    const client = await open(node, alice);
    const to = { userId: bob.user.id };
    client.send({ type: 'send', to, body: 'before', clientMessageId: 'before' });
    const before = await answer(client, 0, 'before');
    expect(before.type).toBe('ack');
    client.send({ type: 'send', to, body: 'x'.repeat(70 * 1024), clientMessageId: 'too-big' });
    expect((await client.waitForClose()).code).toBe(1009);
    expect(client.frames.filter((f) => f.clientMessageId === 'too-big')).toEqual([]);

    // The same user carries on over a new socket; the conversation holds the acked message and the new one only.
    const again = await open(node, alice);
    again.send({ type: 'send', to, body: 'after', clientMessageId: 'after' });
    const after = await answer(again, 0, 'after');
    expect(after.type).toBe('ack');
    const rows = await storedUpTo(directConversationId(alice.user.id, bob.user.id), after.message.id);
    expect(rows.map((row) => [row.id, row.client_message_id])).toEqual([
      [before.message.id, 'before'],
      [after.message.id, 'after'],
    ]);
  });

  it('when a user floods sends, then refused ones get rate_limited with their clientMessageId, going on closes with 1008, and only acked sends are stored', async () => {
    const [alice, bob] = await Promise.all([signUp(strict, 'flood'), signUp(strict, 'bob')]);
    const client = await open(strict, alice);
    const to = { userId: bob.user.id };
    const ids = Array.from({ length: 7 }, (_, i) => `flood-${i}-${randomUUID()}`);
    for (const [i, clientMessageId] of ids.entries()) client.send({ type: 'send', to, body: `flood ${i}`, clientMessageId });
    const answers = await Promise.all(ids.map((clientMessageId) => answer(client, 0, clientMessageId)));
    // Burst of 5: the first five are acked, the next two refused, each naming its send.
    expect(answers.map((f) => f.type === 'ack' ? 'ack' : f.code)).toEqual(['ack', 'ack', 'ack', 'ack', 'ack', 'rate_limited', 'rate_limited']);
    expect(answers[5]).toMatchObject({ type: 'error', clientMessageId: ids[5], details: { retryAfterSeconds: expect.any(Number) } });
    for (let i = 0; i < 5; i += 1) client.send({ type: 'send', to, body: `more ${i}`, clientMessageId: `more-${i}-${randomUUID()}` });
    expect((await client.waitForClose()).code).toBe(1008);

    // A later message in the same conversation is stored after anything sent before it.
    const barrier = await bob.api.post('/api/messages', { to: { userId: alice.user.id }, body: 'barrier' });
    expect(barrier.status).toBe(202);
    const rows = await storedUpTo(directConversationId(alice.user.id, bob.user.id), barrier.body.message.id);
    expect(rows.map((row) => row.id)).toEqual([...answers.slice(0, 5).map((f) => f.message.id), barrier.body.message.id]);
  });

  it('when a user sends to themself over the socket, then it is acked and pushed once to each of their sockets', async () => {
    const alice = await signUp(node, 'self');
    const [first, second] = [await open(node, alice), await open(node, alice)];
    first.send({ type: 'send', to: { userId: alice.user.id }, body: 'note to self', clientMessageId: 'self-1' });
    const ack = await answer(first, 0, 'self-1');
    expect(ack).toMatchObject({ type: 'ack', message: { conversationId: directConversationId(alice.user.id, alice.user.id) } });
    for (const socket of [first, second]) await socket.waitFor((f) => f.type === 'message' && f.message.id === ack.message.id);
    // A later message is pushed after this one: had the first been pushed twice, the copy would come before it.
    first.send({ type: 'send', to: { userId: alice.user.id }, body: 'second note', clientMessageId: 'self-2' });
    const next = await answer(first, 0, 'self-2');
    for (const socket of [first, second]) {
      await socket.waitFor((f) => f.type === 'message' && f.message.id === next.message.id);
      expect(socket.messages().map((m) => [m.seq, m.id])).toEqual([
        [1, ack.message.id],
        [2, next.message.id],
      ]);
    }
  });
});

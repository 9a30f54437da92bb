import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import { uniqueName } from '../../support/sign-up';
import { twoNodesPerFile } from '../../support/test-node';
import type { Frame, WsClient } from '../../support/ws-client';
import { signUp, socketsClosedAfterEach, type SignedIn } from '../ws/ws-support';

jest.setTimeout(90_000);

/**
 * Read positions across two nodes: a read reported on node A reaches my sockets on node B and,
 * in a direct conversation, the other person (a receipt), through Kafka; never a room's members.
 */
describe('read receipts on two nodes', () => {
  const nodes = twoNodesPerFile();
  const open = socketsClosedAfterEach();

  async function sendAndWaitStored(from: SignedIn, to: object, count: number, socket: WsClient, conversationId: string): Promise<Frame> {
    for (let i = 1; i <= count; i += 1) expect((await from.api.post('/api/messages', { to, body: `message ${i}` })).status).toBe(202);
    const messages = await socket.waitForCount((f) => f.type === 'message' && f.message.conversationId === conversationId, count);
    return messages.at(-1)!.message;
  }

  const readFrames = (socket: WsClient, conversationId: string) => socket.frames.filter((f) => f.type === 'read' && f.conversationId === conversationId);

  it('when I read on node A, then my socket on node B clears and the other person gets the receipt; the reporting socket gets no echo', async () => {
    const alice = await signUp(nodes.a, 'alice');
    const bob = await signUp(nodes.b, 'bob');
    const conversationId = directConversationId(alice.user.id, bob.user.id);
    const [aliceOnA, aliceOnB, bobOnB] = [await open(nodes.a, alice), await open(nodes.b, alice), await open(nodes.b, bob)];
    const last = await sendAndWaitStored(bob, { userId: alice.user.id }, 3, aliceOnB, conversationId);
    expect(last.seq).toBe(3);

    // Over HTTP on node A: every socket of mine hears it (HTTP has no socket to spare), and bob.
    const res = await alice.api.request('PUT', `/api/conversations/${conversationId}/read`, { seq: 2 });
    expect(res.status).toBe(204);
    const receipt = { type: 'read', conversationId, userId: alice.user.id, seq: 2 };
    expect(await aliceOnB.waitFor((f) => f.type === 'read')).toEqual(receipt);
    expect(await bobOnB.waitFor((f) => f.type === 'read')).toEqual(receipt);
    expect(await aliceOnA.waitFor((f) => f.type === 'read')).toEqual(receipt);

    // Over the socket on node A: the other socket and bob hear it, the reporting socket does not.
    aliceOnA.send({ type: 'read', conversationId, seq: 3 });
    expect(await aliceOnB.waitFor((f) => f.type === 'read' && f.seq === 3)).toEqual({ ...receipt, seq: 3 });
    expect(await bobOnB.waitFor((f) => f.type === 'read' && f.seq === 3)).toEqual({ ...receipt, seq: 3 });
    // The same read again over HTTP follows it on the same (user-keyed) partition: once aliceOnA
    // has that one, the socket's own read would have been there before it.
    expect((await alice.api.request('PUT', `/api/conversations/${conversationId}/read`, { seq: 3 })).status).toBe(204);
    await aliceOnB.waitForCount((f) => f.type === 'read' && f.seq === 3, 2);
    await aliceOnA.waitFor((f) => f.type === 'read' && f.seq === 3);
    expect(readFrames(aliceOnA, conversationId).map((f) => f.seq)).toEqual([2, 3]);
    expect(aliceOnA.frames.filter((f) => f.type === 'error')).toEqual([]);

    // A lower seq changes nothing: the badge stays cleared.
    expect((await alice.api.request('PUT', `/api/conversations/${conversationId}/read`, { seq: 1 })).status).toBe(204);
    expect((await alice.api.get('/api/conversations')).body.items).toEqual([expect.objectContaining({ id: conversationId, readSeq: 3, unread: 0 })]);
  });

  it('when I read a room, then only my own sockets hear it, not the other members', async () => {
    const alice = await signUp(nodes.a, 'alice');
    const carol = await signUp(nodes.b, 'carol');
    const name = uniqueName('room');
    await alice.api.post('/api/rooms', { name });
    await carol.api.post(`/api/rooms/${name}/join`);
    const room = roomConversationId(name);
    const direct = directConversationId(alice.user.id, carol.user.id);
    const [aliceOnA, aliceOnB, carolOnB] = [await open(nodes.a, alice), await open(nodes.b, alice), await open(nodes.b, carol)];
    await sendAndWaitStored(carol, { room: name }, 2, aliceOnA, room);
    await sendAndWaitStored(carol, { userId: alice.user.id }, 1, aliceOnA, direct);

    expect((await alice.api.request('PUT', `/api/conversations/${room}/read`, { seq: 2 })).status).toBe(204);
    expect(await aliceOnB.waitFor((f) => f.type === 'read' && f.conversationId === room)).toEqual({ type: 'read', conversationId: room, userId: alice.user.id, seq: 2 });
    // The direct read goes out after the room read, on alice's partition: once carol has the
    // receipt of the direct one, she would have had the room's before it, had it been sent to her.
    // (Over HTTP here: the read frame has its own tests above and below.)
    expect((await alice.api.request('PUT', `/api/conversations/${direct}/read`, { seq: 1 })).status).toBe(204);
    await carolOnB.waitFor((f) => f.type === 'read' && f.conversationId === direct);
    expect(carolOnB.frames.filter((f) => f.type === 'read')).toEqual([{ type: 'read', conversationId: direct, userId: alice.user.id, seq: 1 }]);
    const carolInbox = await carol.api.get('/api/conversations');
    expect(carolInbox.body.items.find((item: { id: string }) => item.id === room)).toMatchObject({ readSeq: 2, unread: 0 });
  });

  it('when a socket reports a read of a conversation it is not in, or past its end, then it gets an error frame with the conversationId and nobody hears anything', async () => {
    const alice = await signUp(nodes.a, 'alice');
    const bob = await signUp(nodes.b, 'bob');
    const mallory = await signUp(nodes.a, 'mallory');
    const conversationId = directConversationId(alice.user.id, bob.user.id);
    const [aliceOnA, bobOnB, malloryOnA] = [await open(nodes.a, alice), await open(nodes.b, bob), await open(nodes.a, mallory)];
    await sendAndWaitStored(bob, { userId: alice.user.id }, 1, aliceOnA, conversationId);

    const stranger = directConversationId(mallory.user.id, '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f');
    for (const id of [conversationId, stranger, 'room:nowhere']) malloryOnA.send({ type: 'read', conversationId: id, seq: 1 });
    const errors = await malloryOnA.waitForCount((f) => f.type === 'error', 3);
    expect(errors).toEqual(
      [conversationId, stranger, 'room:nowhere'].map((id) => ({ type: 'error', code: 'not_found', message: 'That conversation was not found.', conversationId: id })),
    );

    aliceOnA.send({ type: 'read', conversationId, seq: 2 });
    expect(await aliceOnA.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'validation_failed', conversationId, details: { fields: [expect.objectContaining({ field: 'seq' })] } });
    aliceOnA.send({ type: 'read', conversationId, seq: 'one' });
    expect(await aliceOnA.waitForCount((f) => f.type === 'error', 2)).toEqual([expect.anything(), expect.objectContaining({ code: 'validation_failed' })]);

    // Then a real read: bob's first read frame is that one, so none of the refused ones reached him.
    aliceOnA.send({ type: 'read', conversationId, seq: 1 });
    await bobOnB.waitFor((f) => f.type === 'read');
    expect(bobOnB.frames.filter((f) => f.type === 'read')).toEqual([{ type: 'read', conversationId, userId: alice.user.id, seq: 1 }]);
    expect((await mallory.api.get('/api/conversations')).body.items).toEqual([]);
  });
});

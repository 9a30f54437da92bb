import type { LocalDelivery } from '../../../src/application/ports/local-delivery';
import type { RunningNode } from '../../../src/composition/node';
import { directConversationId } from '../../../src/domain/conversation';
import { createTestEnvironment, startTestNode } from '../../support/test-node';
import type { Frame, WsClient } from '../../support/ws-client';
import { signUp, socketsClosedAfterEach, type SignedIn } from './ws-support';

describe('the WebSocket gateway: sending, delivery, resume and logout', () => {
  let node: RunningNode;
  /** This node's sockets, as the fan-out delivers to them: a test plays the fan-out with it. */
  let fanOutTo: LocalDelivery;
  let alice: SignedIn;
  let bob: SignedIn;
  const openOn = socketsClosedAfterEach();
  const open = (who: SignedIn) => openOn(node, who);
  let counter = 0;
  const cid = () => `c-${Date.now()}-${(counter += 1)}`;

  beforeAll(async () => {
    node = await startTestNode(await createTestEnvironment(), { RESUME_MAX_MESSAGES: '5' }, { localDelivery: (delivery) => (fanOutTo = delivery) });
    [alice, bob] = await Promise.all([signUp(node, 'alice'), signUp(node, 'bob')]);
  });
  afterAll(() => node.stop());

  /** Sends over the socket and returns the acknowledged message. */
  async function sendOver(client: WsClient, to: object, body: string): Promise<Frame> {
    const clientMessageId = cid();
    client.send({ type: 'send', to, body, clientMessageId });
    const answer = await client.waitFor((f) => f.clientMessageId === clientMessageId);
    expect(answer.type).toBe('ack');
    return answer.message;
  }

  it('when a user sends a DM over the socket, then it is acked, stored, and pushed once to both sides with its seq', async () => {
    const [aliceSocket, bobSocket] = [await open(alice), await open(bob)];
    const accepted = await sendOver(aliceSocket, { userId: bob.user.id }, '  hello bob  ');
    expect(accepted).toMatchObject({ body: 'hello bob', sender: alice.user, to: { userId: bob.user.id }, seq: null });
    const pushed = await bobSocket.waitFor((f) => f.type === 'message' && f.message.id === accepted.id);
    await aliceSocket.waitFor((f) => f.type === 'message' && f.message.id === accepted.id);
    expect(pushed.message).toMatchObject({ id: accepted.id, conversationId: directConversationId(alice.user.id, bob.user.id), seq: expect.any(Number) });
    const stored = await bob.api.get(`/api/messages/${accepted.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.message.seq).toBe(pushed.message.seq);
    // A later message of the same conversation comes after any second push of this one.
    const later = await sendOver(aliceSocket, { userId: bob.user.id }, 'later');
    await bobSocket.waitFor((f) => f.type === 'message' && f.message.id === later.id);
    expect(bobSocket.messages().filter((m) => m.id === accepted.id)).toHaveLength(1);
  });

  it('when a send is refused, then the error frame carries the domain code and clientMessageId and nothing is pushed', async () => {
    const client = await open(alice);
    client.send({ type: 'send', to: { userId: '0190d8d6-0000-7000-8000-000000000000' }, body: 'hi', clientMessageId: 'unknown-user' });
    expect(await client.waitFor((f) => f.clientMessageId === 'unknown-user')).toMatchObject({ type: 'error', code: 'not_found' });
    client.send({ type: 'send', to: { userId: bob.user.id }, body: '   ', clientMessageId: 'blank' });
    expect(await client.waitFor((f) => f.clientMessageId === 'blank')).toMatchObject({ type: 'error', code: 'validation_failed' });
    client.send({ type: 'send', to: { room: 'no-such-room' }, body: 'hi', clientMessageId: 'no-room' });
    expect(await client.waitFor((f) => f.clientMessageId === 'no-room')).toMatchObject({ type: 'error', code: 'not_found' });
    // A good send after them is pushed back to its sender; a push of a refused one could only come from a publish before it.
    const marker = await sendOver(client, { userId: bob.user.id }, 'marker');
    await client.waitFor((f) => f.type === 'message' && f.message.id === marker.id);
    expect(client.messages().map((m) => m.body)).toEqual(['marker']);
  });

  it('when the same clientMessageId is sent twice, then both acks carry the one message and it is pushed once', async () => {
    const [aliceSocket, bobSocket] = [await open(alice), await open(bob)];
    const frame = { type: 'send', to: { userId: bob.user.id }, body: 'only once', clientMessageId: cid() };
    aliceSocket.send(frame);
    aliceSocket.send(frame);
    const acks = await aliceSocket.waitForCount((f) => f.type === 'ack' && f.clientMessageId === frame.clientMessageId, 2);
    expect(acks[1]!.message.id).toBe(acks[0]!.message.id);
    await bobSocket.waitFor((f) => f.type === 'message' && f.message.id === acks[0]!.message.id);
    // A later message of the same conversation comes after any second push of this one.
    const later = await sendOver(aliceSocket, { userId: bob.user.id }, 'after only once');
    await bobSocket.waitFor((f) => f.type === 'message' && f.message.id === later.id);
    expect(bobSocket.messages().filter((m) => m.body === 'only once')).toHaveLength(1);
  });

  it('when the fan-out repeats a message (at-least-once), then each socket still gets it once and in seq order', async () => {
    const client = await open(alice);
    const base = { conversationId: 'room:replayed', sender: bob.user, to: { room: 'replayed' }, createdAt: new Date() };
    for (const seq of [1, 2, 2, 1, 3, 3, 4]) fanOutTo.deliver({ ...base, id: `m${seq}`, seq, body: `n${seq}` }, [alice.user.id, alice.user.id]);
    // Seq 4 is written after every repeat before it: once it is here, any repeat would be too.
    await client.waitFor((f) => f.type === 'message' && f.message.seq === 4);
    expect(client.messages('room:replayed').map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('when a client resumes after a disconnect, then it gets exactly the missed messages in order, then resumed', async () => {
    const first = await open(alice);
    const opener = await sendOver(first, { userId: bob.user.id }, 'before the gap');
    const seen = await first.waitFor((f) => f.type === 'message' && f.message.id === opener.id);
    await first.close();
    const bobSocket = await open(bob);
    const missed: Frame[] = [];
    for (const body of ['gap 1', 'gap 2', 'gap 3']) missed.push(await sendOver(bobSocket, { userId: alice.user.id }, body));
    await bobSocket.waitFor((f) => f.type === 'message' && f.message.id === missed[2]!.id);

    const again = await open(alice);
    const conversationId = seen.message.conversationId;
    again.send({ type: 'resume', since: { [conversationId]: seen.message.seq } });
    await again.waitFor((f) => f.type === 'resumed');
    const replayed = again.messages(conversationId);
    expect(replayed.map((m) => m.body)).toEqual(['gap 1', 'gap 2', 'gap 3']);
    expect(replayed.map((m) => m.seq)).toEqual([seen.message.seq + 1, seen.message.seq + 2, seen.message.seq + 3]);
    const after = await sendOver(bobSocket, { userId: alice.user.id }, 'live again');
    await again.waitFor((f) => f.type === 'message' && f.message.id === after.id);
    expect(again.messages(conversationId).map((m) => m.seq)).toEqual([...replayed.map((m) => m.seq), replayed.at(-1)!.seq + 1]);
  });

  it('when a resume asks for more than RESUME_MAX_MESSAGES or for a conversation of others, then those conversations get errors', async () => {
    const [dave, erin] = await Promise.all([signUp(node, 'dave'), signUp(node, 'erin')]);
    const daveSocket = await open(dave);
    const sent: Frame[] = [];
    for (let i = 1; i <= 6; i += 1) sent.push(await sendOver(daveSocket, { userId: erin.user.id }, `m${i}`));
    await daveSocket.waitFor((f) => f.type === 'message' && f.message.id === sent[5]!.id);
    const client = await open(erin);
    const conversationId = directConversationId(dave.user.id, erin.user.id);
    client.send({ type: 'resume', since: { [conversationId]: 0, [directConversationId(alice.user.id, bob.user.id)]: 0 } });
    await client.waitFor((f) => f.type === 'resumed');
    expect(client.frames).toContainEqual({ type: 'error', code: 'resync_required', conversationId, message: expect.any(String) });
    expect(client.frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'not_found', conversationId: directConversationId(alice.user.id, bob.user.id) }));
    expect(client.messages()).toEqual([]);
    client.send({ type: 'resume', since: { [conversationId]: 1 } });
    await client.waitForCount((f) => f.type === 'resumed', 2);
    expect(client.messages(conversationId).map((m) => m.body)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('when the user logs out, then that session\'s sockets close with 4001 within a second and other sessions stay open', async () => {
    const carol = await signUp(node, 'carol');
    const other = await signUp(node, 'carol2');
    const [carolSocket, otherSocket] = [await open(carol), await open(other)];
    const started = Date.now();
    expect((await carol.api.post('/api/auth/logout')).status).toBe(204);
    const closed = await carolSocket.waitForClose(1_000);
    expect(closed.code).toBe(4001);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(otherSocket.closed).toBeNull();
  });
});

import type { RunningNode } from '../../../src/composition/node';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import { ApiClient } from '../../support/api-client';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/sign-up';
import { createTestEnvironment, startTestNode } from '../../support/test-node';
import { signUp, type SignedIn } from '../ws/ws-support';

/** GET /api/conversations and PUT /api/conversations/{id}/read on one node, real Kafka and Postgres. */
describe('the inbox over HTTP: conversations, unread counts and read positions', () => {
  let node: RunningNode;

  beforeAll(async () => {
    node = await startTestNode(await createTestEnvironment());
  });
  afterAll(() => node.stop());

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function inbox(who: SignedIn, query = 'limit=100'): Promise<any[]> {
    const res = await who.api.get(`/api/conversations?${query}`);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  /** The conversation as `who` sees it once its last message is stored with seq `lastSeq`. */
  async function storedUpTo(who: SignedIn, conversationId: string, lastSeq: number) {
    const items = await eventually(
      () => inbox(who),
      (list) => list.some((item) => item.id === conversationId && item.lastSeq === lastSeq),
    );
    return items.find((item) => item.id === conversationId);
  }

  async function send(who: SignedIn, to: object, body: string) {
    const res = await who.api.post('/api/messages', { to, body });
    expect(res.status).toBe(202);
    return res.body.message;
  }

  const read = (who: SignedIn, conversationId: string, seq: unknown) => who.api.request('PUT', `/api/conversations/${encodeURIComponent(conversationId)}/read`, { seq });

  it('when the other person writes, then my unread counts them; my own message and a PUT read move my readSeq; it never moves back', async () => {
    const [alice, bob] = await Promise.all([signUp(node, 'alice'), signUp(node, 'bob')]);
    const conversationId = directConversationId(alice.user.id, bob.user.id);
    expect(await inbox(alice)).toEqual([]);
    for (const body of ['one', 'two', 'three']) await send(bob, { userId: alice.user.id }, body);

    const seen = await storedUpTo(alice, conversationId, 3);
    expect(seen).toEqual({
      id: conversationId,
      kind: 'direct',
      with: bob.user,
      lastMessage: expect.objectContaining({ conversationId, seq: 3, body: 'three', sender: bob.user, to: { userId: alice.user.id } }),
      lastSeq: 3,
      readSeq: 0,
      unread: 3,
    });
    // The sender's own messages are read by definition.
    expect(await storedUpTo(bob, conversationId, 3)).toMatchObject({ with: alice.user, readSeq: 3, unread: 0 });

    await send(alice, { userId: bob.user.id }, 'four');
    expect(await storedUpTo(alice, conversationId, 4)).toMatchObject({ readSeq: 4, unread: 0 });
    expect(await storedUpTo(bob, conversationId, 4)).toMatchObject({ readSeq: 3, unread: 1 });

    expect((await read(bob, conversationId, 4)).status).toBe(204);
    expect(await storedUpTo(bob, conversationId, 4)).toMatchObject({ readSeq: 4, unread: 0 });
    // A lower seq is harmless and changes nothing; the same one again is fine too.
    expect((await read(bob, conversationId, 2)).status).toBe(204);
    expect((await read(bob, conversationId, 4)).status).toBe(204);
    expect(await storedUpTo(bob, conversationId, 4)).toMatchObject({ readSeq: 4, unread: 0 });

    await send(alice, { userId: bob.user.id }, 'five');
    await send(alice, { userId: bob.user.id }, 'six');
    expect(await storedUpTo(bob, conversationId, 6)).toMatchObject({ readSeq: 4, unread: 2 });
    expect((await read(bob, conversationId, 5)).status).toBe(204);
    expect(await storedUpTo(bob, conversationId, 6)).toMatchObject({ readSeq: 5, unread: 1 });
  });

  it('when a seq is above the last seq or not a whole number, then 400 validation_failed names seq and nothing moves', async () => {
    const [alice, bob] = await Promise.all([signUp(node, 'alice'), signUp(node, 'bob')]);
    const conversationId = directConversationId(alice.user.id, bob.user.id);
    await send(bob, { userId: alice.user.id }, 'hello');
    await storedUpTo(alice, conversationId, 1);
    for (const seq of [2, -1, 1.5, '1', null]) {
      const res = await read(alice, conversationId, seq);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [expect.objectContaining({ field: 'seq' })] } });
    }
    expect(await storedUpTo(alice, conversationId, 1)).toMatchObject({ readSeq: 0, unread: 1 });
  });

  it('when rooms are mine, then they are listed (an empty one too) with unread counts of the others’ messages', async () => {
    const [alice, bob, carol] = await Promise.all([signUp(node, 'alice'), signUp(node, 'bob'), signUp(node, 'carol')]);
    const name = uniqueName('Room');
    expect((await alice.api.post('/api/rooms', { name })).status).toBe(201);
    expect((await bob.api.post(`/api/rooms/${name}/join`)).status).toBe(200);
    const conversationId = roomConversationId(name);

    expect(await inbox(alice)).toEqual([{ id: conversationId, kind: 'room', room: { name }, lastMessage: null, lastSeq: 0, readSeq: 0, unread: 0 }]);
    await send(bob, { room: name }, 'hi room');
    await send(bob, { room: name }, 'anyone?');
    expect(await storedUpTo(alice, conversationId, 2)).toMatchObject({ room: { name }, readSeq: 0, unread: 2, lastMessage: expect.objectContaining({ body: 'anyone?' }) });
    await send(alice, { room: name }, 'yes');
    expect(await storedUpTo(alice, conversationId, 3)).toMatchObject({ readSeq: 3, unread: 0 });
    expect(await storedUpTo(bob, conversationId, 3)).toMatchObject({ readSeq: 2, unread: 1 });
    // The room id in any case names the same room.
    expect((await read(bob, `room:${name.toUpperCase()}`, 3)).status).toBe(204);
    expect(await storedUpTo(bob, conversationId, 3)).toMatchObject({ readSeq: 3, unread: 0 });
    expect(await inbox(carol)).toEqual([]);
  });

  it('when I am not in a conversation, then PUT read answers 404 exactly as for one that does not exist', async () => {
    const [alice, bob, carol] = await Promise.all([signUp(node, 'alice'), signUp(node, 'bob'), signUp(node, 'carol')]);
    const name = uniqueName('secret');
    await alice.api.post('/api/rooms', { name });
    await send(alice, { room: name }, 'members only');
    await send(alice, { userId: bob.user.id }, 'just us');
    const direct = directConversationId(alice.user.id, bob.user.id);
    await storedUpTo(alice, direct, 1);
    await storedUpTo(alice, roomConversationId(name), 1);

    const answers = [
      await read(carol, direct, 1),
      await read(carol, roomConversationId(name), 1),
      // Past the end too: the seq check must not reveal the conversation.
      await read(carol, direct, 1000),
      await read(carol, roomConversationId('no-such-room'), 1),
      await read(carol, directConversationId(carol.user.id, alice.user.id), 1),
      await read(carol, 'nonsense', 1),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: 'That conversation was not found.' } });
    }
    expect(await inbox(carol)).toEqual([]);
  });

  it('when I page through many conversations, then they come most recent activity first, each once, and new activity moves one to the top', async () => {
    const me = await signUp(node, 'pager');
    const others = await Promise.all([1, 2, 3, 4].map(() => signUp(node, 'peer')));
    const rooms = [uniqueName('paged'), uniqueName('paged')];
    for (const name of rooms) await me.api.post('/api/rooms', { name });
    // Activity in a known order: each message stored before the next is sent.
    const order = [
      { to: { userId: others[0]!.user.id }, id: directConversationId(me.user.id, others[0]!.user.id) },
      { to: { room: rooms[0]! }, id: roomConversationId(rooms[0]!) },
      { to: { userId: others[1]!.user.id }, id: directConversationId(me.user.id, others[1]!.user.id) },
      { to: { userId: others[2]!.user.id }, id: directConversationId(me.user.id, others[2]!.user.id) },
      { to: { room: rooms[1]! }, id: roomConversationId(rooms[1]!) },
    ];
    for (const { to, id } of order) {
      await send(me, to, `to ${id}`);
      await storedUpTo(me, id, 1);
    }
    // A direct conversation without messages is nobody's yet: others[3] is not listed.
    const expected = order.map(({ id }) => id).reverse();
    expect((await inbox(me)).map((item) => item.id)).toEqual(expected);

    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await me.api.get(`/api/conversations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...res.body.items.map((item: { id: string }) => item.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(paged).toEqual(expected);
    expect(pages).toBe(3);

    await send(others[0]!, { userId: me.user.id }, 'back on top');
    await storedUpTo(me, order[0]!.id, 2);
    expect((await inbox(me)).map((item) => item.id)).toEqual([order[0]!.id, ...expected.slice(0, -1)]);
    expect((await me.api.get('/api/conversations')).body.items).toHaveLength(5);
  });

  it('when limit or cursor is not valid, then 400 validation_failed', async () => {
    const me = await signUp(node, 'pager');
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'cursor=not-a-cursor', `cursor=${Buffer.from('["soon","x"]').toString('base64url')}`]) {
      const res = await me.api.get(`/api/conversations?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('when nobody is signed in, then both endpoints answer 401', async () => {
    const anonymous = new ApiClient(`http://127.0.0.1:${node.httpPort}`);
    expect((await anonymous.get('/api/conversations')).status).toBe(401);
    expect((await anonymous.request('PUT', '/api/conversations/room:x/read', { seq: 1 })).status).toBe(401);
  });
});

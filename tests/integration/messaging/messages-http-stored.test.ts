import { randomUUID } from 'node:crypto';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import { eventually, gapFree, rowsOf, signedUpUser, twoNodesPerFile, uniqueRoom } from './messaging-support';

/** Sends over HTTP that are accepted: stored once, in seq order, readable by their participants only. */
describe('messages over HTTP that are stored, with two nodes on one Kafka and Postgres', () => {
  const nodes = twoNodesPerFile();

  it('when two users on different nodes write to each other, then every message is stored once with gap-free seqs and readable by both', async () => {
    const alice = await signedUpUser(nodes.a, 'alice');
    const bob = await signedUpUser(nodes.b, 'bob');
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
      const res = await from.client.post('/api/messages', { to: { userId: to.id }, body: `  hello ${i}  ` });
      expect(res.status).toBe(202);
      expect(res.body.message).toMatchObject({ seq: null, body: `hello ${i}`, sender: { id: from.id, username: from.username }, to: { userId: to.id } });
      sent.push(res.body.message.id);
    }
    const conversation = directConversationId(alice.id, bob.id);
    const rows = await eventually(() => rowsOf(nodes.environment, conversation), (found) => found.length >= 6);
    expect(rows.map((row) => row.id)).toEqual(sent);
    expect(gapFree(rows)).toBe(true);

    const read = await bob.client.get(`/api/messages/${sent[0]}`);
    expect(read.status).toBe(200);
    expect(read.body.message).toMatchObject({ id: sent[0], conversationId: conversation, seq: 1, body: 'hello 0' });
    const outsider = await signedUpUser(nodes.a, 'eve');
    expect((await outsider.client.get(`/api/messages/${sent[0]}`)).status).toBe(404);
    expect((await outsider.client.get(`/api/messages/${randomUUID()}`)).status).toBe(404);
  });

  it('when a conversation holds 20 messages, then history pages back 15 then 5 in ascending seq', async () => {
    const alice = await signedUpUser(nodes.a, 'alice');
    const bob = await signedUpUser(nodes.b, 'bob');
    for (let i = 1; i <= 20; i++) {
      expect((await alice.client.post('/api/messages', { to: { userId: bob.id }, body: `m${i}` })).status).toBe(202);
    }
    await eventually(() => rowsOf(nodes.environment, directConversationId(alice.id, bob.id)), (rows) => rows.length === 20);

    const first = await bob.client.get(`/api/users/${alice.id}/messages`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 6));
    expect(first.body.nextCursor).toBe(6);
    const second = await bob.client.get(`/api/users/${alice.id}/messages?before=${first.body.nextCursor}`);
    expect(second.body.items.map((m: { body: string }) => m.body)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(second.body.nextCursor).toBeNull();
    const small = await alice.client.get(`/api/users/${bob.id}/messages?limit=3&before=4`);
    expect(small.body).toMatchObject({ nextCursor: null, items: [{ seq: 1 }, { seq: 2 }, { seq: 3 }] });
    expect((await alice.client.get(`/api/users/${bob.id}/messages?limit=101`)).status).toBe(400);
  });

  it('when members of a room post from both nodes, then the room has each message once in seq order and outsiders are refused', async () => {
    const owner = await signedUpUser(nodes.a, 'owner');
    const member = await signedUpUser(nodes.b, 'member');
    const outsider = await signedUpUser(nodes.b, 'outsider');
    const name = uniqueRoom('Lobby');
    expect((await owner.client.post('/api/rooms', { name })).status).toBe(201);
    expect((await member.client.post(`/api/rooms/${name.toLowerCase()}/join`)).status).toBe(200);
    const posts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? member : owner).client.post('/api/messages', { to: { room: name }, body: `r${i}` })),
    );
    expect(posts.map((res) => res.status)).toEqual(Array(8).fill(202));
    const rows = await eventually(() => rowsOf(nodes.environment, roomConversationId(name)), (found) => found.length >= 8);
    expect(rows).toHaveLength(8);
    expect(gapFree(rows)).toBe(true);

    const refused = await outsider.client.post('/api/messages', { to: { room: name }, body: 'let me in' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('not_a_member');
    expect((await outsider.client.get(`/api/rooms/${name}/messages`)).status).toBe(403);
    const history = await member.client.get(`/api/rooms/${name}/messages`);
    expect(history.body.items.map((m: { id: string }) => m.id)).toEqual(rows.map((row) => row.id));
    expect(history.body.items[0].to).toEqual({ room: name });
  });

  it('when a user writes to themself, then it is a direct conversation of one: accepted, stored once, in history and readable by id', async () => {
    const alice = await signedUpUser(nodes.a, 'alice');
    const res = await alice.client.post('/api/messages', { to: { userId: alice.id }, body: 'note to self' });
    expect(res.status).toBe(202);
    const conversation = directConversationId(alice.id, alice.id);
    expect(res.body.message).toMatchObject({ conversationId: conversation, to: { userId: alice.id } });
    const [row] = await eventually(() => rowsOf(nodes.environment, conversation), (rows) => rows.length === 1);
    expect({ id: row!.id, seq: Number(row!.seq) }).toEqual({ id: res.body.message.id, seq: 1 });
    const history = await alice.client.get(`/api/users/${alice.id}/messages`);
    expect(history.body).toEqual({ items: [expect.objectContaining({ id: row!.id, seq: 1, body: 'note to self' })], nextCursor: null });
    expect((await alice.client.get(`/api/messages/${row!.id}`)).status).toBe(200);
    expect((await (await signedUpUser(nodes.b, 'eve')).client.get(`/api/messages/${row!.id}`)).status).toBe(404);
  });

  it('when the recipient id is written in upper case, then it is the same conversation as in lower case', async () => {
    const alice = await signedUpUser(nodes.a, 'alice');
    const bob = await signedUpUser(nodes.b, 'bob');
    const upper = await alice.client.post('/api/messages', { to: { userId: bob.id.toUpperCase() }, body: 'upper' });
    const lower = await alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'lower' });
    const conversation = directConversationId(alice.id, bob.id);
    expect([upper.status, lower.status]).toEqual([202, 202]);
    expect(upper.body.message).toMatchObject({ conversationId: conversation, to: { userId: bob.id } });
    const rows = await eventually(() => rowsOf(nodes.environment, conversation), (found) => found.length === 2);
    expect(rows.map((row) => row.body).sort()).toEqual(['lower', 'upper']);
  });
});

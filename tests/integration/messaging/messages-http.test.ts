import { randomUUID } from 'node:crypto';
import type { RunningNode } from '../../../src/composition/node';
import { TOKENS } from '../../../src/composition/tokens';
import { ApiClient } from '../../support/api-client';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { eventually, gapFree, query, rowsOf, signedUpUser, topicEvents, uniqueRoom } from './messaging-support';

describe('messages over HTTP with two nodes on one Kafka and Postgres', () => {
  let environment: TestEnvironment;
  let nodeA: RunningNode;
  let nodeB: RunningNode;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    nodeA = await startTestNode(environment);
    nodeB = await startTestNode(environment);
  });
  afterAll(async () => {
    await nodeB?.stop();
    await nodeA?.stop();
  });

  it('when two users on different nodes write to each other, then every message is stored once with gap-free seqs and readable by both', async () => {
    const alice = await signedUpUser(nodeA, 'alice');
    const bob = await signedUpUser(nodeB, 'bob');
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
      const res = await from.client.post('/api/messages', { to: { userId: to.id }, body: `  hello ${i}  ` });
      expect(res.status).toBe(202);
      expect(res.body.message).toMatchObject({ seq: null, body: `hello ${i}`, sender: { id: from.id, username: from.username }, to: { userId: to.id } });
      sent.push(res.body.message.id);
    }
    const conversation = directConversationId(alice.id, bob.id);
    const rows = await eventually(() => rowsOf(environment, conversation), (found) => found.length >= 6);
    expect(rows.map((row) => row.id)).toEqual(sent);
    expect(gapFree(rows)).toBe(true);

    const read = await bob.client.get(`/api/messages/${sent[0]}`);
    expect(read.status).toBe(200);
    expect(read.body.message).toMatchObject({ id: sent[0], conversationId: conversation, seq: 1, body: 'hello 0' });
    const outsider = await signedUpUser(nodeA, 'eve');
    expect((await outsider.client.get(`/api/messages/${sent[0]}`)).status).toBe(404);
    expect((await outsider.client.get(`/api/messages/${randomUUID()}`)).status).toBe(404);
  });

  it('when a conversation holds 20 messages, then history pages back 15 then 5 in ascending seq', async () => {
    const alice = await signedUpUser(nodeA, 'alice');
    const bob = await signedUpUser(nodeB, 'bob');
    for (let i = 1; i <= 20; i++) {
      expect((await alice.client.post('/api/messages', { to: { userId: bob.id }, body: `m${i}` })).status).toBe(202);
    }
    await eventually(() => rowsOf(environment, directConversationId(alice.id, bob.id)), (rows) => rows.length === 20);

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
    const owner = await signedUpUser(nodeA, 'owner');
    const member = await signedUpUser(nodeB, 'member');
    const outsider = await signedUpUser(nodeB, 'outsider');
    const name = uniqueRoom('Lobby');
    expect((await owner.client.post('/api/rooms', { name })).status).toBe(201);
    expect((await member.client.post(`/api/rooms/${name.toLowerCase()}/join`)).status).toBe(200);
    const posts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? member : owner).client.post('/api/messages', { to: { room: name }, body: `r${i}` })),
    );
    expect(posts.map((res) => res.status)).toEqual(Array(8).fill(202));
    const rows = await eventually(() => rowsOf(environment, roomConversationId(name)), (found) => found.length >= 8);
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

  it('when the same clientMessageId is sent again, then the original comes back with 200 and Kafka and Postgres hold it once', async () => {
    const alice = await signedUpUser(nodeA, 'alice');
    const bob = await signedUpUser(nodeB, 'bob');
    const clientMessageId = `seq-${randomUUID()}`;
    const first = await alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'once', clientMessageId });
    expect(first.status).toBe(202);
    await eventually(() => rowsOf(environment, directConversationId(alice.id, bob.id)), (rows) => rows.length === 1);
    const again = await alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'once', clientMessageId });
    expect(again.status).toBe(200);
    expect(again.body.message).toMatchObject({ id: first.body.message.id, seq: 1, clientMessageId });

    const accepted = (await topicEvents(nodeA, 'accepted')).filter(
      (event) => event.type === 'message.accepted' && event.message.clientMessageId === clientMessageId,
    );
    expect(accepted).toHaveLength(1);
  });

  it('when five identical requests race on both nodes, then one is accepted, four get the original, and one record and one row exist', async () => {
    const alice = await signedUpUser(nodeA, 'alice');
    const bob = await signedUpUser(nodeA, 'bob');
    // The same session on the other node: sessions live in Postgres.
    const onB = new ApiClient(`http://127.0.0.1:${nodeB.httpPort}`, { cookie: alice.client.cookieHeader() });
    const clientMessageId = `race-${randomUUID()}`;
    const send = (client: typeof alice.client) => client.post('/api/messages', { to: { userId: bob.id }, body: 'race', clientMessageId });
    const results = await Promise.all([send(alice.client), send(onB), send(alice.client), send(alice.client), send(alice.client)]);
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 202]);
    expect(new Set(results.map((res) => res.body.message.id)).size).toBe(1);

    const rows = await eventually(() => rowsOf(environment, directConversationId(alice.id, bob.id)), (found) => found.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rowsOf(environment, directConversationId(alice.id, bob.id))).toHaveLength(rows.length);
    expect(rows).toHaveLength(1);
    const accepted = (await topicEvents(nodeA, 'accepted')).filter(
      (event) => event.type === 'message.accepted' && event.message.clientMessageId === clientMessageId,
    );
    expect(accepted).toHaveLength(1);
  });

  it('when an accepted record reaches the store consumer twice (as after a crash), then it stores nothing new but announces it as stored again', async () => {
    const alice = await signedUpUser(nodeA, 'alice');
    const bob = await signedUpUser(nodeB, 'bob');
    const res = await alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'replayed' });
    const conversation = directConversationId(alice.id, bob.id);
    const [row] = await eventually(() => rowsOf(environment, conversation), (rows) => rows.length === 1);
    const publisher = nodeA.container.get(TOKENS.KafkaProducer);
    await publisher.publish({ type: 'message.accepted', message: { ...res.body.message, seq: null, createdAt: new Date(res.body.message.createdAt) } });
    const stored = await eventually(
      async () => (await topicEvents(nodeA, 'stored')).filter((event) => event.type === 'message.stored' && event.message.id === row!.id),
      (events) => events.length >= 2,
    );
    expect(stored.every((event) => event.type === 'message.stored' && event.message.seq === 1)).toBe(true);
    expect(await rowsOf(environment, conversation)).toHaveLength(1);
  });

  it('when a body or recipient is bad, then the specified error comes back and nothing is stored', async () => {
    const alice = await signedUpUser(nodeA, 'alice');
    const bob = await signedUpUser(nodeB, 'bob');
    const cases: [unknown, number, string][] = [
      [{ to: { userId: bob.id }, body: '' }, 400, 'validation_failed'],
      [{ to: { userId: bob.id }, body: ' \n\t ' }, 400, 'validation_failed'],
      [{ to: { userId: bob.id }, body: '😀'.repeat(4001) }, 400, 'validation_failed'],
      [{ to: { userId: bob.id }, body: 'a\u0000b' }, 400, 'validation_failed'],
      [{ to: { userId: bob.id } }, 400, 'validation_failed'],
      [{ to: { userId: 'not-a-uuid' }, body: 'x' }, 400, 'validation_failed'],
      [{ to: { userId: bob.id }, body: 'x', clientMessageId: 'c'.repeat(129) }, 400, 'validation_failed'],
      [{ to: { userId: randomUUID() }, body: 'x' }, 404, 'not_found'],
      [{ to: { room: uniqueRoom() }, body: 'x' }, 404, 'not_found'],
    ];
    for (const [input, status, code] of cases) {
      const res = await alice.client.post('/api/messages', input);
      expect({ input, status: res.status, code: res.body.error?.code }).toEqual({ input, status, code });
    }
    expect((await bob.client.post('/api/messages', { to: { userId: alice.id }, body: '😀'.repeat(4000) })).status).toBe(202);
    const rows = await eventually(() => rowsOf(environment, directConversationId(alice.id, bob.id)), (found) => found.length >= 1);
    expect(rows).toHaveLength(1);
    const fromAlice = await query(environment, 'select id from messages where sender_id = $1', [alice.id]);
    expect(fromAlice).toHaveLength(0);
  });

  it('when not signed in, then sending is refused with 401', async () => {
    const anonymous = (await signedUpUser(nodeA)).client;
    await anonymous.post('/api/auth/logout');
    const res = await anonymous.post('/api/messages', { to: { room: 'x' }, body: 'x' });
    expect(res.status).toBe(401);
  });
});

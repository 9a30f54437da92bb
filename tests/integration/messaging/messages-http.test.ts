import { randomUUID } from 'node:crypto';
import type { RunningNode } from '../../../src/composition/node';
import { TOKENS } from '../../../src/composition/tokens';
import { ApiClient, type ApiResponse } from '../../support/api-client';
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

  it('when each bad send comes between good ones, then it gets its specified error, and exactly the good ones are published and stored, in order', async () => {
    const alice = await signedUpUser(nodeA, 'alice');
    const bob = await signedUpUser(nodeB, 'bob');
    const carol = await signedUpUser(nodeB, 'carol');
    const closedRoom = uniqueRoom('closed');
    expect((await carol.client.post('/api/rooms', { name: closedRoom })).status).toBe(201);
    const to = { userId: bob.id };
    const post = (input: unknown) => alice.client.post('/api/messages', input);
    const raw = (contentType: string, text: string) => alice.client.request('POST', '/api/messages', undefined, { 'content-type': contentType }, text);
    // Refused sends that carried a clientMessageId: the id must stay free for a good send.
    const refusedIds: string[] = [];
    const reused = (label: string) => (refusedIds.push(`bad-${label}-${randomUUID()}`), refusedIds.at(-1)!);
    const bad: [string, () => Promise<ApiResponse>, number, string, string?][] = [
      ['empty body', () => post({ to, body: '', clientMessageId: reused('empty') }), 400, 'validation_failed', 'body'],
      ['whitespace-only body', () => post({ to, body: ' \n\t\u3000 ' }), 400, 'validation_failed', 'body'],
      ['4001 emoji (code points, not UTF-16 units)', () => post({ to, body: '😀'.repeat(4001) }), 400, 'validation_failed', 'body'],
      ['4001 letters inside whitespace', () => post({ to, body: ` ${'a'.repeat(4001)} ` }), 400, 'validation_failed', 'body'],
      ['U+0000 in the body', () => post({ to, body: 'a\u0000b', clientMessageId: reused('nul') }), 400, 'validation_failed', 'body'],
      ['no body', () => post({ to }), 400, 'validation_failed', 'body'],
      ['body not a string', () => post({ to, body: 42 }), 400, 'validation_failed', 'body'],
      ['no recipient', () => post({ body: 'x' }), 400, 'validation_failed', 'to'],
      ['recipient both a user and a room', () => post({ to: { userId: bob.id, room: closedRoom }, body: 'x' }), 400, 'validation_failed', 'to'],
      ['recipient id not a UUID', () => post({ to: { userId: 'not-a-uuid' }, body: 'x' }), 400, 'validation_failed', 'to.userId'],
      ['empty clientMessageId', () => post({ to, body: 'x', clientMessageId: '' }), 400, 'validation_failed', 'clientMessageId'],
      ['clientMessageId over 128', () => post({ to, body: 'x', clientMessageId: 'c'.repeat(129) }), 400, 'validation_failed', 'clientMessageId'],
      ['clientMessageId not a string', () => post({ to, body: 'x', clientMessageId: 7 }), 400, 'validation_failed', 'clientMessageId'],
      ['unknown user', () => post({ to: { userId: randomUUID() }, body: 'x', clientMessageId: reused('nouser') }), 404, 'not_found'],
      ['unknown room', () => post({ to: { room: uniqueRoom() }, body: 'x', clientMessageId: reused('noroom') }), 404, 'not_found'],
      ['room of which the sender is not a member', () => post({ to: { room: closedRoom }, body: 'x', clientMessageId: reused('member') }), 403, 'not_a_member'],
      ['malformed JSON', () => raw('application/json', '{"to": {"userId": '), 400, 'malformed_json'],
      ['JSON sent as text/plain', () => raw('text/plain', JSON.stringify({ to, body: 'x' })), 415, 'unsupported_media_type'],
      ['JSON sent as a form', () => raw('application/x-www-form-urlencoded', 'body=x'), 415, 'unsupported_media_type'],
      ['request over HTTP_BODY_LIMIT_BYTES', () => post({ to, body: 'x'.repeat(70 * 1024) }), 413, 'payload_too_large'],
      ['not signed in', () => new ApiClient(alice.client.baseUrl).post('/api/messages', { to, body: 'x' }), 401, 'unauthenticated'],
    ];

    const good: string[] = [];
    const sendGood = async (body: string, clientMessageId?: string) => {
      const res = await post({ to, body, ...(clientMessageId ? { clientMessageId } : {}) });
      expect({ body, status: res.status }).toEqual({ body, status: 202 });
      good.push(res.body.message.id);
    };
    for (const [label, send, status, code, field] of bad) {
      await sendGood(`before ${label}`);
      const res = await send();
      const error = res.body?.error;
      expect({ label, status: res.status, code: error?.code, hasMessage: typeof error?.message === 'string' }).toEqual({ label, status, code, hasMessage: true });
      if (field) expect({ label, fields: error.details.fields.map((f: { field: string }) => f.field) }).toEqual({ label, fields: expect.arrayContaining([field]) });
    }
    // Exactly 4000 code points (after trimming) is accepted and kept whole.
    const longest = '😀'.repeat(4000);
    await sendGood(`  ${longest}\n`);
    // A clientMessageId whose send was refused was not used up: the same id is accepted later.
    expect(refusedIds).toHaveLength(5);
    for (const id of refusedIds) await sendGood(`retry of ${id}`, id);
    await sendGood('last');

    const conversation = directConversationId(alice.id, bob.id);
    // The last good send is stored after everything before it (one partition per conversation).
    const rows = await eventually(() => rowsOf(environment, conversation), (found) => found.some((row) => row.id === good.at(-1)));
    expect(rows.map((row) => row.id)).toEqual(good);
    expect(gapFree(rows)).toBe(true);
    expect(rows.find((row) => row.body.startsWith('😀'))!.body).toBe(longest);
    expect(await query(environment, 'select id from messages where sender_id = $1 and conversation_id <> $2', [alice.id, conversation])).toEqual([]);
    const published = (await topicEvents(nodeA, 'accepted')).filter((event) => event.type === 'message.accepted' && event.message.sender.id === alice.id);
    expect(published.map((event) => (event.type === 'message.accepted' ? event.message.id : null))).toEqual(good);
  });

  it('when a user writes to themself, then it is a direct conversation of one: accepted, stored once, in history and readable by id', async () => {
    const alice = await signedUpUser(nodeA, 'alice');
    const res = await alice.client.post('/api/messages', { to: { userId: alice.id }, body: 'note to self' });
    expect(res.status).toBe(202);
    const conversation = directConversationId(alice.id, alice.id);
    expect(res.body.message).toMatchObject({ conversationId: conversation, to: { userId: alice.id } });
    const [row] = await eventually(() => rowsOf(environment, conversation), (rows) => rows.length === 1);
    expect({ id: row!.id, seq: Number(row!.seq) }).toEqual({ id: res.body.message.id, seq: 1 });
    const history = await alice.client.get(`/api/users/${alice.id}/messages`);
    expect(history.body).toEqual({ items: [expect.objectContaining({ id: row!.id, seq: 1, body: 'note to self' })], nextCursor: null });
    expect((await alice.client.get(`/api/messages/${row!.id}`)).status).toBe(200);
    expect((await (await signedUpUser(nodeB, 'eve')).client.get(`/api/messages/${row!.id}`)).status).toBe(404);
  });

  it('when the recipient id is written in upper case, then it is the same conversation as in lower case', async () => {
    const alice = await signedUpUser(nodeA, 'alice');
    const bob = await signedUpUser(nodeB, 'bob');
    const upper = await alice.client.post('/api/messages', { to: { userId: bob.id.toUpperCase() }, body: 'upper' });
    const lower = await alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'lower' });
    const conversation = directConversationId(alice.id, bob.id);
    expect([upper.status, lower.status]).toEqual([202, 202]);
    expect(upper.body.message).toMatchObject({ conversationId: conversation, to: { userId: bob.id } });
    const rows = await eventually(() => rowsOf(environment, conversation), (found) => found.length === 2);
    expect(rows.map((row) => row.body).sort()).toEqual(['lower', 'upper']);
  });

  it('when not signed in, then sending is refused with 401', async () => {
    const anonymous = (await signedUpUser(nodeA)).client;
    await anonymous.post('/api/auth/logout');
    const res = await anonymous.post('/api/messages', { to: { room: 'x' }, body: 'x' });
    expect(res.status).toBe(401);
  });
});

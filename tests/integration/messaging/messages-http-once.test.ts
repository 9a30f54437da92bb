import { randomUUID } from 'node:crypto';
import { directConversationId } from '../../../src/domain/conversation';
import { ApiClient } from '../../support/api-client';
import { publishOnNodeTopic } from '../../support/topic-reader';
import { eventually, rowsOf, signedUpUser, topicEvents, twoNodesPerFile } from './messaging-support';

/** Retries, races and redeliveries of one send: Kafka and Postgres still hold it once. */
describe('messages over HTTP that are sent more than once, with two nodes on one Kafka and Postgres', () => {
  const nodes = twoNodesPerFile();

  it('when the same clientMessageId is sent again, then the original comes back with 200 and Kafka and Postgres hold it once', async () => {
    const alice = await signedUpUser(nodes.a, 'alice');
    const bob = await signedUpUser(nodes.b, 'bob');
    const clientMessageId = `seq-${randomUUID()}`;
    const first = await alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'once', clientMessageId });
    expect(first.status).toBe(202);
    await eventually(() => rowsOf(nodes.environment, directConversationId(alice.id, bob.id)), (rows) => rows.length === 1);
    const again = await alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'once', clientMessageId });
    expect(again.status).toBe(200);
    expect(again.body.message).toMatchObject({ id: first.body.message.id, seq: 1, clientMessageId });

    const accepted = (await topicEvents(nodes.a, 'accepted')).filter(
      (event) => event.type === 'message.accepted' && event.message.clientMessageId === clientMessageId,
    );
    expect(accepted).toHaveLength(1);
  });

  it('when five identical requests race on both nodes, then one is accepted, four get the original, and one record and one row exist', async () => {
    const alice = await signedUpUser(nodes.a, 'alice');
    const bob = await signedUpUser(nodes.a, 'bob');
    // The same session on the other node: sessions live in Postgres.
    const onB = new ApiClient(`http://127.0.0.1:${nodes.b.httpPort}`, { cookie: alice.client.cookieHeader() });
    const clientMessageId = `race-${randomUUID()}`;
    const send = (client: typeof alice.client) => client.post('/api/messages', { to: { userId: bob.id }, body: 'race', clientMessageId });
    const results = await Promise.all([send(alice.client), send(onB), send(alice.client), send(alice.client), send(alice.client)]);
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 202]);
    expect(new Set(results.map((res) => res.body.message.id)).size).toBe(1);

    // A later send in the same conversation is stored after any copy of the raced one (one
    // partition per conversation, read in order): once it is there, no copy can still come.
    const marker = await alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'after the race' });
    const conversation = directConversationId(alice.id, bob.id);
    const rows = await eventually(() => rowsOf(nodes.environment, conversation), (found) => found.some((row) => row.id === marker.body.message.id));
    expect(rows.map((row) => row.body)).toEqual(['race', 'after the race']);
    const accepted = (await topicEvents(nodes.a, 'accepted')).filter(
      (event) => event.type === 'message.accepted' && event.message.clientMessageId === clientMessageId,
    );
    expect(accepted).toHaveLength(1);
  });

  it('when an accepted record reaches the store consumer twice (as after a crash), then it stores nothing new but announces it as stored again', async () => {
    const alice = await signedUpUser(nodes.a, 'alice');
    const bob = await signedUpUser(nodes.b, 'bob');
    const res = await alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'replayed' });
    const conversation = directConversationId(alice.id, bob.id);
    const [row] = await eventually(() => rowsOf(nodes.environment, conversation), (rows) => rows.length === 1);
    await publishOnNodeTopic(nodes.a, 'accepted', { type: 'message.accepted', message: { ...res.body.message, seq: null, createdAt: new Date(res.body.message.createdAt) } });
    const stored = await eventually(
      async () => (await topicEvents(nodes.a, 'stored')).filter((event) => event.type === 'message.stored' && event.message.id === row!.id),
      (events) => events.length >= 2,
    );
    expect(stored.every((event) => event.type === 'message.stored' && event.message.seq === 1)).toBe(true);
    expect(await rowsOf(nodes.environment, conversation)).toHaveLength(1);
  });
});

import { randomUUID } from 'node:crypto';
import { directConversationId } from '../../../src/domain/conversation';
import { ApiClient, type ApiResponse } from '../../support/api-client';
import { eventually, gapFree, query, rowsOf, signedUpUser, topicEvents, twoNodesPerFile, uniqueRoom } from './messaging-support';

/** Sends over HTTP that are refused: each with its own error, and nothing of them published or stored. */
describe('messages over HTTP that are refused, with two nodes on one Kafka and Postgres', () => {
  const nodes = twoNodesPerFile();

  it('when each bad send comes between good ones, then it gets its specified error, and exactly the good ones are published and stored, in order', async () => {
    const alice = await signedUpUser(nodes.a, 'alice');
    const bob = await signedUpUser(nodes.b, 'bob');
    const carol = await signedUpUser(nodes.b, 'carol');
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
    const rows = await eventually(() => rowsOf(nodes.environment, conversation), (found) => found.some((row) => row.id === good.at(-1)));
    expect(rows.map((row) => row.id)).toEqual(good);
    expect(gapFree(rows)).toBe(true);
    expect(rows.find((row) => row.body.startsWith('😀'))!.body).toBe(longest);
    expect(await query(nodes.environment, 'select id from messages where sender_id = $1 and conversation_id <> $2', [alice.id, conversation])).toEqual([]);
    const published = (await topicEvents(nodes.a, 'accepted')).filter((event) => event.type === 'message.accepted' && event.message.sender.id === alice.id);
    expect(published.map((event) => (event.type === 'message.accepted' ? event.message.id : null))).toEqual(good);
  });

  it('when not signed in, then sending is refused with 401', async () => {
    const anonymous = (await signedUpUser(nodes.a)).client;
    await anonymous.post('/api/auth/logout');
    const res = await anonymous.post('/api/messages', { to: { room: 'x' }, body: 'x' });
    expect(res.status).toBe(401);
  });
});

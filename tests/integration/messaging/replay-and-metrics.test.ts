import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import type { RunningNode } from '../../../src/composition/node';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { topicsOf } from '../../support/topic-reader';
import { openSocket, signUp } from '../ws/ws-support';
import { eventually, rowsOf, uniqueRoom } from './messaging-support';

describe('replay for a resuming client, and the pipeline metrics', () => {
  let environment: TestEnvironment;
  let node: RunningNode;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(environment, { RESUME_MAX_MESSAGES: '3' });
  });
  afterAll(() => node?.stop());

  it('when a client resumes, then it gets what it missed per conversation, resync_required past the bound and not_found where it takes no part', async () => {
    const [alice, bob, carol] = await Promise.all([signUp(node, 'alice'), signUp(node, 'bob'), signUp(node, 'carol')]);
    const room = uniqueRoom('resume');
    const closed = uniqueRoom('closed');
    await alice.api.post('/api/rooms', { name: room });
    await carol.api.post(`/api/rooms/${room}/join`);
    await bob.api.post('/api/rooms', { name: closed });
    // Carol watches the room live: once she has room4, the fan-out is past every room message, so
    // none can reach alice's resuming socket live (after its resync_required it would, rightly).
    const carolSocket = await openSocket(node, carol);
    for (let i = 1; i <= 5; i++) await bob.api.post('/api/messages', { to: { userId: alice.user.id }, body: `dm${i}` });
    for (let i = 1; i <= 4; i++) await alice.api.post('/api/messages', { to: { room }, body: `room${i}` });
    const dm = directConversationId(alice.user.id, bob.user.id);
    await eventually(() => rowsOf(environment, dm), (rows) => rows.length === 5);
    await carolSocket.waitFor((frame) => frame.type === 'message' && frame.message.body === 'room4');

    // Through the real entry point: a resume frame on a socket (this node replays at most RESUME_MAX_MESSAGES = 3).
    const socket = await openSocket(node, alice);
    socket.send({ type: 'resume', since: { [dm]: 2, [roomConversationId(room)]: 0, [roomConversationId(closed)]: 0, 'dm:someone:else': 0 } });
    await socket.waitFor((frame) => frame.type === 'resumed');
    expect(socket.messages(dm).map((message) => [message.seq, message.body])).toEqual([3, 4, 5].map((seq) => [seq, `dm${seq}`]));
    expect(socket.messages(roomConversationId(room))).toEqual([]);
    const errors = socket.frames.filter((frame) => frame.type === 'error').map((frame) => [frame.conversationId, frame.code]);
    expect(errors).toEqual([
      [roomConversationId(room), 'resync_required'],
      [roomConversationId(closed), 'not_found'],
      ['dm:someone:else', 'not_found'],
    ]);

    const upToDate = await openSocket(node, alice);
    upToDate.send({ type: 'resume', since: { [dm]: 5 } });
    await upToDate.waitFor((frame) => frame.type === 'resumed');
    expect(upToDate.frames.map((frame) => frame.type)).toEqual(['hello', 'resumed']);
    await Promise.all([socket.close(), upToDate.close(), carolSocket.close()]);
  });

  it('when messages flow over HTTP and WebSocket and some are refused, then /metrics moves accepted, stored, delivered, rejected by code, both latency histograms and lag on every partition', async () => {
    const [alice, bob, carol] = await Promise.all([signUp(node, 'alice'), signUp(node, 'bob'), signUp(node, 'carol')]);
    const closedRoom = uniqueRoom('closed');
    await carol.api.post('/api/rooms', { name: closedRoom });
    // Rooms whose conversations cover every partition of the accepted and stored topics.
    const rooms: string[] = [];
    const covered = new Set<number>();
    while (covered.size < PARTITIONS) {
      const room = uniqueRoom('lag');
      if (covered.has(partitionOf(roomConversationId(room)))) continue;
      covered.add(partitionOf(roomConversationId(room)));
      rooms.push(room);
      expect((await alice.api.post('/api/rooms', { name: room })).status).toBe(201);
      expect((await bob.api.post(`/api/rooms/${room}/join`)).status).toBe(200);
    }
    const [aliceSocket, bobSocket] = [await openSocket(node, alice), await openSocket(node, bob)];
    // As clients do: a first resume ends the new sockets' hold, so every later push is a straight one (and timed).
    for (const socket of [aliceSocket, bobSocket]) {
      socket.send({ type: 'resume', since: {} });
      await socket.waitFor((f) => f.type === 'resumed');
    }
    const before = await scrape();

    const sent: string[] = [];
    for (const room of rooms) {
      const res = await alice.api.post('/api/messages', { to: { room }, body: `http to ${room}` });
      expect(res.status).toBe(202);
      sent.push(res.body.message.id);
    }
    for (const [i, to] of [{ userId: bob.user.id }, { room: rooms[0] }].entries()) {
      aliceSocket.send({ type: 'send', to, body: `ws ${i}`, clientMessageId: `ws-${i}` });
      sent.push((await aliceSocket.waitFor((f) => f.type === 'ack' && f.clientMessageId === `ws-${i}`)).message.id);
    }
    expect((await alice.api.post('/api/messages', { to: { userId: bob.user.id }, body: ' ' })).status).toBe(400);
    expect((await alice.api.post('/api/messages', { to: { userId: randomUUID() }, body: 'x' })).status).toBe(404);
    aliceSocket.send({ type: 'send', to: { room: closedRoom }, body: 'x', clientMessageId: 'refused-1' });
    aliceSocket.send({ type: 'send', to: { room: uniqueRoom('none') }, body: 'x', clientMessageId: 'refused-2' });
    await aliceSocket.waitForCount((f) => f.type === 'error', 2);
    for (const socket of [aliceSocket, bobSocket]) await socket.waitForCount((f) => f.type === 'message' && sent.includes(f.message.id), sent.length);

    const moved = sent.length;
    const delivered = 2 * moved; // both sockets take part in every conversation used
    const after = await eventually(scrape, (now) => value(now, 'parley_messages_stored_total') - value(before, 'parley_messages_stored_total') >= moved);
    const delta = (name: string) => value(after, name) - value(before, name);
    expect({
      acceptedHttp: delta('parley_messages_accepted_total{via="http"}'),
      acceptedWs: delta('parley_messages_accepted_total{via="ws"}'),
      stored: delta('parley_messages_stored_total'),
      delivered: delta('parley_messages_delivered_total'),
      rejectedValidation: delta('parley_messages_rejected_total{code="validation_failed"}'),
      rejectedNotFound: delta('parley_messages_rejected_total{code="not_found"}'),
      rejectedNotMember: delta('parley_messages_rejected_total{code="not_a_member"}'),
      acceptToStoreCount: delta('parley_message_accept_to_store_seconds_count'),
      storeToDeliveryCount: delta('parley_message_store_to_delivery_seconds_count'),
    }).toEqual({
      acceptedHttp: rooms.length,
      acceptedWs: 2,
      stored: moved,
      delivered,
      rejectedValidation: 1,
      rejectedNotFound: 2,
      rejectedNotMember: 1,
      acceptToStoreCount: moved,
      // Timed once per message a node fans out, however many of its sockets it reaches.
      storeToDeliveryCount: moved,
    });
    expect(delta('parley_message_accept_to_store_seconds_sum')).toBeGreaterThan(0);
    expect(delta('parley_message_store_to_delivery_seconds_sum')).toBeGreaterThan(0);

    // Lag per partition: the store group on every partition of the accepted topic, the fan-out on every one of the stored topic; all drained.
    const topics = topicsOf(node);
    const lag = (group: string, topic: string) =>
      [...after.entries()]
        .filter(([name]) => name.startsWith(`parley_consumer_lag{group="${group}",topic="${topic}",`))
        .map(([name, gauge]) => [Number(/partition="(\d+)"/.exec(name)![1]), gauge])
        .sort(([a], [b]) => a! - b!);
    const drained = Array.from({ length: PARTITIONS }, (_, partition) => [partition, 0]);
    expect(lag(`${environment.topicPrefix}.store`, topics.accepted)).toEqual(drained);
    expect(lag('fanout', topics.stored)).toEqual(drained);
  });

  /** Every sample of /metrics by its name and labels, e.g. `parley_messages_accepted_total{via="http"}`. */
  async function scrape(): Promise<Map<string, number>> {
    const text = await (await fetch(`http://127.0.0.1:${node.httpPort}/metrics`)).text();
    return new Map(
      text
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]),
    );
  }
});

const value = (samples: Map<string, number>, name: string) => samples.get(name) ?? 0;

const PARTITIONS = 3;
const partitioner = Partitioners.DefaultPartitioner();
/** The partition a conversation's records land on: the producer's own murmur2 partitioner. */
const partitionOf = (key: string) =>
  partitioner({
    topic: 'any',
    partitionMetadata: Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 })),
    message: { key, value: null },
  });

import { randomBytes, randomUUID } from 'node:crypto';
import type { ChatEvent } from '../../../src/application/ports/event-publisher';
import { query } from '../../support/database';
import { nodeTopicEvents, publishOnNodeTopic } from '../../support/topic-reader';
import type { WsClient } from '../../support/ws-client';
import { signUp, socketsClosedAfterEach, type SignedIn } from '../ws/ws-support';
import { twoNodesPerFile, uniqueRoom } from './messaging-support';

/**
 * Room messages reach the room's members on every node without naming them on Kafka: each
 * node resolves the members from its own cache, kept right by membership versions.
 */
describe('room fan-out from each node\'s cache of members', () => {
  const nodes = twoNodesPerFile();
  const open = socketsClosedAfterEach();

  async function roomOf(owner: SignedIn): Promise<{ id: string; name: string }> {
    const created = await owner.api.post('/api/rooms', { name: uniqueRoom('members') });
    expect(created.status).toBe(201);
    return created.body.room;
  }

  async function send(who: SignedIn, room: string, body: string): Promise<{ id: string; conversationId: string }> {
    const sent = await who.api.post('/api/messages', { to: { room }, body });
    expect(sent.status).toBe(202);
    return sent.body.message;
  }

  const receives = (socket: WsClient, id: string) => socket.waitFor((f) => f.type === 'message' && f.message.id === id);

  it('when a room message is stored, then its message.stored record names no members but the membership version, and clients see no new field', async () => {
    const alice = await signUp(nodes.a, 'alice');
    const bob = await signUp(nodes.b, 'bob');
    const room = await roomOf(alice);
    expect((await bob.api.post(`/api/rooms/${room.name}/join`)).status).toBe(200);
    const bobSocket = await open(nodes.b, bob);
    const sent = await alice.api.post('/api/messages', { to: { room: room.name }, body: 'no list' });
    expect(Object.keys(sent.body.message)).not.toContain('roomId');
    const frame = await receives(bobSocket, sent.body.message.id);
    expect(Object.keys(frame.message)).not.toContain('roomId');

    const stored = (await nodeTopicEvents(nodes.a, 'stored')).find((e) => e.type === 'message.stored' && e.message.id === sent.body.message.id);
    expect(stored).toMatchObject({ type: 'message.stored', membersVersion: 2, message: { roomId: room.id, seq: 1 } });
    expect(stored).not.toHaveProperty('recipients');
    const changes = (await nodeTopicEvents(nodes.a, 'control')).filter((e) => e.type === 'room.members.changed' && e.roomId === room.id);
    expect(changes).toEqual([
      { type: 'room.members.changed', roomId: room.id, conversationId: `room:${room.name.toLowerCase()}`, userId: alice.user.id, change: 'joined', membersVersion: 1 },
      { type: 'room.members.changed', roomId: room.id, conversationId: `room:${room.name.toLowerCase()}`, userId: bob.user.id, change: 'joined', membersVersion: 2 },
    ]);
    // Joining twice changes nothing, and tells nobody.
    expect((await bob.api.post(`/api/rooms/${room.name}/join`)).status).toBe(200);
    const [row] = await query<{ members_version: string | number }>(nodes.environment, 'select members_version from rooms where id = $1', [room.id]);
    expect(Number(row!.members_version)).toBe(2);
  });

  it('when a user joins on node A and is then sent a room message from node B, then their sockets on both nodes get it live', async () => {
    const alice = await signUp(nodes.b, 'alice');
    const carol = await signUp(nodes.a, 'carol');
    const room = await roomOf(alice);
    // Both nodes hold the room's members (alice alone) before carol joins.
    const aliceOnA = await open(nodes.a, alice);
    const aliceOnB = await open(nodes.b, alice);
    const before = await send(alice, room.name, 'before carol');
    await Promise.all([receives(aliceOnA, before.id), receives(aliceOnB, before.id)]);

    expect((await carol.api.post(`/api/rooms/${room.name}/join`)).status).toBe(200);
    const carolOnA = await open(nodes.a, carol);
    const carolOnB = await open(nodes.b, carol);
    const after = await send(alice, room.name, 'welcome carol');
    await Promise.all([receives(carolOnA, after.id), receives(carolOnB, after.id)]);
    expect(carolOnA.messages(after.conversationId).map((m) => m.body)).toEqual(['welcome carol']);
  });

  it('when a user has left, then a room message sent afterwards from the other node does not reach them', async () => {
    const alice = await signUp(nodes.b, 'alice');
    const bob = await signUp(nodes.a, 'bob');
    const carol = await signUp(nodes.a, 'carol');
    const room = await roomOf(alice);
    for (const who of [bob, carol]) expect((await who.api.post(`/api/rooms/${room.name}/join`)).status).toBe(200);
    const bobOnA = await open(nodes.a, bob);
    const carolOnA = await open(nodes.a, carol);
    const first = await send(alice, room.name, 'while bob is here');
    await Promise.all([receives(bobOnA, first.id), receives(carolOnA, first.id)]);

    expect((await bob.api.post(`/api/rooms/${room.name}/leave`)).status).toBe(200);
    const second = await send(alice, room.name, 'after bob left');
    // Node A hands a message to all its recipients' sockets at once: carol has it, so bob would too.
    await receives(carolOnA, second.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bobOnA.messages(first.conversationId).map((m) => m.body)).toEqual(['while bob is here']);
  });

  it('when a room has more members than a member list fits in one Kafka record, then its messages are still stored and delivered', async () => {
    const alice = await signUp(nodes.a, 'alice');
    const bob = await signUp(nodes.b, 'bob');
    const room = await roomOf(alice);
    expect((await bob.api.post(`/api/rooms/${room.name}/join`)).status).toBe(200);
    const bobOnB = await open(nodes.b, bob);
    const warm = await send(alice, room.name, 'small room');
    await receives(bobOnB, warm.id);

    // 30,000 synthetic members, added the way a bulk import would: with the version moved on.
    const count = 30_000;
    const tag = randomBytes(4).toString('hex');
    await query(
      nodes.environment,
      `with added as (
         insert into users (id, username, email, password_hash)
         select gen_random_uuid(), 'bulk_${tag}_' || n, 'bulk_${tag}_' || n || '@example.test', 'x' from generate_series(1, $1::int) n
         returning id)
       insert into room_members (room_id, user_id) select $2, id from added`,
      [count, room.id],
    );
    await query(nodes.environment, 'update rooms set members_version = members_version + 1 where id = $1', [room.id]);
    const listed = await query<{ user_id: string }>(nodes.environment, 'select user_id from room_members where room_id = $1', [room.id]);
    expect(JSON.stringify(listed.map((row) => row.user_id)).length).toBeGreaterThan(1024 * 1024);

    const big = await send(alice, room.name, 'big room');
    await receives(bobOnB, big.id);
    const rows = await query<{ seq: number; room_id: string }>(nodes.environment, 'select seq, room_id from messages where id = $1', [big.id]);
    expect(rows).toEqual([{ seq: 2, room_id: room.id }]);
    const stored = (await nodeTopicEvents(nodes.a, 'stored')).find((e) => e.type === 'message.stored' && e.message.id === big.id);
    expect(stored).toMatchObject({ membersVersion: 3 });
    expect(JSON.stringify(stored).length).toBeLessThan(2_000);
  }, 60_000);

  it('when records of the previous version arrive (an accepted message without room id, a stored one with recipients), then they are stored and delivered', async () => {
    const alice = await signUp(nodes.a, 'alice');
    const bob = await signUp(nodes.b, 'bob');
    const room = await roomOf(alice);
    expect((await bob.api.post(`/api/rooms/${room.name}/join`)).status).toBe(200);
    const bobOnB = await open(nodes.b, bob);
    const conversationId = `room:${room.name.toLowerCase()}`;

    const accepted: ChatEvent = {
      type: 'message.accepted',
      message: { id: randomUUID(), conversationId, seq: null, sender: alice.user, to: { room: room.name }, body: 'from before', createdAt: new Date() },
    };
    await publishOnNodeTopic(nodes.a, 'accepted', accepted);
    await receives(bobOnB, accepted.message.id);
    const rows = await query<{ room_id: string }>(nodes.environment, 'select room_id from messages where id = $1', [accepted.message.id]);
    expect(rows).toEqual([{ room_id: room.id }]);

    const legacy: ChatEvent = {
      type: 'message.stored',
      message: { id: randomUUID(), conversationId: `room:legacy_${randomBytes(3).toString('hex')}`, seq: 1, sender: alice.user, to: { room: 'legacy' }, body: 'named', createdAt: new Date() },
      recipients: [bob.user.id],
      storedAt: new Date(),
    };
    await publishOnNodeTopic(nodes.a, 'stored', legacy);
    await receives(bobOnB, legacy.message.id);
  });
});

import type { RunningNode } from '../../../src/composition/node';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { query, signedUpUser, uniqueRoom } from './messaging-support';

describe('rooms over HTTP', () => {
  let environment: TestEnvironment;
  let node: RunningNode;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(environment);
  });
  afterAll(() => node?.stop());

  it('when a user creates a room, then it answers 201 and the creator is its first member', async () => {
    const owner = await signedUpUser(node, 'owner');
    const name = uniqueRoom('Team-A');
    const res = await owner.client.post('/api/rooms', { name });
    expect(res.status).toBe(201);
    expect(res.body.room).toMatchObject({ name, createdBy: owner.id });
    const members = await owner.client.get(`/api/rooms/${name}/members`);
    expect(members.body).toEqual({ items: [{ id: owner.id, username: owner.username }], nextCursor: null });
  });

  it('when the name is taken in any case, then 409 room_taken and no second room exists', async () => {
    const owner = await signedUpUser(node, 'owner');
    const name = uniqueRoom('Dupe');
    expect((await owner.client.post('/api/rooms', { name })).status).toBe(201);
    const again = await owner.client.post('/api/rooms', { name: name.toUpperCase() });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('room_taken');
    expect(await query(environment, 'select id from rooms where lower(name) = lower($1)', [name])).toHaveLength(1);
  });

  it('when the name breaks the rules, then 400 validation_failed and nothing is created', async () => {
    const owner = await signedUpUser(node, 'owner');
    for (const name of ['', 'a'.repeat(65), 'has space', 'dot.name', 'café', 'slash/name', 42]) {
      const res = await owner.client.post('/api/rooms', { name });
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status: 400, code: 'validation_failed' });
    }
    expect((await owner.client.post('/api/rooms', { name: 'a'.repeat(64) })).status).toBe(201);
    expect(await query(environment, 'select id from rooms where created_by = $1', [owner.id])).toHaveLength(1);
  });

  it('when users join and leave, then membership, posting rights and the member list follow', async () => {
    const owner = await signedUpUser(node, 'owner');
    const guest = await signedUpUser(node, 'guest');
    const name = uniqueRoom('club');
    await owner.client.post('/api/rooms', { name });
    expect((await guest.client.post(`/api/rooms/${name}/join`)).status).toBe(200);
    expect((await guest.client.post(`/api/rooms/${name}/join`)).status).toBe(200);
    expect((await guest.client.get(`/api/rooms/${name}/members`)).body.items).toHaveLength(2);
    expect((await guest.client.post('/api/messages', { to: { room: name }, body: 'hi' })).status).toBe(202);

    expect((await guest.client.post(`/api/rooms/${name}/leave`)).status).toBe(200);
    const again = await guest.client.post(`/api/rooms/${name}/leave`);
    expect(again.body.error.code).toBe('not_a_member');
    expect((await guest.client.post('/api/messages', { to: { room: name }, body: 'still here?' })).status).toBe(403);
    expect((await guest.client.get(`/api/rooms/${name}/members`)).status).toBe(403);
    expect((await guest.client.post(`/api/rooms/${uniqueRoom('nowhere')}/join`)).status).toBe(404);
  });

  it('when searching, then rooms whose name starts with the text come back by name, paginated', async () => {
    const owner = await signedUpUser(node, 'owner');
    const prefix = uniqueRoom('find');
    for (const suffix of ['c', 'a', 'b']) await owner.client.post('/api/rooms', { name: `${prefix}_${suffix}` });
    // "_" is a LIKE wildcard: a search for "find_…" must not find "findX…".
    await owner.client.post('/api/rooms', { name: `${prefix.replace('_', 'X')}_a` });
    const first = await owner.client.get(`/api/rooms?search=${prefix.toUpperCase()}&limit=2`);
    expect(first.body.items.map((room: { name: string }) => room.name)).toEqual([`${prefix}_a`, `${prefix}_b`]);
    const second = await owner.client.get(`/api/rooms?search=${prefix}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ name: `${prefix}_c` }], nextCursor: null });
    expect((await owner.client.get(`/api/rooms?search=${prefix}`)).body.items).toHaveLength(3);
  });
});

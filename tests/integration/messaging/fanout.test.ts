import type { LocalDelivery } from '../../../src/application/ports/local-delivery';
import type { RunningNode } from '../../../src/composition/node';
import type { StoredMessage } from '../../../src/domain/message';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { eventually, signedUpUser, uniqueRoom } from './messaging-support';

/** What a node's sockets would have been given: the fan-out consumer's calls, recorded. */
class RecordedDelivery implements LocalDelivery {
  readonly delivered: { message: StoredMessage; recipients: readonly string[] }[] = [];
  readonly closedSessions: string[] = [];
  readonly closedUsers: string[] = [];
  deliver(message: StoredMessage, recipients: readonly string[]) {
    this.delivered.push({ message, recipients });
  }
  closeSession(sessionKey: string) {
    this.closedSessions.push(sessionKey);
  }
  closeUser(userId: string) {
    this.closedUsers.push(userId);
  }
  deliverRead() {
    // Read receipts have their own tests (tests/integration/inbox).
  }
}


describe('fan-out: every node receives every stored message and session change', () => {
  let environment: TestEnvironment;
  let nodes: RunningNode[] = [];
  // Each node's fan-out delivers to its recorder instead of its sockets.
  const recorders = [new RecordedDelivery(), new RecordedDelivery()];

  beforeAll(async () => {
    environment = await createTestEnvironment();
    for (const recorder of recorders) nodes.push(await startTestNode(environment, {}, { localDelivery: () => recorder }));
  });
  afterAll(async () => {
    for (const node of nodes.reverse()) await node.stop();
  });

  it('when messages are stored, then both nodes get each one with its recipients, in seq order per conversation', async () => {
    const [nodeA, nodeB] = nodes as [RunningNode, RunningNode];
    const alice = await signedUpUser(nodeA, 'alice');
    const bob = await signedUpUser(nodeB, 'bob');
    const carol = await signedUpUser(nodeB, 'carol');
    const room = uniqueRoom('fan');
    await alice.client.post('/api/rooms', { name: room });
    await carol.client.post(`/api/rooms/${room}/join`);
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      sent.push((await alice.client.post('/api/messages', { to: { userId: bob.id }, body: `dm${i}` })).body.message.id);
      sent.push((await carol.client.post('/api/messages', { to: { room }, body: `room${i}` })).body.message.id);
    }
    const mine = (recorder: RecordedDelivery) => recorder.delivered.filter(({ message }) => sent.includes(message.id));
    for (const recorder of recorders) {
      const got = await eventually(async () => mine(recorder), (list) => new Set(list.map(({ message }) => message.id)).size === sent.length);
      const dm = got.filter(({ message }) => 'userId' in message.to);
      expect(dm.map(({ message }) => message.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(new Set(dm.flatMap(({ recipients }) => recipients))).toEqual(new Set([alice.id, bob.id]));
      const inRoom = got.filter(({ message }) => 'room' in message.to);
      expect(inRoom.map(({ message }) => message.body)).toEqual(['room0', 'room1', 'room2', 'room3', 'room4']);
      expect([...inRoom[0]!.recipients].sort()).toEqual([alice.id, carol.id].sort());
    }
  });

  it('when a user logs out on one node, then every node is told to close that session', async () => {
    const [nodeA] = nodes as [RunningNode, RunningNode];
    const before = recorders.map((recorder) => recorder.closedSessions.length);
    const dave = await signedUpUser(nodeA, 'dave');
    expect((await dave.client.post('/api/auth/logout')).status).toBe(204);
    const told = await Promise.all(
      recorders.map((recorder, index) => eventually(async () => recorder.closedSessions.slice(before[index]), (sessions) => sessions.length === 1)),
    );
    expect(told[0]).toEqual(told[1]);
  });
});

import { Kafka, logLevel } from 'kafkajs';
import type { LocalDelivery } from '../../../src/application/ports/local-delivery';
import type { RunningNode } from '../../../src/composition/node';
import { directConversationId } from '../../../src/domain/conversation';
import type { StoredMessage } from '../../../src/domain/message';
import { ApiClient } from '../../support/api-client';
import { eventually } from '../../support/eventually';
import { freePort, startNodeProcess, type NodeProcess } from '../../support/node-process';
import { testServices } from '../../support/services';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { WsClient } from '../../support/ws-client';
import { openSocket, signUp, type SignedIn } from './ws-support';

/**
 * Finding 1 and 2 of the faults issue: a node paused past its Kafka session timeout came back
 * with its fan-out past what was stored meanwhile, and past a logout made meanwhile.
 */
describe('live delivery keeps every seq of an open socket', () => {
  let environment: TestEnvironment;
  let nodeA: RunningNode;
  /** Node A's sockets, as its fan-out delivers to them: a test plays a fan-out that skipped seqs. */
  let socketsOfA: LocalDelivery;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    nodeA = await startTestNode(environment, {}, { localDelivery: (delivery) => (socketsOfA = delivery) });
  });
  afterAll(() => nodeA.stop());

  const sendAll = async (from: SignedIn, to: SignedIn, bodies: string[]) => {
    for (const body of bodies) {
      const res = await from.api.post('/api/messages', { to: { userId: to.user.id }, body });
      expect(res.status).toBe(202);
    }
  };
  const seqsOf = (socket: WsClient, conversationId: string) => socket.messages(conversationId).map((message) => message.seq as number);

  it('when a live message arrives past seqs the socket never got, then those are read from storage and written first, in order', async () => {
    const alice = await signUp(nodeA, 'alice');
    const bob = await signUp(nodeA, 'bob');
    const conversation = directConversationId(alice.user.id, bob.user.id);
    await sendAll(alice, bob, ['1', '2', '3', '4', '5']);
    const history = await waitForHistory(bob.api, alice.user.id, 5);
    const socket = await openSocket(nodeA, bob);
    // As a fan-out that skipped seqs 3 and 4 would hand them over: 2, then 5.
    socketsOfA.deliver(history[1]!, [bob.user.id]);
    socketsOfA.deliver(history[4]!, [bob.user.id]);
    await socket.waitForCount((frame) => frame.type === 'message', 4);
    expect(seqsOf(socket, conversation)).toEqual([2, 3, 4, 5]);
    await sendAll(alice, bob, ['6']);
    await socket.waitForCount((frame) => frame.type === 'message', 5);
    expect(seqsOf(socket, conversation)).toEqual([2, 3, 4, 5, 6]);
    await socket.close();
  });

  it('when a live message reaches a reconnected socket before its resume, then the replayed messages still come first, in order', async () => {
    const alice = await signUp(nodeA, 'alice');
    const bob = await signUp(nodeA, 'bob');
    const conversation = directConversationId(alice.user.id, bob.user.id);
    await sendAll(alice, bob, ['1', '2', '3', '4']);
    const history = await waitForHistory(bob.api, alice.user.id, 4);
    const socket = await WsClient.connect(`ws://127.0.0.1:${nodeA.wsPort}/ws`, { cookie: bob.api.cookieHeader() });
    // Seq 4 is fanned out before the client's resume (it had seq 1) is read.
    socketsOfA.deliver(history[3]!, [bob.user.id]);
    socket.send({ type: 'resume', since: { [conversation]: 1 } });
    await socket.waitFor((frame) => frame.type === 'resumed');
    await socket.waitForCount((frame) => frame.type === 'message', 3);
    expect(seqsOf(socket, conversation)).toEqual([2, 3, 4]);
    await socket.close();
  });

  describe('on a node paused past its Kafka session timeout', () => {
    let nodeB: NodeProcess;
    const admin = new Kafka({ brokers: testServices().kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();

    beforeAll(async () => {
      await admin.connect();
      nodeB = await startNodeProcess(environment, {
        httpPort: await freePort(),
        wsPort: await freePort(),
        nodeId: 'paused-b',
        env: { KAFKA_SESSION_TIMEOUT_MS: '6000' },
      });
    });
    afterAll(async () => {
      nodeB.child.kill('SIGCONT');
      nodeB.child.kill('SIGTERM');
      await nodeB.exited;
      await admin.disconnect();
    });

    it('when it continues, then its sockets get what was stored meanwhile, in order, and a logout made meanwhile closes its socket', async () => {
      const alice = await signUp(nodeA, 'alice');
      const bob = await signUp(nodeA, 'bob');
      const carol = await signUp(nodeA, 'carol');
      const conversation = directConversationId(alice.user.id, bob.user.id);
      const onB = (who: SignedIn) => WsClient.connect(`ws://127.0.0.1:${nodeB.wsPort}/ws`, { cookie: who.api.cookieHeader() });
      const bobSocket = await onB(bob);
      const carolSocket = await onB(carol);
      await sendAll(alice, bob, ['before 1', 'before 2']);
      await bobSocket.waitForCount((frame) => frame.type === 'message', 2);

      nodeB.child.kill('SIGSTOP');
      await sendAll(alice, bob, ['during 3', 'during 4', 'during 5']);
      expect((await carol.api.post('/api/auth/logout')).status).toBe(204);
      await fanoutGroupEmptied(admin, environment.topicPrefix, 'paused-b');
      nodeB.child.kill('SIGCONT');

      // Nothing more is sent: what was stored during the pause must come by itself.
      await bobSocket.waitForCount((frame) => frame.type === 'message', 5, 30_000);
      expect(seqsOf(bobSocket, conversation)).toEqual([1, 2, 3, 4, 5]);
      expect((await carolSocket.waitForClose(30_000)).code).toBe(4001);
      await bobSocket.close();
    });
  });
});

/** Waits until the Postgres history holds `count` messages, and returns them oldest first. */
async function waitForHistory(api: ApiClient, otherUserId: string, count: number): Promise<StoredMessage[]> {
  const res = await eventually(() => api.get(`/api/users/${otherUserId}/messages`), (page) => page.status === 200 && page.body.items.length >= count, 20_000);
  return res.body.items.map((item: StoredMessage & { createdAt: string }) => ({ ...item, createdAt: new Date(item.createdAt) }));
}

/** Resolves once the broker has dropped the paused node's fan-out member (its session timed out). */
async function fanoutGroupEmptied(admin: ReturnType<Kafka['admin']>, topicPrefix: string, nodeId: string): Promise<void> {
  const emptied = async () => {
    const { groups } = await admin.listGroups();
    const ours = groups.filter((group) => group.groupId.startsWith(`${topicPrefix}.fanout.${nodeId}.`)).map((group) => group.groupId);
    return ours.length > 0 && (await admin.describeGroups(ours)).groups.every((group) => group.members.length === 0);
  };
  await eventually(emptied, Boolean, 30_000);
}

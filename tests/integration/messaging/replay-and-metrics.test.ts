import type { RunningNode } from '../../../src/composition/node';
import { TOKENS } from '../../../src/composition/tokens';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { eventually, rowsOf, signedUpUser, uniqueRoom } from './messaging-support';

describe('replay for a resuming client, and the pipeline metrics', () => {
  let environment: TestEnvironment;
  let node: RunningNode;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(environment);
  });
  afterAll(() => node?.stop());

  it('when a client resumes, then it gets what it missed per conversation, resync_required past the bound and not_found where it takes no part', async () => {
    const alice = await signedUpUser(node, 'alice');
    const bob = await signedUpUser(node, 'bob');
    const room = uniqueRoom('resume');
    const closed = uniqueRoom('closed');
    await alice.client.post('/api/rooms', { name: room });
    await bob.client.post('/api/rooms', { name: closed });
    for (let i = 1; i <= 5; i++) await bob.client.post('/api/messages', { to: { userId: alice.id }, body: `dm${i}` });
    for (let i = 1; i <= 4; i++) await alice.client.post('/api/messages', { to: { room }, body: `room${i}` });
    const dm = directConversationId(alice.id, bob.id);
    await eventually(() => rowsOf(environment, dm), (rows) => rows.length === 5);
    await eventually(() => rowsOf(environment, roomConversationId(room)), (rows) => rows.length === 4);

    const replay = node.container.get(TOKENS.ReplayMessages);
    const results = await replay.execute({
      userId: alice.id,
      since: { [dm]: 2, [roomConversationId(room)]: 0, [roomConversationId(closed)]: 0, 'dm:someone:else': 0 },
      max: 3,
    });
    expect(results).toEqual([
      { conversationId: dm, messages: [3, 4, 5].map((seq) => expect.objectContaining({ seq, body: `dm${seq}` })) },
      { conversationId: roomConversationId(room), error: 'resync_required' },
      { conversationId: roomConversationId(closed), error: 'not_found' },
      { conversationId: 'dm:someone:else', error: 'not_found' },
    ]);
    const upToDate = await replay.execute({ userId: alice.id, since: { [dm]: 5 }, max: 3 });
    expect(upToDate).toEqual([{ conversationId: dm, messages: [] }]);
  });

  it('when messages flow and some are refused, then /metrics counts accepted, stored, rejected and the store lag', async () => {
    const alice = await signedUpUser(node, 'alice');
    const bob = await signedUpUser(node, 'bob');
    for (let i = 0; i < 3; i++) await alice.client.post('/api/messages', { to: { userId: bob.id }, body: `m${i}` });
    await alice.client.post('/api/messages', { to: { userId: bob.id }, body: ' ' });
    await eventually(() => rowsOf(environment, directConversationId(alice.id, bob.id)), (rows) => rows.length === 3);
    const metrics = await eventually(
      async () => (await fetch(`http://127.0.0.1:${node.httpPort}/metrics`)).text(),
      (text) => /^parley_messages_stored_total (\d+)/m.exec(text)?.[1] !== '0',
    );
    expect(Number(/^parley_messages_accepted_total\{via="http"\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
    expect(Number(/^parley_messages_rejected_total\{code="validation_failed"\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^parley_message_accept_to_store_seconds_count [1-9]/m);
    expect(metrics).toMatch(new RegExp(`^parley_consumer_lag\\{group="${environment.topicPrefix}\\.store",topic="[^"]+",partition="\\d+"\\} 0`, 'm'));
  });
});

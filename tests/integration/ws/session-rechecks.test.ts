import type { RunningNode } from '../../../src/composition/node';
import { query } from '../../support/database';
import { eventually } from '../../support/eventually';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { sessionCookie } from '../accounts/accounts-support';
import { openSocket, signUp } from './ws-support';

/**
 * A revocation must never be lost (finding 2 of the faults issue): when its Kafka event never
 * reaches a node, the node's sockets still find out from the session itself, periodically and
 * before any send. Here the row is deleted behind the node's back, as a logout whose
 * announcement failed leaves it.
 */
describe('open sockets re-check their session', () => {
  let environment: TestEnvironment;
  let node: RunningNode;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(environment, { WS_SESSION_RECHECK_SECONDS: '2' });
  });
  afterAll(() => node.stop());

  const revokeBehindTheNodesBack = (sessionId: string) => query(environment, 'delete from session where sid = $1', [sessionId]);

  it('when a session ends without any event, then its idle socket closes with 4001 at the next periodic re-check', async () => {
    const alice = await signUp(node, 'alice');
    const socket = await openSocket(node, alice);
    await revokeBehindTheNodesBack(sessionCookie(alice.api).sessionId);
    expect((await socket.waitForClose(10_000)).code).toBe(4001);
  });

  it('when a session ends without any event and its socket sends, then the send is refused as unauthenticated and the socket closes with 4001', async () => {
    // A node whose periodic re-check is far off: only the check before the send can catch it.
    const lazy = await startTestNode(environment, { WS_SESSION_RECHECK_SECONDS: '600' });
    const alice = await signUp(lazy, 'alice');
    const bob = await signUp(lazy, 'bob');
    const socket = await openSocket(lazy, alice);
    // Past the 5 s a session verdict is trusted for before a send (SEND_CHECK_MS): no event marks
    // that moment, the time passing is the condition itself.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    await revokeBehindTheNodesBack(sessionCookie(alice.api).sessionId);
    socket.send({ type: 'send', to: { userId: bob.user.id }, body: 'after logout', clientMessageId: 'late' });
    const refused = await socket.waitFor((frame) => frame.type === 'error' || frame.type === 'ack');
    expect(refused).toMatchObject({ type: 'error', code: 'unauthenticated', clientMessageId: 'late' });
    expect((await socket.waitForClose(5_000)).code).toBe(4001);
    expect(await query(environment, "select 1 from messages where body = 'after logout'")).toHaveLength(0);
    await lazy.stop();
  });

  it('when the same browser logs in again, then the sockets of the replaced session close with 4001', async () => {
    const alice = await signUp(node, 'alice');
    const socket = await openSocket(node, alice);
    const relogin = await alice.api.post('/api/auth/login', { username: alice.user.username, password: 'correct horse battery' });
    expect(relogin.status).toBe(200);
    expect((await socket.waitForClose(5_000)).code).toBe(4001);
    const fresh = await openSocket(node, alice);
    expect(fresh.closed).toBeNull();
    await fresh.close();
  });

  it('when a socket is in use, then its session stays alive although HTTP is idle', async () => {
    const alice = await signUp(node, 'alice');
    const bob = await signUp(node, 'bob');
    const socket = await openSocket(node, alice);
    const { sessionId } = sessionCookie(alice.api);
    // An expiry close at hand, as after a long time without HTTP requests.
    await query(environment, "update session set expire = now() + interval '3 seconds' where sid = $1", [sessionId]);
    socket.send({ type: 'send', to: { userId: bob.user.id }, body: 'still here', clientMessageId: 'busy' });
    await socket.waitFor((frame) => frame.type === 'ack');
    const pushed = async () => (await query<{ far: boolean }>(environment, "select expire > now() + interval '1 hour' as far from session where sid = $1", [sessionId]))[0]?.far;
    expect(await eventually(pushed, Boolean, 10_000)).toBe(true);
    expect(socket.closed).toBeNull();
    await socket.close();
  });
});

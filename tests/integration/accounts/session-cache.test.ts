import type { RunningNode } from '../../../src/composition/node';
import { SESSION_CACHE_MS } from '../../../src/infrastructure/session/session-cache';
import { ApiClient } from '../../support/api-client';
import { eventually } from '../../support/eventually';
import { createTestEnvironment, startTestNode } from '../../support/test-node';
import { registerAs } from './accounts-support';

/**
 * A node remembers sessions and users it read for a few seconds (a request no longer reads
 * Postgres twice before it starts). A logout on another node must not wait for that memory
 * to run out: the control topic tells every node to forget.
 */
describe('the per-node session cache', () => {
  let nodeA: RunningNode;
  let nodeB: RunningNode;

  beforeAll(async () => {
    const environment = await createTestEnvironment();
    nodeA = await startTestNode(environment);
    nodeB = await startTestNode(environment);
  });
  afterAll(async () => {
    await nodeB.stop();
    await nodeA.stop();
  });

  const on = (node: RunningNode, client: ApiClient) => new ApiClient(`http://127.0.0.1:${node.httpPort}`, { cookie: client.cookieHeader() });

  it('when a session is logged out on one node, then another node that just served it refuses it well within the cache lifetime', async () => {
    const onA = new ApiClient(`http://127.0.0.1:${nodeA.httpPort}`);
    await registerAs(onA, 'cache');
    const onB = on(nodeB, onA);
    expect((await onB.get('/api/auth/me')).status).toBe(200);
    expect((await onB.get('/api/auth/me')).status).toBe(200);

    const loggedOutAt = Date.now();
    expect((await onA.post('/api/auth/logout')).status).toBe(204);
    const status = await eventually(async () => (await onB.get('/api/auth/me')).status, (code) => code !== 200, SESSION_CACHE_MS);
    expect(status).toBe(401);
    expect(Date.now() - loggedOutAt).toBeLessThan(SESSION_CACHE_MS - 1_000);
  });
});

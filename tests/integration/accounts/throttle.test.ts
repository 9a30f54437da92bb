import type { RunningNode } from '../../../src/composition/node';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { clientFor, PASSWORD, registerAs } from './accounts-support';

// trust proxy is loopback in tests, so X-Forwarded-For stands in for clients at different addresses.
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const loginBody = (username: string, password: string) => ({ username, password });

describe('login throttling shared by two nodes through Postgres', () => {
  let environment: TestEnvironment;
  let nodeA: RunningNode;
  let nodeB: RunningNode;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    const limits = { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '4', LOGIN_THROTTLE_WINDOW_SECONDS: '600' };
    nodeA = await startTestNode(environment, limits);
    nodeB = await startTestNode(environment, limits);
  });
  afterAll(async () => {
    await nodeA.stop();
    await nodeB.stop();
  });

  it('when an account fails on node A and node B from many addresses, then the next try anywhere is 429 with Retry-After', async () => {
    const { username } = await registerAs(clientFor(nodeA), 'target');
    const a = clientFor(nodeA);
    const b = clientFor(nodeB);
    expect((await a.post('/api/auth/login', loginBody(username, 'wrong-1'), from('10.0.0.1'))).status).toBe(401);
    expect((await b.post('/api/auth/login', loginBody(username, 'wrong-2'), from('10.0.0.2'))).status).toBe(401);
    expect((await a.post('/api/auth/login', loginBody(username, 'wrong-3'), from('10.0.0.3'))).status).toBe(401);

    const blocked = await b.post('/api/auth/login', loginBody(username, PASSWORD), from('10.0.0.4'));
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
  });

  it('when one address fails against many accounts across both nodes, then that address is blocked but others are not', async () => {
    const victim = await registerAs(clientFor(nodeA), 'victim');
    const attacker = '10.1.0.1';
    for (let i = 0; i < 4; i += 1) {
      const node = i % 2 === 0 ? nodeA : nodeB;
      const res = await clientFor(node).post('/api/auth/login', loginBody(`nobody_${i}_${victim.username}`, 'guess'), from(attacker));
      expect(res.status).toBe(401);
    }
    const blocked = await clientFor(nodeB).post('/api/auth/login', loginBody(victim.username, PASSWORD), from(attacker));
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    const elsewhere = await clientFor(nodeA).post('/api/auth/login', loginBody(victim.username, PASSWORD), from('10.1.0.2'));
    expect(elsewhere.status).toBe(200);
  });

  it('when a login succeeds, then the account failures before it are forgotten', async () => {
    const { username } = await registerAs(clientFor(nodeA), 'forgiven');
    for (const ip of ['10.2.0.1', '10.2.0.2']) {
      expect((await clientFor(nodeA).post('/api/auth/login', loginBody(username, 'wrong'), from(ip))).status).toBe(401);
    }
    expect((await clientFor(nodeB).post('/api/auth/login', loginBody(username, PASSWORD), from('10.2.0.3'))).status).toBe(200);
    for (const ip of ['10.2.0.4', '10.2.0.5']) {
      expect((await clientFor(nodeB).post('/api/auth/login', loginBody(username, 'wrong'), from(ip))).status).toBe(401);
    }
    expect((await clientFor(nodeA).post('/api/auth/login', loginBody(username, PASSWORD), from('10.2.0.6'))).status).toBe(200);
  });
});

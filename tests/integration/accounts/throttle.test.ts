import type { RunningNode } from '../../../src/composition/node';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { clientFor, PASSWORD, registerAs } from './accounts-support';

// trust proxy is loopback in tests, so X-Forwarded-For stands in for clients at different addresses.
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const loginBody = (username: string, password: string) => ({ username, password });

/**
 * Issue 14: failed logins are counted per (account, address), per account and per address in
 * Postgres, shared by the nodes. Guessers are stopped without locking the owner out.
 */
describe('login throttling shared by two nodes through Postgres', () => {
  let environment: TestEnvironment;
  let nodeA: RunningNode;
  let nodeB: RunningNode;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    const limits = {
      LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: '3',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
      LOGIN_MAX_FAILURES_PER_IP: '8',
      LOGIN_THROTTLE_WINDOW_SECONDS: '600',
    };
    nodeA = await startTestNode(environment, limits);
    nodeB = await startTestNode(environment, limits);
  });
  afterAll(async () => {
    await nodeA.stop();
    await nodeB.stop();
  });

  const login = (node: RunningNode, username: string, password: string, ip: string) =>
    clientFor(node).post('/api/auth/login', loginBody(username, password), from(ip));

  it('when one address fails against an account on node A and node B, then its next try anywhere is 429 with Retry-After', async () => {
    const { username } = await registerAs(clientFor(nodeA), 'target');
    expect((await login(nodeA, username, 'wrong-1', '10.0.0.1')).status).toBe(401);
    expect((await login(nodeB, username, 'wrong-2', '10.0.0.1')).status).toBe(401);
    expect((await login(nodeA, username, 'wrong-3', '10.0.0.1')).status).toBe(401);

    const blocked = await login(nodeB, username, PASSWORD, '10.0.0.1');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
  });

  it('when guessers lock an account out, then its owner still logs in from an address that has not failed', async () => {
    const { username } = await registerAs(clientFor(nodeA), 'owner');
    // Five failures from two addresses use up the account's ceiling of 5.
    const guesses = [['10.3.0.1', nodeA], ['10.3.0.1', nodeB], ['10.3.0.2', nodeA], ['10.3.0.2', nodeB], ['10.3.0.2', nodeA]] as const;
    for (const [ip, node] of guesses) expect((await login(node, username, 'guess', ip)).status).toBe(401);
    // Past the ceiling an address that has failed is refused, even with the right password ...
    expect((await login(nodeB, username, PASSWORD, '10.3.0.1')).status).toBe(429);
    // ... and the owner, from an address with no recent failure, gets in: on either node, more than once.
    expect((await login(nodeA, username, PASSWORD, '10.3.0.9')).status).toBe(200);
    expect((await login(nodeB, username, PASSWORD, '10.3.0.9')).status).toBe(200);
    // A clean address has its one try checked; once it fails, it is refused like the others.
    expect((await login(nodeA, username, 'guess', '10.3.0.10')).status).toBe(401);
    expect((await login(nodeB, username, PASSWORD, '10.3.0.10')).status).toBe(429);
  });

  it('when failures come by username and by email, then they count against one account', async () => {
    const { username, email } = await registerAs(clientFor(nodeA), 'both');
    expect((await login(nodeA, username, 'wrong', '10.4.0.1')).status).toBe(401);
    expect((await login(nodeB, email, 'wrong', '10.4.0.1')).status).toBe(401);
    expect((await login(nodeA, email.toUpperCase(), 'wrong', '10.4.0.1')).status).toBe(401);
    expect((await login(nodeB, username, PASSWORD, '10.4.0.1')).status).toBe(429);
    expect((await login(nodeB, email, PASSWORD, '10.4.0.1')).status).toBe(429);
  });

  it('when 29 wrong passwords and the right one come at once from one address, then exactly the allowance is checked and the owner gets in elsewhere', async () => {
    const { username } = await registerAs(clientFor(nodeA), 'burst');
    const attempts = [...Array.from({ length: 29 }, (_, i) => `wrong-${i}`), PASSWORD];
    const answers = await Promise.all(attempts.map((password, i) => login(i % 2 === 0 ? nodeA : nodeB, username, password, '10.5.0.1')));
    const statuses = answers.map((res) => res.status);
    const checked = statuses.filter((status) => status === 401 || status === 200).length;
    // Counting is one atomic upsert per attempt, before the hash: 3 checked, whatever the interleaving.
    expect({ checked, refused: statuses.filter((status) => status === 429).length, other: statuses.filter((s) => ![200, 401, 429].includes(s)) }).toEqual({
      checked: 3,
      refused: 27,
      other: [],
    });
    for (const res of answers.filter((answer) => answer.status === 429)) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login(nodeB, username, PASSWORD, '10.5.0.2')).status).toBe(200);
  });

  it('when a login names no account, then it is throttled as one that exists (nothing tells them apart)', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await login(i % 2 ? nodeA : nodeB, `nobody_${i}_${Date.now()}`, 'guess', '10.6.0.1')).status);
    const sameName = `ghost_${Date.now()}`;
    for (let i = 0; i < 4; i += 1) statuses.push((await login(i % 2 ? nodeA : nodeB, sameName, 'guess', '10.6.0.2')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 429]);
  });

  it('when one address fails against many accounts across both nodes, then that address is blocked but others are not', async () => {
    const victim = await registerAs(clientFor(nodeA), 'victim');
    const attacker = '10.1.0.1';
    for (let i = 0; i < 8; i += 1) {
      const res = await login(i % 2 === 0 ? nodeA : nodeB, `nobody_${i}_${victim.username}`, 'guess', attacker);
      expect(res.status).toBe(401);
    }
    const blocked = await login(nodeB, victim.username, PASSWORD, attacker);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await login(nodeA, victim.username, PASSWORD, '10.1.0.2')).status).toBe(200);
  });

  it('when logins succeed, then they use up no allowance', async () => {
    const { username } = await registerAs(clientFor(nodeA), 'regular');
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await login(i % 2 ? nodeA : nodeB, username, PASSWORD, '10.2.0.1')).status);
    for (let i = 0; i < 3; i += 1) statuses.push((await login(nodeA, username, 'typo', '10.2.0.1')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 401, 401, 401]);
  });
});

import { ApiClient } from '../support/api-client';
import { eventually } from '../support/eventually';
import { freePort, startNodeProcess, type NodeProcess } from '../support/node-process';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../support/test-node';

/**
 * Issue 14: a node's logs say who did what from where, and what was refused, without secrets.
 * The node is a process of its own (compiled CLI: `npm run build` first) whose stdout is read.
 */
describe('security logs', () => {
  let environment: TestEnvironment;
  let node: NodeProcess;
  const PASSWORD = 'never-in-any-log-0123';

  beforeAll(async () => {
    environment = await createTestEnvironment();
    await (await startTestNode(environment)).stop(); // migrates the database
    node = await startNodeProcess(environment, {
      httpPort: await freePort(),
      wsPort: await freePort(),
      nodeId: 'logs',
      env: { LOG_LEVEL: 'info', LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: '1' },
    });
  });
  afterAll(async () => {
    if (node?.child.exitCode === null) {
      node.child.kill('SIGTERM');
      await node.exited;
    }
  });

  const client = (ip: string, headers: Record<string, string> = {}) => new ApiClient(`http://127.0.0.1:${node.httpPort}`, { 'x-forwarded-for': ip, ...headers });
  /** Log lines of requests that carried this X-Request-Id, once the node has written them. */
  function linesOf(requestId: string, count = 1) {
    return eventually(() => node.logs().filter((line) => (line.req as { id?: string } | undefined)?.id === requestId), (lines) => lines.length >= count, 5_000);
  }

  it('when a signed-in user makes a request, then its log line carries the client IP and the user id', async () => {
    const alice = client('10.30.0.1');
    const username = `logs_${Date.now()}`;
    const registered = await alice.post('/api/auth/register', { username, email: `${username}@example.com`, password: PASSWORD });
    expect(registered.status).toBe(201);
    const me = await alice.get('/api/auth/me', { 'x-request-id': 'logs-me-1' });
    expect(me.status).toBe(200);

    const [line] = await linesOf('logs-me-1');
    expect(line).toMatchObject({ req: { method: 'GET', url: '/api/auth/me', ip: '10.30.0.1' }, res: { statusCode: 200 }, user: registered.body.user.id });
    const registerLine = node.logs().find((entry) => (entry.req as { url?: string } | undefined)?.url === '/api/auth/register');
    expect(registerLine).toMatchObject({ req: { ip: '10.30.0.1' }, user: registered.body.user.id });
  });

  it('when an origin is refused, then a warn line names the origin and the client IP', async () => {
    const res = await client('10.30.0.2', { origin: 'https://evil.example', 'x-request-id': 'logs-origin-1' }).get('/api/users');
    expect(res.status).toBe(403);

    const lines = await linesOf('logs-origin-1', 2);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'refused: origin not allowed', code: 'origin_not_allowed', origin: 'https://evil.example', req: expect.objectContaining({ ip: '10.30.0.2' }) }),
    );
  });

  it('when a login is throttled, then a warn line says so with the client IP, and no log line holds a password', async () => {
    const guesser = client('10.30.0.3');
    const username = `target_${Date.now()}`;
    expect((await client('10.30.0.4').post('/api/auth/register', { username, email: `${username}@example.com`, password: PASSWORD })).status).toBe(201);
    expect((await guesser.post('/api/auth/login', { username, password: 'guess-one-secret' })).status).toBe(401);
    const throttled = await guesser.post('/api/auth/login', { username, password: 'guess-two-secret' }, { 'x-request-id': 'logs-throttled-1' });
    expect(throttled.status).toBe(429);

    const lines = await linesOf('logs-throttled-1', 2);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'refused: too many attempts', code: 'too_many_attempts', retryAfterSeconds: expect.any(Number), req: expect.objectContaining({ ip: '10.30.0.3' }) }),
    );
    const everything = JSON.stringify(node.logs());
    for (const secret of [PASSWORD, 'guess-one-secret', 'guess-two-secret', 'test-secret-0123456789']) expect(everything).not.toContain(secret);
  });
});

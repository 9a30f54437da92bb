import { ApiClient } from '../support/api-client';
import { eventually } from '../support/eventually';
import { trackLeftovers } from '../support/leftovers';
import { freePort, startNodeProcess, type NodeProcess } from '../support/node-process';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../support/test-node';
import { UpgradeRefused, WsClient } from '../support/ws-client';

/**
 * Issue 14: a node's logs say who did what from where, and what was refused, without secrets.
 * The node is a process of its own (compiled CLI: `npm run build` first) whose stdout is read.
 */
describe('security logs', () => {
  let environment: TestEnvironment;
  let node: NodeProcess;
  const PASSWORD = 'never-in-any-log-0123';
  // The node is a child process and the tests open sockets to it: none may outlive the file.
  const leftovers = trackLeftovers();

  beforeAll(async () => {
    environment = await createTestEnvironment();
    await (await startTestNode(environment)).stop(); // migrates the database
    node = await startNodeProcess(environment, {
      httpPort: await freePort(),
      wsPort: await freePort(),
      nodeId: 'logs',
      env: { LOG_LEVEL: 'info', LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: '1', WS_RATE_PER_SECOND: '5', WS_RATE_BURST: '5' },
    });
  });
  afterAll(async () => {
    if (node?.child.exitCode === null) {
      node.child.kill('SIGTERM');
      await node.exited;
    }
    await leftovers.expectNoneLeft();
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

  /** A user registered over HTTP, with the Cookie header its sockets carry. */
  async function signedIn(ip: string) {
    const api = client(ip);
    const username = `ws_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    const res = await api.post('/api/auth/register', { username, email: `${username}@example.com`, password: PASSWORD });
    expect(res.status).toBe(201);
    return { id: String(res.body.user.id), cookie: api.cookieHeader() };
  }

  it('when a WebSocket upgrade comes from a refused origin, then a warn line names the origin and the client IP, and not the cookie', async () => {
    const { cookie } = await signedIn('10.30.0.5');
    const refused = await WsClient.connect(`ws://127.0.0.1:${node.wsPort}/ws`, { cookie, origin: 'https://evil-ws.example' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect((refused as UpgradeRefused).status).toBe(403);

    const [line] = await eventually(() => node.logs().filter((entry) => entry.msg === 'websocket upgrade refused: origin not allowed' && entry.origin === 'https://evil-ws.example'), (lines) => lines.length === 1, 5_000);
    expect(line).toMatchObject({ level: 40, origin: 'https://evil-ws.example', ip: '127.0.0.1' });
    expect(JSON.stringify(node.logs())).not.toContain(cookie.slice(cookie.indexOf('=') + 1));
  });

  it('when a socket is closed for flooding, then a warn line names its user', async () => {
    const flooder = await signedIn('10.30.0.6');
    const socket = await WsClient.connect(`ws://127.0.0.1:${node.wsPort}/ws`, { cookie: flooder.cookie });
    await socket.waitFor((frame) => frame.type === 'hello');
    for (let i = 0; i < 7; i += 1) socket.send('{');
    await socket.waitFor((frame) => frame.code === 'rate_limited');
    for (let i = 0; i < 5; i += 1) socket.send('{');
    expect((await socket.waitForClose()).code).toBe(1008);

    const lines = await eventually(() => node.logs().filter((entry) => entry.msg === 'websocket closed for flooding after rate_limited errors' && entry.user === flooder.id), (found) => found.length === 1, 5_000);
    expect(lines[0]).toMatchObject({ level: 40, user: flooder.id });
  });
});

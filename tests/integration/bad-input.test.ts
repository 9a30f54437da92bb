import { randomUUID } from 'node:crypto';
import type { RunningNode } from '../../src/composition/node';
import type { ApiClient } from '../support/api-client';
import { startNginxInFront, type NginxInFront } from '../support/nginx-in-front';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../support/test-node';
import type { WsClient } from '../support/ws-client';
import { WsClient as Ws } from '../support/ws-client';
import { uniqueRoom } from './messaging/messaging-support';
import { openSocket, signUp, type SignedIn } from './ws/ws-support';

/**
 * Issue 14: bad input gets a 4xx in our error shape, never a 500. Postgres text cannot hold
 * U+0000, a varchar refuses what is longer than it, and a bad percent-escape is the router's
 * 400: each case below answered 500 before, directly and through nginx.
 */
const NUL = '\u0000';

/** [what, method, path, JSON body] — every one must answer 400 validation_failed. */
function httpMatrix(peer: string): [string, string, string, unknown][] {
  const fresh = `nul_${randomUUID().slice(0, 8)}`;
  return [
    ['a NUL user search', 'GET', '/api/users?search=%00', undefined],
    ['a NUL room search', 'GET', '/api/rooms?search=%00', undefined],
    ['a users cursor decoding to NUL', 'GET', '/api/users?cursor=AA', undefined],
    ['a NUL rooms cursor', 'GET', '/api/rooms?cursor=%00', undefined],
    ['a NUL room name to join', 'POST', '/api/rooms/%00/join', undefined],
    ['a NUL room name to leave', 'POST', '/api/rooms/%00/leave', undefined],
    ['a NUL room name for members', 'GET', '/api/rooms/%00/members', undefined],
    ['a NUL room name for history', 'GET', '/api/rooms/%00/messages', undefined],
    ['a NUL room to send to', 'POST', '/api/messages', { to: { room: NUL }, body: 'hi' }],
    ['a NUL clientMessageId', 'POST', '/api/messages', { to: { userId: peer }, body: 'hi', clientMessageId: NUL }],
    ['a NUL room to create', 'POST', '/api/rooms', { name: `a${NUL}b` }],
    ['a NUL login name', 'POST', '/api/auth/login', { username: NUL, password: 'whatever-it-is' }],
    ['a NUL login password', 'POST', '/api/auth/login', { username: 'somebody', password: `pass${NUL}word` }],
    ['a NUL registration password', 'POST', '/api/auth/register', { username: fresh, email: `${fresh}@example.com`, password: `pass${NUL}word!` }],
    ['a bad percent-escape in a path', 'GET', '/api/users/%E0%A4%A', undefined],
    ['a bad percent-escape in a room path', 'POST', '/api/rooms/%E0%A4%A/join', undefined],
  ];
}

async function expectAllRefused(client: ApiClient, matrix: [string, string, string, unknown][]) {
  const answers = [];
  for (const [what, method, path, body] of matrix) {
    const res = await client.request(method, path, body);
    answers.push({ what, status: res.status, code: res.body?.error?.code });
  }
  expect(answers).toEqual(matrix.map(([what]) => ({ what, status: 400, code: 'validation_failed' })));
}

/** The WebSocket cases: each answers a validation_failed error frame and leaves the socket open. */
async function expectFramesRefused(socket: WsClient, peer: string) {
  const cases: [string, Record<string, unknown>, string | undefined][] = [
    ['a NUL room in a send', { type: 'send', to: { room: NUL }, body: 'hi', clientMessageId: `c-${randomUUID()}` }, undefined],
    ['a NUL clientMessageId in a send', { type: 'send', to: { userId: peer }, body: 'hi', clientMessageId: `c${NUL}${randomUUID()}` }, undefined],
    ['a NUL resume key', { type: 'resume', since: { [`room:${NUL}`]: 0 } }, undefined],
    ['a NUL resume key beside a good one', { type: 'resume', since: { 'room:general': 0, [`room:x${NUL}`]: 1 } }, undefined],
  ];
  for (const [what, frame] of cases) {
    const from = socket.frames.length;
    socket.send(frame);
    const answer = await socket.waitFor((f) => f.type === 'error' || f.type === 'resumed' || f.type === 'ack', 15_000, from);
    expect({ what, type: answer.type, code: answer.code }).toEqual({ what, type: 'error', code: 'validation_failed' });
    if (typeof frame.clientMessageId === 'string') expect(answer.clientMessageId).toBe(frame.clientMessageId);
    expect(socket.closed).toBeNull();
  }
  // The socket still works: a good resume ends in `resumed`.
  const from = socket.frames.length;
  socket.send({ type: 'resume', since: {} });
  expect((await socket.waitFor((f) => f.type === 'resumed' || f.type === 'error', 15_000, from)).type).toBe('resumed');
}

describe('bad input answers 400, never 500', () => {
  let environment: TestEnvironment;
  let node: RunningNode;
  let nginx: NginxInFront;
  let alice: SignedIn;
  let bob: SignedIn;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(environment, { LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: '3' });
    nginx = await startNginxInFront([node]);
    [alice, bob] = await Promise.all([signUp(node, 'alice'), signUp(node, 'bob')]);
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  });
  afterAll(async () => {
    await nginx?.stop();
    await node?.stop();
  });

  it('when HTTP input holds U+0000 or a bad percent-escape, then each answers 400 validation_failed', async () => {
    await expectAllRefused(alice.api, httpMatrix(bob.user.id));
  });

  it('when a bad percent-escape comes without a cookie, then it is 400 too', async () => {
    const res = await fetch(`http://127.0.0.1:${node.httpPort}/api/users/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
  });

  it('when a login name is longer than any account name, then it is refused or counted, never a 500', async () => {
    const longest = `${'a'.repeat(244)}@example.com`; // 256 characters: past the old throttle key's varchar(255)
    const answers: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      answers.push((await alice.api.post('/api/auth/login', { username: longest, password: 'wrong password' }, { 'x-forwarded-for': '10.14.0.1' })).status);
    }
    expect(answers).toEqual([400, 400, 400, 400]);
    const withinBound = `${'b'.repeat(242)}@example.com`; // 254: the longest an email may be
    const counted: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      counted.push((await alice.api.post('/api/auth/login', { username: withinBound, password: 'wrong password' }, { 'x-forwarded-for': '10.14.0.2' })).status);
    }
    // Counted like any other failure: the allowance of 3 runs out.
    expect(counted).toEqual([401, 401, 401, 429]);
  });

  it('when a WebSocket send or resume holds U+0000, then it gets a validation_failed error frame and the socket stays open', async () => {
    const socket = await openSocket(node, alice);
    sockets.push(socket);
    await expectFramesRefused(socket, bob.user.id);
  });

  it('when the same requests come through nginx, then each answers our JSON 400 too', async () => {
    const viaNginx = nginx.client(alice.api.cookieHeader());
    await expectAllRefused(viaNginx, httpMatrix(bob.user.id));
  });

  it('when nginx itself refuses a request (a NUL in the path), then its answer is our JSON error shape', async () => {
    const res = await fetch(`${nginx.baseUrl}/api/users/%00`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ error: { code: 'validation_failed', message: expect.any(String) } });
  });

  it('when a WebSocket frame with U+0000 comes through nginx, then it gets the error frame and the socket stays open', async () => {
    const socket = await Ws.connect(nginx.wsUrl, { cookie: alice.api.cookieHeader() });
    sockets.push(socket);
    await socket.waitFor((frame) => frame.type === 'hello');
    await expectFramesRefused(socket, bob.user.id);
  });

  it('when a room name is fine, then the same routes still work (the refusals are not blanket)', async () => {
    const room = uniqueRoom('fine');
    expect((await alice.api.post('/api/rooms', { name: room })).status).toBe(201);
    expect((await bob.api.post(`/api/rooms/${room}/join`)).status).toBe(200);
    expect((await bob.api.get(`/api/rooms/${room}/members`)).status).toBe(200);
    expect((await bob.api.get(`/api/users?search=${encodeURIComponent(alice.user.username.slice(0, 5))}`)).body.items.length).toBeGreaterThan(0);
  });
});

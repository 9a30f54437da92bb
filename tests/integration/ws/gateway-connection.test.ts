import type { RunningNode } from '../../../src/composition/node';
import { createTestEnvironment, startTestNode } from '../../support/test-node';
import { UpgradeRefused, WsClient } from '../../support/ws-client';
import { openSocket, signUp, wsUrl, type SignedIn } from './ws-support';

describe('the WebSocket gateway: upgrade, hello and bad frames', () => {
  let node: RunningNode;
  let alice: SignedIn;
  const sockets: WsClient[] = [];
  const track = (client: WsClient) => (sockets.push(client), client);

  beforeAll(async () => {
    node = await startTestNode(await createTestEnvironment(), { WS_MAX_FRAME_BYTES: '1024', WS_RATE_PER_SECOND: '5', WS_RATE_BURST: '5' });
    alice = await signUp(node, 'alice');
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  });
  afterAll(() => node.stop());

  const refusal = (promise: Promise<WsClient>) =>
    promise.then(
      (client) => (track(client), null),
      (error: unknown) => error,
    );

  it('when the upgrade has no cookie, then it is refused with 401 and no socket opens', async () => {
    const error = await refusal(WsClient.connect(wsUrl(node)));
    expect(error).toBeInstanceOf(UpgradeRefused);
    expect((error as UpgradeRefused).status).toBe(401);
    expect(JSON.parse((error as UpgradeRefused).body)).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
  });

  it('when the cookie is forged, then it is refused with 401', async () => {
    const error = await refusal(WsClient.connect(wsUrl(node), { cookie: 'parley.sid=s%3Aforged.signature' }));
    expect((error as UpgradeRefused).status).toBe(401);
  });

  it('when the Origin is not allowed, then it is refused with 403 even with a valid cookie', async () => {
    const error = await refusal(WsClient.connect(wsUrl(node), { cookie: alice.api.cookieHeader(), origin: 'https://evil.example' }));
    expect((error as UpgradeRefused).status).toBe(403);
    expect(JSON.parse((error as UpgradeRefused).body).error.code).toBe('origin_not_allowed');
  });

  it('when the Origin is "null", then it is refused with 403', async () => {
    const error = await refusal(WsClient.connect(wsUrl(node), { cookie: alice.api.cookieHeader(), origin: 'null' }));
    expect((error as UpgradeRefused).status).toBe(403);
  });

  it('when the Origin is allowed or missing, then the socket opens and says hello with the user and node', async () => {
    const withOrigin = track(await openSocket(node, alice, { origin: 'http://localhost:3000' }));
    const without = track(await openSocket(node, alice));
    for (const client of [withOrigin, without]) {
      expect(client.frames[0]).toEqual({ type: 'hello', user: expect.objectContaining({ id: alice.user.id, username: alice.user.username }), node: node.nodeId });
    }
    const metrics = await (await fetch(`http://127.0.0.1:${node.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^parley_websockets_open 2$/m);
  });

  it('when a frame is not JSON, of an unknown type or invalid, then it gets the matching error frame and the socket stays open', async () => {
    const client = track(await openSocket(node, alice));
    client.send('not json {');
    expect(await client.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'malformed_json' });
    client.send({ type: 'shout', body: 'hi' });
    expect(await client.waitFor((f) => f.code === 'unknown_frame')).toMatchObject({ type: 'error' });
    client.send({ type: 'send', to: { userId: alice.user.id }, clientMessageId: 'c-1' });
    const invalid = await client.waitFor((f) => f.code === 'validation_failed');
    expect(invalid).toMatchObject({ type: 'error', clientMessageId: 'c-1', details: { fields: [expect.objectContaining({ field: 'body' })] } });
    client.send({ type: 'resume', since: { 'dm:a:b': -1 } });
    await client.waitForCount((f) => f.code === 'validation_failed', 2);
    expect(client.closed).toBeNull();
  });

  it('when a frame is larger than WS_MAX_FRAME_BYTES, then the socket is closed with 1009', async () => {
    const client = track(await openSocket(node, alice));
    client.send({ type: 'send', to: { userId: alice.user.id }, body: 'x'.repeat(2000), clientMessageId: 'big' });
    expect((await client.waitForClose()).code).toBe(1009);
  });

  it('when a user floods, then frames past the budget get rate_limited, and going on closes the socket with 1008', async () => {
    const flooder = await signUp(node, 'flood');
    const client = track(await openSocket(node, flooder));
    for (let i = 0; i < 7; i += 1) client.send('{');
    const limited = await client.waitFor((f) => f.code === 'rate_limited');
    expect(limited).toMatchObject({ type: 'error', details: { retryAfterSeconds: expect.any(Number) } });
    expect(client.frames.filter((f) => f.code === 'malformed_json')).toHaveLength(5);
    for (let i = 0; i < 5; i += 1) client.send('{');
    expect((await client.waitForClose()).code).toBe(1008);
  });

  it('when a socket connects to another path, then the upgrade is refused', async () => {
    const error = await refusal(WsClient.connect(`ws://127.0.0.1:${node.wsPort}/other`, { cookie: alice.api.cookieHeader() }));
    expect((error as UpgradeRefused).status).toBe(404);
  });
});

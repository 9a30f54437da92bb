import type { LocalDelivery } from '../../../src/application/ports/local-delivery';
import type { RunningNode } from '../../../src/composition/node';
import { createAdminCommand } from '../../../src/interfaces/cli/create-admin-command';
import { ApiClient } from '../../support/api-client';
import { createTestEnvironment, startTestNode, testConfig, type TestEnvironment } from '../../support/test-node';
import { eventually } from '../../support/eventually';
import { WsClient } from '../../support/ws-client';
import { openSocket, signUp } from './ws-support';

describe('the WebSocket gateway: slow readers, idle sockets and account changes', () => {
  let node: RunningNode;
  /** This node's sockets, as the fan-out delivers to them: the firehose test plays the fan-out. */
  let sockets: LocalDelivery;
  let environment: TestEnvironment;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(
      environment,
      { WS_MAX_BACKPRESSURE_BYTES: '65536', WS_IDLE_TIMEOUT_SECONDS: '8', WS_MAX_SOCKETS_PER_USER: '3' },
      { localDelivery: (delivery) => (sockets = delivery) },
    );
  });
  afterAll(() => node.stop());

  const openGauge = async () => {
    const text = await (await fetch(`http://127.0.0.1:${node.httpPort}/metrics`)).text();
    return Number(/^parley_websockets_open (\d+)$/m.exec(text)?.[1]);
  };

  const waitUntil = (condition: () => Promise<boolean>, timeoutMs: number) => eventually(condition, Boolean, timeoutMs);


  function stopReading(client: WsClient) {
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  it('when a reader stops reading, then the server closes its socket once the backpressure limit is reached instead of skipping messages', async () => {
    const reader = await signUp(node, 'slow');
    const client = await openSocket(node, reader);
    await waitUntil(async () => (await openGauge()) === 1, 2_000);
    stopReading(client);
    const body = 'x'.repeat(100_000);
    const base = { conversationId: 'room:firehose', sender: reader.user, to: { room: 'firehose' }, createdAt: new Date() };
    for (let seq = 1; seq <= 400 && (await openGauge()) === 1; seq += 1) {
      sockets.deliver({ ...base, id: `m${seq}`, seq, body }, [reader.user.id]);
      if (seq % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitUntil(async () => (await openGauge()) === 0, 5_000);
    client.socket.terminate();
  });

  it('when a socket stays idle, then the server pings it within the idle timeout', async () => {
    const idle = await signUp(node, 'idle');
    const client = await openSocket(node, idle);
    const pinged = new Promise<void>((resolve) => client.socket.once('ping', () => resolve()));
    await expect(Promise.race([pinged.then(() => 'ping'), new Promise((resolve) => setTimeout(resolve, 12_000, 'none').unref())])).resolves.toBe('ping');
    expect(client.closed).toBeNull();
    await client.close();
  }, 20_000);

  it('when an admin deactivates a user, then every socket of that user closes with 4001 within a second and others stay', async () => {
    const adminName = `wsadmin_${Date.now()}`;
    const adminPassword = 'admin password from env';
    process.env.PARLEY_ADMIN_PASSWORD = adminPassword;
    try {
      expect(await createAdminCommand.run(testConfig(environment), ['--username', adminName, '--email', `${adminName}@example.com`])).toBe(0);
    } finally {
      delete process.env.PARLEY_ADMIN_PASSWORD;
    }
    const admin = new ApiClient(`http://127.0.0.1:${node.httpPort}`);
    expect((await admin.post('/api/auth/login', { username: adminName, password: adminPassword })).status).toBe(200);
    const [gone, stays] = await Promise.all([signUp(node, 'gone'), signUp(node, 'stays')]);
    const goneSockets = [await openSocket(node, gone), await openSocket(node, gone)];
    const staysSocket = await openSocket(node, stays);
    const started = Date.now();
    expect((await admin.post(`/api/admin/users/${gone.user.id}/deactivate`)).status).toBeLessThan(300);
    for (const socket of goneSockets) expect((await socket.waitForClose(1_000)).code).toBe(4001);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(staysSocket.closed).toBeNull();
    await staysSocket.close();
  });

  it('when a user opens more sockets on a node than WS_MAX_SOCKETS_PER_USER, then the extra one closes with 4029 and the others stay open', async () => {
    const alice = await signUp(node, 'many');
    const kept = [await openSocket(node, alice), await openSocket(node, alice), await openSocket(node, alice)];
    const extra = await WsClient.connect(`ws://127.0.0.1:${node.wsPort}/ws`, { cookie: alice.api.cookieHeader() });
    expect((await extra.waitForClose(5_000)).code).toBe(4029);
    expect(kept.map((socket) => socket.closed)).toEqual([null, null, null]);
    await kept[0]!.close();
    const again = await openSocket(node, alice);
    expect(again.closed).toBeNull();
    for (const socket of [...kept.slice(1), again]) await socket.close();
  });

  it('when three rooms of 500 messages of 4,000 characters are resumed by a client that reads late, then the replay goes on as it reads and ends in resumed on a live socket', async () => {
    const [alice, bob] = await Promise.all([signUp(node, 'big'), signUp(node, 'reader')]);
    const rooms = [1, 2, 3].map((n) => `big${n}_${Date.now()}`);
    const count = 500;
    const body = (n: number) => `${n} `.padEnd(4_000, 'x');
    for (const room of rooms) {
      expect((await alice.api.post('/api/rooms', { name: room })).status).toBe(201);
      expect((await bob.api.post(`/api/rooms/${room}/join`)).status).toBe(200);
      for (let from = 0; from < count; from += 50) {
        const posts = Array.from({ length: 50 }, (_, i) => alice.api.post('/api/messages', { to: { room }, body: body(from + i) }));
        expect((await Promise.all(posts)).map((res) => res.status)).toEqual(posts.map(() => 202));
      }
    }
    for (const room of rooms) await waitUntil(async () => (await bob.api.get(`/api/rooms/${room}/messages?limit=1`)).body.items?.[0]?.seq === count, 60_000);

    const socket = await openSocket(node, bob);
    // 6 MB to replay. The node may hold 64 KiB unsent per socket here (WS_MAX_BACKPRESSURE_BYTES)
    // and closes a socket past it; loopback's kernel buffers take about 4 MB of a reader that
    // reads nothing. A replay that does not wait for the socket to drain overflows them and is
    // cut off; one that waits goes on as the client reads.
    socket.socket.pause(); // ws's own pause: pausing its net.Socket alone is undone by ws
    socket.send({ type: 'resume', since: Object.fromEntries(rooms.map((room) => [`room:${room}`, 0])) });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    socket.socket.resume();
    const ended = await Promise.race([
      socket.waitFor((frame) => frame.type === 'resumed', 60_000).then(() => 'resumed'),
      socket.waitForClose(60_000).then((close) => `closed with ${close.code}`, () => 'neither'),
    ]);
    expect(ended).toBe('resumed');
    expect(socket.closed).toBeNull();
    for (const room of rooms) {
      const replayed = socket.messages(`room:${room}`);
      expect({ room, seqs: replayed.map((m) => m.seq) }).toEqual({ room, seqs: Array.from({ length: count }, (_, i) => i + 1) });
      expect(replayed.every((m) => [...m.body].length === 4_000)).toBe(true);
    }
    // Live: the next message still arrives on it.
    const after = await alice.api.post('/api/messages', { to: { room: rooms[0] }, body: 'after the resume' });
    await socket.waitFor((frame) => frame.type === 'message' && frame.message.id === after.body.message.id);
    await socket.close();
  }, 180_000);
});

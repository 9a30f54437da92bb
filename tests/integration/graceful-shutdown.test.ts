import type { RunningNode } from '../../src/composition/node';
import { directConversationId, roomConversationId } from '../../src/domain/conversation';
import { ApiClient } from '../support/api-client';
import { freePort, startNodeProcess, type NodeProcess } from '../support/node-process';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../support/test-node';
import { WsClient } from '../support/ws-client';
import { eventually, gapFree, query, signedUpUser, uniqueRoom } from './messaging/messaging-support';
import { httpTraffic, keepAliveClient, merged, storedRowsFor, wsTraffic, type SendLog } from './messaging/traffic';

// Senders here go as fast as they can: the flood guard is not what this test is about.
const FAST_SOCKETS = { WS_RATE_PER_SECOND: '10000', WS_RATE_BURST: '10000' };

describe('a node process', () => {
  it('when sent SIGTERM, then it stops serving and exits 0 within 10 seconds', async () => {
    const environment = await createTestEnvironment();
    const node = await startNodeProcess(environment, { httpPort: await freePort(), wsPort: await freePort(), nodeId: 'shutdown-1' });
    const started = Date.now();
    node.child.kill('SIGTERM');
    const code = await node.exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(fetch(`http://127.0.0.1:${node.httpPort}/healthz`)).rejects.toThrow();
  });

  it('when the configuration is bad, then it exits 1 with one line naming the variable', async () => {
    const environment = await createTestEnvironment();
    const node = startNodeProcess(environment, {
      httpPort: await freePort(),
      wsPort: await freePort(),
      nodeId: 'bad-config',
      env: { KAFKA_BROKERS: 'nonsense' },
    });
    await expect(node).rejects.toThrow(/Invalid configuration: KAFKA_BROKERS must be a comma-separated list of host:port \(got "nonsense"\)\n$/);
  });
});

describe('a node process sent SIGTERM while messages are in flight', () => {
  let environment: TestEnvironment;
  // Stays up: its store consumer takes over whatever the stopped node accepted but had not stored.
  let keeper: RunningNode;
  let node: NodeProcess | undefined;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    keeper = await startTestNode(environment, FAST_SOCKETS);
  });
  afterAll(async () => {
    node?.child.kill('SIGKILL');
    await keeper?.stop();
  });

  it('when HTTP and WebSocket sends are in flight, then it exits 0 within 10 s, every 202 and ack is stored once, and nothing else was claimed', async () => {
    node = await startNodeProcess(environment, { httpPort: await freePort(), wsPort: await freePort(), nodeId: 'draining', env: FAST_SOCKETS });
    const stopping = node;
    const [alice, bob, carol] = await Promise.all([signedUpUser(keeper, 'alice'), signedUpUser(keeper, 'bob'), signedUpUser(keeper, 'carol')]);
    const room = uniqueRoom('drain');
    await alice.client.post('/api/rooms', { name: room });
    await bob.client.post(`/api/rooms/${room}/join`);
    const targets = { alice: [{ userId: bob.id }, { room }], bob: [{ userId: carol.id }, { room }], carol: [{ userId: alice.id }] };
    const via = (user: typeof alice) => new ApiClient(`http://127.0.0.1:${stopping.httpPort}`, { cookie: user.client.cookieHeader() });
    const socketOn = (user: typeof alice) => WsClient.connect(`ws://127.0.0.1:${stopping.wsPort}/ws`, { cookie: user.client.cookieHeader() });
    const sockets = await Promise.all([socketOn(alice), socketOn(bob), socketOn(carol)]);

    // Many concurrent senders over keep-alive connections and sockets; each stops when the node goes away.
    const flows: Promise<SendLog>[] = [];
    const base = `http://127.0.0.1:${stopping.httpPort}`;
    const persistent = [keepAliveClient(base, alice.client.cookieHeader()), keepAliveClient(base, bob.client.cookieHeader())];
    for (let i = 0; i < 3; i += 1) {
      flows.push(httpTraffic(via(alice), targets.alice, { label: `alice-http${i}`, count: 10_000 }));
      flows.push(httpTraffic(via(bob), targets.bob, { label: `bob-http${i}`, count: 10_000 }));
    }
    // A client that keeps its one connection busy (a proxy's upstream pool) must not hold the node open.
    flows.push(httpTraffic(persistent[0]!, targets.alice, { label: 'alice-keepalive', count: 10_000 }));
    flows.push(httpTraffic(persistent[1]!, targets.bob, { label: 'bob-keepalive', count: 10_000 }));
    flows.push(wsTraffic(sockets[0]!, targets.alice, { label: 'alice-ws', count: 10_000 }));
    flows.push(wsTraffic(sockets[1]!, targets.bob, { label: 'bob-ws', count: 10_000 }));
    flows.push(wsTraffic(sockets[2]!, targets.carol, { label: 'carol-ws', count: 10_000 }));
    const acceptedSoFar = () => sockets.reduce((sum, socket) => sum + socket.frames.filter((f) => f.type === 'ack').length, 0);
    await eventually(async () => acceptedSoFar(), (count) => count >= 30);

    const signalledAt = Date.now();
    stopping.child.kill('SIGTERM');
    const code = await stopping.exited;
    const tookMs = Date.now() - signalledAt;
    const logs = await Promise.all(flows);
    for (const client of persistent) client.close();
    expect({ code, within10s: tookMs < 10_000, stderr: stopping.stderr().slice(-500) }).toEqual({ code: 0, within10s: true, stderr: '' });

    const { accepted, attempted, refused } = merged(logs);
    // The drain answered requests that were in flight when the signal came, rather than dropping them.
    expect(accepted.some((message) => message.at > signalledAt)).toBe(true);
    // Whoever was not promised a message was told so plainly: refused connections, sockets closed with 1001.
    expect(refused).toEqual([]);
    for (const log of logs) expect(log.stoppedBy).toMatch(/^(ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|closed 1001)$/);

    // The keeper's store consumer takes the stopped node's partitions and stores the rest.
    const rows = await eventually(
      () => storedRowsFor(environment, attempted),
      (found) => accepted.every((message) => found.some((row) => row.id === message.id)),
      40_000,
    );
    expect(new Set(rows.map((row) => row.client_message_id)).size).toBe(rows.length);
    for (const conversation of [
      directConversationId(alice.id, bob.id),
      directConversationId(bob.id, carol.id),
      directConversationId(alice.id, carol.id),
      roomConversationId(room),
    ]) {
      const all = await query<{ seq: string }>(environment, 'select seq from messages where conversation_id = $1 order by seq', [conversation]);
      expect({ conversation, gapFree: gapFree(all), some: all.length > 0 }).toEqual({ conversation, gapFree: true, some: true });
    }
  }, 90_000);
});

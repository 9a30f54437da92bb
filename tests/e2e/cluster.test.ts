import { randomBytes } from 'node:crypto';
import { directConversationId } from '../../src/domain/conversation';
import { eventually } from '../support/eventually';
import { ApiClient, type ApiResponse } from '../support/api-client';
import { createTestEnvironment } from '../support/test-node';
import { connectThroughNginx, startCluster, type ClusterSocket, type RunningCluster } from './cluster-harness';

/**
 * The local cluster end to end: `npm run cluster`'s script with two nodes behind Debian's nginx,
 * on the real Kafka and Postgres; every request and socket goes through nginx.
 */
jest.setTimeout(180_000);


let cluster: RunningCluster;
const sockets: ClusterSocket[] = [];

beforeAll(async () => {
  cluster = await startCluster(await createTestEnvironment(), 2);
});

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.client.close()));
  if (cluster && cluster.process.exitCode === null) {
    cluster.process.kill('SIGTERM');
    await cluster.exited;
  }
});

async function register(name: string) {
  const client = new ApiClient(cluster.baseUrl);
  const username = `${name}_${randomBytes(3).toString('hex')}`;
  const res = await client.post('/api/auth/register', { username, email: `${username}@example.test`, password: 'correct horse battery' });
  expect(res.status).toBe(201);
  expect(client.cookieHeader()).toContain('parley.sid=');
  return { client, id: String(res.body.user.id), username };
}

async function connect(user: { client: ApiClient }): Promise<ClusterSocket> {
  const socket = await connectThroughNginx(cluster.wsUrl, user.client.cookieHeader());
  sockets.push(socket);
  return socket;
}

/**
 * Counts the copies of `messageId` on each socket once `later` (a send to the same conversation)
 * reached them all: a socket gets a conversation in seq order, so a second copy would have come first.
 */
async function copiesOf(messageId: string, on: ClusterSocket[], later: () => Promise<ApiResponse>): Promise<number[]> {
  const marker = await later();
  expect(marker.status).toBe(202);
  const markerId = String(marker.body.message.id);
  await Promise.all(on.map((socket) => socket.client.waitFor((frame) => frame.type === 'message' && frame.message.id === markerId, 15_000)));
  return on.map((socket) => idsOn(socket).filter((id) => id === messageId).length);
}

it('when a user logs in through nginx, then HTTP requests succeed on whichever node serves them', async () => {
  const alice = await register('alice');
  for (let attempt = 0; attempt < 4; attempt++) expect((await alice.client.get('/api/auth/me')).status).toBe(200);

  const served = cluster.accessLog().filter((line) => line.includes('"GET /api/auth/me HTTP/1.1" 200'));
  const nodePorts = cluster.state().nodes.map((node) => `127.0.0.1:${node.httpPort}`);
  expect(new Set(served.slice(-4).map((line) => nodePorts.find((port) => line.includes(port))))).toEqual(new Set(nodePorts));
});

it('when sockets connect through nginx, then they land on both nodes and every direct and room message reaches every socket once', async () => {
  const [alice, bob, carol] = [await register('alice'), await register('bob'), await register('carol')];
  const aliceSockets = [await connect(alice)];
  const bobSockets = [await connect(bob)];
  const carolSockets = [await connect(carol)];
  const all = () => [...aliceSockets, ...bobSockets, ...carolSockets];
  // nginx balances connections round-robin: a few more of Alice's tabs cover both nodes.
  while (new Set(all().map((socket) => socket.node)).size < 2 && aliceSockets.length < 6) aliceSockets.push(await connect(alice));
  expect(new Set(all().map((socket) => socket.node))).toEqual(new Set(['node-1', 'node-2']));

  const direct = await alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'hello Bob, across nodes' });
  expect(direct.status).toBe(202);
  const toBob = () => alice.client.post('/api/messages', { to: { userId: bob.id }, body: 'and one more' });
  expect(await copiesOf(direct.body.message.id, [...aliceSockets, ...bobSockets], toBob)).toEqual([...aliceSockets, ...bobSockets].map(() => 1));
  expect(idsOn(carolSockets[0]!)).not.toContain(direct.body.message.id);

  const reply = await bob.client.post('/api/messages', { to: { userId: alice.id }, body: 'hi Alice' });
  expect(reply.status).toBe(202);
  expect(await copiesOf(reply.body.message.id, [...aliceSockets, ...bobSockets], toBob)).toEqual([...aliceSockets, ...bobSockets].map(() => 1));

  const room = `lobby-${randomBytes(3).toString('hex')}`;
  expect((await alice.client.post('/api/rooms', { name: room })).status).toBe(201);
  expect((await bob.client.post(`/api/rooms/${room}/join`)).status).toBeLessThan(300);
  expect((await carol.client.post(`/api/rooms/${room}/join`)).status).toBeLessThan(300);
  const posted = await carol.client.post('/api/messages', { to: { room }, body: 'hello room' });
  expect(posted.status).toBe(202);
  const toRoom = () => carol.client.post('/api/messages', { to: { room }, body: 'and one more' });
  expect(await copiesOf(posted.body.message.id, all(), toRoom)).toEqual(all().map(() => 1));
});

it('when users behind nginx sit on different nodes, then presence and typing cross them, and offline comes after the grace period', async () => {
  const [dora, eli] = [await register('dora'), await register('eli')];
  const doraSocket = await connect(dora);
  doraSocket.client.send({ type: 'watch', users: [eli.id] });
  await doraSocket.client.waitFor((frame) => frame.type === 'presence' && frame.userId === eli.id);
  // nginx balances round-robin: Eli opens tabs until one is on the other node.
  const eliSockets = [await connect(eli)];
  while (eliSockets.every((socket) => socket.node === doraSocket.node) && eliSockets.length < 6) eliSockets.push(await connect(eli));
  const eliElsewhere = eliSockets.find((socket) => socket.node !== doraSocket.node)!;
  expect(eliElsewhere).toBeDefined();
  await doraSocket.client.waitFor((frame) => frame.type === 'presence' && frame.userId === eli.id && frame.online === true);
  const profile = await eventually(() => dora.client.get(`/api/users/${eli.id}`), (res) => res.body.user?.presence?.online === true);
  expect(profile.body.user.presence).toEqual({ online: true, lastSeenAt: null });

  const conversationId = directConversationId(dora.id, eli.id);
  eliElsewhere.client.send({ type: 'typing', conversationId });
  expect(await doraSocket.client.waitFor((frame) => frame.type === 'typing')).toEqual({ type: 'typing', conversationId, userId: eli.id });

  const from = doraSocket.client.frames.length;
  const closedAt = Date.now();
  await Promise.all(eliSockets.map((socket) => socket.client.close()));
  const offline = await doraSocket.client.waitFor((frame) => frame.type === 'presence' && frame.userId === eli.id && frame.online === false, 30_000, from);
  // PRESENCE_GRACE_SECONDS is 10 by default.
  expect(Date.now() - closedAt).toBeGreaterThanOrEqual(10_000);
  expect(Date.parse(offline.lastSeenAt)).toBeGreaterThanOrEqual(closedAt - 1_000);
});

it('when a node stops, then its clients reconnect through nginx to the other node, resume and miss nothing', async () => {
  const [dave, erin] = [await register('dave'), await register('erin')];
  const daveSocket = await connect(dave);
  const first = await erin.client.post('/api/messages', { to: { userId: dave.id }, body: 'before the node stops' });
  expect(first.status).toBe(202);
  await daveSocket.client.waitFor((frame) => frame.type === 'message' && frame.message.id === first.body.message.id, 15_000);
  const conversationId = String(first.body.message.conversationId);
  const lastSeq = Math.max(...daveSocket.client.messages(conversationId).map((message) => Number(message.seq)));

  const doomed = cluster.state().nodes.find((node) => node.id === daveSocket.node)!;
  process.kill(doomed.pid!, 'SIGTERM');
  await daveSocket.client.waitForClose(20_000);
  await waitUntil(() => cluster.state().nodes.find((node) => node.id === doomed.id)!.pid === null);

  const missed: string[] = [];
  for (const body of ['while Dave was away 1', 'while Dave was away 2']) {
    const res = await erin.client.post('/api/messages', { to: { userId: dave.id }, body });
    expect(res.status).toBe(202);
    missed.push(String(res.body.message.id));
  }

  // Stored before Dave is back, so they come by the replay, not as live pushes.
  await waitUntilAsync(async () => {
    const history = await erin.client.get(`/api/users/${dave.id}/messages`);
    return missed.every((id) => history.body.items?.some((item: { id: string }) => item.id === id));
  });
  const again = await connect(dave);
  expect(again.node).not.toBe(doomed.id);
  again.client.send({ type: 'resume', since: { [conversationId]: lastSeq } });
  await again.client.waitFor((frame) => frame.type === 'resumed', 15_000);
  const replayed = again.client.messages(conversationId);
  expect(replayed.map((message) => message.id)).toEqual(missed);
  expect(replayed.map((message) => message.seq)).toEqual([lastSeq + 1, lastSeq + 2]);

  const live = await erin.client.post('/api/messages', { to: { userId: dave.id }, body: 'after the resume' });
  expect(await copiesOf(live.body.message.id, [again], () => erin.client.post('/api/messages', { to: { userId: dave.id }, body: 'and one more' }))).toEqual([1]);
  expect(idsOn(again).filter((id) => missed.includes(id))).toEqual(missed);
});

it('when the cluster gets SIGTERM, then it stops nginx and its nodes and exits 0', async () => {
  const { nodes } = cluster.state();
  cluster.process.kill('SIGTERM');

  expect(await cluster.exited).toBe(0);
  for (const node of nodes.filter((entry) => entry.pid !== null)) expect(isRunning(node.pid!)).toBe(false);
  await expect(fetch(`${cluster.baseUrl}/readyz`)).rejects.toThrow();
});

function idsOn(socket: ClusterSocket): string[] {
  return socket.client.messages().map((message) => String(message.id));
}

const waitUntil = (condition: () => boolean, timeoutMs = 30_000) => eventually(condition, Boolean, timeoutMs);
const waitUntilAsync = (condition: () => Promise<boolean>, timeoutMs = 30_000) => eventually(condition, Boolean, timeoutMs);

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { RunningNode } from '../../../src/composition/node';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import { eventually } from '../../support/eventually';
import { freePort, startNodeProcess, type NodeProcess } from '../../support/node-process';
import { scrapeMetrics } from '../../support/prometheus';
import { startTestNode, twoNodesPerFile } from '../../support/test-node';
import { WsClient, type Frame } from '../../support/ws-client';
import { openSocket, signUp, socketsClosedAfterEach, type SignedIn } from './ws-support';

/**
 * Issue 15, presence and typing, on two nodes of one real Kafka and Postgres (a third, its
 * own process, is killed with SIGKILL): presence through watches and GET /api/users/{id},
 * offline only after the grace period, typing to the other participants only.
 */
jest.setTimeout(120_000);

const GRACE_SECONDS = 2;
const SESSION_TIMEOUT_MS = 6_000;
const settings = { PRESENCE_GRACE_SECONDS: String(GRACE_SECONDS), KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS) };

describe('presence and typing across nodes', () => {
  const nodes = twoNodesPerFile(settings);
  const open = socketsClosedAfterEach();

  const presenceOf = (socket: WsClient, userId: string, online: boolean, from = 0) =>
    socket.waitFor((frame) => frame.type === 'presence' && frame.userId === userId && frame.online === online, 30_000, from);

  const getUser = async (node: RunningNode, viewer: SignedIn, userId: string): Promise<Frame> => {
    const res = await fetch(`http://127.0.0.1:${node.httpPort}/api/users/${userId}`, { headers: { cookie: viewer.api.cookieHeader() } });
    return (await res.json()) as Frame;
  };

  /** The server has handled everything sent on this socket before now (its frames are answered in order). */
  const roundTrip = async (socket: WsClient) => {
    const marker = `round-trip-${randomBytes(3).toString('hex')}`;
    // A room name no room can have: refused before anything is published.
    socket.send({ type: 'send', to: { room: 'no such room!' }, body: 'x', clientMessageId: marker });
    await socket.waitFor((frame) => frame.type === 'error' && frame.clientMessageId === marker);
  };

  it('when a watched user opens a socket on the other node and closes it, then watchers see online, and offline only after the grace period, and GET /api/users/{id} agrees', async () => {
    const watcher = await signUp(nodes.a, 'watcher');
    const alice = await signUp(nodes.b, 'alice');
    const watching = await open(nodes.a, watcher);
    watching.send({ type: 'watch', users: [alice.user.id] });
    expect(await watching.waitFor((frame) => frame.type === 'presence')).toEqual({ type: 'presence', userId: alice.user.id, online: false, lastSeenAt: null });
    const before = await watcher.api.get(`/api/users/${alice.user.id}`);
    expect(before.status).toBe(200);
    expect(before.body.user.presence).toEqual({ online: false, lastSeenAt: null });

    const aliceSocket = await open(nodes.b, alice);
    expect(await presenceOf(watching, alice.user.id, true)).toEqual({ type: 'presence', userId: alice.user.id, online: true, lastSeenAt: null });
    // Every node knows it, the one without alice's socket too.
    for (const node of [nodes.a, nodes.b]) {
      const answer = await eventually(() => getUser(node, watcher, alice.user.id), (body) => body.user.presence.online === true);
      expect(answer.user.presence).toEqual({ online: true, lastSeenAt: null });
    }

    const afterOnline = watching.frames.length;
    const closedAt = Date.now();
    await aliceSocket.close();
    const offline = await presenceOf(watching, alice.user.id, false, afterOnline);
    const announcedAfterMs = Date.now() - closedAt;
    expect(announcedAfterMs).toBeGreaterThanOrEqual(GRACE_SECONDS * 1_000);
    expect(announcedAfterMs).toBeLessThan(GRACE_SECONDS * 1_000 + 10_000);
    const lastSeenAt = Date.parse(offline.lastSeenAt);
    expect(lastSeenAt).toBeGreaterThanOrEqual(closedAt - 1_000);
    expect(lastSeenAt).toBeLessThanOrEqual(closedAt + 5_000);
    const after = await watcher.api.get(`/api/users/${alice.user.id}`);
    expect(after.body.user.presence).toEqual({ online: false, lastSeenAt: offline.lastSeenAt });
    // Exactly one online and one offline frame after the snapshot: no flicker.
    expect(watching.frames.filter((frame) => frame.type === 'presence').map((frame) => frame.online)).toEqual([false, true, false]);
  });

  it('when a user reconnects to the other node within the grace period, then watchers never see them offline', async () => {
    const watcher = await signUp(nodes.a, 'watcher');
    const [bob, carol] = [await signUp(nodes.a, 'bob'), await signUp(nodes.a, 'carol')];
    const watching = await open(nodes.a, watcher);
    const bobOnA = await open(nodes.a, bob);
    const carolOnA = await open(nodes.a, carol);
    watching.send({ type: 'watch', users: [bob.user.id, carol.user.id] });
    await presenceOf(watching, bob.user.id, true);
    await presenceOf(watching, carol.user.id, true);
    const from = watching.frames.length;

    // Bob moves to node B (a reconnect through the balancer); carol leaves for good, just after him.
    await bobOnA.close();
    await open(nodes.b, bob);
    await carolOnA.close();
    // Carol's offline is announced after the grace that began after bob's: bob's would have come by then.
    await presenceOf(watching, carol.user.id, false, from);
    expect(watching.frames.slice(from).filter((frame) => frame.type === 'presence' && frame.userId === bob.user.id)).toEqual([]);
    expect((await watcher.api.get(`/api/users/${bob.user.id}`)).body.user.presence.online).toBe(true);
  });

  it('when a new watch comes, then it replaces the old set; more than 200 users are refused with validation_failed', async () => {
    const watcher = await signUp(nodes.b, 'watcher');
    const [dan, erin] = [await signUp(nodes.a, 'dan'), await signUp(nodes.a, 'erin')];
    const watching = await open(nodes.b, watcher);
    watching.send({ type: 'watch', users: [dan.user.id] });
    await watching.waitFor((frame) => frame.type === 'presence' && frame.userId === dan.user.id);
    watching.send({ type: 'watch', users: [erin.user.id] });
    await watching.waitFor((frame) => frame.type === 'presence' && frame.userId === erin.user.id);
    const from = watching.frames.length;
    await open(nodes.a, dan);
    await open(nodes.a, erin);
    await presenceOf(watching, erin.user.id, true, from);
    await roundTrip(watching);
    expect(watching.frames.slice(from).filter((frame) => frame.type === 'presence' && frame.userId === dan.user.id)).toEqual([]);

    const tooMany = Array.from({ length: 201 }, () => randomUUID());
    const beforeRefusal = watching.frames.length;
    watching.send({ type: 'watch', users: tooMany });
    const refused = await watching.waitFor((frame) => frame.type === 'error', 15_000, beforeRefusal);
    expect(refused).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'users' }] } });
    // Exactly 200 is fine: a snapshot of each.
    const atLimit = watching.frames.length;
    watching.send({ type: 'watch', users: tooMany.slice(0, 200) });
    await watching.waitForCount((frame) => frame.type === 'presence' && tooMany.includes(frame.userId), 200);
    expect(watching.frames.slice(atLimit).every((frame) => frame.type === 'presence' && frame.online === false)).toBe(true);
  });

  it('when a participant types, then the other participants get it on every node, and not the typist, not an outsider', async () => {
    const [ann, ben, cid, out] = await Promise.all([signUp(nodes.a, 'ann'), signUp(nodes.b, 'ben'), signUp(nodes.a, 'cid'), signUp(nodes.b, 'out')]);
    const room = `typing-${randomBytes(4).toString('hex')}`;
    expect((await ann.api.post('/api/rooms', { name: room })).status).toBe(201);
    for (const member of [ben, cid]) expect((await member.api.post(`/api/rooms/${room}/join`)).status).toBe(200);
    const annOnA = await open(nodes.a, ann);
    const annOnB = await open(nodes.b, ann);
    const benOnA = await open(nodes.a, ben);
    const benOnB = await open(nodes.b, ben);
    const cidOnA = await open(nodes.a, cid);
    const outOnA = await open(nodes.a, out);
    const outOnB = await open(nodes.b, out);
    const roomId = roomConversationId(room);

    annOnA.send({ type: 'typing', conversationId: roomId });
    const expected = { type: 'typing', conversationId: roomId, userId: ann.user.id };
    for (const socket of [benOnA, benOnB, cidOnA]) expect(await socket.waitFor((frame) => frame.type === 'typing')).toEqual(expected);
    // Nodes write a signal to all their sockets at once: after these round trips, a stray frame would be there.
    for (const socket of [annOnA, annOnB, outOnA, outOnB]) await roundTrip(socket);
    for (const socket of [annOnA, annOnB, outOnA, outOnB]) expect(socket.frames.filter((frame) => frame.type === 'typing')).toEqual([]);

    // A direct conversation: the other person only, on both nodes.
    const direct = directConversationId(ann.user.id, ben.user.id);
    const from = benOnA.frames.length;
    benOnB.send({ type: 'typing', conversationId: direct });
    for (const socket of [annOnA, annOnB]) {
      expect(await socket.waitFor((frame) => frame.type === 'typing')).toEqual({ type: 'typing', conversationId: direct, userId: ben.user.id });
    }
    await roundTrip(benOnA);
    expect(benOnA.frames.slice(from).filter((frame) => frame.type === 'typing')).toEqual([]);
  });

  it('when the room\'s membership changes after the nodes hold it, then typing follows it: a newcomer may type at once and is told, one who left is not', async () => {
    const [ann, ben, dan] = await Promise.all([signUp(nodes.a, 'ann'), signUp(nodes.b, 'ben'), signUp(nodes.b, 'dan')]);
    const room = `moving-${randomBytes(4).toString('hex')}`;
    expect((await ann.api.post('/api/rooms', { name: room })).status).toBe(201);
    expect((await ben.api.post(`/api/rooms/${room}/join`)).status).toBe(200);
    const roomId = roomConversationId(room);
    const annOnA = await open(nodes.a, ann);
    const benOnA = await open(nodes.a, ben);
    const benOnB = await open(nodes.b, ben);
    // Both nodes now hold the room's members (ann and ben).
    annOnA.send({ type: 'typing', conversationId: roomId });
    for (const socket of [benOnA, benOnB]) await socket.waitFor((frame) => frame.type === 'typing');
    benOnB.send({ type: 'typing', conversationId: roomId });
    await annOnA.waitFor((frame) => frame.type === 'typing' && frame.userId === ben.user.id);

    expect((await ben.api.post(`/api/rooms/${room}/leave`)).status).toBe(200);
    expect((await dan.api.post(`/api/rooms/${room}/join`)).status).toBe(200);
    const danOnA = await open(nodes.a, dan);
    const danOnB = await open(nodes.b, dan);
    // At once, on the node that did not handle the join: not refused.
    danOnA.send({ type: 'typing', conversationId: roomId });
    await annOnA.waitFor((frame) => frame.type === 'typing' && frame.userId === dan.user.id);

    const benFrom = [benOnA.frames.length, benOnB.frames.length];
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // ann's next typing frame is not throttled
    annOnA.send({ type: 'typing', conversationId: roomId });
    for (const socket of [danOnA, danOnB]) expect(await socket.waitFor((frame) => frame.type === 'typing' && frame.userId === ann.user.id)).toBeTruthy();
    await roundTrip(benOnA);
    await roundTrip(benOnB);
    expect([...benOnA.frames.slice(benFrom[0]), ...benOnB.frames.slice(benFrom[1])].filter((frame) => frame.type === 'typing')).toEqual([]);
  });

  it('when a non-participant types, then it is refused not_found, as for a conversation that does not exist, and nobody is told', async () => {
    const [fay, gus, out] = await Promise.all([signUp(nodes.a, 'fay'), signUp(nodes.a, 'gus'), signUp(nodes.b, 'out')]);
    const room = `closed-${randomBytes(4).toString('hex')}`;
    expect((await fay.api.post('/api/rooms', { name: room })).status).toBe(201);
    const fayOnA = await open(nodes.a, fay);
    const gusOnB = await open(nodes.b, gus);
    const outOnB = await open(nodes.b, out);

    const refusals: Frame[] = [];
    for (const conversationId of [roomConversationId(room), directConversationId(fay.user.id, gus.user.id), roomConversationId(`nothing-${randomBytes(4).toString('hex')}`)]) {
      outOnB.send({ type: 'typing', conversationId });
      refusals.push(await outOnB.waitFor((frame) => frame.type === 'error' && frame.conversationId === conversationId));
    }
    for (const refusal of refusals) expect(refusal).toMatchObject({ code: 'not_found', message: refusals[0]!.message });
    await roundTrip(fayOnA);
    await roundTrip(gusOnB);
    expect([...fayOnA.frames, ...gusOnB.frames].filter((frame) => frame.type === 'typing')).toEqual([]);
  });

  it('when a socket sends typing more often than every 2 s, then the extra frames are dropped silently, unpublished and uncounted by the flood limit', async () => {
    const [hal, ivy] = await Promise.all([signUp(nodes.a, 'hal'), signUp(nodes.b, 'ivy')]);
    const halOnA = await open(nodes.a, hal);
    const ivyOnB = await open(nodes.b, ivy);
    const counts = async () => {
      const scrape = await scrapeMetrics(nodes.a);
      return { published: scrape.value('parley_signals_published_total', { type: 'typing' }), dropped: scrape.value('parley_typing_dropped_total') };
    };
    const before = await counts();

    // Past the flood burst (WS_RATE_BURST, 30): counted, these would end in rate_limited.
    const conversationId = directConversationId(hal.user.id, ivy.user.id);
    for (let i = 0; i < 60; i += 1) halOnA.send({ type: 'typing', conversationId });
    await roundTrip(halOnA);
    await ivyOnB.waitFor((frame) => frame.type === 'typing');
    expect(await counts()).toEqual({ published: before.published + 1, dropped: before.dropped + 59 });
    expect(halOnA.frames.filter((frame) => frame.type === 'error' && frame.code === 'rate_limited')).toEqual([]);
    expect(halOnA.frames.filter((frame) => frame.type === 'error' && frame.clientMessageId === undefined)).toEqual([]);
  });

  it('when users flap online and offline and type, then neither node writes to Postgres per event: signals move, last-seen times wait for their batch', async () => {
    const [lee, max, watcher] = await Promise.all([signUp(nodes.a, 'lee'), signUp(nodes.b, 'max'), signUp(nodes.a, 'watcher')]);
    const room = `quiet-${randomBytes(4).toString('hex')}`;
    expect((await lee.api.post('/api/rooms', { name: room })).status).toBe(201);
    expect((await max.api.post(`/api/rooms/${room}/join`)).status).toBe(200);
    const watching = await open(nodes.a, watcher);
    const maxOnA = await open(nodes.a, max);
    const counts = async (node: RunningNode) => {
      const scrape = await scrapeMetrics(node);
      return {
        writes: scrape.value('parley_db_statements_total', { kind: 'write' }),
        signals: scrape.sum('parley_signals_published_total'),
        lastSeenWrites: scrape.value('parley_last_seen_writes_total'),
      };
    };
    const before = await Promise.all([counts(nodes.a), counts(nodes.b)]);
    // The counter is live: the sign-ups and the room above were written through these nodes.
    expect(before[0]!.writes).toBeGreaterThan(0);
    expect(before[1]!.writes).toBeGreaterThan(0);

    watching.send({ type: 'watch', users: [lee.user.id, max.user.id] });
    await watching.waitForCount((frame) => frame.type === 'presence', 2);
    for (let flap = 0; flap < 3; flap += 1) {
      const from = watching.frames.length;
      const leeSocket = await open(flap % 2 === 0 ? nodes.a : nodes.b, lee);
      await presenceOf(watching, lee.user.id, true, from);
      leeSocket.send({ type: 'typing', conversationId: roomConversationId(room) });
      leeSocket.send({ type: 'typing', conversationId: directConversationId(lee.user.id, max.user.id) });
      await maxOnA.waitForCount((frame) => frame.type === 'typing', 2 * (flap + 1));
      await leeSocket.close();
      await presenceOf(watching, lee.user.id, false, from);
    }

    const after = await Promise.all([counts(nodes.a), counts(nodes.b)]);
    // The only writes allowed are the batched last-seen ones (one statement per node every 30 s): not one per flap.
    const lastSeenWrites = after.map((count, node) => count.lastSeenWrites - before[node]!.lastSeenWrites);
    expect(lastSeenWrites.every((writes) => writes <= 1)).toBe(true);
    expect(after.map((count, node) => count.writes - before[node]!.writes)).toEqual(lastSeenWrites);
    // 3 × (online, offline, 2 typing) at least, and heartbeats: they went through Kafka instead.
    expect(after[0]!.signals + after[1]!.signals - before[0]!.signals - before[1]!.signals).toBeGreaterThanOrEqual(12);
  });

  it('when a node shuts down, then its users who reconnect elsewhere within the grace period never show offline, and the others do after it', async () => {
    const nodeD = await startTestNode(nodes.environment, settings);
    try {
      const [ona, ned, watcher] = await Promise.all([signUp(nodes.a, 'ona'), signUp(nodes.a, 'ned'), signUp(nodes.a, 'watcher')]);
      const watching = await open(nodes.a, watcher);
      watching.send({ type: 'watch', users: [ona.user.id, ned.user.id] });
      await watching.waitForCount((frame) => frame.type === 'presence', 2);
      const onaOnD = await openSocket(nodeD, ona);
      const nedOnD = await openSocket(nodeD, ned);
      await presenceOf(watching, ona.user.id, true);
      await presenceOf(watching, ned.user.id, true);
      const from = watching.frames.length;

      const stoppedAt = Date.now();
      const stopping = nodeD.stop();
      expect((await onaOnD.waitForClose(10_000)).code).toBe(1001);
      await open(nodes.b, ona);
      expect((await nedOnD.waitForClose(10_000)).code).toBe(1001);
      await stopping;
      await presenceOf(watching, ned.user.id, false, from);
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(GRACE_SECONDS * 1_000);
      expect(watching.frames.slice(from).filter((frame) => frame.type === 'presence' && frame.userId === ona.user.id)).toEqual([]);
    } finally {
      await nodeD.stop();
    }
  });

  describe('with a third node in its own process', () => {
    let nodeC: NodeProcess | undefined;
    afterAll(async () => {
      if (nodeC && nodeC.child.exitCode === null && nodeC.child.signalCode === null) {
        nodeC.child.kill('SIGKILL');
        await nodeC.exited;
      }
    });

    it('when a node starts after users came online, then it knows them at once; when it is killed, its users go offline within the session timeout plus the grace period', async () => {
      const [jay, kim, watcher] = await Promise.all([signUp(nodes.a, 'jay'), signUp(nodes.a, 'kim'), signUp(nodes.a, 'watcher')]);
      await open(nodes.a, jay);
      await eventually(() => getUser(nodes.b, watcher, jay.user.id), (body) => body.user.presence.online === true);

      nodeC = await startNodeProcess(nodes.environment, { httpPort: await freePort(), wsPort: await freePort(), nodeId: 'presence-c', env: settings });
      // Its look-back read of the signals topic is done before it is ready: no waiting here.
      const onC = await fetch(`http://127.0.0.1:${nodeC.httpPort}/api/users/${jay.user.id}`, { headers: { cookie: jay.api.cookieHeader() } });
      expect(((await onC.json()) as Frame).user.presence).toEqual({ online: true, lastSeenAt: null });

      const watching = await open(nodes.a, watcher);
      watching.send({ type: 'watch', users: [kim.user.id] });
      await presenceOf(watching, kim.user.id, false);
      const kimOnC = await WsClient.connect(`ws://127.0.0.1:${nodeC.wsPort}/ws`, { cookie: kim.api.cookieHeader() });
      await kimOnC.waitFor((frame) => frame.type === 'hello');
      await presenceOf(watching, kim.user.id, true);

      const afterOnline = watching.frames.length;
      const killedAt = Date.now();
      nodeC.child.kill('SIGKILL');
      await nodeC.exited;
      const offline = await presenceOf(watching, kim.user.id, false, afterOnline);
      const tookMs = Date.now() - killedAt;
      expect(tookMs).toBeGreaterThanOrEqual(GRACE_SECONDS * 1_000);
      // The 250 ms tick and the signal's trip through Kafka on a loaded machine: a little slack.
      expect(tookMs).toBeLessThanOrEqual(SESSION_TIMEOUT_MS + GRACE_SECONDS * 1_000 + 1_500);
      expect(Date.parse(offline.lastSeenAt)).toBeLessThanOrEqual(killedAt);
      expect(watching.frames.filter((frame) => frame.type === 'presence' && frame.userId === kim.user.id).map((frame) => frame.online)).toEqual([false, true, false]);
      // Jay, on a live node, is untouched.
      expect((await getUser(nodes.a, watcher, jay.user.id)).user.presence.online).toBe(true);
    });
  });
});

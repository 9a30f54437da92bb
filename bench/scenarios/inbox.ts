import { account } from '../accounting';
import { newHistogram, recordMs, type Histogram } from '../histogram';
import { errorCode, type JsonHttpClient } from '../http-client';
import { createRoom, registerUsers, type BenchUser } from '../population';
import { storedCount } from '../server-probes';
import { latencyFigures, latencyRows } from './common';
import type { BenchRun, ScenarioOutcome } from './scenario';

/** A quarter of the conversations are rooms, the rest direct conversations, each with a few messages. */
const ROOM_SHARE = 0.25;
const MESSAGES_PER_CONVERSATION = 3;

/**
 * One user in many conversations (`--conversations`, 200) asks for the inbox, one request at
 * a time: `GET /api/conversations` (the first page of 20, then a page of 100). Each
 * conversation has messages of others and of the user, so the read positions and the latest
 * own message are all part of the query. Setup is not measured.
 */
export async function runInbox(run: BenchRun): Promise<ScenarioOutcome> {
  const { options, deployment, http } = run;
  const node = deployment.nodes[0]!;
  const total = options.conversations;
  const rooms = Math.round(total * ROOM_SHARE);
  const directs = total - rooms;
  const count = options.count ?? 500;
  const warmup = Math.min(50, Math.ceil(count / 10));

  const [me, ...peers] = await registerUsers(http, deployment.nodes, 1 + Math.max(directs, 1), run.runTag);
  const roomNames = Array.from({ length: rooms }, (_, i) => `b${run.runTag}-inbox-${i}`);
  for (const [i, name] of roomNames.entries()) await createRoom(http, node, name, [me!, peers[i % peers.length]!]);
  const sends = [
    ...peers.slice(0, directs).flatMap((peer) => [
      { from: peer, to: { userId: me!.id } },
      { from: me!, to: { userId: peer.id } },
      { from: peer, to: { userId: me!.id } },
    ]),
    ...roomNames.flatMap((room, i) => [
      { from: peers[i % peers.length]!, to: { room } },
      { from: me!, to: { room } },
      { from: peers[i % peers.length]!, to: { room } },
    ]),
  ];
  await sendAll(http, node.httpUrl, sends, run.runTag);
  await waitForInbox(http, node.httpUrl, me!, total);

  const firstPage = newHistogram();
  const fullPage = newHistogram();
  let failed = 0;
  const time = async (histogram: Histogram | null, limit: number) => {
    const started = performance.now();
    const res = await http.request('GET', `${node.httpUrl}/api/conversations?limit=${limit}`, { cookie: me!.cookie });
    const elapsed = performance.now() - started;
    if (res.status !== 200) failed += 1;
    else if (histogram) recordMs(histogram, elapsed);
  };
  for (let i = 0; i < warmup; i += 1) await time(null, 20);
  for (let i = 0; i < count; i += 1) await time(firstPage, 20);
  for (let i = 0; i < count; i += 1) await time(fullPage, 100);

  return {
    settings: { conversations: total, directs, rooms, messagesPerConversation: MESSAGES_PER_CONVERSATION, count, warmup, node: node.id },
    rows: [
      ['inbox', `one user in ${total} conversations (${directs} direct, ${rooms} rooms), ${MESSAGES_PER_CONVERSATION} messages each, some unread`],
      ['requests', `${count} of each after ${warmup} to warm up, one at a time, on ${node.id}`],
      ...latencyRows('GET /api/conversations (limit 20)', firstPage),
      ...latencyRows('GET /api/conversations?limit=100', fullPage),
      ['failed requests', String(failed)],
    ],
    figures: { firstPageMs: latencyFigures(firstPage), fullPageMs: latencyFigures(fullPage) },
    charts: [
      { name: 'GET /api/conversations (limit 20)', histogram: firstPage },
      { name: 'GET /api/conversations?limit=100', histogram: fullPage },
    ],
    // The setup messages: every one accepted must be stored (the inbox read them all back already).
    accounting: account({ accepted: { setup: sends.length }, stored: await storedCount(deployment.databaseUrl, run.runTag), expectations: new Map(), reports: [], failedRequests: failed }),
  };
}

/** Sends every message, 16 at a time; any refusal stops the run (setup must be complete to measure). */
async function sendAll(http: JsonHttpClient, baseUrl: string, sends: { from: BenchUser; to: object }[], runTag: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < sends.length) {
      const index = next++;
      const { from, to } = sends[index]!;
      // The run's clientMessageId prefix is what the accounting counts stored rows by.
      const res = await http.post(`${baseUrl}/api/messages`, { to, body: 'inbox bench', clientMessageId: `${runTag}~inbox-${index}` }, from.cookie);
      if (res.status !== 202) throw new Error(`sending a setup message: ${res.status} ${errorCode(res.body) ?? ''}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/** Waits until the store has every setup message: all conversations listed at their last seq. */
async function waitForInbox(http: JsonHttpClient, baseUrl: string, me: BenchUser, conversations: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const items: { lastSeq: number }[] = [];
    let cursor: string | null = null;
    do {
      const res = await http.request('GET', `${baseUrl}/api/conversations?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { cookie: me.cookie });
      if (res.status !== 200) throw new Error(`reading the inbox: ${res.status} ${errorCode(res.body) ?? ''}`);
      const page = res.body as { items: { lastSeq: number }[]; nextCursor: string | null };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    if (items.length === conversations && items.every((item) => item.lastSeq === MESSAGES_PER_CONVERSATION)) return;
    if (Date.now() > deadline) throw new Error(`the inbox holds ${items.length} of ${conversations} conversations after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

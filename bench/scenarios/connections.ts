import { roomConversationId } from '../../src/domain/conversation';
import { sleep } from '../clock';
import { deal } from '../load/fleet';
import type { SocketSpec } from '../load/protocol';
import { createRoom, registerUsers } from '../population';
import { residentBytes } from '../server-probes';
import { failureSummary, latencyFigures, latencyRows, ms, settleAndAccount } from './common';
import type { BenchRun, ScenarioOutcome } from './scenario';

/** Time for the node's memory to settle (lazy frees, GC) before and after opening. */
const QUIET_MS = 3_000;

/**
 * N idle authenticated sockets on one node, shared by a few users (sessions are per user,
 * sockets per tab). Memory per connection is the node's RSS growth over N; afterwards one
 * room message must reach every socket, which proves they are all alive, not just counted.
 */
export async function runConnections(run: BenchRun): Promise<ScenarioOutcome> {
  const { options, deployment } = run;
  const node = deployment.nodes[0]!;
  const users = await registerUsers(run.http, deployment.nodes, Math.min(options.users, options.connections), run.runTag);
  const room = `b${run.runTag}_all`;
  await createRoom(run.http, node, room, users);
  const sockets: SocketSpec[] = Array.from({ length: options.connections }, (_, i) => ({ key: `conn-${i}`, url: node.wsUrl, cookie: users[i % users.length]!.cookie }));

  const fleet = run.startFleet(sockets.length);
  await sleep(QUIET_MS);
  const before = await residentBytes(node);
  const opened = await fleet.open(deal(sockets, fleet.size), options.concurrency);
  await sleep(Math.max(QUIET_MS, options.holdSeconds * 1000));
  const after = await residentBytes(node);
  const perConnection = opened.opened > 0 ? (after - before) / opened.opened : 0;

  const conversationId = roomConversationId(room);
  const sent = await fleet.send([
    { planId: 'check', path: 'http', mode: 'open', rate: 1, count: 1, intervalMs: 0, bodyBytes: options.bodyBytes, timeoutMs: 10_000, senders: [{ httpUrl: node.httpUrl, cookie: users[0]!.cookie, to: { room }, conversationId }] },
  ]);
  const expectations = new Map(sockets.map((socket) => [socket.key, [conversationId]]));
  const { accounting } = await settleAndAccount(run, fleet, { accepted: sent.accepted, failed: sent.failed + opened.failed }, expectations);

  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const rate = opened.opened / (opened.elapsedMs / 1000);
  return {
    settings: { connections: options.connections, users: users.length, node: node.id, concurrencyPerProcess: options.concurrency, holdSeconds: options.holdSeconds, loadProcesses: fleet.size },
    rows: [
      ['sockets', `${opened.opened} of ${options.connections} open on ${node.id} (${users.length} users, ~${Math.ceil(options.connections / users.length)} sockets each; ${fleet.size} load process(es), ${options.concurrency} upgrades in flight each)`],
      ['failed to open', failureSummary(opened.failures)],
      ['time to open all', `${(opened.elapsedMs / 1000).toFixed(1)} s (${rate.toFixed(0)} sockets/s)`],
      ...latencyRows('upgrade → hello', opened.openLatency),
      ['node RSS', `${mib(before)} before, ${mib(after)} after ${ms(Math.max(QUIET_MS, options.holdSeconds * 1000) / 1000)} s idle`],
      ['RSS per connection', `${(perConnection / 1024).toFixed(2)} KiB`],
      ['liveness check', `one room message to all ${opened.opened} sockets`],
    ],
    figures: {
      opened: opened.opened,
      failed: opened.failed,
      failures: opened.failures,
      openSeconds: opened.elapsedMs / 1000,
      socketsPerSecond: rate,
      upgradeToHelloMs: latencyFigures(opened.openLatency),
      rssBeforeBytes: before,
      rssAfterBytes: after,
      rssPerConnectionBytes: perConnection,
    },
    charts: [{ name: `upgrade → hello, ${opened.opened} sockets`, histogram: opened.openLatency }],
    accounting,
  };
}

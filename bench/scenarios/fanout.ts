import { newHistogram, recordMs } from '../histogram';
import { deal } from '../load/fleet';
import { scrapeServerTimings, serverMeans, serverMeansRow } from '../server-metrics';
import { expectationsOf, groupedClients, senderOf, socketOf } from './clients';
import { failureSummary, latencyFigures, latencyRows, settleAndAccount } from './common';
import type { BenchRun, ScenarioOutcome } from './scenario';

/**
 * One room of N members spread over the nodes; one member posts at a low rate. The figure
 * is, per message, the time until the *last* member's socket has it: what the slowest
 * reader of a busy room waits.
 */
export async function runFanout(run: BenchRun): Promise<ScenarioOutcome> {
  const { options, deployment } = run;
  const count = options.count ?? 100;
  const rate = options.rate ?? 10;
  const members = await groupedClients(run, options.members, options.members);
  const fleet = run.startFleet(members.length);
  const perProcess = deal(members, fleet.size);
  const opened = await fleet.open(perProcess.map((list) => list.map(socketOf)), options.concurrency);
  if (opened.failed > 0) throw new Error(`could not open the members' sockets: ${failureSummary(opened.failures)}`);

  // The first member (dealt to process 0) posts over HTTP to its own node.
  const sender = senderOf(members[0]!);
  const plan = (planId: string, n: number) => ({ planId, path: 'http' as const, mode: 'open' as const, rate, count: n, intervalMs: 0, senders: [sender], bodyBytes: options.bodyBytes, timeoutMs: 10_000 });
  const warm = await fleet.send([plan('warmup', Math.min(10, count))]);
  const expectations = expectationsOf(members);
  await fleet.settle(Object.values(warm.accepted).reduce((a, b) => a + b, 0) * members.length, options.settleSeconds * 1000);
  await fleet.collect({ resetHistogram: true });
  const serverBefore = await scrapeServerTimings(deployment.nodes);
  const sent = await fleet.send([plan('measure', count)]);

  const accepted: Record<string, number> = { ...warm.accepted };
  for (const [id, n] of Object.entries(sent.accepted)) accepted[id] = (accepted[id] ?? 0) + n;
  const { accounting, collected } = await settleAndAccount(run, fleet, { accepted, failed: warm.failed + sent.failed }, expectations, { lastArrival: true });
  const server = serverMeans(serverBefore, await scrapeServerTimings(deployment.nodes));
  const lastMember = newHistogram();
  for (const latency of collected.lastArrival.values()) recordMs(lastMember, latency);

  return {
    settings: { members: members.length, count, rate, bodyBytes: options.bodyBytes, loadProcesses: fleet.size },
    rows: [
      ['room', `${members.length} members, one socket each, spread over ${deployment.nodes.length} node(s); ${fleet.size} load process(es)`],
      ['messages', `${count} at ${rate} msg/s, POST by one member to ${members[0]!.node.id}`],
      ...latencyRows('POST → last member has it', lastMember),
      ...latencyRows('POST → each member has it', collected.deliveryLatency),
      ...latencyRows('POST → 202', sent.acceptLatency),
      serverMeansRow(server),
      ['failed requests', failureSummary(sent.failures)],
    ],
    figures: { lastMemberMs: latencyFigures(lastMember), everyMemberMs: latencyFigures(collected.deliveryLatency), acceptMs: latencyFigures(sent.acceptLatency), serverMeansMs: server },
    charts: [
      { name: `POST → last of ${members.length} members has it`, histogram: lastMember },
      { name: 'POST → each member has it', histogram: collected.deliveryLatency },
    ],
    accounting,
  };
}

import { directConversationId } from '../../src/domain/conversation';
import { mergeCounts } from '../load/fleet';
import type { SendPlan } from '../load/protocol';
import { cpuPerMessageRow, startCpuMeter } from '../node-cpu';
import { registerUsers } from '../population';
import { scrapeServerTimings, serverMeans, serverMeansRow } from '../server-metrics';
import { failureSummary, latencyFigures, latencyRows, settleAndAccount } from './common';
import type { BenchRun, ScenarioOutcome } from './scenario';

/**
 * One message at a time between pairs of users: POST on the first node, the recipient's
 * socket on another node. Timed from just before the POST is written to the frame's
 * arrival, so it covers HTTP, Kafka produce, the store consumer, the fan-out consumer and
 * the WebSocket write. The first messages warm the path up and are not in the figures.
 */
export async function runLatency(run: BenchRun): Promise<ScenarioOutcome> {
  const { options, deployment } = run;
  const count = options.count ?? 500;
  const warmup = Math.min(50, Math.ceil(count / 10));
  const sendNode = deployment.nodes[0]!;
  const receiveNode = deployment.nodes[1] ?? sendNode;
  const users = await registerUsers(run.http, deployment.nodes, options.pairs * 2, run.runTag);
  const pairs = Array.from({ length: options.pairs }, (_, i) => ({ sender: users[2 * i]!, recipient: users[2 * i + 1]!, key: `recipient-${i}` }));

  const fleet = run.startFleet(pairs.length);
  const opened = await fleet.open([pairs.map(({ recipient, key }) => ({ key, url: receiveNode.wsUrl, cookie: recipient.cookie }))], options.concurrency);
  if (opened.failed > 0) throw new Error(`could not open the recipients' sockets: ${failureSummary(opened.failures)}`);

  const senders = pairs.map(({ sender, recipient, key }) => ({
    httpUrl: sendNode.httpUrl,
    cookie: sender.cookie,
    to: { userId: recipient.id },
    conversationId: directConversationId(sender.id, recipient.id),
    awaitDeliveryOn: key,
  }));
  const plan = (planId: string, n: number): SendPlan => ({
    planId, path: 'http', mode: 'sequential', rate: 0, count: n, intervalMs: options.intervalMs, senders, bodyBytes: options.bodyBytes, timeoutMs: 10_000,
  });
  const warm = await fleet.send([plan('warmup', warmup)]);
  await fleet.collect({ resetHistogram: true });
  const serverBefore = await scrapeServerTimings(deployment.nodes);
  const cpuMeter = startCpuMeter(deployment.nodes);
  const measured = await fleet.send([plan('measure', count)]);
  const cpuMsPerMessage = cpuMeter(count);
  const server = serverMeans(serverBefore, await scrapeServerTimings(deployment.nodes));

  const accepted = { ...warm.accepted };
  for (const [id, n] of Object.entries(measured.accepted)) accepted[id] = (accepted[id] ?? 0) + n;
  const expectations = new Map(pairs.map(({ key }, i) => [key, [senders[i]!.conversationId]]));
  const { accounting, collected } = await settleAndAccount(run, fleet, { accepted, failed: warm.failed + measured.failed }, expectations);
  const delivery = collected.deliveryLatency;

  return {
    settings: { count, warmup, pairs: options.pairs, intervalMs: options.intervalMs, bodyBytes: options.bodyBytes, sendNode: sendNode.id, receiveNode: receiveNode.id },
    rows: [
      ['messages', `${count} measured after ${warmup} warm-up, one at a time, ${options.intervalMs} ms apart, ${options.pairs} sender→recipient pairs`],
      ['path', `POST ${sendNode.id} → WebSocket on ${receiveNode.id}`],
      ...latencyRows('POST → frame at recipient', delivery),
      ...latencyRows('POST → 202', measured.acceptLatency),
      serverMeansRow(server),
      cpuPerMessageRow(cpuMsPerMessage),
      ['failed requests', failureSummary(mergeCounts([warm.failures, measured.failures]))],
    ],
    figures: { deliveryMs: latencyFigures(delivery), acceptMs: latencyFigures(measured.acceptLatency), serverMeansMs: server, nodeCpuMsPerMessage: cpuMsPerMessage },
    charts: [
      { name: 'POST → frame at recipient on the other node', histogram: delivery },
      { name: 'POST → 202', histogram: measured.acceptLatency },
    ],
    accounting,
  };
}

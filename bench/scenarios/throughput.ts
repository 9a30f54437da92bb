import { summarize, type Histogram } from '../histogram';
import { mergeCounts, type LoadFleet } from '../load/fleet';
import type { SendPlan } from '../load/protocol';
import { cpuPerMessageRow, startCpuMeter, type NodeCpuPerMessage } from '../node-cpu';
import { scrapeServerTimings, serverMeans, serverMeansRow } from '../server-metrics';
import { connectedClients, expectationsOf, senderOf, type Client } from './clients';
import { expectedDeliveries, failureSummary, latencyFigures, latencyRows, ms, settleAndAccount } from './common';
import type { BenchRun, ScenarioOutcome } from './scenario';

/** The knee: the highest rate whose p99 (intended send → frame at recipient) stays under this, with no failed request. */
const KNEE_P99_MS = 250;

interface Step {
  rate: number;
  accepted: number;
  failed: number;
  failures: Record<string, number>;
  deliveries: number;
  expected: number;
  acceptP99: number;
  delivery: Histogram;
  /** The nodes' own mean per stage during the step. */
  server: Record<string, number> | null;
  /** Each node's CPU time over the step, settling included, per accepted message. */
  cpu: NodeCpuPerMessage[];
  passed: boolean;
}

/**
 * Open-loop load: messages leave at the offered rate whatever the answers, from every
 * client in turn, over HTTP or over the clients' own sockets. Latency is counted from the
 * intended send time, so a server falling behind shows as latency, not as a lower rate.
 */
export async function runThroughput(run: BenchRun): Promise<ScenarioOutcome> {
  const { options } = run;
  const { clients, fleet, perProcess } = await connectedClients(run, options.clients, options.roomSize);

  const expectations = expectationsOf(clients);
  const accepted: Record<string, number> = {};
  let failed = 0;
  /** One step of load at `rate` for `seconds`, settled and collected on its own. */
  const step = async (planId: string, rate: number, seconds: number): Promise<Step> => {
    const serverBefore = await scrapeServerTimings(run.deployment.nodes);
    const cpuMeter = startCpuMeter(run.deployment.nodes);
    const sent = await fleet.send(openLoopPlans(fleet, perProcess, planId, rate, seconds, run));
    for (const [id, n] of Object.entries(sent.accepted)) accepted[id] = (accepted[id] ?? 0) + n;
    failed += sent.failed;
    const expected = expectedDeliveries(accepted, expectations);
    const deliveries = await fleet.settle(expected, options.settleSeconds * 1000);
    const { deliveryLatency } = await fleet.collect({ resetHistogram: true });
    const server = serverMeans(serverBefore, await scrapeServerTimings(run.deployment.nodes));
    const stepAccepted = Object.values(sent.accepted).reduce((a, b) => a + b, 0);
    const cpu = cpuMeter(stepAccepted);
    const p99 = summarize(deliveryLatency).p99;
    const passed = sent.failed === 0 && deliveries >= expected && p99 < KNEE_P99_MS;
    return { rate, accepted: stepAccepted, failed: sent.failed, failures: sent.failures, deliveries, expected, acceptP99: summarize(sent.acceptLatency).p99, delivery: deliveryLatency, server, cpu, passed };
  };

  // A warm-up (JIT, connection pools, consumer fetch loops, first session touches), left out
  // of the figures: with 2 s, start-up effects of fresh nodes still landed in a ramp's first step.
  const warmupRate = Math.min(200, options.ramp ? options.rampStart : (options.rate ?? 500));
  if (options.warmupSeconds > 0) await step('warmup', warmupRate, options.warmupSeconds);

  const steps: Step[] = [];
  if (options.ramp) {
    for (let rate = options.rampStart; rate <= options.rampMax; rate += options.rampStep) {
      const result = await step(`ramp${rate}`, rate, options.stepDurationSeconds);
      steps.push(result);
      console.log(`  ramp ${rate} msg/s: p99 ${ms(summarize(result.delivery).p99)} ms, failed ${result.failed}${result.passed ? '' : ' — past the knee'}`);
      if (!result.passed) break;
    }
  } else {
    steps.push(await step('run', options.rate ?? 500, options.durationSeconds));
  }
  const { accounting } = await settleAndAccount(run, fleet, { accepted, failed, failedRequestsAllowed: options.ramp }, expectations);

  const knee = steps.filter((s) => s.passed).at(-1) ?? null;
  const headline = options.ramp ? (knee ?? steps[0]!) : steps[0]!;
  const layout = options.roomSize === 0 ? `${clients.length / 2} DM pairs` : `${clients.length / options.roomSize} rooms of ${options.roomSize}`;
  const rows: [string, string][] = [
    ['clients', `${clients.length} (one socket each, ${layout}, spread over ${run.deployment.nodes.length} node(s); ${fleet.size} load process(es))`],
    ['send path', options.path === 'http' ? 'POST /api/messages to the sender\'s node' : 'WebSocket send frame on the sender\'s socket'],
  ];
  if (options.ramp) {
    for (const s of steps) rows.push([`step ${s.rate} msg/s`, stepText(s, options.stepDurationSeconds)]);
    rows.push(['knee', knee ? `${knee.rate} msg/s (highest step with p99 < ${KNEE_P99_MS} ms and no failed request)` : `below ${options.rampStart} msg/s`]);
  } else {
    rows.push(['offered', `${headline.rate} msg/s for ${options.durationSeconds} s`], ['result', stepText(headline, options.durationSeconds)], ['failed requests', failureSummary(headline.failures)]);
  }
  rows.push(...latencyRows(options.ramp ? `send → frame, at ${headline.rate} msg/s` : 'send → frame at recipients', headline.delivery), serverMeansRow(headline.server), cpuPerMessageRow(headline.cpu));
  return {
    settings: { path: options.path, clients: clients.length, roomSize: options.roomSize, ramp: options.ramp, ...(options.ramp ? { rampStart: options.rampStart, rampStep: options.rampStep, rampMax: options.rampMax, stepDurationSeconds: options.stepDurationSeconds } : { rate: options.rate ?? 500, durationSeconds: options.durationSeconds }), bodyBytes: options.bodyBytes, warmupSeconds: options.warmupSeconds, loadProcesses: fleet.size },
    rows,
    figures: {
      knee: options.ramp ? (knee?.rate ?? null) : undefined,
      steps: steps.map((s) => ({ rate: s.rate, accepted: s.accepted, failed: s.failed, failures: s.failures, deliveries: s.deliveries, expected: s.expected, acceptP99Ms: s.acceptP99, deliveryMs: latencyFigures(s.delivery), serverMeansMs: s.server, nodeCpuMsPerMessage: s.cpu, passed: s.passed })),
      failures: mergeCounts(steps.map((s) => s.failures)),
    },
    charts: [{ name: `send → frame at recipients, ${headline.rate} msg/s over ${options.path}`, histogram: headline.delivery }],
    accounting,
  };
}

/** Open-loop plans: `rate` msg/s for `seconds`, shared by the load processes, each sending from its own clients. */
export function openLoopPlans(fleet: LoadFleet, perProcess: Client[][], planId: string, rate: number, seconds: number, run: BenchRun): (SendPlan | null)[] {
  return perProcess.map((list) =>
    list.length === 0
      ? null
      : {
          planId,
          path: run.options.path,
          mode: 'open',
          rate: rate / fleet.size,
          count: Math.round((rate / fleet.size) * seconds),
          intervalMs: 0,
          senders: list.map(senderOf),
          bodyBytes: run.options.bodyBytes,
          timeoutMs: 10_000,
        },
  );
}

function stepText(s: Step, seconds: number): string {
  const p = summarize(s.delivery);
  return `accepted ${s.accepted} (${(s.accepted / seconds).toFixed(0)}/s), failed ${s.failed}, delivered ${s.deliveries}/${s.expected} cumulative, accept p99 ${ms(s.acceptP99)} ms, delivery p50 ${ms(p.p50)} p99 ${ms(p.p99)} ms${s.passed ? '' : '  ✗'}`;
}

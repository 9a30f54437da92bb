import { newHistogram, recordMs, summarize, type Histogram } from '../histogram';
import { errorCode } from '../http-client';
import { mergeCounts } from '../load/fleet';
import { connectedClients, expectationsOf } from './clients';
import { expectedDeliveries, failureSummary, latencyFigures, latencyRows, ms, settleAndAccount } from './common';
import type { BenchRun, ScenarioOutcome } from './scenario';
import { openLoopPlans } from './throughput';

/** Quiet and burst phases alternate this many times each, so the box's drift falls on both. */
const ROUNDS = 2;

/**
 * Does hashing passwords slow chat down? Messages flow at a steady rate across nodes while
 * phases alternate: quiet, then the same load with 50 sign-ups (--signups) fired at once at its start
 * (bcrypt at the production cost, 12, set for this scenario's nodes). The figure is the
 * difference between the two phases' delivery p99; the sign-ups' own latency is reported too.
 */
export async function runSignups(run: BenchRun): Promise<ScenarioOutcome> {
  const { options } = run;
  const rate = options.rate ?? 50;
  const phaseSeconds = options.durationSeconds / 2;
  // Every user here costs a production hash: a few pairs carry the load.
  const { clients, fleet, perProcess } = await connectedClients(run, Math.min(options.clients, 20), 0);

  const expectations = expectationsOf(clients);
  const accepted: Record<string, number> = {};
  const failures: Record<string, number>[] = [];
  let failed = 0;
  const phase = async (planId: string, seconds: number): Promise<Histogram> => {
    const sent = await fleet.send(openLoopPlans(fleet, perProcess, planId, rate, seconds, run));
    for (const [id, n] of Object.entries(sent.accepted)) accepted[id] = (accepted[id] ?? 0) + n;
    failed += sent.failed;
    failures.push(sent.failures);
    // Every delivery of the phase is in its figures, and the next phase starts from a quiet pipeline.
    await fleet.settle(expectedDeliveries(accepted, expectations), options.settleSeconds * 1000);
    return (await fleet.collect({ resetHistogram: true })).deliveryLatency;
  };

  await phase('warmup', Math.min(5, phaseSeconds));
  const quiet: Histogram[] = [];
  const busy: Histogram[] = [];
  const signupMs = newHistogram();
  for (let round = 1; round <= ROUNDS; round++) {
    quiet.push(await phase(`quiet${round}`, phaseSeconds));
    const signups = signUpBurst(run, `${run.runTag}s${round}`);
    // Awaited after the phase; a failed sign-up must not end the process as unhandled meanwhile.
    signups.catch(() => undefined);
    busy.push(await phase(`signups${round}`, phaseSeconds));
    for (const took of await signups) recordMs(signupMs, took);
  }
  const { accounting } = await settleAndAccount(run, fleet, { accepted, failed }, expectations);

  const quietAll = combined(quiet);
  const busyAll = combined(busy);
  const rise = summarize(busyAll).p99 - summarize(quietAll).p99;
  return {
    settings: { rate, phaseSeconds, rounds: ROUNDS, signupsPerBurst: options.signups, clients: clients.length, path: options.path, bcryptCost: 12 },
    rows: [
      ['load', `${rate} msg/s over ${options.path} between ${clients.length / 2} DM pairs across ${run.deployment.nodes.length} node(s), phases of ${phaseSeconds} s: quiet, then with ${options.signups} sign-ups fired at once; ${ROUNDS} rounds`],
      ...latencyRows('send → frame, quiet phases', quietAll),
      ...latencyRows('send → frame, sign-up phases', busyAll),
      ['p99 rise with sign-ups', `${ms(rise)} ms`],
      ...latencyRows('sign-up, POST /api/auth/register → 201 at bcrypt cost 12', signupMs),
      ['failed requests', failureSummary(mergeCounts(failures))],
    ],
    figures: { quietMs: latencyFigures(quietAll), signupsMs: latencyFigures(busyAll), p99RiseMs: rise, signupMs: latencyFigures(signupMs) },
    charts: [
      { name: 'send → frame, quiet phases', histogram: quietAll },
      { name: `send → frame, with ${options.signups} sign-ups at once`, histogram: busyAll },
    ],
    accounting,
  };
}

/** Fires the burst's sign-ups all at once and resolves with each one's time to its 201. */
async function signUpBurst(run: BenchRun, tag: string): Promise<number[]> {
  const { nodes } = run.deployment;
  return Promise.all(
    Array.from({ length: run.options.signups }, async (_, index) => {
      const node = nodes[index % nodes.length]!;
      const username = `b${tag}_${index}`;
      const started = performance.now();
      // Queued behind one another's hashes on a node's bcrypt threads: seconds each on this box.
      const res = await run.http.request('POST', `${node.httpUrl}/api/auth/register`, { json: { username, email: `${username}@bench.invalid`, password: 'bench password' }, timeoutMs: 120_000 });
      if (res.status !== 201) throw new Error(`signing up ${username}: ${res.status} ${errorCode(res.body) ?? JSON.stringify(res.body)}`);
      return performance.now() - started;
    }),
  );
}

function combined(histograms: readonly Histogram[]): Histogram {
  const total = newHistogram();
  for (const one of histograms) total.add(one);
  return total;
}

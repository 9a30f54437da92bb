/**
 * `npm run bench -- <latency|throughput|fanout|connections|store|hop|inbox|idle> [options]`: starts a Parley
 * deployment (or attaches to one), drives load from forked load processes, prints the
 * figures and the accounting line, and exits non-zero when any message was lost,
 * duplicated or reordered.
 */
import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import { attachDeployment, startDeployment, type Deployment } from './deployment';
import { JsonHttpClient } from './http-client';
import { LoadFleet } from './load/fleet';
import { parseBenchOptions, USAGE, type BenchOptions, type Scenario } from './options';
import { printReport, writeReport } from './report/report';
import { runConnections } from './scenarios/connections';
import { runFanout } from './scenarios/fanout';
import { runHop } from './scenarios/hop';
import { runIdle } from './scenarios/idle';
import { runInbox } from './scenarios/inbox';
import { runLatency } from './scenarios/latency';
import type { BenchRun, ScenarioOutcome } from './scenarios/scenario';
import { runSignups } from './scenarios/signups';
import { runStore } from './scenarios/store';
import { runThroughput } from './scenarios/throughput';

const SCENARIO_RUNNERS: Record<Scenario, (run: BenchRun) => Promise<ScenarioOutcome>> = {
  latency: runLatency,
  throughput: runThroughput,
  fanout: runFanout,
  connections: runConnections,
  store: runStore,
  hop: runHop,
  inbox: runInbox,
  idle: runIdle,
  signups: runSignups,
};

/** Scenarios that measure Kafka and Postgres themselves: their deployment starts no node. */
const WITHOUT_NODES: ReadonlySet<Scenario> = new Set(['hop']);

/** Node settings a scenario needs other than the bench's (BENCH_NODE_SETTINGS): sign-ups are measured at the production cost. */
const SCENARIO_NODE_SETTINGS: Partial<Record<Scenario, Record<string, string>>> = { signups: { BCRYPT_COST: '12' } };

/** Sockets per load process when --load-processes is not given, and the most processes started. */
const SOCKETS_PER_PROCESS = 5_000;
const MAX_PROCESSES = 4;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let options: BenchOptions;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    console.error(`parley bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  // Lower-case hex: it names a database, topics and usernames.
  const runTag = randomBytes(4).toString('hex');
  const fleets: LoadFleet[] = [];
  const http = new JsonHttpClient(64);
  let deployment: Deployment | null = null;
  let interrupted = false;
  const cleanUp = async () => {
    await Promise.all(fleets.map((fleet) => fleet.stop()));
    http.close();
    await deployment?.stop();
  };
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    console.error('parley bench: interrupted, cleaning up');
    void cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    deployment = options.target
      ? await attachDeployment(options)
      : await startDeployment(options, runTag, WITHOUT_NODES.has(options.scenario) ? 0 : options.nodes, SCENARIO_NODE_SETTINGS[options.scenario]);
    console.log(`parley bench ${options.scenario}: run ${runTag}, ${describe(deployment)}`);
    const run: BenchRun = {
      options,
      deployment,
      http,
      runTag,
      startFleet: (sockets) => {
        const count = options.loadProcesses ?? Math.min(MAX_PROCESSES, Math.max(1, Math.ceil(sockets / SOCKETS_PER_PROCESS)));
        const fleet = LoadFleet.start(count, runTag);
        fleets.push(fleet);
        return fleet;
      },
    };
    const outcome = await SCENARIO_RUNNERS[options.scenario](run);
    await Promise.all(fleets.map((fleet) => fleet.closeSockets()));
    printReport(options, outcome);
    if (options.json) console.log(`wrote ${options.json} and ${writeReport(options.json, options, deployment, outcome)}`);
    return outcome.accounting.failures.length === 0 ? 0 : 1;
  } catch (error) {
    console.error(`parley bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    if (!interrupted) await cleanUp();
  }
}

function describe(deployment: Deployment): string {
  const nodes = deployment.nodes.map((node) => `${node.id} (${node.httpUrl}, ${node.wsUrl})`).join(', ');
  if (deployment.description.mode === 'own' && deployment.nodes.length === 0) {
    return `own services, no nodes: database ${String(deployment.description.database)}, topic prefix ${String(deployment.description.topicPrefix)}, brokers ${String(deployment.description.brokers)}`;
  }
  return deployment.description.mode === 'own'
    ? `own deployment: ${nodes}; database ${String(deployment.description.database)}, topic prefix ${String(deployment.description.topicPrefix)}; nodes run with BCRYPT_COST=${String((deployment.description.nodeSettings as Record<string, string>).BCRYPT_COST)}, WS rate limit 1,000,000/s, login throttles off`
    : `attached to ${nodes}`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

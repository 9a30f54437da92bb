import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { BENCH_NODE_SETTINGS } from '../bench/deployment';
import { JsonHttpClient } from '../bench/http-client';
import { mergeCounts } from '../bench/load/fleet';
import { accountRun, type FaultAccounting } from './accounting/accounting';
import type { RunRecord } from './accounting/records';
import { AnswerLog } from './clients/answer-log';
import { FaultCluster } from './deployment/fault-cluster';
import type { OwnServices } from './deployment/own-services';
import { startLoad } from './load';
import { populate, type Population } from './population';
import type { AfterCheck, FaultScenario } from './scenarios/scenario';
import { maxWaitMs, type FaultSettings } from './settings';
import { checkSessions, settleDeliveries } from './verification';

export interface FaultRunOptions {
  settings: FaultSettings;
  services: OwnServices;
  /** Node logs go to <logDir>/<run tag>/<node>.log. */
  logDir: string;
  /** Progress lines (the CLI prints them to stderr). */
  log(line: string): void;
}

export interface FaultReport {
  scenario: string;
  summary: string;
  runTag: string;
  settings: FaultSettings;
  deployment: Record<string, unknown>;
  timeline: { atSeconds: number; event: string }[];
  accounting: FaultAccounting;
  /** How the server closed receivers' sockets, by close code and reason. */
  receiverCloses: Record<string, number>;
  /** Error frames receivers got (e.g. resync_required), by code. */
  receiverErrors: Record<string, number>;
}

/** Why clients talk to the nodes directly: the scenarios put receivers on a chosen node. */
const CONNECTIONS = 'direct to the nodes, no nginx: receivers start on node-2, senders on node-1; a dropped socket reconnects to the next node that says hello within the hello timeout, as nginx failover would';

/**
 * One scenario under steady load, from fresh nodes to the accounting: the same code for
 * `npm run faults` and the jest versions. The services are the caller's (started once,
 * possibly shared by several runs); each run gets its own database, topics and nodes.
 */
export async function runFaultScenario(scenario: FaultScenario, options: FaultRunOptions): Promise<FaultReport> {
  const { settings, services, log } = options;
  const runTag = randomBytes(4).toString('hex');
  const databaseUrl = await services.postgres.createDatabase(`faults_${runTag}`);
  const logDir = path.join(options.logDir, runTag);
  log(`faults ${scenario.name}: run ${runTag}; starting 2 nodes (logs in ${logDir})`);
  const setupStarted = performance.now();
  const elapsed = () => `${((performance.now() - setupStarted) / 1000).toFixed(1)} s`;
  const cluster = await FaultCluster.start(2, nodeEnvironment(settings, services, databaseUrl, runTag), logDir);
  log(`  nodes ready after ${elapsed()}`);
  const http = new JsonHttpClient(128);
  const answers = new AnswerLog();
  let population: Population | null = null;
  try {
    population = await populate({ http, answers, runTag, settings, nodes: cluster.nodes }, scenario.layout(cluster));
    log(`  users registered and connected after ${elapsed()}`);
    const started = performance.now();
    const timeline: FaultReport['timeline'] = [];
    const mark = (event: string) => {
      timeline.push({ atSeconds: Math.round((performance.now() - started) / 100) / 10, event });
      log(`  ${timeline.at(-1)!.atSeconds.toFixed(1).padStart(6)} s  ${event}`);
    };
    const record = await driveLoad(scenario, { population, cluster, services, settings, answers, mark, http, databaseUrl, runTag });
    return {
      scenario: scenario.name,
      summary: scenario.summary,
      runTag,
      settings,
      deployment: { nodes: cluster.nodes.map(({ id, httpUrl, wsUrl }) => ({ id, httpUrl, wsUrl })), brokers: services.kafka.bootstrap, postgresPort: services.postgres.port, database: `faults_${runTag}`, topicPrefix: `f${runTag}`, connections: CONNECTIONS, nodeLogs: logDir },
      timeline,
      accounting: accountRun(record),
      receiverCloses: countCloses(population),
      receiverErrors: mergeCounts(population.receivers.map((receiver) => receiver.errors)),
    };
  } finally {
    await Promise.all([...(population?.receivers ?? []), ...(population?.senders ?? [])].map((client) => client.stop()));
    http.close();
    await cluster.stop();
  }
}

interface LoadContext {
  population: Population;
  cluster: FaultCluster;
  services: OwnServices;
  settings: FaultSettings;
  answers: AnswerLog;
  mark(event: string): void;
  http: JsonHttpClient;
  databaseUrl: string;
  runTag: string;
}

/** Load before, during and after the fault; then the drain, the settle and the checks. */
async function driveLoad(scenario: FaultScenario, context: LoadContext): Promise<RunRecord> {
  const { population, settings, answers, mark } = context;
  const load = startLoad(population);
  try {
    mark(`load starts: ${settings.pairs} pairs at ${settings.rate} msg/s, ${settings.sessionUsers} users calling only GET /api/auth/me`);
    await sleep(settings.warmupMs);
    const afterChecks: Promise<AfterCheck>[] = [];
    await scenario.inject({
      cluster: context.cluster,
      services: context.services,
      settings,
      topicPrefix: `f${context.runTag}`,
      probe: population.probe,
      phase: (phase) => void (answers.phase = phase),
      mark,
      sleep,
      afterwards: (check) => void afterChecks.push(check),
    });
    await sleep(settings.afterMs);
    answers.phase = 'drain';
    mark(`load stops; unacknowledged sends retried for up to ${settings.drainMs / 1000} s`);
    await load.drain(settings.drainMs);
    mark('every send acknowledged or given up; waiting for deliveries');
    const settled = await settleDeliveries(context.databaseUrl, context.runTag, population, settings.settleMs);
    mark(settled.complete ? 'every acknowledged message stored and every stored one received' : `still incomplete after ${settings.settleMs / 1000} s of waiting`);
    await load.stopPolling();
    const revocations = await Promise.all(afterChecks);
    const sessions = await checkSessions(context.http, context.cluster.nodes.slice(0, 2).map((node) => node.httpUrl), population);
    mark('sessions checked');
    return {
      sent: population.senders.flatMap((sender) => sender.sent),
      stored: settled.rows,
      receivers: Object.fromEntries(population.receivers.map((receiver) => [receiver.name, receiver.conversations])),
      sockets: population.receivers.flatMap((receiver) => receiver.logs.filter(Boolean)),
      answers: answers.answers,
      sessionsLost: sessions.lost,
      sessionsChecked: sessions.checked,
      sessionsUnchecked: sessions.unchecked,
      revocationsMissed: revocations.flatMap((check) => check.missed),
      revocationsChecked: revocations.reduce((sum, check) => sum + check.checked, 0),
      unexpectedExits: context.cluster.unexpectedExits,
      maxWaitMs: maxWaitMs(settings),
    };
  } finally {
    load.halt();
  }
}

/** The environment of every node: the bench's settings (cheap bcrypt, no flood limits) and the run's own services. */
function nodeEnvironment(settings: FaultSettings, services: OwnServices, databaseUrl: string, runTag: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...BENCH_NODE_SETTINGS,
    NODE_ENV: 'production',
    LOG_LEVEL: settings.nodeLogLevel,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: services.kafka.bootstrap,
    KAFKA_TOPIC_PREFIX: `f${runTag}`,
    KAFKA_PARTITIONS: String(settings.partitions),
    KAFKA_SESSION_TIMEOUT_MS: String(settings.kafkaSessionTimeoutMs),
    PUBLISH_TIMEOUT_MS: String(settings.publishTimeoutMs),
    // Said out loud: the short runs count on more senders than connections (see SHORT_SETTINGS).
    DATABASE_POOL_SIZE: '10',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    SESSION_COOKIE_SECURE: 'false',
  };
}

function countCloses(population: Population): Record<string, number> {
  const closes: Record<string, number> = {};
  for (const log of population.receivers.flatMap((receiver) => receiver.logs)) if (log?.closedWith) closes[log.closedWith] = (closes[log.closedWith] ?? 0) + 1;
  return closes;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

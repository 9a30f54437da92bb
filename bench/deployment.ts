import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { freePorts, spawnNode, terminate, waitUntilReady, type ClusterNode } from '../scripts/cluster/nodes';
import { ensureLocalKafka } from '../scripts/services/kafka';
import { ensureDatabase, postgresAnswers, startEmbeddedPostgres, withDatabase, type EmbeddedPostgres } from '../scripts/services/postgres';
import type { BenchOptions } from './options';

export interface BenchNode {
  id: string;
  httpUrl: string;
  wsUrl: string;
  /** Set when the bench started the node: its RSS is then read from /proc. */
  pid?: number;
}

export interface Deployment {
  nodes: BenchNode[];
  /** The deployment's database, where stored messages are counted; null when unknown. */
  databaseUrl: string | null;
  /** What the JSON report says about the deployment (no secrets). */
  description: Record<string, unknown>;
  stop(): Promise<void>;
}

const LOCAL_KAFKA = /^(127\.0\.0\.1|localhost):9092$/;

/**
 * What the bench changes from a production node, and why. Registration and logins are
 * bcrypt-bound (cost 12 is ~250 ms of CPU each): cost 4 keeps setup to seconds. The WS
 * flood limit (10/s per user), the login throttles and the sign-ups per address would refuse
 * the bench's own load, which comes from one address.
 */
export const BENCH_NODE_SETTINGS = {
  BCRYPT_COST: '4',
  WS_RATE_PER_SECOND: '1000000',
  WS_RATE_BURST: '1000000',
  LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: '1000000',
  LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
  LOGIN_MAX_FAILURES_PER_IP: '1000000',
  REGISTRATION_MAX_PER_IP: '1000000',
} as const;

/**
 * Kafka (ensured), a fresh database `parley_bench_<random>` and topic prefix, and `nodeCount`
 * nodes (--nodes; none for a scenario that measures the services alone) as child processes from
 * the compiled CLI. stop() removes the database and topics unless --keep.
 */
export async function startDeployment(options: BenchOptions, runTag: string, nodeCount = options.nodes, nodeSettings: Record<string, string> = {}): Promise<Deployment> {
  if (LOCAL_KAFKA.test(options.brokers)) await ensureLocalKafka();
  let embedded: EmbeddedPostgres | null = null;
  let server = options.databaseUrl ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (!(await postgresAnswers(server))) {
    console.log(`no Postgres answers at ${new URL(server).host}: starting an embedded one on port 5435 (.data/postgres-bench)`);
    embedded = await startEmbeddedPostgres({ port: 5435, dataDir: '.data/postgres-bench' });
    server = embedded.url;
  }
  const database = `parley_bench_${runTag}`;
  const databaseUrl = withDatabase(server, database);
  await ensureDatabase(databaseUrl);
  const topicPrefix = `bench${runTag}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...BENCH_NODE_SETTINGS,
    ...nodeSettings,
    // Warnings and errors only: the nodes share the bench's terminal.
    LOG_LEVEL: process.env.BENCH_NODE_LOG_LEVEL ?? 'warn',
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: options.brokers,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_PARTITIONS: String(options.partitions),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    // Plain-HTTP cookies: production would mark them Secure, which a real browser on http would not send.
    SESSION_COOKIE_SECURE: 'false',
  };

  const started: ClusterNode[] = [];
  const stop = async () => {
    await Promise.all(started.map((node) => terminate(node.process, node.exited, 15_000)));
    if (!options.keep) {
      await dropDatabase(server, database).catch((error: unknown) => console.error(`bench: dropping ${database}: ${String(error)}`));
      await deleteTopics(options.brokers, topicPrefix);
    }
    await embedded?.stop();
  };
  try {
    const ports = await freePorts(nodeCount * 2);
    const spawn = (index: number) => {
      const node = spawnNode(`bench-${index + 1}`, ports[index * 2]!, ports[index * 2 + 1]!, env);
      started.push(node);
      return waitUntilReady(`http://127.0.0.1:${node.httpPort}/readyz`, node.exited, node.id, { expectedNode: node.id });
    };
    // The first node migrates the fresh database; the others start once it is ready.
    if (nodeCount > 0) await spawn(0);
    await Promise.all(Array.from({ length: Math.max(0, nodeCount - 1) }, (_, index) => spawn(index + 1)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: started.map((node) => ({ id: node.id, httpUrl: `http://127.0.0.1:${node.httpPort}`, wsUrl: `ws://127.0.0.1:${node.wsPort}/ws`, pid: node.process.pid })),
    databaseUrl,
    description: { mode: 'own', nodes: nodeCount, database, topicPrefix, partitions: options.partitions, brokers: options.brokers, nodeSettings: { ...BENCH_NODE_SETTINGS, ...nodeSettings, NODE_ENV: 'production' } },
    stop,
  };
}

/** Running nodes given by --target; nothing is started or removed. */
export async function attachDeployment(options: BenchOptions): Promise<Deployment> {
  const nodes = (options.target ?? '').split(',').filter(Boolean).map((entry, index): BenchNode => {
    const [http, ws] = entry.split('|');
    const httpUrl = new URL(http!).origin;
    const wsUrl = ws ?? `ws://${new URL(httpUrl).hostname}:${Number(new URL(httpUrl).port || 80) + 1}/ws`;
    return { id: `target-${index + 1}`, httpUrl, wsUrl };
  });
  if (nodes.length === 0) throw new Error('--target names no node');
  for (const node of nodes) {
    const res = await fetch(`${node.httpUrl}/readyz`).catch(() => null);
    if (!res?.ok) throw new Error(`${node.httpUrl}/readyz does not answer 200`);
    node.id = ((await res.json()) as { node?: string }).node ?? node.id;
  }
  return {
    nodes,
    databaseUrl: options.databaseUrl,
    description: { mode: 'attached', targets: nodes.map(({ httpUrl, wsUrl }) => ({ httpUrl, wsUrl })) },
    stop: async () => undefined,
  };
}


async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${database}" with (force)`);
  } finally {
    await admin.end();
  }
}

async function deleteTopics(brokers: string, prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'parley-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } catch (error) {
    console.error(`bench: deleting topics ${prefix}*: ${String(error)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

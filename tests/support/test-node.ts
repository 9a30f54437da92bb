import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { NodeHooks } from '../../src/composition/node-hooks';
import { startNode, type RunningNode } from '../../src/composition/node';
import { loadConfig, type AppConfig } from '../../src/infrastructure/config/config';
import { withDatabase } from '../../scripts/services/postgres';
import { databasePrefix, testRunId, testServices, topicPrefix } from './services';

export interface TestEnvironment {
  /** A database of its own, migrated by the first node started on it. */
  databaseUrl: string;
  /** Topic and consumer-group prefix of its own, so test files never see each other's records. */
  topicPrefix: string;
}

/** A fresh database and topic prefix for one test file: its data never meets another file's. */
export async function createTestEnvironment(): Promise<TestEnvironment> {
  const { databaseUrl } = testServices();
  const run = testRunId();
  const name = `${databasePrefix(run)}${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return { databaseUrl: withDatabase(databaseUrl, name), topicPrefix: `${topicPrefix(run)}${randomBytes(5).toString('hex')}` };
}

/**
 * What every node a test starts shares, in process or as a process: this file's database and
 * topics, few partitions, a fixed secret, cheap bcrypt, and no sign-up limit (every test signs its
 * users up from 127.0.0.1; the files that test the limit set their own).
 */
export function testNodeSettings(environment: TestEnvironment): Record<string, string> {
  return {
    DATABASE_URL: environment.databaseUrl,
    KAFKA_BROKERS: testServices().kafkaBrokers,
    KAFKA_TOPIC_PREFIX: environment.topicPrefix,
    KAFKA_PARTITIONS: '3',
    SESSION_SECRET: 'test-secret-0123456789-0123456789-0123456789',
    BCRYPT_COST: '4',
    REGISTRATION_MAX_PER_IP: '100000',
  };
}

/** The configuration a test node runs with: random ports, quiet logs, cheap bcrypt. */
export function testConfig(environment: TestEnvironment, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    NODE_ID: `test-${randomBytes(3).toString('hex')}`,
    HOST: '127.0.0.1',
    HTTP_PORT: '0',
    WS_PORT: '0',
    LOG_LEVEL: process.env.PARLEY_TEST_LOG_LEVEL ?? 'silent',
    DATABASE_POOL_SIZE: '5',
    ...testNodeSettings(environment),
    ...overrides,
  });
}

/** Starts a whole node (HTTP, WebSocket, consumers) on real Kafka and Postgres. */
export async function startTestNode(environment: TestEnvironment, overrides: Record<string, string> = {}, hooks: NodeHooks = {}): Promise<RunningNode> {
  return startNode(testConfig(environment, overrides), { hooks });
}

/**
 * One node on a fresh Kafka topic prefix and database for the calling test file: started before
 * its first test, stopped after its last. Read it inside tests (`one.node`), not at collection time.
 */
export function oneNodePerFile() {
  const one = {} as { environment: TestEnvironment; node: RunningNode };
  beforeAll(async () => {
    one.environment = await createTestEnvironment();
    one.node = await startTestNode(one.environment);
  });
  afterAll(() => one.node?.stop());
  return one;
}

/**
 * Two nodes on one Kafka and Postgres for the calling test file: started before its first test,
 * stopped after its last. Read them inside tests (`nodes.a`), not at collection time.
 */
export function twoNodesPerFile(overrides: Record<string, string> = {}) {
  const nodes = {} as { environment: TestEnvironment; a: RunningNode; b: RunningNode };
  beforeAll(async () => {
    nodes.environment = await createTestEnvironment();
    nodes.a = await startTestNode(nodes.environment, overrides);
    nodes.b = await startTestNode(nodes.environment, overrides);
  });
  afterAll(async () => {
    await nodes.b?.stop();
    await nodes.a?.stop();
  });
  return nodes;
}

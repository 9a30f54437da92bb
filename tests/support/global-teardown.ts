import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { withDatabase } from '../../scripts/services/postgres';
import { databasePrefix, SERVICES_ENV, topicPrefix } from './services';

/**
 * Removes the databases and topics this run's test files created, and stops what the global
 * setup started (containers, an embedded Postgres). A shared local Kafka stays up for the next
 * run. Only this run's: another run on the same services may still be using its own.
 */
export default async function globalTeardown(): Promise<void> {
  const run = process.env[SERVICES_ENV.run];
  const url = process.env[SERVICES_ENV.databaseUrl];
  const brokers = process.env[SERVICES_ENV.kafkaBrokers];
  if (run && url) await dropDatabases(url, databasePrefix(run));
  if (run && brokers) await deleteTopics(brokers, topicPrefix(run));
  for (const service of globalThis.__parleyServices ?? []) await service.stop();
}

async function dropDatabases(url: string, prefix: string) {
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
  } finally {
    await admin.end();
  }
}

async function deleteTopics(brokers: string, prefix: string) {
  const admin = new Kafka({ clientId: 'parley-test-teardown', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } catch {
    // Leftover topics cost only disk; a teardown must not fail a green run over them.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

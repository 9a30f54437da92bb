import pg from 'pg';
import { withDatabase } from '../../scripts/services/postgres';
import { SERVICES_ENV } from './services';

/**
 * Drops the databases this run's test files created, and stops what the global setup
 * started (containers, an embedded Postgres). A shared local Kafka stays up for the next run.
 */
export default async function globalTeardown(): Promise<void> {
  const url = process.env[SERVICES_ENV.databaseUrl];
  if (url) {
    const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'parley\\_t\\_%'");
    for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`).catch(() => undefined);
    await admin.end();
  }
  for (const service of globalThis.__parleyServices ?? []) await service.stop();
}

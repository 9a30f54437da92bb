import pg from 'pg';
import type { TestEnvironment } from './test-node';

/** Runs one query on the test file's database, on a connection of its own. */
export async function query<T extends pg.QueryResultRow>(environment: TestEnvironment, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: environment.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

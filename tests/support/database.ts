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

/**
 * Records the text of every statement any client of `pool` sends from now on, the way the node
 * counts its own (src/infrastructure/database/database.ts): given a node's pool by the
 * databasePool hook, a test sees what reached Postgres even after the node has stopped.
 */
export function recordStatements(pool: pg.Pool): string[] {
  const statements: string[] = [];
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const [first] = args;
      statements.push(String(typeof first === 'string' ? first : ((first as { text?: unknown } | null)?.text ?? '')));
      return query(...args);
    };
  });
  return statements;
}

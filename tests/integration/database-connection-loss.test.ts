import { createDatabase } from '../../src/infrastructure/database/database';
import { query } from '../support/database';
import { eventually } from '../support/eventually';
import { createTestEnvironment, type TestEnvironment } from '../support/test-node';

/**
 * A Postgres shutdown terminates every backend (57P01). A pooled client checked out between
 * two queries then gets an 'error' event of its own; unhandled, it crashed the node (found by
 * the fault suite's postgres-restart).
 */
describe('a pooled connection that Postgres terminates while it is checked out', () => {
  let environment: TestEnvironment;

  beforeAll(async () => {
    environment = await createTestEnvironment();
  });

  it('when its backend is terminated between two queries, then the process lives on and the pool serves the next query', async () => {
    const database = createDatabase({ url: environment.databaseUrl, poolSize: 2 });
    try {
      const client = await database.pool.connect();
      const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      await query(environment, 'select pg_terminate_backend($1)', [pid]);
      // The client learns of it by itself (no query running): that event once had no listener.
      await eventually(() => (client as unknown as { _ending: boolean; _queryable: boolean })._queryable, (queryable) => queryable === false, 5_000);
      client.release(true);
      const { rows } = await database.pool.query<{ one: number }>('select 1 as one');
      expect(rows[0]!.one).toBe(1);
    } finally {
      await database.close();
    }
  });
});

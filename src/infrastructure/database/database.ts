import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// Postgres returns bigint (int8) as text so precision is never lost; our seq values
// stay far below 2^53, so parse them as numbers at the edge instead of everywhere.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** The raw pool, shared with libraries that want one (session store, throttling). */
  pool: pg.Pool;
  close(): Promise<void>;
}

export function createDatabase(options: { url: string; poolSize: number; applicationName?: string }): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    application_name: options.applicationName ?? 'parley',
    connectionTimeoutMillis: 5_000,
    // Connections are kept, not dropped after pg's default 10 s idle: opening one forks a
    // Postgres backend, and the bench saw 300-500 ms stalls every ~15 s as a node's pool
    // shrank between bursts and grew again. Keep-alive lets a dead peer be noticed.
    idleTimeoutMillis: 0,
    keepAlive: true,
  });
  // An idle client that loses its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  // Nor one that is checked out between two queries when Postgres shuts down (57P01): pg then
  // emits 'error' on the client itself, which with no listener took the whole node down. The
  // client is unusable afterwards and the pool drops it when it comes back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    // Kysely's destroy() ends the pool it was given.
    close: () => db.destroy(),
  };
}

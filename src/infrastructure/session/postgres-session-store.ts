import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type pg from 'pg';
import type { Logger } from '../logging/logger';

const PgSession = connectPgSimple(session);
export type PostgresSessionStore = InstanceType<typeof PgSession>;

/**
 * Sessions live in Postgres (connect-pg-simple) so every node sees every login. The table
 * and its indexes come from the migrations; expired rows are pruned every few minutes.
 */
export function createPostgresSessionStore(pool: pg.Pool, logger: Logger): PostgresSessionStore {
  return new PgSession({
    pool,
    tableName: 'session',
    createTableIfMissing: false,
    pruneSessionInterval: 5 * 60,
    errorLog: (...args: unknown[]) => logger.error({ detail: args.map(String).join(' ') }, 'session store error'),
  });
}

import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql, type RawBuilder } from 'kysely';
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

/** What a statement does, as far as counting goes: `write` may change data (or lock rows for it). */
export type StatementKind = 'read' | 'write' | 'other';

const WRITES = /\b(insert|update|delete|merge|truncate|alter|create|drop)\b/i;

export function statementKind(sql: string): StatementKind {
  if (WRITES.test(sql)) return 'write';
  return /^\s*(select|with|show|values)\b/i.test(sql) ? 'read' : 'other';
}

const PREPARED = /^\/\* prepared ([a-z-]+) \*\//;

/**
 * Starts a statement of fixed text (arrays or jsonb carry its rows, so the text never varies
 * with the input) that runs on the hot path: each pooled connection parses and plans it once
 * and then only binds and executes it. Only fixed texts may be marked: every distinct text
 * stays prepared on each connection for as long as the connection lives.
 */
export const preparedAs = (name: string): RawBuilder<unknown> => sql.raw(`/* prepared ${name} */`);

/** pg prepares a query that has a name; the name follows the text, so a changed text is a new statement. */
function namedIfPrepared(args: unknown[]): unknown[] {
  const [text, values, ...rest] = args;
  if (typeof text !== 'string' || !Array.isArray(values)) return args;
  const marked = PREPARED.exec(text);
  if (!marked) return args;
  let name = preparedNames.get(text);
  if (name === undefined) {
    name = `${marked[1]}-${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
    preparedNames.set(text, name);
  }
  return [{ name, text, values }, ...rest];
}

/** Names of the marked texts seen so far: a handful of fixed texts, so the map stays small. */
const preparedNames = new Map<string, string>();

export function createDatabase(options: {
  url: string;
  poolSize: number;
  applicationName?: string;
  /** Told of every statement any client of the pool runs (Kysely's, the session store's, the throttles'). */
  onStatement?: (kind: StatementKind) => void;
}): DatabaseHandle {
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
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    const { onStatement } = options;
    // Every query of every library goes through a pooled client's query(): named and counted once, here.
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      if (onStatement) {
        const [first] = args;
        const text = typeof first === 'string' ? first : ((first as { text?: unknown } | null)?.text ?? '');
        onStatement(statementKind(String(text)));
      }
      return query(...namedIfPrepared(args));
    };
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    close: async () => {
      await db.destroy();
      // Kysely ends the pool only if it ever used it: a handle used through `pool` alone (a
      // test, a script) kept its connections open, and held its process alive, after close().
      if (!pool.ended) await pool.end();
    },
  };
}

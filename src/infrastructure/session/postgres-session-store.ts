import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type pg from 'pg';
import type { Logger } from '../logging/logger';

const PgSession = connectPgSimple(session);

/** The longest the stored expiry may trail the last request: a small slice of the idle timeout. */
export function touchInterval(idleTimeoutMs: number): number {
  return Math.min(60_000, Math.floor(idleTimeoutMs / 20));
}

/**
 * connect-pg-simple, except that `touch` (an UPDATE that express-session waits for before it
 * ends every response of a rolling session) is written at most once per interval per session
 * and node. Chat clients call the API many times a minute; the row's expiry then trails the
 * last request by at most the interval, so a session may end that much *before* its idle
 * timeout, never after it.
 */
export class PostgresSessionStore extends PgSession {
  private recentlyTouched = new Map<string, number>();
  private readonly sweep: NodeJS.Timeout;

  constructor(options: ConstructorParameters<typeof PgSession>[0], private readonly intervalMs: number) {
    super(options);
    // Forget old entries so the map holds only sessions active within the last interval or two.
    this.sweep = setInterval(() => this.forgetBefore(Date.now() - this.intervalMs), this.intervalMs);
    this.sweep.unref();
  }

  override touch(sid: string, sess: session.SessionData, callback?: (error?: unknown) => void): void {
    const now = Date.now();
    const last = this.recentlyTouched.get(sid);
    if (last !== undefined && now - last < this.intervalMs) {
      callback?.();
      return;
    }
    this.recentlyTouched.set(sid, now);
    super.touch(sid, sess, callback);
  }

  override destroy(sid: string, callback?: (error?: unknown) => void): void {
    this.recentlyTouched.delete(sid);
    super.destroy(sid, callback);
  }

  override close() {
    clearInterval(this.sweep);
    return super.close();
  }

  private forgetBefore(cutoff: number) {
    for (const [sid, at] of this.recentlyTouched) if (at < cutoff) this.recentlyTouched.delete(sid);
  }
}

/**
 * Sessions live in Postgres (connect-pg-simple) so every node sees every login. The table
 * and its indexes come from the migrations; expired rows are pruned every few minutes.
 */
export function createPostgresSessionStore(pool: pg.Pool, logger: Logger, options: { idleTimeoutMs: number }): PostgresSessionStore {
  return new PostgresSessionStore(
    {
      pool,
      tableName: 'session',
      createTableIfMissing: false,
      pruneSessionInterval: 5 * 60,
      errorLog: (...args: unknown[]) => logger.error({ detail: args.map(String).join(' ') }, 'session store error'),
    },
    touchInterval(options.idleTimeoutMs),
  );
}

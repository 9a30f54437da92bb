import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type pg from 'pg';
import type { Logger } from '../logging/logger';
import type { SessionCache } from './session-cache';

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

  constructor(
    options: ConstructorParameters<typeof PgSession>[0],
    private readonly intervalMs: number,
    private readonly cache: SessionCache,
  ) {
    super(options);
    // Forget old entries so the map holds only sessions active within the last interval or two.
    this.sweep = setInterval(() => this.forgetBefore(Date.now() - this.intervalMs), this.intervalMs);
    this.sweep.unref();
  }

  /** Answered from the node's session cache when it read the row a moment ago. */
  override get(sid: string, callback: (error: unknown, session?: session.SessionData | null) => void): void {
    const cached = this.cache.session(sid);
    if (cached) {
      callback(null, cached);
      return;
    }
    super.get(sid, (error: unknown, data?: session.SessionData | null) => {
      if (!error && data) this.cache.rememberSession(sid, data);
      callback(error, data);
    });
  }

  override set(sid: string, sess: session.SessionData, callback?: (error?: unknown) => void): void {
    this.cache.forgetSession(sid);
    super.set(sid, sess, callback);
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
    this.cache.forgetSession(sid);
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
export function createPostgresSessionStore(pool: pg.Pool, logger: Logger, options: { idleTimeoutMs: number }, cache: SessionCache): PostgresSessionStore {
  return new PostgresSessionStore(
    {
      pool,
      tableName: 'session',
      createTableIfMissing: false,
      pruneSessionInterval: 5 * 60,
      errorLog: (...args: unknown[]) => logger.error({ detail: args.map(String).join(' ') }, 'session store error'),
    },
    touchInterval(options.idleTimeoutMs),
    cache,
  );
}

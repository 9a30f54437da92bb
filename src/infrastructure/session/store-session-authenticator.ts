import { parse as parseCookie } from 'cookie';
import { unsign } from 'cookie-signature';
import type { SessionData, Store } from 'express-session';
import { sql, type Kysely } from 'kysely';
import type { AuthenticatedSession, SessionAuthenticator } from '../../application/ports/session-authenticator';
import type { UserRepository } from '../../application/ports/user-repository';
import { sessionKeyOf, sessionOutlived } from '../../domain/session';
import type { Database } from '../database/schema';

/**
 * Reads the same signed cookie and the same store as express-session, for connections that
 * never pass through Express (the WebSocket upgrade), and applies the same limits.
 */
export class StoreSessionAuthenticator implements SessionAuthenticator {
  constructor(
    private readonly store: Store,
    private readonly users: Pick<UserRepository, 'findById'>,
    private readonly db: Kysely<Database>,
    private readonly options: { cookieName: string; secrets: readonly string[]; maxAgeMs: number; idleTimeoutMs: number },
  ) {}

  async authenticate(cookieHeader: string | undefined): Promise<AuthenticatedSession | null> {
    const sessionId = this.sessionIdFrom(cookieHeader);
    if (!sessionId) return null;
    const data = await this.load(sessionId);
    if (!data?.userId || data.createdAt === undefined || sessionOutlived(data.createdAt, Date.now(), this.options.maxAgeMs)) {
      return null;
    }
    const user = await this.users.findById(data.userId);
    if (!user?.active) return null;
    return { user: { id: user.id, username: user.username, role: user.role }, sessionId, sessionKey: sessionKeyOf(sessionId) };
  }

  /**
   * One statement for any number of sockets: the periodic re-check of a node costs the same for
   * 10 or 10,000, and a send's check is one round trip. The select reads the snapshot before the
   * touch, whose condition is the same as its own, so it answers what it would have after it.
   */
  async liveSessions(sessionIds: readonly string[], used: readonly string[]): Promise<Set<string>> {
    if (sessionIds.length === 0) return new Set();
    const bornAfter = Date.now() - this.options.maxAgeMs;
    const { rows } = await sql<{ sid: string }>`
      with touched as (
        update session set expire = now() + ${`${this.options.idleTimeoutMs} milliseconds`}::interval
        where sid = any(${[...used]}) and expire >= now()
      )
      select s.sid from session s join users u on u.id::text = s.sess->>'userId'
      where s.sid = any(${[...sessionIds]}) and s.expire >= now() and u.active
        and (s.sess->>'createdAt')::bigint > ${bornAfter}`.execute(this.db);
    return new Set(rows.map((row) => row.sid));
  }

  /** express-session writes `s:<id>.<signature>`; any configured secret may have signed it. */
  private sessionIdFrom(cookieHeader: string | undefined): string | null {
    if (!cookieHeader) return null;
    const raw = parseCookie(cookieHeader)[this.options.cookieName];
    if (!raw?.startsWith('s:')) return null;
    for (const secret of this.options.secrets) {
      const sessionId = unsign(raw.slice(2), secret);
      if (sessionId !== false) return sessionId;
    }
    return null;
  }

  /** The store answers only rows that have not expired, which enforces the idle timeout. */
  private load(sessionId: string): Promise<SessionData | null> {
    return new Promise((resolve, reject) => {
      this.store.get(sessionId, (error, data) => (error ? reject(error) : resolve(data ?? null)));
    });
  }
}

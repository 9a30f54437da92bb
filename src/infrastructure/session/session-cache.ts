import type { SessionData } from 'express-session';
import { LRUCache } from 'lru-cache';
import type { SessionEndListener } from '../../application/ports/session-end-listener';
import type { UserRepository } from '../../application/ports/user-repository';
import { sessionKeyOf } from '../../domain/session';
import type { User } from '../../domain/user';

/** How long a node trusts what it read about a session or its user without reading again. */
export const SESSION_CACHE_MS = 5_000;
const MAX_ENTRIES = 50_000;

/**
 * What this node read lately about sessions and their users, so that a request (and a
 * WebSocket upgrade) does not read Postgres twice before it starts. Entries live a few seconds
 * and are dropped at once when this node ends a session or the control topic says another did;
 * a revocation whose event was lost still takes effect within SESSION_CACHE_MS.
 */
export class SessionCache implements SessionEndListener {
  private readonly sessions = new LRUCache<string, { data: SessionData }>({ max: MAX_ENTRIES, ttl: SESSION_CACHE_MS });
  /** sessionKey → session id, for events that name sessions by their hash. */
  private readonly keys = new LRUCache<string, string>({ max: MAX_ENTRIES, ttl: SESSION_CACHE_MS });
  private readonly users = new LRUCache<string, User>({ max: MAX_ENTRIES, ttl: SESSION_CACHE_MS });

  /** A copy: express-session mutates what it is given (the cookie's expiry on every request). */
  session(sessionId: string): SessionData | undefined {
    const cached = this.sessions.get(sessionId);
    return cached && structuredClone(cached.data);
  }

  rememberSession(sessionId: string, data: SessionData): void {
    this.sessions.set(sessionId, { data: structuredClone(data) });
    this.keys.set(sessionKeyOf(sessionId), sessionId);
  }

  forgetSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /** A user repository whose `findById` answers from this cache (deactivations drop entries). */
  usersThrough(repository: UserRepository): Pick<UserRepository, 'findById'> {
    return {
      findById: async (id) => {
        const cached = this.users.get(id);
        if (cached) return cached;
        const user = await repository.findById(id);
        if (user) this.users.set(id, user);
        return user;
      },
    };
  }

  sessionRevoked(sessionKey: string): void {
    const sessionId = this.keys.get(sessionKey);
    if (sessionId !== undefined) this.sessions.delete(sessionId);
  }

  userDeactivated(userId: string): void {
    this.users.delete(userId);
    for (const [sessionId, { data }] of this.sessions.entries()) if (data.userId === userId) this.sessions.delete(sessionId);
  }
}

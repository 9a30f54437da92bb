import type { PublicUser, Role } from '../../domain/user';

export interface AuthenticatedSession {
  user: PublicUser & { role: Role };
  /** The session id itself: kept server-side only, to re-check the session while a socket lives. */
  sessionId: string;
  /** SHA-256 hex of the session id: what `session.revoked` events name. */
  sessionKey: string;
}

/** Recognises the signed-in user of a connection that is not an Express request (the WebSocket upgrade). */
export interface SessionAuthenticator {
  /** From a raw Cookie header: the signed-in user and the SHA-256 of the session id, or null. */
  authenticate(cookieHeader: string | undefined): Promise<AuthenticatedSession | null>;
  /**
   * Which of these sessions are still live: stored and unexpired, within their absolute
   * lifetime, of an active user. The idle expiry of those in `used` is pushed forward first
   * (a socket in use is activity, as a request is).
   */
  liveSessions(sessionIds: readonly string[], used: readonly string[]): Promise<Set<string>>;
}

import type { PublicUser, Role } from '../../domain/user';

export interface AuthenticatedSession {
  user: PublicUser & { role: Role };
  /** SHA-256 hex of the session id: what `session.revoked` events name. */
  sessionKey: string;
}

/** Recognises the signed-in user of a connection that is not an Express request (the WebSocket upgrade). */
export interface SessionAuthenticator {
  /** From a raw Cookie header: the signed-in user and the SHA-256 of the session id, or null. */
  authenticate(cookieHeader: string | undefined): Promise<AuthenticatedSession | null>;
}

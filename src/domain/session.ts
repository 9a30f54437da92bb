import { createHash } from 'node:crypto';

/**
 * How a session is named outside the session store (events, WebSocket bookkeeping): the
 * SHA-256 of its id, so a logged or published key can never be replayed as a cookie.
 */
export function sessionKeyOf(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

/** The session cookie's name: part of the public contract (Swagger UI and curl examples name it). */
export const SESSION_COOKIE_NAME = 'parley.sid';

/** A session dies this long after login however active it stays; idle expiry is the store's job. */
export function sessionOutlived(createdAtMs: number, nowMs: number, maxAgeMs: number): boolean {
  return !Number.isFinite(createdAtMs) || nowMs - createdAtMs >= maxAgeMs;
}

import { createHash } from 'node:crypto';

/**
 * How a session is named outside the session store (events, WebSocket bookkeeping): the
 * SHA-256 of its id, so a logged or published key can never be replayed as a cookie.
 */
export function sessionKeyOf(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

/** A session dies this long after login however active it stays; idle expiry is the store's job. */
export function sessionOutlived(createdAtMs: number, nowMs: number, maxAgeMs: number): boolean {
  return !Number.isFinite(createdAtMs) || nowMs - createdAtMs >= maxAgeMs;
}

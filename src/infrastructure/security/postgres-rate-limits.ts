import { createHash } from 'node:crypto';
import { RateLimiterRes, type RateLimiterPostgres } from 'rate-limiter-flexible';

/**
 * The one table of every throttle (its name is from its first use), told apart by key prefix.
 * One table, not one per throttle: rate-limiter-flexible names its prepared statements without
 * the table, so two tables on one pool would clash ("Prepared statements must be unique").
 */
export const THROTTLE_TABLE = 'login_throttle';

/**
 * The throttle table's key is varchar(255) and rate-limiter-flexible puts its prefix in front:
 * a longer key (a long login name, a forged X-Forwarded-For) is stored as its SHA-256 instead.
 */
const MAX_KEY_CHARS = 200;

export function boundedKey(key: string): string {
  return key.length <= MAX_KEY_CHARS ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

export interface Taken {
  /** Points used in the window, this one included. */
  consumed: number;
  /** Whether this point went past the allowance. */
  over: boolean;
  /** Seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
}

/** One atomic point off a key; rate-limiter-flexible rejects with a RateLimiterRes past the allowance, which is an answer, not an error. */
export async function takePoint(limiter: RateLimiterPostgres, key: string): Promise<Taken> {
  let res: RateLimiterRes;
  try {
    res = await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    res = rejection;
  }
  return { consumed: res.consumedPoints, over: res.consumedPoints > limiter.points, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
}

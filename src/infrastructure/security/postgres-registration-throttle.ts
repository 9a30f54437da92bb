import type pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { RegistrationThrottle } from '../../application/ports/registration-throttle';
import { boundedKey, takePoint, THROTTLE_TABLE } from './postgres-rate-limits';

export interface RegistrationThrottleOptions {
  maxPerIp: number;
  windowSeconds: number;
}

/**
 * Sign-ups per address in Postgres (rate-limiter-flexible), shared by every node like the
 * login counts. Every attempt that reaches the hash counts, whatever its outcome: the hash is
 * the cost being limited.
 */
export class PostgresRegistrationThrottle implements RegistrationThrottle {
  private readonly perIp: RateLimiterPostgres;

  constructor(pool: pg.Pool, options: RegistrationThrottleOptions) {
    this.perIp = new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: THROTTLE_TABLE,
      tableCreated: true,
      keyPrefix: 'register_ip',
      points: options.maxPerIp,
      duration: options.windowSeconds,
    });
  }

  async take(ip: string): Promise<number | null> {
    const taken = await takePoint(this.perIp, boundedKey(ip));
    return taken.over ? taken.retryAfterSeconds : null;
  }
}

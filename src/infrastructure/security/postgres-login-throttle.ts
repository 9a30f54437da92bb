import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { LoginThrottle, ThrottleKeys } from '../../application/ports/login-throttle';

export interface LoginThrottleOptions {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

const TABLE = 'login_throttle';

/**
 * Failed-login counters in Postgres (rate-limiter-flexible), so every node behind the load
 * balancer sees the same counts. The table comes from a migration, not from the library.
 * Once an allowance is used up the key stays blocked for the whole window: a guesser who
 * keeps trying waits again from the last failure.
 */
export class PostgresLoginThrottle implements LoginThrottle {
  private readonly perAccount: RateLimiterPostgres;
  private readonly perIp: RateLimiterPostgres;

  constructor(pool: pg.Pool, options: LoginThrottleOptions) {
    const common = { storeClient: pool, storeType: 'pool', tableName: TABLE, tableCreated: true, duration: options.windowSeconds };
    this.perAccount = new RateLimiterPostgres({
      ...common,
      keyPrefix: 'login_account',
      points: options.maxFailuresPerAccount,
      blockDuration: options.windowSeconds,
    });
    this.perIp = new RateLimiterPostgres({
      ...common,
      keyPrefix: 'login_ip',
      points: options.maxFailuresPerIp,
      blockDuration: options.windowSeconds,
    });
  }

  async retryAfter(keys: ThrottleKeys): Promise<number | null> {
    const [account, ip] = await Promise.all([this.perAccount.get(keys.account), this.perIp.get(keys.ip)]);
    return this.longestWait([
      [account, this.perAccount.points],
      [ip, this.perIp.points],
    ]);
  }

  // The failure that uses up the allowance still answers 401; only a failure past it (a race
  // between nodes) is told to wait here. The next attempt is stopped by retryAfter.
  async recordFailure(keys: ThrottleKeys): Promise<number | null> {
    const [account, ip] = await Promise.all([this.consume(this.perAccount, keys.account), this.consume(this.perIp, keys.ip)]);
    return this.longestWait([
      [account, this.perAccount.points + 1],
      [ip, this.perIp.points + 1],
    ]);
  }

  async reset(keys: ThrottleKeys): Promise<void> {
    await this.perAccount.delete(keys.account);
  }

  /** rate-limiter-flexible rejects with a RateLimiterRes when the points run out; that is an answer, not an error. */
  private async consume(limiter: RateLimiterPostgres, key: string): Promise<RateLimiterRes> {
    try {
      return await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return rejection;
      throw rejection;
    }
  }

  /** The longest wait among the keys that have reached their limit. */
  private longestWait(results: [RateLimiterRes | null, number][]): number | null {
    const waits = results
      .filter(([res, points]) => res !== null && res.consumedPoints >= points)
      .map(([res]) => Math.max(1, Math.ceil(res!.msBeforeNext / 1000)));
    return waits.length > 0 ? Math.max(...waits) : null;
  }
}

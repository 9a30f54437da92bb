import type pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { LoginThrottle, ThrottleKeys } from '../../application/ports/login-throttle';
import { boundedKey, takePoint, THROTTLE_TABLE } from './postgres-rate-limits';

export interface LoginThrottleOptions {
  /** Failed logins one address may have against one account per window. */
  maxFailuresPerAccountIp: number;
  /** Failed logins an account may have per window from every address together; past it only clean addresses may try. */
  maxFailuresPerAccount: number;
  /** Failed logins one address may have per window against every account together. */
  maxFailuresPerIp: number;
  windowSeconds: number;
}

/**
 * Login attempt counters in Postgres (rate-limiter-flexible), so every node behind the load
 * balancer sees the same counts. The table comes from a migration, not from the library.
 * Each count is an atomic upsert taken before the password is checked, so a parallel burst
 * gets exactly the allowance checked and the rest refused. Windows are fixed: they start at
 * the first attempt and the count starts again when they end.
 */
export class PostgresLoginThrottle implements LoginThrottle {
  private readonly perPair: RateLimiterPostgres;
  private readonly perAccount: RateLimiterPostgres;
  private readonly perIp: RateLimiterPostgres;

  constructor(pool: pg.Pool, options: LoginThrottleOptions) {
    const limiter = (keyPrefix: string, points: number, clearExpiredByTimeout = false) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: THROTTLE_TABLE,
        tableCreated: true,
        keyPrefix,
        points,
        duration: options.windowSeconds,
        clearExpiredByTimeout,
      });
    this.perPair = limiter('login_account_ip', options.maxFailuresPerAccountIp);
    this.perAccount = limiter('login_account', options.maxFailuresPerAccount);
    // One limiter per node sweeps the shared table: rows an hour past their window, every 5 minutes.
    this.perIp = limiter('login_ip', options.maxFailuresPerIp, true);
  }

  async begin(keys: ThrottleKeys): Promise<number | null> {
    // One counter after the other, each taken only by an attempt the one before let through: a
    // refused attempt spends no other allowance. Taken side by side, a burst's upserts land in a
    // different order on each counter, and an attempt within its account's allowance could be
    // refused by the address's, so fewer than the allowance were checked.
    const ip = await takePoint(this.perIp, boundedKey(keys.ip));
    if (ip.over) return ip.retryAfterSeconds;
    const pair = await takePoint(this.perPair, pairKey(keys));
    if (pair.over) return pair.retryAfterSeconds;
    // The address is within its allowances; the account's ceiling stops only addresses that
    // have failed lately. One that has not (this attempt is its first in the window) may try:
    // that is how the owner still gets in while guessers elsewhere hold the account at its ceiling.
    const account = await takePoint(this.perAccount, boundedKey(keys.account));
    const cleanAddress = ip.consumed === 1;
    return cleanAddress || !account.over ? null : account.retryAfterSeconds;
  }

  async succeeded(keys: ThrottleKeys): Promise<void> {
    // Hands back only this attempt: wiping the failures before it would let the rest of a
    // parallel burst that holds one right password be checked past the allowance.
    await Promise.all([
      this.perPair.reward(pairKey(keys), 1),
      this.perIp.reward(boundedKey(keys.ip), 1),
      this.perAccount.reward(boundedKey(keys.account), 1),
    ]);
  }
}

const pairKey = (keys: ThrottleKeys) => boundedKey(`${keys.account}|${keys.ip}`);

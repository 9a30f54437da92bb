import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface FloodLimits {
  ratePerSecond: number;
  burst: number;
  /** Refused frames tolerated after the first one, within `windowMs`, before the socket is closed. */
  strikes: number;
  windowMs: number;
}

export type FloodVerdict = { kind: 'allow' } | { kind: 'refuse'; retryAfterMs: number } | { kind: 'disconnect' };

/**
 * The per-user frame budget of this node: `burst` frames at once, refilled over burst/rate
 * seconds (a fixed window, so a steady `ratePerSecond` on average). A user who keeps
 * sending past it after being told is disconnected. Each node keeps its own budget.
 */
export class FloodGuard {
  private readonly limiter: RateLimiterMemory;
  private readonly strikes = new Map<string, number[]>();

  constructor(private readonly limits: FloodLimits) {
    this.limiter = new RateLimiterMemory({ points: limits.burst, duration: limits.burst / limits.ratePerSecond });
  }

  /** Counts a frame of this user (`weight` points, at most the burst); resolves in call order, so frames keep their order. */
  async check(userId: string, weight = 1, now = Date.now()): Promise<FloodVerdict> {
    try {
      await this.limiter.consume(userId, Math.min(Math.max(1, weight), this.limits.burst));
      return { kind: 'allow' };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return this.strike(userId, now) ? { kind: 'disconnect' } : { kind: 'refuse', retryAfterMs: rejection.msBeforeNext };
    }
  }

  /** Forgets the user's strikes when their last socket here closes. */
  forget(userId: string): void {
    this.strikes.delete(userId);
  }

  /** Records a refused frame; true when the user has gone on past the tolerated strikes. */
  private strike(userId: string, now: number): boolean {
    const recent = (this.strikes.get(userId) ?? []).filter((at) => now - at < this.limits.windowMs);
    recent.push(now);
    this.strikes.set(userId, recent);
    return recent.length > this.limits.strikes;
  }
}

/** The keys one login attempt counts against: the account tried and the client's address. */
export interface ThrottleKeys {
  account: string;
  ip: string;
}

/** Counts failed logins per account and per address, shared by every node. */
export interface LoginThrottle {
  /** Seconds until another attempt is allowed, or null when none of the keys is blocked. */
  retryAfter(keys: ThrottleKeys): Promise<number | null>;
  /** Counts one failure against both keys; returns the seconds to wait if that used up an allowance. */
  recordFailure(keys: ThrottleKeys): Promise<number | null>;
  /** Forgets the account's failures after a successful login (the address keeps its count). */
  reset(keys: ThrottleKeys): Promise<void>;
}

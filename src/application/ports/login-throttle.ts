/** The keys one login attempt counts against. */
export interface ThrottleKeys {
  /** The account the login names (its id), or the lower-cased login itself when it names none. */
  account: string;
  /** The client's address. */
  ip: string;
}

/**
 * Counts login attempts per (account, address), per account and per address, shared by every
 * node. An attempt is counted before its password is checked, so a parallel burst cannot have
 * more passwords checked than the allowances; a right password hands its attempt back.
 */
export interface LoginThrottle {
  /**
   * Takes one attempt. Returns null when the password may be checked, or the seconds to wait:
   * when the (account, address) pair or the address has used its allowance, or when the
   * account has used its ceiling and this address has failed lately (a clean address is let
   * through, so guessers spread over many addresses cannot lock the owner out).
   */
  begin(keys: ThrottleKeys): Promise<number | null>;
  /** The password was right: hands the attempt back to every count (the failures before it stay). */
  succeeded(keys: ThrottleKeys): Promise<void>;
}

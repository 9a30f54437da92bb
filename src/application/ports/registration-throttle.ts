/** Counts sign-ups per client address, shared by every node: each one costs a full bcrypt hash. */
export interface RegistrationThrottle {
  /** Takes one sign-up for the address before its password is hashed; returns null when allowed, or the seconds to wait. */
  take(ip: string): Promise<number | null>;
}

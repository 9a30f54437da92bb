/** One-way password hashing with a deliberately slow, salted algorithm. */
export interface PasswordHasher {
  /** Hashes a password for storage. */
  hash(password: string): Promise<string>;
  /** Whether the password matches the stored hash. */
  verify(password: string, hash: string): Promise<boolean>;
  /** Spends the time of a real verification without a user, so a missing account cannot be told apart by timing. */
  verifyAgainstDummy(password: string): Promise<false>;
}

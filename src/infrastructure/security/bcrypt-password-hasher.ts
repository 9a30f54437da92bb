import bcrypt from 'bcryptjs';
import type { PasswordHasher } from '../../application/ports/password-hasher';

/** bcryptjs with a configurable cost (12+ in production, 4 in tests to keep them fast). */
export class BcryptPasswordHasher implements PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly cost: number) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  async verifyAgainstDummy(password: string): Promise<false> {
    // Same cost as real hashes, so the comparison takes as long as one against a real account.
    this.dummyHash ??= bcrypt.hash('parley-dummy-password', this.cost);
    await bcrypt.compare(password, await this.dummyHash);
    return false;
  }
}

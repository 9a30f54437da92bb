import { availableParallelism } from 'node:os';
import Piscina from 'piscina';
import type { PasswordHasher } from '../../application/ports/password-hasher';
import { workerScript } from '../workers/worker-script';
import type { CompareTask, HashTask } from './bcrypt-worker';

/**
 * bcryptjs with a configurable cost (12+ in production, 4 in tests to keep them fast), run on a
 * pool of worker threads: one cost-12 hash is a quarter of a second of CPU, which on the event
 * loop would stall every socket, request and Kafka heartbeat of the node meanwhile.
 */
export class BcryptPasswordHasher implements PasswordHasher {
  private readonly pool: Piscina<HashTask | CompareTask, string | boolean>;
  private dummyHash: Promise<string> | undefined;

  /** `threads`: at most this many hashes at once; by default all cores but one, which stays the event loop's. */
  constructor(
    private readonly cost: number,
    options: { threads?: number } = {},
  ) {
    this.pool = new Piscina({
      filename: workerScript(__dirname, 'bcrypt-worker'),
      maxThreads: options.threads ?? Math.max(1, availableParallelism() - 1),
      // Threads start with the first hash and leave after a minute without one.
      minThreads: 0,
      idleTimeout: 60_000,
    });
  }

  hash(password: string): Promise<string> {
    return this.pool.run({ password, cost: this.cost }, { name: 'hash' }) as Promise<string>;
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.pool.run({ password, hash }, { name: 'compare' }) as Promise<boolean>;
  }

  async verifyAgainstDummy(password: string): Promise<false> {
    // Same cost as real hashes, so the comparison takes as long as one against a real account.
    this.dummyHash ??= this.hash('parley-dummy-password');
    await this.verify(password, await this.dummyHash);
    return false;
  }

  /** Lets the hashes under way finish, then stops the threads. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

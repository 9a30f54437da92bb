import bcrypt from 'bcryptjs';

/**
 * What the password hasher's worker threads run (loaded by piscina on each thread, by name).
 * A thread has nothing else to do, so the synchronous bcryptjs calls are used: no chunking
 * through the thread's own event loop. Imports nothing of ours: this file is also run
 * transpiled on its own (see worker-script.ts).
 */
export interface HashTask {
  password: string;
  cost: number;
}

export interface CompareTask {
  password: string;
  hash: string;
}

export function hash({ password, cost }: HashTask): string {
  return bcrypt.hashSync(password, cost);
}

export function compare({ password, hash: stored }: CompareTask): boolean {
  return bcrypt.compareSync(password, stored);
}

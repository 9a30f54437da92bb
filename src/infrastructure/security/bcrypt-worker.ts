import bcrypt from 'bcryptjs';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

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

/**
 * Hashing yields the CPU to everything else on the box: the node's event loop, Kafka and
 * Postgres. On two cores a burst of cost-12 hashes on threads of equal priority took a core
 * from message delivery for seconds; at nice 10 the scheduler hands a waking event loop the core
 * sooner (measured: message p50 halved during a burst; p99 unchanged), and on an idle box the
 * hash still gets the whole core. Linux threads are tasks of their own,
 * so this lowers this thread only; elsewhere (no /proc/thread-self) threads keep the default.
 */
const HASHING_NICENESS = 10;

function yieldToTheEventLoops(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, HASHING_NICENESS);
  } catch {
    // Not Linux, or not allowed: the hashes run at the node's priority, as before.
  }
}
yieldToTheEventLoops();

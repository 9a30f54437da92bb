import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LoadReply, LoadRequest, LoadResults } from './protocol';

/** The bench's handle on one forked load process: requests go out, replies come back by id. */
export class LoadGenerator {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  private readonly exited: Promise<number | string>;

  private constructor(readonly index: number, private readonly child: ChildProcess) {
    child.on('message', (reply: LoadReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`load process ${index}: ${reply.error}`));
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 1)));
    void this.exited.then((code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load process ${index} exited (${code})`));
      this.pending.clear();
    });
  }

  static start(index: number, runTag: string): LoadGenerator {
    const script = path.join(__dirname, 'load-process.js');
    // A generous heap: 10,000 client sockets and their per-conversation counts live here.
    const child = fork(script, [runTag, String(index)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=2048'] });
    return new LoadGenerator(index, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<T extends LoadRequest['type']>(request: Extract<LoadRequest, { type: T }>): Promise<LoadResults[T]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (result) => resolve(result as LoadResults[T]), reject });
      this.child.send({ ...request, id });
    });
  }

  /** Closes the IPC channel (the process exits on it), killing it if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

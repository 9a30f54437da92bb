import type { LastSeenStore } from '../ports/last-seen-store';

/**
 * Keeps last-seen times beyond the nodes' memory without a write per presence change: the node
 * where a user's last socket closed notes the time, and the notes go to storage together, one
 * write every `flushMs` at most (and at a graceful stop). A node killed loses its notes of the
 * last interval; the other nodes still know those times while they run.
 */
export class LastSeenRecorder {
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<LastSeenStore, 'record'>,
    private readonly options: { flushMs: number; onError(error: unknown): void },
  ) {}

  /** The user's last socket on this node closed at `at`. */
  seen(userId: string, at: Date): void {
    const known = this.pending.get(userId);
    if (!known || known < at) this.pending.set(userId, at);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushMs);
  }

  /** Writes what is noted (after any write still running); a failed write keeps its notes for the next. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.store.record(batch);
      } catch (error) {
        for (const [userId, at] of batch) this.seen(userId, at);
        this.options.onError(error);
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}

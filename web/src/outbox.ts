import type { Conversation, PendingMessage } from './conversation';

/** A person never comes near it; a paste of many lines or a retry of a backlog is spread out instead of flooding. */
const BURST = 10;
const PER_SECOND = 5;

export interface OutboxEntry {
  conversation: Conversation;
  pending: PendingMessage;
}

/**
 * My sends in order, paced below the gateway's per-user flood limit (a client that goes on after
 * `rate_limited` is disconnected), and held while the server asked to wait or no socket is open.
 */
export class Outbox {
  private queue: OutboxEntry[] = [];
  private tokens = BURST;
  private refilledAt = Date.now();
  private pausedUntil = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `write` answers 'sent', 'closed' (keep it for the next socket) or 'dropped' (nothing left to send). */
  constructor(private readonly write: (entry: OutboxEntry) => 'sent' | 'closed' | 'dropped') {}

  /** In the order the person wrote them, also when refused ones come back for another try. */
  enqueue(entry: OutboxEntry): void {
    if (!this.queue.some((queued) => queued.pending === entry.pending)) {
      const after = this.queue.findIndex((queued) => queued.pending.order > entry.pending.order);
      this.queue.splice(after === -1 ? this.queue.length : after, 0, entry);
    }
    this.pump();
  }

  /** The server said `rate_limited`: nothing more until it said to retry. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    this.schedule(ms);
  }

  clear(): void {
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  pump(): void {
    const now = Date.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.refilledAt) / 1_000) * PER_SECOND);
    this.refilledAt = now;
    if (now < this.pausedUntil) return this.schedule(this.pausedUntil - now);
    while (this.queue.length > 0 && this.tokens >= 1) {
      const outcome = this.write(this.queue[0]!);
      if (outcome === 'closed') return;
      this.queue.shift();
      if (outcome === 'sent') this.tokens -= 1;
    }
    if (this.queue.length > 0) this.schedule(((1 - this.tokens) / PER_SECOND) * 1_000);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(10, ms));
  }
}

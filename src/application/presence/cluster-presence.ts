import { PresenceBook, type PresenceChange, type PresenceRules, type PresenceStatus } from '../../domain/presence';
import type { LastSeenStore } from '../ports/last-seen-store';
import type { Signal, SignalListener } from '../ports/signal-publisher';

/** Told of every announced presence change, on every node (the WebSocket gateway). */
export interface PresenceWatcher {
  presenceChanged(change: PresenceChange): void;
}

/** How often lapsed nodes and ended grace periods are looked for: the announcements' granularity. */
const ADVANCE_EVERY_MS = 250;

/**
 * This node's view of who is online anywhere, built only from the presence signals every
 * node publishes (Kafka): no database read or write. It answers `watch` snapshots and
 * GET /api/users/{id}, and tells its watcher of each change once the rules announce it.
 */
export class ClusterPresence implements SignalListener {
  private readonly book: PresenceBook;
  private readonly watchers: PresenceWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    rules: PresenceRules,
    /** Where last-seen times outlive the nodes' memory; `onError`: a failed read (memory answers alone). */
    private readonly stored: { lastSeen?: Pick<LastSeenStore, 'find'>; onError?(error: unknown): void } = {},
    private readonly clock: () => number = Date.now,
  ) {
    this.book = new PresenceBook(rules);
  }

  watch(watcher: PresenceWatcher): void {
    this.watchers.push(watcher);
  }

  status(userId: string): PresenceStatus {
    return this.book.status(userId);
  }

  /**
   * The statuses of several users: from memory, with the last-seen times memory lacks (no node
   * running saw the user) read from storage in one read. Storage down: memory answers alone.
   */
  async lookup(userIds: readonly string[]): Promise<Map<string, PresenceStatus>> {
    const unknown = (userId: string) => {
      const status = this.book.status(userId);
      return !status.online && status.lastSeenAt === null;
    };
    let stored = new Map<string, Date>();
    const missing = userIds.filter(unknown);
    if (missing.length > 0 && this.stored.lastSeen) {
      try {
        stored = await this.stored.lastSeen.find(missing);
      } catch (error) {
        this.stored.onError?.(error);
      }
    }
    // Memory is asked again: what changed during the read wins over what was stored.
    return new Map(userIds.map((userId) => [userId, unknown(userId) ? { online: false, lastSeenAt: stored.get(userId) ?? null } : this.book.status(userId)]));
  }

  onSignal(signal: Signal): void {
    const now = this.clock();
    switch (signal.type) {
      case 'presence.changed':
        return this.tell(
          signal.online
            ? this.book.online(signal.userId, signal.nodeId, signal.at.getTime(), now)
            : this.book.offline(signal.userId, signal.nodeId, signal.at.getTime(), now),
        );
      case 'presence.heartbeat':
        return this.tell(signal.userIds.flatMap((userId) => this.book.online(userId, signal.nodeId, signal.at.getTime(), now)));
      case 'presence.node-stopped':
        return this.tell(this.book.nodeStopped(signal.nodeId, signal.at.getTime(), now));
      case 'typing':
        return;
    }
  }

  start(): void {
    this.timer ??= setInterval(() => this.tell(this.book.advance(this.clock())), ADVANCE_EVERY_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tell(changes: PresenceChange[]): void {
    for (const change of changes) for (const watcher of this.watchers) watcher.presenceChanged(change);
  }
}

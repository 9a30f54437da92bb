/**
 * Presence: a user is online while at least one of their sockets is open on any node. Going
 * offline is announced only after a grace period, so a reconnect (to the same node or another)
 * never shows as offline-then-online. Pure: every method is told the time.
 */
export interface PresenceStatus {
  online: boolean;
  /** When the user was last online; null while online, or when no node has seen them since it started. */
  lastSeenAt: Date | null;
}

/** A status change that watchers must be told about. */
export interface PresenceChange extends PresenceStatus {
  userId: string;
}

export interface PresenceRules {
  /** How long a user must stay offline everywhere before it is announced. */
  graceMs: number;
  /** How long a node's word that a user is online holds without being repeated (its heartbeat). */
  ttlMs: number;
}

interface UserPresence {
  /** Node → until when that node's word holds, and when it was last given. */
  nodes: Map<string, { until: number; saidAt: number }>;
  announcedOnline: boolean;
  /** Offline everywhere since then, not yet announced. */
  offlineSince: number | null;
  lastSeenAt: number | null;
}

/** The cluster's presence as one node knows it, from what every node says about its own sockets. */
export class PresenceBook {
  private readonly users = new Map<string, UserPresence>();
  /** Users online somewhere or within their grace: the only ones time can change, so advance() looks at them alone. */
  private readonly active = new Set<string>();

  constructor(private readonly rules: PresenceRules) {}

  /** The node says the user has a socket there (a change or a heartbeat made at `saidAt`). */
  online(userId: string, nodeId: string, saidAt: number, now: number): PresenceChange[] {
    const user = this.entry(userId);
    const said = Math.min(saidAt, now);
    const known = user.nodes.get(nodeId);
    if (known && known.saidAt > said) return [];
    user.nodes.set(nodeId, { until: said + this.rules.ttlMs, saidAt: said });
    this.active.add(userId);
    return this.settle(userId, user, now, now);
  }

  /** The node says the user's last socket there closed. */
  offline(userId: string, nodeId: string, saidAt: number, now: number): PresenceChange[] {
    const user = this.users.get(userId);
    if (!user) return [];
    const known = user.nodes.get(nodeId);
    if (known && known.saidAt > Math.min(saidAt, now)) return [];
    user.nodes.delete(nodeId);
    return this.settle(userId, user, Math.min(saidAt, now), now);
  }

  /** The node stopped (gracefully): none of its users is online there any more. */
  nodeStopped(nodeId: string, saidAt: number, now: number): PresenceChange[] {
    return [...this.users.keys()].flatMap((userId) => (this.users.get(userId)?.nodes.has(nodeId) ? this.offline(userId, nodeId, saidAt, now) : []));
  }

  /**
   * Time passes: a node's word that was not repeated within the TTL lapses (a dead node), and
   * offline periods past the grace are announced. Call it often (every few hundred ms).
   */
  advance(now: number): PresenceChange[] {
    const changes: PresenceChange[] = [];
    for (const userId of this.active) {
      const user = this.users.get(userId)!;
      let lapsed = false;
      let lastWord = 0;
      for (const [nodeId, word] of user.nodes) {
        if (word.until > now) continue;
        user.nodes.delete(nodeId);
        lapsed = true;
        lastWord = Math.max(lastWord, word.saidAt);
      }
      if (lapsed && user.nodes.size === 0 && user.offlineSince === null && user.announcedOnline) {
        // Last seen when its node last spoke; the grace runs from the lapse, as for a closed socket.
        user.offlineSince = now;
        user.lastSeenAt = lastWord;
      }
      if (user.offlineSince !== null && now - user.offlineSince >= this.rules.graceMs) {
        user.offlineSince = null;
        user.announcedOnline = false;
        changes.push(this.changeOf(userId, user));
      }
      if (user.announcedOnline || user.nodes.size > 0) continue;
      this.active.delete(userId);
      // Offline for good: only its last-seen time is kept (nothing at all when there is none).
      if (user.lastSeenAt === null) this.users.delete(userId);
    }
    return changes;
  }

  /** What watchers are told of the user now (the grace period still counts as online). */
  status(userId: string): PresenceStatus {
    const user = this.users.get(userId);
    if (!user) return { online: false, lastSeenAt: null };
    const { online, lastSeenAt } = this.changeOf(userId, user);
    return { online, lastSeenAt };
  }

  private settle(userId: string, user: UserPresence, offlineAt: number, now: number): PresenceChange[] {
    if (user.nodes.size > 0) {
      user.offlineSince = null;
      if (user.announcedOnline) return [];
      user.announcedOnline = true;
      return [this.changeOf(userId, user)];
    }
    if (user.announcedOnline && user.offlineSince === null) {
      user.offlineSince = now;
      user.lastSeenAt = offlineAt;
    }
    return [];
  }

  private changeOf(userId: string, user: UserPresence): PresenceChange {
    const online = user.announcedOnline;
    return { userId, online, lastSeenAt: online || user.lastSeenAt === null ? null : new Date(user.lastSeenAt) };
  }

  private entry(userId: string): UserPresence {
    let user = this.users.get(userId);
    if (!user) {
      user = { nodes: new Map(), announcedOnline: false, offlineSince: null, lastSeenAt: null };
      this.users.set(userId, user);
    }
    return user;
  }
}

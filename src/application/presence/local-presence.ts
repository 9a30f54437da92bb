import type { Signal, SignalPublisher } from '../ports/signal-publisher';

/** Users per heartbeat record: a record stays far below Kafka's 1 MiB limit however many are online. */
const HEARTBEAT_PART_SIZE = 2_000;

export interface LocalPresenceOptions {
  /** This node run's name in presence signals: unique per process, so a restarted node is a new one. */
  nodeId: string;
  /** How often the node repeats who is online here; well inside the TTL others hold its word for. */
  heartbeatMs: number;
  /** A signal that could not be sent (the next heartbeat repairs presence). */
  onError(error: unknown): void;
  /** Told when a user's last socket here closes, to keep the time beyond memory. */
  lastSeen?: { seen(userId: string, at: Date): void };
}

/**
 * The users with a socket open on this node, told to every node: a change when a user's first
 * socket opens or last one closes, and a heartbeat listing them all, so a node that starts
 * later learns them and a node that dies lets its users lapse.
 */
export class LocalPresence {
  private readonly online = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly signals: SignalPublisher,
    private readonly options: LocalPresenceOptions,
  ) {}

  /** A socket of the user opened here and the user had none here before. */
  arrived(userId: string): void {
    this.online.add(userId);
    this.send({ type: 'presence.changed', nodeId: this.options.nodeId, userId, online: true, at: new Date() });
  }

  /** The user's last socket here closed. */
  left(userId: string): void {
    if (!this.online.delete(userId)) return;
    const at = new Date();
    this.options.lastSeen?.seen(userId, at);
    this.send({ type: 'presence.changed', nodeId: this.options.nodeId, userId, online: false, at });
  }

  start(): void {
    this.timer ??= setInterval(() => this.heartbeat(), this.options.heartbeatMs);
  }

  /** Tells every node that nobody is online here any more (after the sockets closed). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.online.clear();
    await this.signals.publish({ type: 'presence.node-stopped', nodeId: this.options.nodeId, at: new Date() }).catch(this.options.onError);
  }

  private heartbeat(): void {
    const userIds = [...this.online];
    const at = new Date();
    for (let start = 0; start < userIds.length; start += HEARTBEAT_PART_SIZE) {
      this.send({ type: 'presence.heartbeat', nodeId: this.options.nodeId, userIds: userIds.slice(start, start + HEARTBEAT_PART_SIZE), at });
    }
  }

  private send(signal: Signal): void {
    this.signals.publish(signal).catch(this.options.onError);
  }
}

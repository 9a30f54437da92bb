import type { SessionAuthenticator } from '../../application/ports/session-authenticator';
import type { Logger } from '../../infrastructure/logging/logger';
import type { GatewaySocket } from './socket-state';

export interface SessionWatchOptions {
  /** Every socket's session is re-checked at least this often. */
  recheckMs: number;
  /** A send is let through on a verdict at most this old (shared by the session's sockets). */
  sendCheckMs: number;
}

/** How often the sweep looks for sockets due a re-check: a fraction of the re-check period. */
const SWEEP_FRACTION = 6;

/**
 * Keeps open sockets honest about their session. A logout, a re-login or a deactivation
 * closes sockets through a Kafka event; this is what still closes them when that event was
 * lost (a publish that failed, a node that slept through it): every socket's session is
 * re-checked periodically, all due sessions in one query, and before a send on a recent verdict.
 * A check that cannot be made (Postgres down) closes nothing: an outage must not log people out.
 */
export class SessionWatch {
  private readonly verdicts = new Map<string, { at: number; live: Promise<boolean> }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly authenticator: SessionAuthenticator,
    private readonly sockets: () => readonly GatewaySocket[],
    /** Ends a socket whose session is over (close 4001). */
    private readonly endSession: (socket: GatewaySocket) => void,
    private readonly logger: Logger,
    private readonly options: SessionWatchOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), Math.max(250, Math.floor(this.options.recheckMs / SWEEP_FRACTION)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Whether the socket's session may still send (the caller refuses the send and ends the socket when not). */
  async mayStillSend(socket: GatewaySocket): Promise<boolean> {
    const state = socket.getUserData();
    state.usedSinceCheck = true;
    const cached = this.verdicts.get(state.sessionId);
    if (cached && Date.now() - cached.at < this.options.sendCheckMs) return cached.live;
    return this.ask(state.sessionId, [state.sessionId]);
  }

  /** Re-checks every socket due, in one round trip, and ends those whose session is over. */
  async sweep(): Promise<void> {
    const now = Date.now();
    const due = this.sockets().filter((socket) => now - socket.getUserData().checkedAt >= this.options.recheckMs);
    this.forgetVerdictsBefore(now - this.options.sendCheckMs);
    if (due.length === 0) return;
    const ids = [...new Set(due.map((socket) => socket.getUserData().sessionId))];
    const used = [...new Set(due.filter((socket) => socket.getUserData().usedSinceCheck).map((socket) => socket.getUserData().sessionId))];
    let live: Set<string>;
    try {
      live = await this.authenticator.liveSessions(ids, used);
    } catch (error) {
      this.logger.warn({ err: error, sessions: ids.length }, 'session re-check failed; sockets kept until the next one');
      return;
    }
    for (const id of ids) this.verdicts.set(id, { at: now, live: Promise.resolve(live.has(id)) });
    for (const socket of due) {
      const state = socket.getUserData();
      if (state.closed) continue;
      state.checkedAt = now;
      state.usedSinceCheck = false;
      if (!live.has(state.sessionId)) this.endSession(socket);
    }
  }

  private ask(sessionId: string, used: string[]): Promise<boolean> {
    const live = this.authenticator.liveSessions([sessionId], used).then(
      (found) => found.has(sessionId),
      (error: unknown) => {
        this.logger.warn({ err: error }, 'session check before a send failed; the send goes on');
        this.verdicts.delete(sessionId);
        return true;
      },
    );
    this.verdicts.set(sessionId, { at: Date.now(), live });
    return live;
  }

  private forgetVerdictsBefore(cutoff: number): void {
    for (const [id, verdict] of this.verdicts) if (verdict.at < cutoff) this.verdicts.delete(id);
  }
}

import type { PresenceWatcher } from '../../application/presence/cluster-presence';
import type { Signal, SignalListener } from '../../application/ports/signal-publisher';
import type { ShareTyping } from '../../application/use-cases/share-typing';
import type { PresenceChange, PresenceStatus } from '../../domain/presence';
import { typingStillShown } from '../../domain/typing';
import type { ServerFrame } from './frames';
import { presenceFrame, type TypingFrame, type WatchFrame } from './signal-frames';
import type { GatewaySocket } from './socket-state';

export interface SocketSignalsDependencies {
  /** Who is online anywhere, as this node knows it. */
  presence: { lookup(userIds: readonly string[]): Promise<Map<string, PresenceStatus>> };
  shareTyping: ShareTyping;
  /** This node's open sockets of a user. */
  socketsOf(userId: string): readonly GatewaySocket[];
  write(socket: GatewaySocket, frame: ServerFrame): void;
}

/**
 * Presence and typing on this node's sockets: which socket watches whom (a `watch` replaces
 * the socket's set), presence changes written to the sockets watching, and typing signals
 * from any node written to the sockets of their recipients here.
 */
export class SocketSignals implements PresenceWatcher, SignalListener {
  /** Watched user → the sockets here that watch them. */
  private readonly watchers = new Map<string, Set<GatewaySocket>>();

  constructor(private readonly deps: SocketSignalsDependencies) {}

  /**
   * Replaces what the socket watches, then writes a snapshot of each watched user. Changes that
   * come while the snapshot is read are written as they come: the snapshot after them agrees.
   */
  async watch(socket: GatewaySocket, frame: WatchFrame): Promise<void> {
    this.forget(socket);
    const users = new Set(frame.users);
    // uWS forbids touching a socket once closed: after the read, only the state captured now is asked.
    const state = socket.getUserData();
    state.watching = users;
    for (const userId of users) {
      const sockets = this.watchers.get(userId) ?? new Set<GatewaySocket>();
      sockets.add(socket);
      this.watchers.set(userId, sockets);
    }
    const statuses = await this.deps.presence.lookup([...users]);
    // A later watch replaced this one meanwhile: its own snapshot is what the client waits for.
    if (state.closed || state.watching !== users) return;
    for (const [userId, status] of statuses) this.deps.write(socket, presenceFrame(userId, status));
  }

  /** The socket closed (or watches something else now): it is told nothing more. */
  forget(socket: GatewaySocket): void {
    const state = socket.getUserData();
    for (const userId of state.watching) {
      const sockets = this.watchers.get(userId);
      sockets?.delete(socket);
      if (sockets?.size === 0) this.watchers.delete(userId);
    }
    state.watching = new Set();
  }

  /** Refused with not_found (thrown) when the user does not take part in the conversation. */
  typing(socket: GatewaySocket, frame: TypingFrame): Promise<void> {
    return this.deps.shareTyping.execute({ userId: socket.getUserData().user.id, conversationId: frame.conversationId });
  }

  presenceChanged(change: PresenceChange): void {
    const sockets = this.watchers.get(change.userId);
    if (!sockets) return;
    const frame = presenceFrame(change.userId, change);
    for (const socket of sockets) this.deps.write(socket, frame);
  }

  onSignal(signal: Signal): void {
    // A typing signal read late (a node catching up) would show someone typing who stopped long ago.
    if (signal.type !== 'typing' || !typingStillShown(signal.at.getTime(), Date.now())) return;
    const frame: ServerFrame = { type: 'typing', conversationId: signal.conversationId, userId: signal.userId };
    for (const userId of new Set(signal.recipients)) {
      for (const socket of this.deps.socketsOf(userId)) this.deps.write(socket, frame);
    }
  }
}

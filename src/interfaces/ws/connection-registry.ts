import type { GatewaySocket } from './socket-state';

/** This node's open sockets, found by user (deliveries, deactivation) and by session (logout). */
export class ConnectionRegistry {
  private readonly byUser = new Map<string, Set<GatewaySocket>>();
  private readonly bySession = new Map<string, Set<GatewaySocket>>();
  private count = 0;

  add(socket: GatewaySocket): void {
    const { user, sessionKey } = socket.getUserData();
    addTo(this.byUser, user.id, socket);
    addTo(this.bySession, sessionKey, socket);
    this.count += 1;
  }

  /** Returns whether that was the user's last socket on this node. */
  remove(socket: GatewaySocket): boolean {
    const { user, sessionKey } = socket.getUserData();
    const removed = removeFrom(this.byUser, user.id, socket);
    removeFrom(this.bySession, sessionKey, socket);
    if (removed) this.count -= 1;
    return !this.byUser.has(user.id);
  }

  ofUser(userId: string): readonly GatewaySocket[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  ofSession(sessionKey: string): readonly GatewaySocket[] {
    return [...(this.bySession.get(sessionKey) ?? [])];
  }

  all(): GatewaySocket[] {
    return [...this.byUser.values()].flatMap((sockets) => [...sockets]);
  }

  get size(): number {
    return this.count;
  }
}

function addTo(index: Map<string, Set<GatewaySocket>>, key: string, socket: GatewaySocket): void {
  const sockets = index.get(key) ?? new Set<GatewaySocket>();
  sockets.add(socket);
  index.set(key, sockets);
}

function removeFrom(index: Map<string, Set<GatewaySocket>>, key: string, socket: GatewaySocket): boolean {
  const sockets = index.get(key);
  if (!sockets?.delete(socket)) return false;
  if (sockets.size === 0) index.delete(key);
  return true;
}

import type { GatewaySocket } from './socket-state';

/** This node's open sockets, found by user (deliveries, deactivation) and by session (logout). */
export class ConnectionRegistry {
  private readonly byUser = new Map<string, Set<GatewaySocket>>();
  private readonly bySession = new Map<string, Set<GatewaySocket>>();

  add(socket: GatewaySocket): void {
    const { user, sessionKey } = socket.getUserData();
    addTo(this.byUser, user.id, socket);
    addTo(this.bySession, sessionKey, socket);
  }

  /** Returns whether that was the user's last socket on this node, or null when the socket was never added. */
  remove(socket: GatewaySocket): boolean | null {
    const { user, sessionKey } = socket.getUserData();
    if (!removeFrom(this.byUser, user.id, socket)) return null;
    removeFrom(this.bySession, sessionKey, socket);
    return !this.byUser.has(user.id);
  }

  ofUser(userId: string): readonly GatewaySocket[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  /** How many sockets the user has on this node, without copying them. */
  countOfUser(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  ofSession(sessionKey: string): readonly GatewaySocket[] {
    return [...(this.bySession.get(sessionKey) ?? [])];
  }

  all(): GatewaySocket[] {
    return [...this.byUser.values()].flatMap((sockets) => [...sockets]);
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

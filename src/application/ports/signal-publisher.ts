/**
 * Passing signals between the nodes: presence and typing. Unlike ChatEvents they are not
 * durable facts: a lost one is repaired by the next heartbeat (presence) or not worth
 * repairing (typing), so publishing is best effort and never blocks a caller for long.
 */
export type Signal =
  /** A user's first socket opened (online) or last socket closed (not online) on a node. */
  | { type: 'presence.changed'; nodeId: string; userId: string; online: boolean; at: Date }
  /** Every few seconds, a node lists the users with a socket there (in parts, when many). */
  | { type: 'presence.heartbeat'; nodeId: string; userIds: string[]; at: Date }
  /** A node stopped gracefully: none of its users is online there any more. */
  | { type: 'presence.node-stopped'; nodeId: string; at: Date }
  /** `userId` is typing in the conversation; `recipients` are the others who may see it. */
  | { type: 'typing'; conversationId: string; userId: string; recipients: string[]; at: Date };

export interface SignalPublisher {
  /** Sends the signal to every node (this one included); resolves once sent, rejects when it could not be. */
  publish(signal: Signal): Promise<void>;
}

/** What a node does with the signals every node publishes. */
export interface SignalListener {
  onSignal(signal: Signal): void;
}

/**
 * Told of every ended session and deactivated account, on every node, as the control topic
 * brings them: whatever a node remembers about sessions must forget them at once.
 */
export interface SessionEndListener {
  /** `sessionKey` is the SHA-256 of the session id. */
  sessionRevoked(sessionKey: string): void;
  userDeactivated(userId: string): void;
}

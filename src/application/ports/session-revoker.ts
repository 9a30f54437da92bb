/** Ends stored sessions from outside the request that owns them. */
export interface SessionRevoker {
  /** Deletes one session by its id; a missing session is not an error. */
  revoke(sessionId: string): Promise<void>;
  /** Deletes every session of the user; returns how many it ended. */
  revokeAllForUser(userId: string): Promise<number>;
}

/** When users were last online, kept beyond any node's memory (presence's `lastSeenAt`). */
export interface LastSeenStore {
  /** Records several users' last-seen times in one write; a recorded time never moves back. */
  record(seen: ReadonlyMap<string, Date>): Promise<void>;
  /** The recorded last-seen times of these users; those without one are absent. One read. */
  find(userIds: readonly string[]): Promise<Map<string, Date>>;
}

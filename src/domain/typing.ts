/**
 * "Someone is typing" is a passing signal: never stored, never replayed. Only the other
 * participants of the conversation see it, and a client says it at most every
 * TYPING_INTERVAL_MS while typing (hiding it after TYPING_SHOWN_MS without a new one).
 */
export const TYPING_INTERVAL_MS = 2_000;
export const TYPING_SHOWN_MS = 5_000;

/** Who is told that `typist` is typing: the conversation's participants but the typist. */
export function typingAudience(participants: readonly string[], typist: string): string[] {
  return [...new Set(participants)].filter((userId) => userId !== typist);
}

/** Whether a typing signal said at `saidAt` is still worth showing at `now` (a late one is dropped). */
export function typingStillShown(saidAt: number, now: number): boolean {
  return now - saidAt < TYPING_SHOWN_MS;
}

/**
 * Drops typing signals that come sooner than TYPING_INTERVAL_MS after the last one let through
 * for the same conversation (one per socket): a client that says it too often costs nothing.
 */
export class TypingGate {
  private readonly lastLetThrough = new Map<string, number>();

  /** True when the signal goes on; false when it is dropped. */
  letThrough(conversationId: string, now: number): boolean {
    const last = this.lastLetThrough.get(conversationId);
    if (last !== undefined && now - last < TYPING_INTERVAL_MS) return false;
    // Entries of conversations gone quiet are pruned as others come, so the map stays small.
    for (const [id, at] of this.lastLetThrough) if (now - at >= TYPING_INTERVAL_MS) this.lastLetThrough.delete(id);
    this.lastLetThrough.set(conversationId, now);
    return true;
  }
}

import type { ConversationId } from '../../domain/conversation';

interface Range {
  low: number;
  high: number;
}

/**
 * Which seqs one socket has, per conversation, so every message reaches it once and in
 * order although the fan-out is at-least-once. Live deliveries only move forward; a
 * resume fills the gap below them. What the socket has is kept as one range per
 * conversation: live deliveries arrive gap-free, and a resume makes the range start at 1.
 */
export class DeliveryCursor {
  private readonly ranges = new Map<ConversationId, Range>();

  /** Whether a live message should be written; records it when so. */
  acceptLive(conversationId: ConversationId, seq: number): boolean {
    const range = this.ranges.get(conversationId);
    if (!range) {
      this.ranges.set(conversationId, { low: seq, high: seq });
      return true;
    }
    if (seq <= range.high) return false;
    range.high = seq;
    return true;
  }

  /**
   * The client has every seq up to `since`; of the replayed ones (ascending), returns those
   * it still lacks, and records that it now has everything up to the last of them.
   */
  acceptReplay<T extends { seq: number }>(conversationId: ConversationId, since: number, replayed: readonly T[]): T[] {
    const range = this.ranges.get(conversationId);
    const missing = replayed.filter((message) => message.seq > since && !(range && message.seq >= range.low && message.seq <= range.high));
    const lastReplayed = replayed.at(-1)?.seq ?? 0;
    this.ranges.set(conversationId, { low: 1, high: Math.max(range?.high ?? 0, since, lastReplayed) });
    return missing;
  }
}

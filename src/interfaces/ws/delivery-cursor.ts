import type { ConversationId } from '../../domain/conversation';

interface Range {
  low: number;
  high: number;
}

/** What to do with a live message: write it, drop it (the socket has it) or fill the gap before it first. */
export type LiveVerdict = 'write' | 'seen' | 'gap';

/**
 * Which seqs one socket has, per conversation, so every message reaches it once and in
 * order although the fan-out is at-least-once. What the socket has is kept as one range per
 * conversation: live deliveries only move it forward one seq at a time, a jump is reported
 * as a gap (to be filled from storage first), and a resume makes the range start at 1.
 */
export class DeliveryCursor {
  private readonly ranges = new Map<ConversationId, Range>();

  /** Whether a live message should be written; records it when so. */
  acceptLive(conversationId: ConversationId, seq: number): LiveVerdict {
    const range = this.ranges.get(conversationId);
    if (!range) {
      this.ranges.set(conversationId, { low: seq, high: seq });
      return 'write';
    }
    if (seq <= range.high) return 'seen';
    if (seq > range.high + 1) return 'gap';
    range.high = seq;
    return 'write';
  }

  /** The highest seq the socket has of this conversation, or 0 when it has none. */
  lastSeq(conversationId: ConversationId): number {
    return this.ranges.get(conversationId)?.high ?? 0;
  }

  /** The socket was told to reload this conversation: it starts again from the next live message. */
  forget(conversationId: ConversationId): void {
    this.ranges.delete(conversationId);
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

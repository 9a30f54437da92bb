import type { ConversationReport } from './protocol';

interface ConversationTrack extends ConversationReport {
  highest: number;
  seen: Set<number>;
}

/**
 * What one socket received, per conversation: each seq once, in increasing order. A seq
 * seen before is a duplicate; a new seq below the highest one seen is out of order.
 */
export class DeliveryTracker {
  private readonly conversations = new Map<string, ConversationTrack>();

  /** Returns whether the message is new to this socket. */
  record(conversationId: string, seq: number): boolean {
    let track = this.conversations.get(conversationId);
    if (!track) {
      track = { received: 0, duplicates: 0, outOfOrder: 0, highest: 0, seen: new Set() };
      this.conversations.set(conversationId, track);
    }
    if (track.seen.has(seq)) {
      track.duplicates += 1;
      return false;
    }
    track.seen.add(seq);
    track.received += 1;
    if (seq < track.highest) track.outOfOrder += 1;
    else track.highest = seq;
    return true;
  }

  report(): Record<string, ConversationReport> {
    const report: Record<string, ConversationReport> = {};
    for (const [id, { received, duplicates, outOfOrder }] of this.conversations) report[id] = { received, duplicates, outOfOrder };
    return report;
  }
}

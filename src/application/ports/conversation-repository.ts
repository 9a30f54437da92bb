import type { ConversationId } from '../../domain/conversation';
import type { ConversationSummary } from '../../domain/conversation-summary';
import type { ReadState } from '../../domain/read-position';
import type { Page } from './page';

/** One conversation of my inbox as storage has it: the read rule (domain) turns `reading` into readSeq and unread. */
export type InboxEntry = Omit<ConversationSummary, 'readSeq' | 'unread'> & { reading: ReadState };

/** Conversations seen from one participant: the inbox and read positions. */
export interface ConversationRepository {
  /**
   * Every conversation the user takes part in (direct ones with at least one message, rooms
   * they are a member of), most recent activity first; `cursor` is a previous page's nextCursor.
   * Throws validation_failed for a cursor it did not make.
   */
  inboxOf(userId: string, query: { limit: number; cursor?: string }): Promise<Page<InboxEntry>>;
  /** The seq of the conversation's last stored message; null when it holds none yet. */
  lastSeq(conversationId: ConversationId): Promise<number | null>;
  /** Moves the user's read position up to `seq`, never down; returns the position stored afterwards. */
  advanceReadPosition(userId: string, conversationId: ConversationId, seq: number): Promise<number>;
}

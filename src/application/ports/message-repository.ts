import type { ConversationId } from '../../domain/conversation';
import type { Message, StoredMessage } from '../../domain/message';
import type { Page } from './page';


/** A message committed by `storeBatch`. */
export interface StoredDelivery {
  message: StoredMessage;
  /** False when an earlier attempt had already stored it (the batch was read again). */
  fresh: boolean;
}

/** Where stored messages live, each with its gap-free seq in its conversation. */
export interface MessageRepository {
  /**
   * Stores the accepted messages atomically, in the given order, assigning seqs; already stored
   * ones are returned as they are, (sender, clientMessageId) duplicates of another id are dropped.
   * A room message is stored under its `roomId` (the caller sets it).
   */
  storeBatch(messages: readonly Message[]): Promise<StoredDelivery[]>;
  /** The stored message, or null. */
  findById(id: string): Promise<StoredMessage | null>;
  /** The latest `limit` messages before seq `before` (or the latest of all), ascending; nextCursor is the `before` of the page before, null at the beginning. */
  history(conversationId: ConversationId, query: { before?: number; limit: number }): Promise<Page<StoredMessage, number>>;
  /** Up to `limit` messages with seq > `afterSeq`, ascending. */
  after(conversationId: ConversationId, afterSeq: number, limit: number): Promise<StoredMessage[]>;
}

import type { ConversationId } from '../../domain/conversation';
import type { StoredMessage } from '../../domain/message';

export interface ReadReceipt {
  conversationId: ConversationId;
  userId: string;
  seq: number;
}

/**
 * This node's own connections. The fan-out consumer calls it for every stored message
 * and every session change that Kafka brings; the WebSocket gateway implements it.
 */
export interface LocalDelivery {
  /**
   * Pushes the message to every open socket of these users on this node (in seq order, once
   * per socket). `storedAt`, when the store committed it, times the store-to-delivery step.
   */
  deliver(message: StoredMessage, recipients: readonly string[], storedAt?: Date): void;
  /** Closes the sockets opened with this session (logout). `sessionKey` is the SHA-256 of the session id. */
  closeSession(sessionKey: string): void;
  /** Closes every socket of this user (deactivation). */
  closeUser(userId: string): void;
  /** Tells these users' sockets on this node that `read.userId` read up to `read.seq`, except the connection `origin` that reported it. */
  deliverRead(read: ReadReceipt, recipients: readonly string[], origin?: string): void;
}

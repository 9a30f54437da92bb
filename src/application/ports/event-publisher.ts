import type { ConversationId } from '../../domain/conversation';
import type { Message, StoredMessage } from '../../domain/message';

/**
 * Everything the nodes tell each other. Kafka carries these events; the application
 * only knows their meaning. `message.stored` names its recipients so that a node can
 * deliver without reading the database again.
 */
export type ChatEvent =
  | { type: 'message.accepted'; message: Message }
  | { type: 'message.stored'; message: StoredMessage; recipients: string[]; storedAt: Date }
  | { type: 'session.revoked'; sessionKey: string; userId: string }
  | { type: 'user.deactivated'; userId: string }
  /** A read position moved: `recipients` are told (the reader's sockets but `origin`, and the other person of a direct conversation). */
  | { type: 'conversation.read'; conversationId: ConversationId; userId: string; seq: number; recipients: string[]; origin?: string };

/** Publishes events durably: a resolved promise means every in-sync replica has them. */
export interface EventPublisher {
  publish(event: ChatEvent): Promise<void>;
  /** Several events in one round trip, in order per key. */
  publishAll(events: ChatEvent[]): Promise<void>;
}

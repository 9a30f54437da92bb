import type { ConversationId } from '../../domain/conversation';
import type { Message, StoredMessage } from '../../domain/message';
import type { RoomMembersChange } from '../../domain/room';

/**
 * Every node resolves the members of a room itself, from a cache kept fresh by
 * `room.members.changed`: an event stays small whatever the size of the room.
 * `membersVersion`, on a room's message, is the room's membership version when it was stored:
 * a node delivers only with members at least that recent. `recipients` is only ever read, from
 * records written by versions before membership versions (it made a large room's event exceed
 * Kafka's record limit).
 */
export type StoredEvent = { type: 'message.stored'; message: StoredMessage; storedAt: Date; membersVersion?: number; recipients?: string[] };

/**
 * Everything the nodes tell each other. Kafka carries these events; the application
 * only knows their meaning.
 */
export type ChatEvent =
  | { type: 'message.accepted'; message: Message }
  | StoredEvent
  /** A room's membership changed (published after the change is in Postgres; caches of members follow it). */
  | ({ type: 'room.members.changed' } & RoomMembersChange)
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

import { roomNameOf } from '../../domain/conversation';
import type { Message } from '../../domain/message';
import type { EventPublisher, StoredEvent } from '../ports/event-publisher';
import type { MessageRepository, StoredDelivery } from '../ports/message-repository';
import type { RoomMemberships, RoomVersion } from '../ports/room-memberships';

/**
 * Stores a batch of accepted messages exactly once, then announces every one of them as
 * stored, including those a previous attempt had stored: a crash between the commit and
 * the announcement must not leave a message that no socket ever receives. A room's message
 * is announced with the room's membership version read before storing, so every node delivers
 * it to members at least as recent as those who could see it accepted, without naming them.
 */
export class StoreMessages {
  constructor(
    private readonly messages: MessageRepository,
    private readonly rooms: RoomMemberships,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(accepted: readonly Message[]): Promise<StoredDelivery[]> {
    const rooms = await this.roomsOf(accepted);
    const deliveries = await this.messages.storeBatch(accepted.map((message) => withRoomId(message, rooms)));
    const storedAt = new Date();
    await this.publisher.publishAll(
      deliveries.map(({ message }): StoredEvent => {
        const membersVersion = rooms.get(message.conversationId)?.membersVersion;
        return { type: 'message.stored', message, storedAt, ...(membersVersion === undefined ? {} : { membersVersion }) };
      }),
    );
    return deliveries;
  }

  /** One read for every room of the batch, by conversation id: by id, or by name for records accepted without one. */
  private async roomsOf(accepted: readonly Message[]): Promise<Map<string, RoomVersion>> {
    const ids = new Set<string>();
    const names = new Set<string>();
    for (const message of accepted) {
      const name = roomNameOf(message.conversationId);
      if (name === null) continue;
      if (message.roomId) ids.add(message.roomId);
      else names.add(name);
    }
    if (ids.size === 0 && names.size === 0) return new Map();
    const found = await this.rooms.versionsOf({ ids: [...ids], names: [...names] });
    return new Map(found.map((room) => [room.conversationId, room]));
  }
}

function withRoomId(message: Message, rooms: Map<string, RoomVersion>): Message {
  if (message.roomId || !('room' in message.to)) return message;
  const room = rooms.get(message.conversationId);
  return room ? { ...message, roomId: room.id } : message;
}

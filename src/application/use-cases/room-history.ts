import { roomConversationId } from '../../domain/conversation';
import type { StoredMessage } from '../../domain/message';
import { roomOfMember } from '../policies/conversation-access';
import type { MessageRepository } from '../ports/message-repository';
import type { Page } from '../ports/page';
import type { RoomRepository } from '../ports/room-repository';

/** A page of a room's messages, for members only. */
export class RoomHistory {
  constructor(
    private readonly messages: MessageRepository,
    private readonly rooms: RoomRepository,
  ) {}

  async execute(query: { userId: string; name: string; before?: number; limit: number }): Promise<Page<StoredMessage, number>> {
    const room = await roomOfMember(this.rooms, query.userId, query.name);
    return this.messages.history(roomConversationId(room.name), { before: query.before, limit: query.limit });
  }
}

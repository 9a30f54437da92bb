import { roomConversationId } from '../../domain/conversation';
import { notAMember, roomNotFound } from '../../domain/room';
import type { StoredMessage } from '../../domain/message';
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
    const room = await this.rooms.findByName(query.name);
    if (!room) throw roomNotFound();
    if (!(await this.rooms.isMember(room.id, query.userId))) throw notAMember();
    return this.messages.history(roomConversationId(room.name), { before: query.before, limit: query.limit });
  }
}

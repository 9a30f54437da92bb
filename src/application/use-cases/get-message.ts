import { directParticipants } from '../../domain/conversation';
import { notFound } from '../../domain/errors';
import type { StoredMessage } from '../../domain/message';
import type { MessageRepository } from '../ports/message-repository';
import type { RoomRepository } from '../ports/room-repository';

/** One stored message, for its participants only: to anyone else it does not exist. */
export class GetMessage {
  constructor(
    private readonly messages: MessageRepository,
    private readonly rooms: RoomRepository,
  ) {}

  async execute(query: { userId: string; messageId: string }): Promise<StoredMessage> {
    const message = await this.messages.findById(query.messageId);
    if (!message || !(await this.isParticipant(query.userId, message))) throw notFound('That message');
    return message;
  }

  private async isParticipant(userId: string, message: StoredMessage): Promise<boolean> {
    const participants = directParticipants(message.conversationId);
    if (participants) return participants.includes(userId);
    if (!('room' in message.to)) return false;
    const room = await this.rooms.findByName(message.to.room);
    return room !== null && (await this.rooms.isMember(room.id, userId));
  }
}

import { notFound } from '../../domain/errors';
import type { StoredMessage } from '../../domain/message';
import { takesPart } from '../policies/conversation-access';
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
    if (!message || !(await takesPart(this.rooms, query.userId, message.conversationId))) throw notFound('That message');
    return message;
  }
}

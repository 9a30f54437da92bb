import { checkReadSeq, conversationNotFound, parseConversationId, readReceiptRecipients } from '../../domain/read-position';
import { takesPart } from '../policies/conversation-access';
import type { ConversationRepository } from '../ports/conversation-repository';
import type { EventPublisher } from '../ports/event-publisher';
import type { RoomRepository } from '../ports/room-repository';

export interface MarkConversationReadCommand {
  userId: string;
  conversationId: string;
  seq: number;
  /** The connection that reported it (a WebSocket), which needs no echo; absent over HTTP. */
  origin?: string;
}

/**
 * I have read a conversation up to `seq`: the position is stored (never moving back), then
 * announced to my other devices and, in a direct conversation, to the other person. To anyone
 * outside the conversation it does not exist.
 */
export class MarkConversationRead {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly rooms: RoomRepository,
  ) {}

  /** The publisher is passed per call, as for SendMessage: HTTP hands over `req.publisher`, the gateway its own. */
  async execute(command: MarkConversationReadCommand, publisher: EventPublisher): Promise<void> {
    const conversation = parseConversationId(command.conversationId);
    if (!conversation || !(await takesPart(this.rooms, command.userId, conversation.id))) throw conversationNotFound();
    const lastSeq = await this.conversations.lastSeq(conversation.id);
    // A direct conversation without a message is nobody's yet; a room of mine may be empty.
    if (lastSeq === null && conversation.kind === 'direct') throw conversationNotFound();
    const seq = checkReadSeq(command.seq, lastSeq ?? 0);
    if (seq === 0) return;
    const stored = await this.conversations.advanceReadPosition(command.userId, conversation.id, seq);
    // A lower seq than the stored one changes nothing and tells nobody; the same one is told
    // again, so that a retry after a failed announcement still reaches the other devices.
    if (stored !== seq) return;
    await publisher.publish({
      type: 'conversation.read',
      conversationId: conversation.id,
      userId: command.userId,
      seq,
      recipients: readReceiptRecipients(command.userId, conversation),
      ...(command.origin === undefined ? {} : { origin: command.origin }),
    });
  }
}

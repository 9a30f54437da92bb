import type { ConversationId } from '../../domain/conversation';
import { notFound } from '../../domain/errors';
import { typingAudience } from '../../domain/typing';
import { takesPart } from '../policies/conversation-access';
import type { ConversationParticipants } from '../ports/conversation-participants';
import type { RoomRepository } from '../ports/room-repository';
import type { SignalPublisher } from '../ports/signal-publisher';

/**
 * "I am typing" (the WebSocket `typing` frame): told to the conversation's other participants
 * on every node. Someone who does not take part gets not_found, the same answer as for a
 * conversation that does not exist, so it never reveals one. Nothing is stored.
 */
export class ShareTyping {
  constructor(
    private readonly rooms: Pick<RoomRepository, 'findByName' | 'isMember'>,
    private readonly participants: ConversationParticipants,
    private readonly signals: SignalPublisher,
  ) {}

  async execute(command: { userId: string; conversationId: ConversationId }, now = new Date()): Promise<void> {
    if (!(await takesPart(this.rooms, command.userId, command.conversationId))) throw notFound('The conversation');
    const recipients = typingAudience(await this.participants.of(command.conversationId), command.userId);
    if (recipients.length === 0) return;
    await this.signals.publish({ type: 'typing', conversationId: command.conversationId, userId: command.userId, recipients, at: now });
  }
}

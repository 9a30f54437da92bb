import type { ConversationId } from '../../domain/conversation';
import { notFound } from '../../domain/errors';
import { typingAudience } from '../../domain/typing';
import type { ConversationParticipants } from '../ports/conversation-participants';
import type { SignalPublisher } from '../ports/signal-publisher';

/**
 * "I am typing" (the WebSocket `typing` frame): told to the conversation's other participants
 * on every node. Someone who does not take part gets not_found, the same answer as for a
 * conversation that does not exist, so it never reveals one. Nothing is stored, and the
 * participants come from this node's memory of room members: a signal this brief is not worth
 * a database read, and may reach a membership a moment old.
 */
export class ShareTyping {
  constructor(
    private readonly participants: ConversationParticipants,
    private readonly signals: SignalPublisher,
  ) {}

  async execute(command: { userId: string; conversationId: ConversationId }, now = new Date()): Promise<void> {
    let participants = await this.participants.of(command.conversationId);
    // Someone who joined a moment ago may not be in this node's memory yet: ask storage before refusing.
    if (!participants.includes(command.userId)) participants = await this.participants.of(command.conversationId, { fresh: true });
    if (!participants.includes(command.userId)) throw notFound('The conversation');
    const recipients = typingAudience(participants, command.userId);
    if (recipients.length === 0) return;
    await this.signals.publish({ type: 'typing', conversationId: command.conversationId, userId: command.userId, recipients, at: now });
  }
}

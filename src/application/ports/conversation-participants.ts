import type { ConversationId } from '../../domain/conversation';

/** Who takes part in a conversation, for signals that reach participants only. */
export interface ConversationParticipants {
  /**
   * Every participant's user id: the two people of a direct conversation, the members of a
   * room. Empty for a conversation that does not exist. A room's members may be a moment old
   * (held in memory) unless `fresh` asks for them as stored now.
   */
  of(conversationId: ConversationId, options?: { fresh?: boolean }): Promise<string[]>;
}

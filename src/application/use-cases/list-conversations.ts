import type { ConversationSummary } from '../../domain/conversation-summary';
import { readPosition } from '../../domain/read-position';
import type { ConversationRepository } from '../ports/conversation-repository';
import type { Page } from '../ports/page';

/** My inbox: the conversations I take part in, most recent activity first, each with what I have not read. */
export class ListConversations {
  constructor(private readonly conversations: ConversationRepository) {}

  async execute(query: { userId: string; limit: number; cursor?: string }): Promise<Page<ConversationSummary>> {
    const page = await this.conversations.inboxOf(query.userId, { limit: query.limit, cursor: query.cursor });
    return {
      items: page.items.map(({ reading, ...entry }) => ({ ...entry, ...readPosition(reading) })),
      nextCursor: page.nextCursor,
    };
  }
}

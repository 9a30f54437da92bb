import { directConversationId } from '../../domain/conversation';
import { notFound } from '../../domain/errors';
import type { StoredMessage } from '../../domain/message';
import type { MessageRepository } from '../ports/message-repository';
import type { Page } from '../ports/page';
import type { UserRepository } from '../ports/user-repository';

/** A page of my conversation with another user, newest page first, each page in seq order. */
export class DirectHistory {
  constructor(
    private readonly messages: MessageRepository,
    private readonly users: UserRepository,
  ) {}

  async execute(query: { userId: string; otherUserId: string; before?: number; limit: number }): Promise<Page<StoredMessage, number>> {
    if (!(await this.users.findById(query.otherUserId))) throw notFound('That user');
    return this.messages.history(directConversationId(query.userId, query.otherUserId), { before: query.before, limit: query.limit });
  }
}

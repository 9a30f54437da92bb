import type { Kysely } from 'kysely';
import type { MessageRepository, StoredDelivery } from '../../application/ports/message-repository';
import type { Page } from '../../application/ports/page';
import type { ConversationId } from '../../domain/conversation';
import type { Message, StoredMessage } from '../../domain/message';
import { storeMessageBatch } from './message-batch-store';
import { selectMessages, toStoredMessage } from './message-rows';
import type { Database } from './schema';

export class KyselyMessageRepository implements MessageRepository {
  constructor(private readonly db: Kysely<Database>) {}

  storeBatch(messages: readonly Message[]): Promise<StoredDelivery[]> {
    if (messages.length === 0) return Promise.resolve([]);
    return storeMessageBatch(this.db, messages);
  }

  async findById(id: string): Promise<StoredMessage | null> {
    const row = await selectMessages(this.db).where('m.id', '=', id).executeTakeFirst();
    return row ? toStoredMessage(row) : null;
  }

  async history(conversationId: ConversationId, query: { before?: number; limit: number }): Promise<Page<StoredMessage, number>> {
    let select = selectMessages(this.db).where('m.conversation_id', '=', conversationId);
    if (query.before !== undefined) select = select.where('m.seq', '<', String(query.before));
    const rows = await select.orderBy('m.seq', 'desc').limit(query.limit).execute();
    const items = rows.reverse().map(toStoredMessage);
    const first = items[0];
    // Seqs start at 1 without gaps, so a page starting above 1 has an earlier page.
    return { items, nextCursor: first && first.seq > 1 ? first.seq : null };
  }

  async after(conversationId: ConversationId, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    const rows = await selectMessages(this.db)
      .where('m.conversation_id', '=', conversationId)
      .where('m.seq', '>', String(afterSeq))
      .orderBy('m.seq', 'asc')
      .limit(limit)
      .execute();
    return rows.map(toStoredMessage);
  }
}

import type { ConversationId } from '../../domain/conversation';
import type { StoredMessage } from '../../domain/message';
import { takesPart } from '../policies/conversation-access';
import type { MessageRepository } from '../ports/message-repository';
import type { RoomRepository } from '../ports/room-repository';

export interface ReplayQuery {
  userId: string;
  /** The last seq the client has, per conversation. */
  since: Record<ConversationId, number>;
  /** More than this many missed messages in one conversation: the client should reload history instead. */
  max: number;
}

export type ReplayResult =
  | { conversationId: ConversationId; messages: StoredMessage[] }
  | { conversationId: ConversationId; error: 'resync_required' | 'not_found' };

/** What a reconnecting client missed (the WebSocket `resume` frame), conversation by conversation. */
export class ReplayMessages {
  constructor(
    private readonly messages: MessageRepository,
    private readonly rooms: RoomRepository,
  ) {}

  async execute(query: ReplayQuery): Promise<ReplayResult[]> {
    const results: ReplayResult[] = [];
    for (const [conversationId, lastSeq] of Object.entries(query.since)) {
      if (!(await takesPart(this.rooms, query.userId, conversationId))) {
        results.push({ conversationId, error: 'not_found' });
        continue;
      }
      // One more than allowed tells "too many" apart from "exactly max".
      const missed = await this.messages.after(conversationId, Math.max(0, Math.floor(lastSeq)), query.max + 1);
      results.push(missed.length > query.max ? { conversationId, error: 'resync_required' } : { conversationId, messages: missed });
    }
    return results;
  }
}
